"""The Stripe adapter of the payment port, on the official SDK's async client.

Every request carries an idempotency key derived from our own ids, so a retry
after a timeout never opens a second PaymentIntent or refunds twice. (Our own
database enforces idempotency too: ``localstripe`` ignores the header.)
"""

from __future__ import annotations

import stripe

from write_side.service_layer.payments import (
    OpenedPayment,
    OpenedSubscription,
    PaymentDeclinedError,
    PaymentProviderError,
    StartedRefund,
)


def make_client(api_key: str, api_base: str | None = None) -> stripe.StripeClient:
    """A client for Stripe, or for any server speaking its API at ``api_base`` (localstripe)."""
    if api_base:
        return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2)
    return stripe.StripeClient(api_key, max_network_retries=2)


class StripeGateway:
    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    async def create_payment(
        self,
        order_id: str,
        amount_minor: int,
        currency: str,
        payment_method: str | None,
        idempotency_key: str,
    ) -> OpenedPayment:
        params: dict[str, object] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "metadata": {"order_id": order_id},
            "payment_method_types": ["card"],
        }
        if payment_method:
            params.update(payment_method=payment_method, confirm=True)
        try:
            intent = await self.client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as exc:
            declined = exc.error.payment_intent if exc.error else None
            raise PaymentDeclinedError(
                exc.user_message or str(exc), declined.id if declined else None
            ) from None
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"the payment provider failed: {exc.user_message or exc}") from None
        return OpenedPayment(intent.id, intent.client_secret, intent.status)

    async def refund(
        self, order_id: str, payment_reference: str, amount_minor: int, idempotency_key: str
    ) -> StartedRefund:
        try:
            refund = await self.client.v1.refunds.create_async(
                {
                    "payment_intent": payment_reference,
                    "amount": amount_minor,
                    "metadata": {"order_id": order_id},
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(
                f"the payment provider refused the refund: {exc.user_message or exc}"
            ) from None
        return StartedRefund(refund.id, refund.status or "pending")

    async def subscribe(  # noqa: PLR0913 - the port's parameters
        self,
        subscription_id: str,
        customer_id: str,
        stripe_customer: str | None,
        amount_minor: int,
        currency: str,
        payment_method: str | None,
    ) -> OpenedSubscription:
        v1 = self.client.v1
        try:
            if stripe_customer is None:
                # No email or name: Stripe needs neither to bill, and erasure then has less to chase.
                customer = await v1.customers.create_async(
                    {"metadata": {"customer_id": customer_id}},
                    {"idempotency_key": f"ecolaura-customer-{customer_id}"},
                )
                stripe_customer = customer.id
            price = await v1.prices.create_async(
                {
                    "currency": currency.lower(),
                    "unit_amount": amount_minor,
                    "recurring": {"interval": "month"},
                    "product_data": {"name": f"Ecolaura eco-box {subscription_id[:8]}"},
                    "metadata": {"subscription_id": subscription_id},
                },
                {"idempotency_key": f"ecolaura-price-{subscription_id}"},
            )
            params: dict[str, object] = {
                "customer": stripe_customer,
                "items": [{"price": price.id}],
                "metadata": {"subscription_id": subscription_id, "customer_id": customer_id},
                "payment_behavior": "default_incomplete",
                "expand": ["latest_invoice.payment_intent"],
            }
            if payment_method:
                params["default_payment_method"] = payment_method
            subscription = await v1.subscriptions.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"ecolaura-subscription-{subscription_id}"},
            )
        except stripe.CardError as exc:
            raise PaymentDeclinedError(exc.user_message or str(exc), None) from None
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"the payment provider failed: {exc.user_message or exc}") from None
        return OpenedSubscription(
            stripe_customer, price.id, subscription.id, subscription.status, _client_secret(subscription)
        )

    async def cancel_at_period_end(self, stripe_subscription: str) -> None:
        try:
            await self.client.v1.subscriptions.update_async(
                stripe_subscription, {"cancel_at_period_end": True}
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"the payment provider failed: {exc.user_message or exc}") from None


def _client_secret(subscription: stripe.Subscription) -> str | None:
    """The first invoice's PaymentIntent secret, when Stripe expanded it."""
    invoice = subscription.latest_invoice
    intent = getattr(invoice, "payment_intent", None) if invoice and not isinstance(invoice, str) else None
    return getattr(intent, "client_secret", None) if intent and not isinstance(intent, str) else None
