"""What commands answer with: msgspec Structs that become JSON response bodies."""

from __future__ import annotations

import msgspec

from analytics.footprint import ProductFootprint
from analytics.order_footprint import OrderFootprint
from write_side.contracts.challenges import Goal


class MaterialView(msgspec.Struct, frozen=True):
    material: str
    kg: float


class ProductResult(msgspec.Struct, frozen=True):
    id: str
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price_minor: int
    currency: str
    weight_kg: float
    materials: list[MaterialView]
    origin_country: str
    packaging: str
    certifications: list[str]
    status: str
    version: int
    on_hand: int
    reserved: int
    footprint: ProductFootprint | None = None


class StockResult(msgspec.Struct, frozen=True):
    product_id: str
    on_hand: int
    reserved: int
    available: int
    version: int


class SubscriptionItemView(msgspec.Struct, frozen=True):
    product_id: str
    quantity: int


class SubscriptionResult(msgspec.Struct, frozen=True):
    id: str
    customer_id: str
    status: str
    items: list[SubscriptionItemView]
    currency: str
    amount_minor: int  # billed monthly, shipping included
    client_secret: str | None  # confirms the first invoice's payment with Stripe.js


class SubscriptionStatus(msgspec.Struct, frozen=True):
    id: str
    status: str


class ErasureResult(msgspec.Struct, frozen=True):
    customer_id: str
    pseudonym: str
    erased: bool = True


class CustomerResult(msgspec.Struct, frozen=True):
    id: str
    email: str
    display_name: str
    country: str


class OrderLineView(msgspec.Struct, frozen=True):
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price_minor: int
    line_total_minor: int


class ShippingView(msgspec.Struct, frozen=True):
    country: str
    method: str


class TotalsView(msgspec.Struct, frozen=True):
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    refunded_minor: int
    tax_rate_bp: int


class OrderResult(msgspec.Struct, frozen=True):
    id: str
    customer_id: str
    status: str
    currency: str
    lines: list[OrderLineView]
    shipping: ShippingView
    totals: TotalsView
    placed_at: str
    version: int
    payment_reference: str | None = None
    footprint: OrderFootprint | None = None  # given when the order is placed


class Outcome(msgspec.Struct, frozen=True):
    """A handler's answer: an HTTP-like status (201 created, 200 ok, 402 declined) and a body."""

    status: int
    body: msgspec.Struct


class PaymentResult(msgspec.Struct, frozen=True):
    """The order and the payment opened for it; the browser confirms with ``client_secret`` (Stripe.js)."""

    order: OrderResult
    payment_reference: str
    client_secret: str | None
    payment_status: str


class ChallengeResult(msgspec.Struct, frozen=True):
    id: str
    title: str
    description: str
    goal: Goal
    starts_on: str
    ends_on: str
    time_zone: str
    reward_points: int


class ChallengeEntryResult(msgspec.Struct, frozen=True):
    challenge_id: str
    customer_id: str
    progress: float  # the goal's measure over the orders that count so far
    threshold: float
    completed: bool
    rewarded_points: int


class LeaderboardVisibility(msgspec.Struct, frozen=True):
    visible: bool


class ProvenanceAppended(msgspec.Struct, frozen=True):
    leaf_indexes: list[int]  # where the events are in the log, in the order they were sent
    tree_size: int
