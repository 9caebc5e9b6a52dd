"""Product validation and versioning; stock rules (no I/O)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from write_side.domain.catalog import Material, Product
from write_side.domain.errors import (
    ConflictError,
    InvalidInputError,
    OutOfStockError,
    UnknownCountryError,
    UnknownCurrencyError,
    VersionMismatchError,
)
from write_side.domain.inventory import StockItem
from write_side.domain.reference import included_tax_minor


def make(**overrides: object) -> Product:
    values: dict[str, object] = {
        "sku": "ABC-1",
        "name": "Cork mat",
        "description": "",
        "category": "home",
        "brand": "B",
        "price_minor": 1999,
        "currency": "EUR",
        "weight_kg": 1.0,
        "materials": (Material("cork", 0.9),),
        "origin_country": "PT",
        "packaging": "none",
        "certifications": ("FSC",),
        "status": "active",
    }
    values.update(overrides)
    return Product.create("p1", **values)


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"currency": "EUX"}, UnknownCurrencyError, "currency"),
        ({"origin_country": "XX"}, UnknownCountryError, "origin_country"),
        ({"sku": "a b"}, InvalidInputError, "sku"),
        ({"materials": ()}, InvalidInputError, "materials"),
        ({"materials": (Material("cork", 2.0),)}, InvalidInputError, "more than weight_kg"),
        ({"materials": (Material("cork", 0.1), Material("cork", 0.1))}, InvalidInputError, "repeat"),
        ({"price_minor": 0}, InvalidInputError, "price_minor"),
        ({"certifications": ("FSC", "FSC")}, InvalidInputError, "certifications"),
    ],
)
def test_invalid_products_name_the_field(
    change: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error, match=field):
        make(**change)


def test_update_bumps_the_version_once_and_records_changed_fields() -> None:
    product = make()
    product.update(1, {"price_minor": 2499, "name": "Cork mat"})
    assert product.version == 2 and product.price_minor == 2499
    assert product.events[-1].changed_fields == ["price_minor"]  # type: ignore[attr-defined]
    with pytest.raises(VersionMismatchError, match="at version 2, not 1"):
        product.update(1, {"price_minor": 1})
    product.update(2, {"name": "Cork mat"})  # no change, no event
    assert product.version == 2 and len(product.events) == 2


def test_an_invalid_update_changes_nothing() -> None:
    product = make()
    with pytest.raises(InvalidInputError):
        product.update(1, {"price_minor": 5, "weight_kg": 0.1})
    assert product.price_minor == 1999 and product.version == 1


def test_stock_rules() -> None:
    item = StockItem("p1")
    item.adjust(5)
    item.reserve(3, "o1")
    with pytest.raises(OutOfStockError, match="only 2"):
        item.reserve(3, "o2")
    with pytest.raises(ConflictError, match="reserved by open orders"):
        item.adjust(-3)
    item.ship(3, "o1")
    assert (item.on_hand, item.reserved, item.version) == (2, 0, 3)


@given(
    st.lists(
        st.tuples(st.sampled_from(["adjust", "reserve", "release", "ship"]), st.integers(-20, 20)),
        max_size=60,
    )
)
def test_stock_never_goes_negative_whatever_happens(ops: list[tuple[str, int]]) -> None:
    item = StockItem("p1")
    for op, n in ops:
        try:
            if op == "adjust":
                item.adjust(n)
            elif n > 0:
                getattr(item, op)(n, "o")
        except (ConflictError, InvalidInputError):
            pass
        assert 0 <= item.reserved <= item.on_hand


@pytest.mark.parametrize(
    ("gross", "rate", "tax"),
    [
        (12100, 2100, 2100),  # 121.00 incl. 21% -> 21.00
        (1000, 1900, 160),  # 10.00 * 19/119 = 1.5966 -> 1.60
        (1, 2000, 0),
        (0, 2000, 0),
        (5000, 0, 0),
    ],
)
def test_included_tax(gross: int, rate: int, tax: int) -> None:
    assert included_tax_minor(gross, rate) == tax


@given(st.integers(0, 10**9), st.integers(0, 5000))
def test_included_tax_is_within_half_a_cent(gross: int, rate: int) -> None:
    exact = gross * rate / (10_000 + rate)
    assert abs(included_tax_minor(gross, rate) - exact) <= 0.5
