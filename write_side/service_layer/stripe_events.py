"""Processing Stripe's webhook events: the provider's verdicts become commands.

The webhook endpoint only verifies, stores and queues an event (Stripe gets its
200 at once); an arq job runs it here, with retries and a backoff, and records
the outcome on the stored event. Commands are idempotent against the order's
state, so a redelivered or late event changes nothing:

* ``payment_intent.succeeded`` settles the order (unless it is settled already);
* ``payment_intent.payment_failed`` cancels a still-unpaid order and releases its stock;
  a failure reported after a success is ignored;
* ``invoice.paid`` of an eco-box creates that month's order, already paid (once per invoice);
* ``customer.subscription.deleted`` ends the subscription;
* refund events settle each refund paid out (the ledger's debt to the customer leaves through
  the provider), once per refund;
* any other type is acknowledged and logged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from arq import Retry

from write_side.adapters.stripe_inbox import StripeInbox
from write_side.contracts import commands as c
from write_side.domain.errors import DomainError
from write_side.service_layer.messagebus import MessageBus
from write_side.service_layer.metrics import STRIPE_EVENTS

log = structlog.get_logger("ecolaura.payments")

STRIPE = c.Actor("system:stripe", "admin")  # who settles payments: the provider's verified word
MAX_TRIES = 8
STALE_AFTER = timedelta(seconds=10)  # a webhook's job is queued within milliseconds, when Redis answers
REFUND_EVENTS = frozenset({"charge.refunded", "refund.created", "refund.updated", "charge.refund.updated"})


async def process(bus: MessageBus, inbox: StripeInbox, event_id: str) -> str:
    """Apply one stored event; what happened, as recorded on the event."""
    event = await inbox.get(event_id)
    if event is None or event.processed:
        return "skipped: unknown or already processed"
    obj: dict[str, Any] = event.payload.get("data", {}).get("object", {})
    try:
        outcome = await _apply(bus, event.type, obj, event_id)
    except DomainError as exc:
        # The order's state forbids it (e.g. paid after it was cancelled): retrying cannot help.
        outcome = f"conflict: {exc.detail}"
        log.error("stripe.event.conflict", event_id=event_id, type=event.type, detail=exc.detail)  # noqa: TRY400 - a broken rule, not a crash
    await inbox.done(event_id, outcome)
    log.info("stripe.event.processed", event_id=event_id, type=event.type, outcome=outcome)
    return outcome


async def _apply(bus: MessageBus, event_type: str, obj: dict[str, Any], event_id: str) -> str:
    order_id = (obj.get("metadata") or {}).get("order_id")
    if event_type == "payment_intent.succeeded":
        if not order_id:
            return "ignored: no order_id in the payment's metadata"
        await bus.handle(c.SettlePayment(order_id, obj["id"]), STRIPE, correlation_id=event_id)
        return f"order {order_id} paid"
    if event_type == "payment_intent.payment_failed":
        if not order_id:
            return "ignored: no order_id in the payment's metadata"
        error = obj.get("last_payment_error") or {}
        reason = error.get("message") or error.get("code") or "the payment failed"
        await bus.handle(c.FailPayment(order_id, obj["id"], reason), STRIPE, correlation_id=event_id)
        return f"order {order_id} payment failed: {reason}"
    if event_type == "invoice.paid":
        return await _invoice_paid(bus, obj, event_id)
    if event_type == "customer.subscription.deleted":
        await bus.handle(c.EndSubscription(obj["id"]), STRIPE, correlation_id=event_id)
        return f"subscription {obj['id']} ended"
    if event_type in REFUND_EVENTS:
        return await _refunds_paid_out(bus, event_type, obj, event_id)
    return f"ignored: {event_type} is not handled"


async def _refunds_paid_out(bus: MessageBus, event_type: str, obj: dict[str, Any], event_id: str) -> str:
    """Settle each refund the provider paid out (a charge event lists them; a refund event is one)."""
    listed = (obj.get("refunds") or {}).get("data") or [] if event_type.startswith("charge.") else [obj]
    outcomes = []
    for refund in listed:
        order_id = (refund.get("metadata") or {}).get("order_id")
        if refund.get("status") != "succeeded" or not order_id:
            outcomes.append(f"refund {refund.get('id')} is {refund.get('status')}: nothing to settle")
            continue
        reply = await bus.handle(
            c.SettleRefund(order_id, refund["id"], int(refund["amount"])), STRIPE, correlation_id=event_id
        )
        outcomes.append(f"refund {refund['id']} {'settled' if reply.status == 201 else 'already settled'}")
    return "; ".join(outcomes) or "acknowledged: no refunds listed"


async def _invoice_paid(bus: MessageBus, invoice: dict[str, Any], event_id: str) -> str:
    # API versions before 2025 name the subscription on the invoice; later ones under parent.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    stripe_subscription = invoice.get("subscription") or details.get("subscription")
    if not stripe_subscription:
        return "ignored: not a subscription's invoice"
    reference = invoice.get("payment_intent") or invoice["id"]
    reply = await bus.handle(
        c.FulfilSubscriptionInvoice(stripe_subscription, invoice["id"], reference),
        STRIPE,
        correlation_id=event_id,
    )
    return (
        f"invoice {invoice['id']} fulfilled"
        if reply.status == 201
        else f"invoice {invoice['id']} already fulfilled"
    )


async def process_stripe_event(ctx: dict[str, Any], event_id: str) -> str:
    """The arq job: process one event, retrying with a growing delay when something breaks."""
    inbox: StripeInbox = ctx["stripe_inbox"]
    try:
        outcome = await process(ctx["bus"], inbox, event_id)
    except Exception as exc:
        STRIPE_EVENTS.labels("failed").inc()
        attempts = await inbox.failed(event_id, f"{type(exc).__name__}: {exc}")
        log.warning("stripe.event.failed", event_id=event_id, attempts=attempts, error=str(exc))
        if ctx.get("job_try", 1) < MAX_TRIES:
            raise Retry(defer=min(2 ** ctx.get("job_try", 1), 300)) from exc
        raise
    STRIPE_EVENTS.labels("ok").inc()
    return outcome


async def sweep_stripe_events(ctx: dict[str, Any]) -> int:
    """Queue events that were stored but never queued (Redis was down when they came)."""
    inbox: StripeInbox = ctx["stripe_inbox"]
    stale = await inbox.stale(STALE_AFTER)
    for event_id in stale:
        await ctx["redis"].enqueue_job("process_stripe_event", event_id, _job_id=job_id(event_id))
    return len(stale)


def job_id(event_id: str) -> str:
    """One job per event: arq will not queue a second while the first is known."""
    return f"stripe:{event_id}"
