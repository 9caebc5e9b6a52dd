"""Payments through Stripe: the real SDK against a real localstripe process, and signed webhooks.

End to end (localstripe delivers its own signed webhooks, about a second later):
order -> PaymentIntent -> webhook -> arq job -> paid order in PostgreSQL and in the read model
-> refund through Stripe. localstripe sends no charge or refund events and ignores
Idempotency-Key, so those flows are tested with payloads signed here with Stripe's
scheme (``t=<ts>,v1=<HMAC-SHA256>``), posted to the same endpoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
import stripe
import uvicorn
from arq.worker import Worker
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.apps import combined_app_for
from ecolaura.embedded import free_port, register_stripe_webhook
from ecolaura.settings import Settings
from ecolaura.worker import worker_settings
from tests.conftest import WEBHOOK_SECRET
from tests.factories import create_customer, create_product, customer_headers, place_order, product_body
from tests.projection_helpers import catch_up
from write_side.adapters.stripe_inbox import StripeInbox
from write_side.service_layer.messagebus import MessageBus
from write_side.service_layer.stripe_events import process_stripe_event

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def live_api(settings: Settings, stripe_base: str) -> AsyncIterator[httpx.AsyncClient]:
    """The APIs on a real port, so localstripe can deliver its webhooks to them."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(combined_app_for(settings), port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.05)
    register_stripe_webhook(stripe_base, f"http://127.0.0.1:{port}/api/v1/webhooks/stripe", WEBHOOK_SECRET)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client
    server.should_exit = True
    await task


