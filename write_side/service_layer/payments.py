"""The payment port: open a payment with the provider, and refund one.

The provider, not our API, decides when an order is paid: ``create_payment``
opens a payment (a Stripe PaymentIntent) and the order becomes paid only when
the provider's verified webhook says so (``write_side/service_layer/stripe_events.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OpenedPayment:
    reference: str  # the PaymentIntent id
    client_secret: str | None  # for Stripe.js in the shopper's browser
    status: str  # the provider's status, e.g. requires_payment_method, processing, succeeded


@dataclass(frozen=True, slots=True)
class StartedRefund:
    reference: str
    status: str


@dataclass(frozen=True, slots=True)
class OpenedSubscription:
    stripe_customer: str
    stripe_price: str
    stripe_subscription: str
    status: str  # incomplete until the first invoice is paid
    client_secret: str | None  # the first invoice's payment, for Stripe.js


class PaymentDeclinedError(Exception):
    """The provider refused the payment method at once (a card error)."""

    def __init__(self, reason: str, reference: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reference = reference


class PaymentProviderError(Exception):
    """The provider could not be reached or refused the request: try again later."""


class PaymentGateway(Protocol):
    async def create_payment(
        self,
        order_id: str,
        amount_minor: int,
        currency: str,
        payment_method: str | None,
        idempotency_key: str,
    ) -> OpenedPayment:
        """Open a payment; with ``payment_method`` it is confirmed at once (server-side confirmation)."""
        ...

    async def refund(
        self, order_id: str, payment_reference: str, amount_minor: int, idempotency_key: str
    ) -> StartedRefund: ...

    async def subscribe(  # noqa: PLR0913 - what a subscription needs
        self,
        subscription_id: str,
        customer_id: str,
        stripe_customer: str | None,
        amount_minor: int,
        currency: str,
        payment_method: str | None,
    ) -> OpenedSubscription:
        """Bill ``amount_minor`` monthly: a Customer (unless known), a Price and a Subscription."""
        ...

    async def cancel_at_period_end(self, stripe_subscription: str) -> None: ...
