"""``POST /api/v1/webhooks/stripe``: verify, store, queue, answer 200.

Processing happens in a background job (``write_side.service_layer.stripe_events``), so a slow
or failing handler never makes Stripe retry for days; the stored event makes a redelivery a no-op.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import stripe
import structlog
from arq.connections import ArqRedis
from litestar import Controller, Request, post
from litestar.exceptions import ClientException, ServiceUnavailableException
from litestar.params import HeaderParameter

from ecolaura.http.openapi import problems
from write_side.adapters.stripe_inbox import StripeInbox
from write_side.service_layer.metrics import STRIPE_WEBHOOKS
from write_side.service_layer.stripe_events import job_id

log = structlog.get_logger("ecolaura.payments")

WEBHOOKS_STATE_KEY = "stripe_webhooks"


StripeSignature = Annotated[
    str,
    HeaderParameter(
        name="Stripe-Signature",
        min_length=1,
        description="`t=<unix time>,v1=<HMAC-SHA256 of t.body>`, as Stripe signs",
    ),
]


class WebhookReceipt(msgspec.Struct):
    received: bool
    duplicate: bool
    event_id: str


class StripeWebhooks:
    """What the endpoint needs: the signing secret, the inbox and the job queue."""

    def __init__(
        self, secret: str | None, tolerance: int, inbox: StripeInbox, queue: ArqRedis | None
    ) -> None:
        self.secret = secret
        self.tolerance = tolerance
        self.inbox = inbox
        self.queue = queue


class StripeWebhookController(Controller):
    path = "/api/v1/webhooks/stripe"
    tags = ["payments"]  # noqa: RUF012

    @post(
        operation_id="StripeWebhook",
        status_code=200,
        summary="Events from Stripe (signed)",
        responses=problems(503),
    )
    async def receive(self, request: Request[Any, Any, Any], signature: StripeSignature) -> WebhookReceipt:
        hooks: StripeWebhooks = request.app.state[WEBHOOKS_STATE_KEY]
        if not hooks.secret:
            STRIPE_WEBHOOKS.labels("unconfigured").inc()
            raise ServiceUnavailableException("STRIPE_WEBHOOK_SECRET is not configured")
        payload = await request.body()
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, hooks.secret, tolerance=hooks.tolerance
            )
        except stripe.SignatureVerificationError as exc:
            STRIPE_WEBHOOKS.labels("bad_signature").inc()
            raise ClientException(f"the signature does not verify: {exc.user_message or exc}") from None
        except ValueError:
            STRIPE_WEBHOOKS.labels("malformed").inc()
            raise ClientException("the body is not a Stripe event") from None
        fresh = await hooks.inbox.store(event.id, event.type, msgspec.json.decode(payload))
        STRIPE_WEBHOOKS.labels("stored" if fresh else "duplicate").inc()
        if fresh:
            await _queue(hooks.queue, event.id)
        log.info("stripe.event.received", event_id=event.id, type=event.type, duplicate=not fresh)
        return WebhookReceipt(received=True, duplicate=not fresh, event_id=event.id)


async def _queue(queue: ArqRedis | None, event_id: str) -> None:
    if queue is None:
        return  # the sweeper job queues stored events later
    try:
        await queue.enqueue_job("process_stripe_event", event_id, _job_id=job_id(event_id))
    except Exception:
        log.warning("stripe.event.not_queued", event_id=event_id, exc_info=True)
