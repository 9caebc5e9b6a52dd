"""What the command side counts for Prometheus: orders, idempotent replays, sign-in failures, Stripe.

Counters live in the process that commits the change (an API for orders placed, the worker
for orders that Stripe's events mark paid); Prometheus sums them across processes. Every
label takes values from a fixed list below, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter

from write_side.contracts import events as ev

ORDERS = Counter(
    "ecolaura_orders_total",
    "Orders changed, by change: placed, paid, payment_failed, cancelled, shipped, refunded",
    ["change"],
)
IDEMPOTENT_REPLAYS = Counter(
    "ecolaura_idempotent_replays_total", "Commands answered with the reply stored for their Idempotency-Key"
)
SIGNIN_FAILURES = Counter(
    "ecolaura_signin_failures_total",
    "Refused sign-ins of the local identity provider, by reason: credentials, throttled",
    ["reason"],
)
STRIPE_WEBHOOKS = Counter(
    "ecolaura_stripe_webhooks_total",
    "Stripe webhook deliveries, by outcome: stored, duplicate, bad_signature, malformed, unconfigured",
    ["outcome"],
)
STRIPE_EVENTS = Counter(
    "ecolaura_stripe_events_processed_total",
    "Stripe events processed by the worker, by outcome: ok, failed (retried up to its limit)",
    ["outcome"],
)

_ORDER_CHANGES: dict[type[ev.Event], Counter] = {
    ev.OrderPlaced: ORDERS.labels("placed"),
    ev.OrderPaid: ORDERS.labels("paid"),
    ev.OrderPaymentFailed: ORDERS.labels("payment_failed"),
    ev.OrderCancelled: ORDERS.labels("cancelled"),
    ev.OrderShipped: ORDERS.labels("shipped"),
    ev.OrderRefunded: ORDERS.labels("refunded"),
}


def count_committed(events: Iterable[ev.Event]) -> None:
    """Count the order changes among events that have just committed."""
    for event in events:
        child = _ORDER_CHANGES.get(type(event))
        if child is not None:
            child.inc()
