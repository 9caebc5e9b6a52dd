"""The Order aggregate: pricing, totals, the status machine and its journals (no I/O)."""

from __future__ import annotations

import pytest

from write_side.contracts import events as ev
from write_side.domain.catalog import Material, Product
from write_side.domain.errors import (
    IllegalTransitionError,
    InvalidInputError,
    MixedCurrencyError,
    ProductNotAvailableError,
)
from write_side.domain.orders import Order

NOW = "2026-01-01T00:00:00+00:00"


def product(pid: str = "p1", price: int = 1000, currency: str = "EUR", status: str = "active") -> Product:
    return Product(
        pid,
        f"SKU-{pid.upper()}",
        "Thing",
        "",
        "cat",
        "brand",
        price,
        currency,
        1.0,
        (Material("wool", 0.5),),
        "PT",
        "paper",
        (),
        status,
    )


def placed(*items: tuple[Product, int], country: str = "NL", method: str = "standard") -> Order:
    return Order.place("o1", "c1", list(items), country, method, NOW)


def test_totals_include_shipping_and_the_destination_tax() -> None:
    order = placed((product("a", 1000), 2), (product("b", 250), 1))
    # 2 x 10.00 + 2.50 + 4.95 shipping = 27.45, Dutch VAT 21% included: 27.45 * 21 / 121 = 4.764 -> 4.76
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor, order.tax_minor) == (
        2250,
        495,
        2745,
        476,
    )
    assert order.status == "pending_payment" and order.version == 1
    assert isinstance(order.events[0], ev.OrderPlaced)
    assert order.events[0].lines[0].line_total_minor == 2000


def test_slow_green_shipping_is_free_above_the_threshold() -> None:
    assert placed((product(price=5000), 1), method="slow-green").shipping_minor == 0
    assert placed((product(price=4999), 1), method="slow-green").shipping_minor == 295


def test_lines_are_priced_at_order_time() -> None:
    p = product(price=1000)
    order = placed((p, 1))
    p.price_minor = 9999
    assert order.lines[0].unit_price_minor == 1000


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([(product("a"), 1), (product("a"), 2)], InvalidInputError),
        ([(product("a"), 1), (product("b", currency="GBP"), 1)], MixedCurrencyError),
        ([(product(status="draft"), 1)], ProductNotAvailableError),
        ([(product(), 0)], InvalidInputError),
        ([(product(), 1001)], InvalidInputError),
        ([], InvalidInputError),
    ],
)
def test_bad_orders_are_refused(items: list[tuple[Product, int]], error: type[Exception]) -> None:
    with pytest.raises(error):
        Order.place("o1", "c1", items, "NL", "standard", NOW)


def test_the_happy_path_and_stream_versions() -> None:
    order = placed((product(), 1), method="slow-green")
    order.pay("ref", NOW)
    order.ship(NOW)
    order.deliver(NOW)
    assert order.eco_points > 0  # slow-green earns points even when the wool saves nothing
    assert order.status == "delivered" and order.version == 5
    assert [type(e).__name__ for e in order.events] == [
        "OrderPlaced",
        "OrderPaid",
        "OrderShipped",
        "OrderDelivered",
        "EcoPointsEarned",
    ]


ILLEGAL = {
    "pending_payment": ["ship", "deliver", "refund"],
    "paid": ["pay", "cancel", "deliver"],
    "shipped": ["pay", "cancel", "ship"],
    "delivered": ["pay", "cancel", "ship", "deliver"],
    "cancelled": ["pay", "cancel", "ship", "deliver", "refund"],
    "refunded": ["pay", "cancel", "ship", "deliver", "refund"],
}


def _order_in(status: str) -> Order:
    order = placed((product(), 1))
    path = {
        "paid": ["pay"],
        "shipped": ["pay", "ship"],
        "delivered": ["pay", "ship", "deliver"],
        "cancelled": ["cancel"],
        "refunded": ["pay", "refund"],
    }.get(status, [])
    for action in path:
        _act(order, action)
    assert order.status == status
    return order


def _act(order: Order, action: str) -> None:
    if action == "pay":
        order.pay("ref", NOW)
    elif action == "refund":
        order.refund(None, "r", NOW)
    elif action == "cancel":
        order.cancel("r", NOW)
    else:
        getattr(order, action)(NOW)


@pytest.mark.parametrize(("status", "action"), [(s, a) for s, acts in ILLEGAL.items() for a in acts])
def test_every_illegal_transition_is_refused(status: str, action: str) -> None:
    order = _order_in(status)
    version = order.version
    with pytest.raises(IllegalTransitionError, match=f"it is {status}"):
        _act(order, action)
    assert order.status == status and order.version == version


def test_payment_failure_cancels() -> None:
    order = placed((product(), 1))
    order.fail_payment("card_declined", NOW)
    assert order.status == "cancelled"
    assert [type(e).__name__ for e in order.events][-2:] == ["OrderPaymentFailed", "OrderCancelled"]


def test_partial_refunds_add_up_and_are_bounded() -> None:
    order = _order_in("delivered")
    assert order.refund(100, "r", NOW) == 100 and order.status == "delivered"
    with pytest.raises(InvalidInputError, match="between 1 and"):
        order.refund(order.total_minor, "r", NOW)
    order.refund(None, "r", NOW)
    assert order.status == "refunded" and order.refunded_minor == order.total_minor


def test_every_journal_balances() -> None:
    order = _order_in("delivered")
    order.refund(333, "r", NOW)
    for journal in order.journal:
        assert sum(e.amount_minor for e in journal.entries) == 0
