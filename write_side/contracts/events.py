"""Published domain events: the one contract both sides of the platform import.

Every event is a frozen msgspec Struct named in the past tense, tagged with its
type name, and carries a ``version`` (its schema version). Events carry enough
state that projections never read the write tables. Personal data never sits in
clear: it travels as :class:`SealedText`, encrypted with a per-customer key that
can be destroyed to erase the person from every rebuild (crypto-shredding).
"""

from __future__ import annotations

import msgspec

from analytics.footprint import ProductFootprint
from analytics.order_footprint import OrderFootprint
from write_side.contracts.challenges import Goal


class SealedText(msgspec.Struct, frozen=True):
    """A personal-data field encrypted with the key of ``key_id`` (a customer id)."""

    key_id: str
    ciphertext: str  # urlsafe base64 of nonce || AES-GCM ciphertext


class Money(msgspec.Struct, frozen=True):
    """An amount in integer minor units of an ISO 4217 currency."""

    amount_minor: int
    currency: str


class MaterialShare(msgspec.Struct, frozen=True):
    material: str
    kg: float


class ProductSnapshot(msgspec.Struct, frozen=True):
    """The full state of a product after a change."""

    product_id: str
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price: Money
    weight_kg: float
    materials: list[MaterialShare]
    origin_country: str
    packaging: str
    certifications: list[str]
    status: str
    version: int
    # Cradle to warehouse with its method, at the factor version it names; None on events
    # written before footprints existed.
    footprint: ProductFootprint | None = None


class Event(msgspec.Struct, frozen=True, tag_field="type"):
    """Base of every published event."""


class ProductCreated(Event, frozen=True, tag="ProductCreated"):
    product: ProductSnapshot
    version: int = 1


class ProductUpdated(Event, frozen=True, tag="ProductUpdated"):
    product: ProductSnapshot
    changed_fields: list[str]
    version: int = 1


class StockLevelChanged(Event, frozen=True, tag="StockLevelChanged"):
    product_id: str
    on_hand: int
    reserved: int
    delta_on_hand: int
    delta_reserved: int
    reason: str  # adjustment | reserved | released | shipped
    order_id: str | None = None
    note: str | None = None
    version: int = 1


class CustomerRegistered(Event, frozen=True, tag="CustomerRegistered"):
    customer_id: str
    email: SealedText
    display_name: SealedText
    country: str
    registered_at: str
    version: int = 1


class CustomerErased(Event, frozen=True, tag="CustomerErased"):
    """The customer asked to be forgotten: their key is shredded and their profile pseudonymized.

    Every projection must drop what it holds about the person; amounts stay for the legal record.
    """

    customer_id: str
    pseudonym: str
    erased_at: str
    version: int = 1


class SubscriptionItem(msgspec.Struct, frozen=True):
    product_id: str
    quantity: int


class SubscriptionStarted(Event, frozen=True, tag="SubscriptionStarted"):
    subscription_id: str
    customer_id: str
    items: list[SubscriptionItem]
    currency: str
    amount_minor: int
    stripe_subscription: str
    started_at: str
    version: int = 1


class SubscriptionCancelRequested(Event, frozen=True, tag="SubscriptionCancelRequested"):
    """The customer stops the subscription; it runs to the end of the paid period."""

    subscription_id: str
    customer_id: str
    requested_at: str
    version: int = 1


class SubscriptionEnded(Event, frozen=True, tag="SubscriptionEnded"):
    subscription_id: str
    customer_id: str
    ended_at: str
    version: int = 1


class OrderLine(msgspec.Struct, frozen=True):
    product_id: str
    sku: str
    name: str
    category: str
    quantity: int
    unit_price_minor: int
    line_total_minor: int


class ShippingAddress(msgspec.Struct, frozen=True):
    """Sealed postal address; every field is personal data."""

    name: SealedText
    line1: SealedText
    city: SealedText
    postal_code: SealedText


class OrderPlaced(Event, frozen=True, tag="OrderPlaced"):
    order_id: str
    customer_id: str
    currency: str
    lines: list[OrderLine]
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    shipping_country: str
    shipping_method: str
    placed_at: str
    address: ShippingAddress | None = None
    footprint: OrderFootprint | None = None  # products and last mile; None before footprints existed
    eco_points: int = 0  # what the order earns once delivered (write_side.domain.rewards); 0 before rewards
    certified_units: int = 0  # units of products with a recognised certification
    certified_brands: list[str] = []  # brands of those products, sorted (challenges count them)
    version: int = 1


class OrderPaid(Event, frozen=True, tag="OrderPaid"):
    order_id: str
    customer_id: str
    amount_minor: int
    currency: str
    payment_reference: str
    paid_at: str
    version: int = 1


class PaymentStarted(Event, frozen=True, tag="PaymentStarted"):
    """A payment was opened with the provider; the order is paid only when the provider confirms."""

    order_id: str
    customer_id: str
    payment_reference: str
    amount_minor: int
    currency: str
    started_at: str
    version: int = 1


class OrderPaymentFailed(Event, frozen=True, tag="OrderPaymentFailed"):
    order_id: str
    customer_id: str
    reason: str
    version: int = 1


class OrderCancelled(Event, frozen=True, tag="OrderCancelled"):
    order_id: str
    customer_id: str
    reason: str
    cancelled_at: str
    version: int = 1


class OrderShipped(Event, frozen=True, tag="OrderShipped"):
    order_id: str
    customer_id: str
    shipped_at: str
    version: int = 1


class OrderDelivered(Event, frozen=True, tag="OrderDelivered"):
    order_id: str
    customer_id: str
    delivered_at: str
    version: int = 1


