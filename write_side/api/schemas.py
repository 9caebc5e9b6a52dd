"""Request bodies of the command API (snake_case on the wire, as the v1 contract names them).

Shapes and bounds are checked here by msgspec (400 on a wrong type or range);
business rules are checked by the domain (422, 409, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from analytics.factor_tables import load_factors
from write_side.domain.catalog import SKU_PATTERN
from write_side.domain.customers import EMAIL_PATTERN
from write_side.domain.reference import COUNTRIES, CURRENCY_EXPONENT, TAX_RATE_BP

# PostgreSQL text cannot hold NUL, so no text may.
NO_NUL = r"^[^\x00]*$"
# Characters str.strip() removes, and control characters: a text must hold something else (and no NUL).
_BLANK = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^{_BLANK}][^\x00]*$"


def _one_of(values: Iterable[str]) -> dict[str, list[str]]:
    """An ``enum`` for the document only: the domain checks these values and names the field (422)."""
    return {"enum": sorted(values)}


# What the footprint calculator can rate, in the factor version new products use (read at start).
_FACTORS = load_factors()

Text80 = Annotated[str, Meta(min_length=1, max_length=80, pattern=NOT_BLANK)]
Text200 = Annotated[str, Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Brand = Annotated[str, Meta(min_length=1, max_length=120, pattern=NOT_BLANK)]
Sku = Annotated[str, Meta(pattern=SKU_PATTERN, description="3-40 characters of A-Z, 0-9 and '-'")]
Currency = Annotated[
    str,
    Meta(
        pattern="^[A-Z]{3}$",
        description="ISO 4217 code, e.g. EUR",
        extra_json_schema=_one_of(CURRENCY_EXPONENT),
    ),
]
Country = Annotated[
    str,
    Meta(
        pattern="^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code, e.g. NL",
        extra_json_schema=_one_of(COUNTRIES),
    ),
]
OriginCountry = Annotated[
    str,
    Meta(
        pattern="^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of a country with a grid intensity and a route to the warehouse",
        extra_json_schema=_one_of(set(_FACTORS.grid) & set(_FACTORS.routes)),
    ),
]
ShippingCountry = Annotated[
    str,
    Meta(
        pattern="^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of a country we ship to",
        extra_json_schema=_one_of(set(TAX_RATE_BP) & set(_FACTORS.routes)),
    ),
]
Material = Annotated[
    str, Meta(min_length=1, max_length=60, pattern=NOT_BLANK, extra_json_schema=_one_of(_FACTORS.materials))
]
Packaging = Annotated[
    str, Meta(min_length=1, max_length=80, pattern=NOT_BLANK, extra_json_schema=_one_of(_FACTORS.packaging))
]
Certification = Annotated[str, Meta(min_length=1, max_length=60, pattern=NO_NUL)]
Description = Annotated[str, Meta(max_length=10_000, pattern=NO_NUL)]
Reason = Annotated[str, Meta(min_length=1, max_length=500, pattern=NO_NUL)]
Certifications = Annotated[list[Certification], Meta(max_length=20, extra_json_schema={"uniqueItems": True})]
Email = Annotated[str, Meta(min_length=6, max_length=254, pattern=EMAIL_PATTERN, description="email address")]
PriceMinor = Annotated[int, Meta(ge=1, le=100_000_000, description="price in minor units (cents)")]
# At least a milligram: the footprint rounds masses to 6 decimals, and a mass that rounds to 0 is refused.
WeightKg = Annotated[float, Meta(ge=0.000001, le=1000)]
Uuid = Annotated[
    str,
    Meta(
        pattern="^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        extra_json_schema={"format": "uuid"},
    ),
]


class Base(msgspec.Struct, forbid_unknown_fields=True):
    """Unknown fields are rejected, so typos do not pass silently."""


class MaterialIn(Base):
    material: Material
    kg: WeightKg


class ProductCreate(Base):
    sku: Sku
    name: Text200
    category: Text80
    brand: Brand
    price_minor: PriceMinor
    currency: Currency
    weight_kg: WeightKg
    materials: Annotated[list[MaterialIn], Meta(min_length=1, max_length=50)]
    origin_country: OriginCountry
    packaging: Packaging
    description: Description = ""
    certifications: Certifications = []
    status: Literal["draft", "active", "retired"] = "draft"
    initial_stock: Annotated[int, Meta(ge=0, le=10_000_000)] = 0


class ProductUpdate(Base):
    """Only the fields given change; ``sku`` is fixed."""

    name: Text200 | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    category: Text80 | UnsetType = UNSET
    brand: Brand | UnsetType = UNSET
    price_minor: PriceMinor | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    weight_kg: WeightKg | UnsetType = UNSET
    materials: Annotated[list[MaterialIn], Meta(min_length=1, max_length=50)] | UnsetType = UNSET
    origin_country: OriginCountry | UnsetType = UNSET
    packaging: Packaging | UnsetType = UNSET
    certifications: Certifications | UnsetType = UNSET
    status: Literal["draft", "active", "retired"] | UnsetType = UNSET


class StockAdjustment(Base):
    delta: Annotated[
        int,
        Meta(
            ge=-10_000_000,
            le=10_000_000,
            description="units received (+) or written off (-); never zero",
            # For the document: the domain refuses a zero adjustment and names the field (422).
            extra_json_schema={"not": {"const": 0}},
        ),
    ]
    note: Annotated[str, Meta(max_length=500, pattern=NO_NUL)] | None = None


class CustomerCreate(Base):
    email: Email
    display_name: Text80
    country: Country
    id: Uuid | None = None


class OrderLineIn(Base):
    product_id: Uuid
    quantity: Annotated[int, Meta(ge=1, le=1000)]


class AddressIn(Base):
    name: Text200
    line1: Text200
    city: Text80
    postal_code: Annotated[str, Meta(min_length=1, max_length=16, pattern=NO_NUL)]


class ShippingIn(Base):
    country: ShippingCountry
    method: Literal["standard", "express", "slow-green"] = "standard"
    address: AddressIn | None = None


class OrderCreate(Base):
    lines: Annotated[list[OrderLineIn], Meta(min_length=1, max_length=100)]
    shipping: ShippingIn
    customer_id: Uuid | None = None


class PaymentIn(Base):
    """Leave ``payment_method`` out to confirm in the browser with Stripe.js.

    A ``pm_`` PaymentMethod from Stripe.js ``createPaymentMethod``, or a ``card_`` (the card of a
    Stripe.js token, which localstripe's fake Stripe.js makes) or ``src_`` source, which Stripe
    accepts where a payment method goes.
    """

    payment_method: (
        Annotated[
            str,
            Meta(
                pattern=r"^(pm|card|src)_[A-Za-z0-9_]{1,96}$",
                description="pm_… (or a card_… / src_… that Stripe takes as one); confirmed at once",
            ),
        ]
        | None
    ) = None


class OfflinePaymentIn(Base):
    reference: Annotated[
        str,
        Meta(min_length=3, max_length=100, pattern=NO_NUL, description="e.g. the bank transfer's reference"),
    ]


class CancelIn(Base):
    reason: Reason = "cancelled by customer"


class RefundIn(Base):
    amount_minor: Annotated[int, Meta(ge=1, le=1_000_000_000)] | None = None
    reason: Reason = "refund"
