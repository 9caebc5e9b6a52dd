"""The payment-provider port. Stripe arrives behind it in a later issue.

Until then ``SimulatedPaymentProvider`` settles payments at once, the way
Stripe's test mode answers its test payment methods: ``pm_card_visa`` and any
other method succeed, ``pm_card_chargeDeclined`` and
``pm_card_insufficientFunds`` are declined. It moves no money and says so in
its references (``sim_…``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from write_side.domain.ids import new_id

DECLINING_METHODS = {
    "pm_card_chargeDeclined": "card_declined",
    "pm_card_insufficientFunds": "insufficient_funds",
}


@dataclass(frozen=True, slots=True)
class PaymentAttempt:
    succeeded: bool
    reference: str
    decline_reason: str | None = None


class AbstractPaymentProvider(Protocol):
    async def charge(
        self, order_id: str, amount_minor: int, currency: str, payment_method: str
    ) -> PaymentAttempt:
        """Charge the amount and say whether it succeeded."""
        ...


class SimulatedPaymentProvider:
    async def charge(
        self,
        order_id: str,
        amount_minor: int,  # noqa: ARG002 - part of the port; a simulation ignores it
        currency: str,  # noqa: ARG002
        payment_method: str,
    ) -> PaymentAttempt:
        reason = DECLINING_METHODS.get(payment_method)
        if reason is not None:
            return PaymentAttempt(
                succeeded=False, reference=f"sim_declined_{new_id()}", decline_reason=reason
            )
        return PaymentAttempt(succeeded=True, reference=f"sim_{order_id}")