class OrderRefunded(Event, frozen=True, tag="OrderRefunded"):
    order_id: str
    customer_id: str
    amount_minor: int
    currency: str
    refunded_total_minor: int
    fully_refunded: bool
    reason: str
    refunded_at: str
    pending_settlement: bool = False  # through the provider: paid out when it confirms (RefundSettled)
    version: int = 1


class RefundSettled(Event, frozen=True, tag="RefundSettled"):
    """The payment provider paid a refund out."""

    order_id: str
    customer_id: str
    refund_reference: str
    amount_minor: int
    currency: str
    settled_at: str
    version: int = 1


class EcoPointsEarned(Event, frozen=True, tag="EcoPointsEarned"):
    """An order was delivered: its points (less any refunded share) moved to the customer's balance."""

    order_id: str
    customer_id: str
    points: int
    order_points: int  # what the order promised when placed
    earned_at: str
    version: int = 1


class EcoPointsReversed(Event, frozen=True, tag="EcoPointsReversed"):
    """A refund of a delivered order took back the refunded share of its points."""

    order_id: str
    customer_id: str
    points: int
    kept_points: int  # what the order still holds after this
    reversed_at: str
    version: int = 1


class ChallengeCreated(Event, frozen=True, tag="ChallengeCreated"):
    challenge_id: str
    title: str
    description: str
    goal: Goal
    starts_on: str  # ISO date, inclusive
    ends_on: str  # ISO date, inclusive
    time_zone: str
    reward_points: int
    created_at: str
    version: int = 1


class ChallengeJoined(Event, frozen=True, tag="ChallengeJoined"):
    challenge_id: str
    customer_id: str
    joined_at: str
    version: int = 1


class ChallengeCompleted(Event, frozen=True, tag="ChallengeCompleted"):
    """The goal was reached: the reward moved to the customer's points, in the same transaction."""

    challenge_id: str
    customer_id: str
    points: int
    progress: float
    completed_at: str
    version: int = 1


class ChallengeRewardReversed(Event, frozen=True, tag="ChallengeRewardReversed"):
    """A refund took the customer back below the goal: the reward went back with it."""

    challenge_id: str
    customer_id: str
    points: int
    progress: float
    reversed_at: str
    version: int = 1


class LeaderboardVisibilityChanged(Event, frozen=True, tag="LeaderboardVisibilityChanged"):
    """The customer chose to appear on the leaderboards, or not: every board at once."""

    customer_id: str
    visible: bool
    changed_at: str
    version: int = 1


class ProvenanceRecorded(Event, frozen=True, tag="ProvenanceRecorded"):
    """An EPCIS event entered the provenance log at ``leaf_index`` (its content is in the log)."""

    leaf_index: int
    event_type: str
    product_ids: list[str]
    biz_step: str | None
    event_time: str
    recorded_at: str
    version: int = 1


AnyEvent = (
    ProductCreated
    | ProductUpdated
    | StockLevelChanged
    | CustomerRegistered
    | CustomerErased
    | SubscriptionStarted
    | SubscriptionCancelRequested
    | SubscriptionEnded
    | OrderPlaced
    | PaymentStarted
    | OrderPaid
    | OrderPaymentFailed
    | OrderCancelled
    | OrderShipped
    | OrderDelivered
    | OrderRefunded
    | RefundSettled
    | EcoPointsEarned
    | EcoPointsReversed
    | ChallengeCreated
    | ChallengeJoined
    | ChallengeCompleted
    | ChallengeRewardReversed
    | LeaderboardVisibilityChanged
    | ProvenanceRecorded
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in (
        ProductCreated,
        ProductUpdated,
        StockLevelChanged,
        CustomerRegistered,
        CustomerErased,
        SubscriptionStarted,
        SubscriptionCancelRequested,
        SubscriptionEnded,
        OrderPlaced,
        PaymentStarted,
        OrderPaid,
        OrderPaymentFailed,
        OrderCancelled,
        OrderShipped,
        OrderDelivered,
        OrderRefunded,
        RefundSettled,
        EcoPointsEarned,
        EcoPointsReversed,
        ChallengeCreated,
        ChallengeJoined,
        ChallengeCompleted,
        ChallengeRewardReversed,
        LeaderboardVisibilityChanged,
        ProvenanceRecorded,
    )
}

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[AnyEvent] = msgspec.json.Decoder(AnyEvent)


def event_type(event: Event) -> str:
    """The wire name of an event."""
    return str(event.__struct_config__.tag)


def encode_event(event: Event) -> bytes:
    """JSON bytes of an event, with its ``type`` tag."""
    return _encoder.encode(event)


def decode_event(payload: bytes | str) -> AnyEvent:
    """Decode a stored payload into its typed event."""
    return _decoder.decode(payload)


class EventMetadata(msgspec.Struct, frozen=True):
    """Why and by whom an event was written."""

    correlation_id: str  # the request id that started the work
    causation_id: str  # the command that produced the event
    actor_id: str | None = None
    actor_role: str | None = None
    trace_id: str | None = None  # the OpenTelemetry trace of the request, when traced


class LogCursor(msgspec.Struct, frozen=True, order=True, array_like=True):
    """A place in the event log: events are ordered by (causal_tx, position).

    ``position`` alone is unique but not commit-ordered; a reader that resumes
    after a cursor never skips an event that committed late, and meets each
    stream's events in stream order (see ``write_side.adapters.event_log``).
    """

    causal_tx: int = 0
    position: int = 0


class RecordedEvent(msgspec.Struct, frozen=True):
    """An event as stored in the log."""

    position: int
    tx_id: int  # the transaction that wrote the event
    causal_tx: int  # the newest of tx_id and its stream's earlier events' causal_tx: the read order
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    event: AnyEvent
    metadata: EventMetadata
    recorded_at: str

    @property
    def cursor(self) -> LogCursor:
        return LogCursor(self.causal_tx, self.position)
