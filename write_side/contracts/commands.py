"""Commands: what callers ask the command side to do, named in the imperative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from write_side.contracts.challenges import Goal
from write_side.contracts.epcis import Capture


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sends a command; ``role`` is one of customer, supplier, analyst, admin."""

    actor_id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class MaterialInput:
    material: str
    kg: float


@dataclass(frozen=True, slots=True)
class CreateProduct:
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price_minor: int
    currency: str
    weight_kg: float
    materials: tuple[MaterialInput, ...]
    origin_country: str
    packaging: str
    certifications: tuple[str, ...] = ()
    status: str = "draft"
    initial_stock: int = 0


@dataclass(frozen=True, slots=True)
class UpdateProduct:
    product_id: str
    expected_version: int
    changes: dict[str, object]


@dataclass(frozen=True, slots=True)
class AdjustStock:
    product_id: str
    delta: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterCustomer:
    email: str
    display_name: str
    country: str
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignUp:
    """A shopper opens an account: a customer with credentials (the password already hashed)."""

    email: str
    display_name: str
    country: str
    password_hash: str
    customer_id: str


@dataclass(frozen=True, slots=True)
class EraseCustomer:
    """Forget a customer's personal data (GDPR art. 17), keeping amounts for the legal record."""

    customer_id: str


@dataclass(frozen=True, slots=True)
class StartSubscription:
    """Record an eco-box subscription Stripe has opened (its first invoice may still await payment)."""

    subscription_id: str
    customer_id: str
    items: tuple[tuple[str, int], ...]  # (product_id, quantity)
    shipping_country: str
    shipping_method: str
    currency: str
    amount_minor: int
    stripe_customer: str
    stripe_subscription: str
    stripe_price: str
    status: str
    client_secret: str | None = None


@dataclass(frozen=True, slots=True)
class CancelSubscription:
    """Stop at the end of the paid period (Stripe was told already)."""

    subscription_id: str


@dataclass(frozen=True, slots=True)
class FulfilSubscriptionInvoice:
    """Stripe was paid for a month: create that month's order, already paid."""

    stripe_subscription: str
    invoice_id: str
    payment_reference: str


@dataclass(frozen=True, slots=True)
class EndSubscription:
    stripe_subscription: str


@dataclass(frozen=True, slots=True)
class OrderLineInput:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    lines: tuple[OrderLineInput, ...]
    shipping_country: str
    shipping_method: str
    address: AddressInput | None = None
    customer_id: str | None = None  # admins may place for a customer; customers order for themselves


@dataclass(frozen=True, slots=True)
class StartPayment:
    """Record the provider's payment (a Stripe PaymentIntent) on the order; it stays unpaid."""

    order_id: str
    reference: str
    client_secret: str | None = None
    status: str = "requires_payment_method"


@dataclass(frozen=True, slots=True)
class SettlePayment:
    """The provider confirmed the payment (or an admin records one made outside it): the order is paid."""

    order_id: str
    reference: str


@dataclass(frozen=True, slots=True)
class FailPayment:
    """The provider says the payment failed: the order is cancelled and its stock released."""

    order_id: str
    reference: str
    reason: str


@dataclass(frozen=True, slots=True)
class CancelOrder:
    order_id: str
    reason: str = "cancelled by customer"


@dataclass(frozen=True, slots=True)
class ShipOrder:
    order_id: str


@dataclass(frozen=True, slots=True)
class DeliverOrder:
    order_id: str


@dataclass(frozen=True, slots=True)
class RefundOrder:
    order_id: str
    amount_minor: int | None = None
    reason: str = "refund"
    through_provider: bool = False


@dataclass(frozen=True, slots=True)
class SettleRefund:
    """The payment provider says it paid a refund out."""

    order_id: str
    refund_reference: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class CreateChallenge:
    title: str
    description: str
    goal: Goal
    starts_on: date
    ends_on: date
    time_zone: str
    reward_points: int


@dataclass(frozen=True, slots=True)
class JoinChallenge:
    challenge_id: str


@dataclass(frozen=True, slots=True)
class SetLeaderboardVisibility:
    visible: bool


@dataclass(frozen=True, slots=True)
class RecordProvenance:
    capture: Capture


Command = (
    CreateProduct
    | UpdateProduct
    | AdjustStock
    | RegisterCustomer
    | SignUp
    | EraseCustomer
    | StartSubscription
    | CancelSubscription
    | FulfilSubscriptionInvoice
    | EndSubscription
    | PlaceOrder
    | StartPayment
    | SettlePayment
    | FailPayment
    | CancelOrder
    | ShipOrder
    | DeliverOrder
    | RefundOrder
    | SettleRefund
    | CreateChallenge
    | JoinChallenge
    | SetLeaderboardVisibility
    | RecordProvenance
)

__all__ = [
    "Actor",
    "AddressInput",
    "AdjustStock",
    "CancelOrder",
    "CancelSubscription",
    "Command",
    "CreateChallenge",
    "CreateProduct",
    "DeliverOrder",
    "EndSubscription",
    "EraseCustomer",
    "FailPayment",
    "FulfilSubscriptionInvoice",
    "JoinChallenge",
    "MaterialInput",
    "OrderLineInput",
    "PlaceOrder",
    "RecordProvenance",
    "RefundOrder",
    "RegisterCustomer",
    "SetLeaderboardVisibility",
    "SettlePayment",
    "SettleRefund",
    "ShipOrder",
    "SignUp",
    "StartPayment",
    "StartSubscription",
    "UpdateProduct",
]