def _stripe(stripe_base: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_localstripe", base_addresses={"api": stripe_base})


async def _card(stripe_base: str, number: str) -> str:
    """A PaymentMethod, as Stripe.js would make one in the shopper's browser."""
    method = await _stripe(stripe_base).v1.payment_methods.create_async(
        {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    return method.id


async def _wait_for_event(engine: AsyncEngine, event_type: str, order_id: str) -> str:
    """localstripe delivers about a second after the call; allow it fifteen."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        async with engine.connect() as conn:
            event_id = await conn.scalar(
                text(
                    "SELECT event_id FROM stripe_events WHERE type = :t "
                    "AND payload->'data'->'object'->'metadata'->>'order_id' = :o"
                ),
                {"t": event_type, "o": order_id},
            )
        if event_id:
            return str(event_id)
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {event_type} webhook arrived for order {order_id}")


async def _run_worker(settings: Settings) -> None:
    assert settings.database_url and settings.redis_url
    worker = Worker(**worker_settings(settings.database_url, settings.redis_url), burst=True, poll_delay=0.05)  # type: ignore[arg-type]
    try:
        await worker.async_run()
    finally:
        await worker.close()


async def _balance(engine: AsyncEngine, order_id: str, account: str) -> int:
    async with engine.connect() as conn:
        total = await conn.scalar(
            text(
                "SELECT coalesce(sum(e.amount_minor), 0) FROM journal_entries e "
                "JOIN journal_transactions t USING (transaction_id) WHERE t.order_id = :o AND e.account = :a"
            ),
            {"o": order_id, "a": account},
        )
    return int(total or 0)


async def _post_live(api: httpx.AsyncClient, event: dict[str, Any]) -> None:
    payload, signature = _signed(event)
    r = await api.post("/api/v1/webhooks/stripe", content=payload, headers={"Stripe-Signature": signature})
    assert r.status_code == 200, r.text


async def _status(engine: AsyncEngine, order_id: str) -> tuple[str, int, str | None]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, refunded_minor, payment_reference FROM orders WHERE order_id = :o"),
                {"o": order_id},
            )
        ).one()
    return row[0], row[1], row[2]


async def test_a_card_payment_settles_through_stripes_webhook_and_refunds_through_stripe(
    live_api: httpx.AsyncClient,
    settings: Settings,
    engine: AsyncEngine,
    stripe_base: str,
    redis_client: aioredis.Redis,
    admin: dict[str, str],
) -> None:
    customer, _, order = await _ordered(live_api, admin, quantity=2)

    paying = await live_api.post(
        f"/api/v1/orders/{order['id']}/pay",
        headers=customer_headers(customer),
        json={"payment_method": await _card(stripe_base, "4242424242424242")},
    )
    assert paying.status_code == 202, paying.text
    body = paying.json()
    assert body["payment_reference"].startswith("pi_") and body["client_secret"]
    assert body["order"]["status"] == "pending_payment"  # not paid until Stripe says so

    event_id = await _wait_for_event(engine, "payment_intent.succeeded", order["id"])
    await _run_worker(settings)
    status, _, reference = await _status(engine, order["id"])
    assert (status, reference) == ("paid", body["payment_reference"])
    async with engine.connect() as conn:
        outcome = await conn.scalar(
            text("SELECT outcome FROM stripe_events WHERE event_id = :e"), {"e": event_id}
        )
    assert outcome == f"order {order['id']} paid"
    await catch_up(redis_client, settings.database_url or "")
    mine = await live_api.get(f"/api/v1/me/orders/{order['id']}", headers=customer_headers(customer))
    assert mine.json()["status"] == "paid"

    refunded = await live_api.post(
        f"/api/v1/orders/{order['id']}/refund", headers=admin, json={"amount_minor": 500}
    )
    assert refunded.status_code == 200, refunded.text
    refunds = await _stripe(stripe_base).v1.refunds.list_async({"payment_intent": body["payment_reference"]})
    assert [r.amount for r in refunds.data] == [500]
    assert (await _status(engine, order["id"]))[1] == 500
    assert await _balance(engine, order["id"], "refunds_payable") == -500  # owed until Stripe pays it out

    # localstripe sends no refund events: Stripe's refund.updated, signed here, closes the loop.
    paid_out = {"id": refunds.data[0].id, "object": "refund", "amount": 500, "status": "succeeded"}
    paid_out["metadata"] = {"order_id": order["id"]}
    settled = _event("refund.updated", paid_out)
    await _post_live(live_api, settled)
    assert await _process(engine, settled["id"]) == f"refund {paid_out['id']} settled"
    again = _event("charge.refunded", {"id": "ch_1", "object": "charge", "refunds": {"data": [paid_out]}})
    await _post_live(live_api, again)
    assert await _process(engine, again["id"]) == f"refund {paid_out['id']} already settled"
    assert await _balance(engine, order["id"], "refunds_payable") == 0
    total = body["order"]["totals"]["total_minor"]
    assert await _balance(engine, order["id"], "payment_clearing") == total - 500


async def test_a_declined_card_cancels_the_order_when_stripe_reports_it(
    live_api: httpx.AsyncClient,
    settings: Settings,
    engine: AsyncEngine,
    stripe_base: str,
    admin: dict[str, str],
) -> None:
    customer, product, order = await _ordered(live_api, admin, quantity=1, stock=1)
    declined = await live_api.post(
        f"/api/v1/orders/{order['id']}/pay",
        headers=customer_headers(customer),
        json={"payment_method": await _card(stripe_base, "4000000000000341")},
    )
    assert declined.status_code == 402, declined.text
    assert declined.json()["title"] == "Payment declined"
    await _wait_for_event(engine, "payment_intent.payment_failed", order["id"])
    await _run_worker(settings)
    assert (await _status(engine, order["id"]))[0] == "cancelled"
    again = await live_api.post(
        "/api/v1/orders",
        headers=customer_headers(customer),
        json={"lines": [{"product_id": product["id"], "quantity": 1}], "shipping": {"country": "NL"}},
    )
    assert again.status_code == 201  # the unit was released


async def test_paying_without_a_method_hands_the_browser_a_client_secret(client: Client) -> None:
    product = await create_product(client)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 1))
    r = await client.post(f"/api/v1/orders/{order['id']}/pay", headers=customer_headers(customer))
    assert r.status_code == 202, r.text
    assert r.json()["payment_status"] == "requires_payment_method"
    assert r.json()["client_secret"].startswith(r.json()["payment_reference"])


# ------------------------------------------------------------------ signed payloads


def _signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    timestamp = at if at is not None else int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={mac}"


def _event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def _intent(order_id: str, intent_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": intent_id or f"pi_{uuid.uuid4().hex[:14]}",
        "object": "payment_intent",
        "metadata": {"order_id": order_id},
        **extra,
    }


async def _post(client: Client, event: dict[str, Any], **sign: Any) -> httpx.Response:
    payload, signature = _signed(event, **sign)
    return await client.post(  # type: ignore[no-any-return]
        "/api/v1/webhooks/stripe",
        content=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


async def _process(engine: AsyncEngine, event_id: str) -> str:
    """The arq job function itself, with the context the worker gives it."""
    ctx = {"bus": MessageBus(engine), "stripe_inbox": StripeInbox(engine), "job_try": 1}
    return await process_stripe_event(ctx, event_id)


async def test_a_redelivered_event_changes_nothing(client: Client, engine: AsyncEngine) -> None:
    product = await create_product(client)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 1))
    event = _event("payment_intent.succeeded", _intent(order["id"]))
    first, second = await _post(client, event), await _post(client, event)
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert await _process(engine, event["id"]) == f"order {order['id']} paid"
    assert await _process(engine, event["id"]) == "skipped: unknown or already processed"
    same_payment_again = _event("payment_intent.succeeded", event["data"]["object"])
    await _post(client, same_payment_again)
    await _process(engine, same_payment_again["id"])
    async with engine.connect() as conn:
        paid_events = await conn.scalar(
            text("SELECT count(*) FROM event_log WHERE stream_id = :s AND event_type = 'OrderPaid'"),
            {"s": f"order-{order['id']}"},
        )
    assert paid_events == 1


async def test_a_failure_reported_after_the_success_is_ignored(client: Client, engine: AsyncEngine) -> None:
    product = await create_product(client)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 1))
    intent = _intent(order["id"])
    succeeded = _event("payment_intent.succeeded", intent)
    failed = _event(
        "payment_intent.payment_failed", {**intent, "last_payment_error": {"message": "card declined"}}
    )
    for event in (succeeded, failed):
        await _post(client, event)
    await _process(engine, succeeded["id"])
    await _process(engine, failed["id"])
    assert (await _status(engine, order["id"]))[0] == "paid"


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("charge.refunded", "acknowledged: no refunds listed"),
        ("refund.updated", "refund re_123 is succeeded: nothing to settle"),  # no order of ours
        ("customer.created", "ignored: customer.created is not handled"),
    ],
)
async def test_events_we_cannot_use_are_acknowledged(
    client: Client, engine: AsyncEngine, event_type: str, expected: str
) -> None:
    event = _event(event_type, {"id": "re_123", "object": "refund", "status": "succeeded"})
    r = await _post(client, event)
    assert r.status_code == 200 and r.json()["received"] is True
    assert await _process(engine, event["id"]) == expected


@pytest.mark.parametrize(
    ("sign", "tamper"),
    [
        ({"secret": "whsec_wrong"}, False),
        ({"at": int(time.time()) - 3600}, False),  # a replay from an hour ago
        ({}, True),  # the body changed after signing
    ],
)
async def test_unverifiable_webhooks_are_400_and_stored_nowhere(
    client: Client, engine: AsyncEngine, sign: dict[str, Any], tamper: bool
) -> None:
    event = _event("payment_intent.succeeded", _intent(str(uuid.uuid4())))
    payload, signature = _signed(event, **sign)
    if tamper:
        payload = payload.replace(b"payment_intent.succeeded", b"payment_intent.canceled")
    r = await client.post("/api/v1/webhooks/stripe", content=payload, headers={"Stripe-Signature": signature})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "signature" in r.json()["detail"]
    missing = await client.post("/api/v1/webhooks/stripe", content=payload)
    assert missing.status_code == 400 and "Stripe-Signature" in missing.json()["detail"]
    async with engine.connect() as conn:
        assert not await conn.scalar(
            text("SELECT count(*) FROM stripe_events WHERE event_id = :e"), {"e": event["id"]}
        )


async def _ordered(
    api: httpx.AsyncClient, admin: dict[str, str], quantity: int, stock: int = 100
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A customer, a product and the customer's pending order for ``quantity`` of it, over HTTP."""
    product = (
        await api.post("/api/v1/products", headers=admin, json=product_body(initial_stock=stock))
    ).json()
    customer = (
        await api.post(
            "/api/v1/customers",
            headers=admin,
            json={"email": f"{uuid.uuid4().hex[:8]}@example.com", "display_name": "P", "country": "NL"},
        )
    ).json()["id"]
    order = await api.post(
        "/api/v1/orders",
        headers=customer_headers(customer),
        json={"lines": [{"product_id": product["id"], "quantity": quantity}], "shipping": {"country": "NL"}},
    )
    assert order.status_code == 201, order.text
    return customer, product, order.json()
