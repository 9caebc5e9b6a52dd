"""Paying and refunding through the payment provider, around the commands that record it.

The provider is called before the command's transaction, never inside it: a
network call must not hold row locks. Each call carries an idempotency key
made from our ids (and the client's ``Idempotency-Key`` when given), so a retry
reaches the same PaymentIntent or refund instead of a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.exceptions import ServiceUnavailableException
from sqlalchemy import select

from write_side.adapters.tables import orders
from write_side.api import schemas as s
from write_side.api.dispatch import IDEMPOTENCY_HEADER, bus_of, dispatch
from write_side.contracts import commands as c
from write_side.domain.errors import IllegalTransitionError, InvalidInputError, OrderNotFoundError
from write_side.domain.errors import PaymentDeclinedError as Declined
from write_side.identity.guards import actor_of
from write_side.service_layer.payments import PaymentDeclinedError, PaymentGateway, PaymentProviderError

GATEWAY_STATE_KEY = "payment_gateway"
_REFUNDABLE = ("paid", "shipped", "delivered")


@dataclass(frozen=True, slots=True)
class OrderSummary:
    customer_id: str
    status: str
    currency: str
    total_minor: int
    refunded_minor: int
    payment_reference: str | None


async def _summary(request: Request[Any, Any, Any], order_id: str) -> OrderSummary:
    """The order as the caller may see it (someone else's order is reported missing)."""
    actor = await actor_of(request)
    async with bus_of(request).engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    orders.c.customer_id,
                    orders.c.status,
                    orders.c.currency,
                    orders.c.total_minor,
                    orders.c.refunded_minor,
                    orders.c.payment_reference,
                ).where(orders.c.order_id == order_id)
            )
        ).first()
    if row is None or (not actor.is_admin and row.customer_id != actor.actor_id):
        raise OrderNotFoundError(f"order {order_id} does not exist", order_id=order_id)
    return OrderSummary(*row)


def gateway_of(request: Request[Any, Any, Any]) -> PaymentGateway:
    gateway: PaymentGateway | None = request.app.state.get(GATEWAY_STATE_KEY)
    if gateway is None:
        raise ServiceUnavailableException("payments are not configured (set STRIPE_API_KEY)")
    return gateway


def _key(request: Request[Any, Any, Any], *parts: object) -> str:
    client_key = request.headers.get(IDEMPOTENCY_HEADER)
    return "-".join(["ecolaura", *map(str, parts), *([client_key] if client_key else [])])


async def pay(request: Request[Any, Any, Any], order_id: str, body: s.PaymentIn) -> Response[bytes]:
    order = await _summary(request, order_id)
    if order.status != "pending_payment":
        raise IllegalTransitionError(
            f"cannot pay order {order_id}: it is {order.status}, and only pending_payment orders allow it",
            status=order.status,
        )
    method = body.payment_method
    try:
        opened = await gateway_of(request).create_payment(
            order_id,
            order.total_minor,
            order.currency,
            method,
            _key(request, "pay", order_id, method or "browser"),
        )
    except PaymentDeclinedError as exc:
        raise Declined(
            f"the payment was declined ({exc.reason}); once the payment provider confirms the failure "
            "the order is cancelled and its stock released",
            payment_reference=exc.reference,
        ) from None
    except PaymentProviderError as exc:
        raise ServiceUnavailableException(str(exc), headers={"Retry-After": "5"}) from None
    command = c.StartPayment(order_id, opened.reference, opened.client_secret, opened.status)
    return await dispatch(request, command, body)


async def refund(request: Request[Any, Any, Any], order_id: str, body: s.RefundIn) -> Response[bytes]:
    order = await _summary(request, order_id)
    through_provider = bool(order.payment_reference and order.payment_reference.startswith("pi_"))
    if through_provider and order.payment_reference:
        # Paid through Stripe: the money goes back the same way before the ledger records it.
        if order.status not in _REFUNDABLE:
            raise IllegalTransitionError(
                f"cannot refund order {order_id}: it is {order.status}, and only "
                f"{' or '.join(_REFUNDABLE)} orders allow it",
                status=order.status,
            )
        remaining = order.total_minor - order.refunded_minor
        amount = body.amount_minor or remaining
        if not 0 < amount <= remaining:
            raise InvalidInputError(
                f"amount_minor must be between 1 and {remaining}, what remains to refund",
                field="amount_minor",
            )
        try:
            await gateway_of(request).refund(
                order_id,
                order.payment_reference,
                amount,
                _key(request, "refund", order_id, order.refunded_minor, amount),
            )
        except PaymentProviderError as exc:
            raise ServiceUnavailableException(str(exc), headers={"Retry-After": "5"}) from None
    command = c.RefundOrder(order_id, body.amount_minor, body.reason, through_provider=through_provider)
    return await dispatch(request, command, body)
