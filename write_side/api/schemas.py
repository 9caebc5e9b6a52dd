"""Request bodies of the command API (snake_case on the wire, as the v1 contract names them).

Shapes and bounds are checked here by msgspec (400 on a wrong type or range);
business rules are checked by the domain (422, 409, ...).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Text80 = Annotated[str, Meta(min_length=1, max_length=80)]
Text200 = Annotated[str, Meta(min_length=1, max_length=200)]
Currency = Annotated[str, Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]
Country = Annotated[str, Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. NL")]
PriceMinor = Annotated[int, Meta(ge=1, le=100_000_000, description="price in minor units (cents)")]
WeightKg = Annotated[float, Meta(gt=0, le=1000)]
Uuid = Annotated[str, Meta(pattern="^[0-9a-fA-F-]{36}$")]


class Base(msgspec.Struct, forbid_unknown_fields=True):
    """Unknown fields are rejected, so typos do not pass silently."""


class MaterialIn(Base):
    material: Annotated[str, Meta(min_length=1, max_length=60)]
    kg: Annotated[float, Meta(gt=0, le=1000)]


class ProductCreate(Base):
    sku: Annotated[str, Meta(min_length=3, max_length=40)]
    name: Text200
    category: Text80
    brand: Annotated[str, Meta(min_length=1, max_length=120)]
    price_minor: PriceMinor
    currency: Currency
    weight_kg: WeightKg
    materials: Annotated[list[MaterialIn], Meta(min_length=1, max_length=50)]
    origin_country: Country
    packaging: Text80
    description: Annotated[str, Meta(max_length=10_000)] = ""
    certifications: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=60)]], Meta(max_length=20)
    ] = []
    status: Literal["draft", "active", "retired"] = "draft"
    initial_stock: Annotated[int, Meta(ge=0, le=10_000_000)] = 0


class ProductUpdate(Base):
    """Only the fields given change; ``sku`` is fixed."""

    name: Text200 | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=10_000)] | UnsetType = UNSET
    category: Text80 | UnsetType = UNSET
    brand: Annotated[str, Meta(min_length=1, max_length=120)] | UnsetType = UNSET
    price_minor: PriceMinor | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    weight_kg: WeightKg | UnsetType = UNSET
    materials: Annotated[list[MaterialIn], Meta(min_length=1, max_length=50)] | UnsetType = UNSET
    origin_country: Country | UnsetType = UNSET
    packaging: Text80 | UnsetType = UNSET
    certifications: (
        Annotated[list[Annotated[str, Meta(min_length=1, max_length=60)]], Meta(max_length=20)] | UnsetType
    ) = UNSET
    status: Literal["draft", "active", "retired"] | UnsetType = UNSET


class StockAdjustment(Base):
    delta: Annotated[
        int, Meta(ge=-10_000_000, le=10_000_000, description="units received (+) or written off (-)")
    ]
    note: Annotated[str, Meta(max_length=500)] | None = None


class CustomerCreate(Base):
    email: Annotated[str, Meta(min_length=3, max_length=320)]
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
    postal_code: Annotated[str, Meta(min_length=1, max_length=16)]


class ShippingIn(Base):
    country: Country
    method: Literal["standard", "express", "slow-green"] = "standard"
    address: AddressIn | None = None


class OrderCreate(Base):
    lines: Annotated[list[OrderLineIn], Meta(min_length=1, max_length=100)]
    shipping: ShippingIn
    customer_id: Uuid | None = None


class PaymentIn(Base):
    """Leave ``payment_method`` out to confirm in the browser with Stripe.js."""

    payment_method: Annotated[str, Meta(pattern=r"^pm_[A-Za-z0-9_]{1,96}$")] | None = None


class OfflinePaymentIn(Base):
    reference: Annotated[
        str, Meta(min_length=3, max_length=100, description="e.g. the bank transfer's reference")
    ]


class CancelIn(Base):
    reason: Annotated[str, Meta(min_length=1, max_length=500)] = "cancelled by customer"


class RefundIn(Base):
    amount_minor: Annotated[int, Meta(ge=1, le=1_000_000_000)] | None = None
    reason: Annotated[str, Meta(min_length=1, max_length=500)] = "refund"
