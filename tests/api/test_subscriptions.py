"""Eco-box subscriptions: Stripe Customer + Price + Subscription, and an order for every paid invoice.

Subscribing needs Stripe's Prices API, which localstripe lacks (it has only the legacy Plans), and
no other server implementing it can run on these machines. So for that one call sequence the real
SDK talks to a small stand-in (``PricesStandIn`` below) that answers Stripe-shaped JSON and
records what it was sent: the test checks what we ask of Stripe, not how Stripe behaves. Everything
after (``invoice.paid``, ``customer.subscription.deleted``) arrives as webhooks signed with Stripe's
scheme and runs through the real endpoint, inbox and job.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import Settings
from tests.api.test_stripe_payments import _event, _post, _process
from tests.conftest import make_test_app
from tests.factories import create_customer, create_product, customer_headers
from write_side.adapters.stripe_gateway import StripeGateway, make_client

Client = AsyncTestClient  # type: ignore[type-arg]


class PricesStandIn:
    """Answers the four Stripe calls of subscribing and cancelling; records each one.

    It runs on a thread of its own: the app under test runs on another event loop than the test.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, list[str]], str | None]] = []
        self.url = ""

    def answer(self, path: str, form: dict[str, list[str]], key: str | None) -> dict[str, Any]:
        self.calls.append((path, form, key))
        n = len(self.calls)
        if path == "/v1/customers":
            return {"id": f"cus_{n}", "object": "customer"}
        if path == "/v1/prices":
            return {"id": f"price_{n}", "object": "price", "unit_amount": int(form["unit_amount"][0])}
        if path == "/v1/subscriptions":
            intent = {"id": f"pi_{n}", "object": "payment_intent", "client_secret": f"pi_{n}_secret"}
            return {
                "id": f"sub_{n}",
                "object": "subscription",
                "status": "incomplete",
                "latest_invoice": {"id": f"in_{n}", "object": "invoice", "payment_intent": intent},
            }
        return {
            "id": path.rsplit("/", 1)[1],
            "object": "subscription",
            "status": "active",
            "cancel_at_period_end": True,
        }


@pytest.fixture
def stand_in() -> Iterator[PricesStandIn]:
    recorder = PricesStandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            body = json.dumps(recorder.answer(self.path, form, self.headers.get("Idempotency-Key"))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
async def box_client(settings: Settings, stand_in: PricesStandIn) -> AsyncIterator[Client]:
    gateway = StripeGateway(make_client("sk_test_standin", stand_in.url))
    async with AsyncTestClient(app=make_test_app(settings, gateway), timeout=30) as test_client:
        yield test_client


async def _box(client: Client) -> tuple[str, dict[str, Any], dict[str, Any]]:
    soap = await create_product(client, price_minor=650, initial_stock=50)
    brush = await create_product(client, price_minor=450, initial_stock=50)
    return await create_customer(client), soap, brush


async def test_subscribing_bills_a_monthly_price_and_each_paid_invoice_makes_a_paid_order(
    box_client: Client, stand_in: PricesStandIn, engine: AsyncEngine
) -> None:
    customer, soap, brush = await _box(box_client)
    r = await box_client.post(
        "/api/v1/subscriptions",
        headers={**customer_headers(customer), "Idempotency-Key": uuid.uuid4().hex},
        json={
            "items": [{"product_id": soap["id"], "quantity": 2}, {"product_id": brush["id"], "quantity": 1}],
            "shipping": {"country": "NL", "method": "slow-green"},
        },
    )
    assert r.status_code == 201, r.text
    box = r.json()
    subtotal = 2 * 650 + 450
    assert box["status"] == "incomplete" and box["client_secret"] == "pi_3_secret"
    assert box["amount_minor"] >= subtotal and box["currency"] == "EUR"

    (customers, c_form, c_key), (prices, p_form, _), (subs, s_form, s_key) = stand_in.calls
    assert (customers, prices, subs) == ("/v1/customers", "/v1/prices", "/v1/subscriptions")
    assert c_form == {"metadata[customer_id]": [customer]} and c_key == f"ecolaura-customer-{customer}"
    assert p_form["unit_amount"] == [str(box["amount_minor"])] and p_form["recurring[interval]"] == ["month"]
    assert s_form["items[0][price]"] == ["price_2"] and s_form["payment_behavior"] == ["default_incomplete"]
    assert (
        s_form["metadata[subscription_id]"] == [box["id"]] and s_key == f"ecolaura-subscription-{box['id']}"
    )

    first = _invoice_paid("sub_3", "in_3", "pi_3")
    await _post(box_client, first)
    assert await _process(engine, first["id"]) == "invoice in_3 fulfilled"
    redelivered = _invoice_paid("sub_3", "in_3", "pi_3")  # Stripe sends it again under a new event id
    await _post(box_client, redelivered)
    assert await _process(engine, redelivered["id"]) == "invoice in_3 already fulfilled"
    second_month = _invoice_paid("sub_3", "in_9", "pi_9")
    await _post(box_client, second_month)
    await _process(engine, second_month["id"])

    async with engine.connect() as conn:
        orders = (
            await conn.execute(
                text(
                    "SELECT o.status, o.payment_reference, sum(l.quantity) FROM orders o "
                    "JOIN order_lines l USING (order_id) WHERE o.customer_id = :c "
                    "GROUP BY o.order_id ORDER BY o.payment_reference"
                ),
                {"c": customer},
            )
        ).all()
        status = await conn.scalar(
            text("SELECT status FROM subscriptions WHERE subscription_id = :s"), {"s": box["id"]}
        )
    assert [tuple(o) for o in orders] == [("paid", "pi_3", 3), ("paid", "pi_9", 3)]
    assert status == "active"
    export = (await box_client.get("/api/v1/me/export", headers=customer_headers(customer))).json()
    assert [(b["subscription_id"], b["status"]) for b in export["subscriptions"]] == [(box["id"], "active")]

    other = await create_customer(box_client)
    assert (
        await box_client.delete(f"/api/v1/subscriptions/{box['id']}", headers=customer_headers(other))
    ).status_code == 404
    cancelled = await box_client.delete(
        f"/api/v1/subscriptions/{box['id']}", headers=customer_headers(customer)
    )
    assert cancelled.status_code == 200 and cancelled.json() == {
        "id": box["id"],
        "status": "cancel_at_period_end",
    }
    assert stand_in.calls[-1][0] == "/v1/subscriptions/sub_3"
    assert stand_in.calls[-1][1] == {"cancel_at_period_end": ["true"]}

    ended = _event(
        "customer.subscription.deleted", {"id": "sub_3", "object": "subscription", "status": "canceled"}
    )
    await _post(box_client, ended)
    assert await _process(engine, ended["id"]) == "subscription sub_3 ended"
    async with engine.connect() as conn:
        assert (
            await conn.scalar(
                text("SELECT status FROM subscriptions WHERE subscription_id = :s"), {"s": box["id"]}
            )
            == "ended"
        )


@pytest.mark.parametrize(
    ("items", "status", "needle"),
    [
        ([], 400, "items"),
        ([{"product_id": str(uuid.uuid4()), "quantity": 1}], 404, "does not exist"),
        ([{"product_id": "SAME", "quantity": 1}, {"product_id": "SAME", "quantity": 2}], 422, "once"),
        ([{"product_id": "SAME", "quantity": 0}], 400, "quantity"),
    ],
)
async def test_bad_boxes_are_refused_before_stripe_is_asked(
    box_client: Client, stand_in: PricesStandIn, items: list[dict[str, Any]], status: int, needle: str
) -> None:
    customer, soap, _ = await _box(box_client)
    for item in items:
        item["product_id"] = soap["id"] if item["product_id"] == "SAME" else item["product_id"]
    r = await box_client.post(
        "/api/v1/subscriptions",
        headers=customer_headers(customer),
        json={"items": items, "shipping": {"country": "NL"}},
    )
    assert r.status_code == status and needle in r.json()["detail"], r.text
    assert stand_in.calls == []


def _invoice_paid(subscription: str, invoice: str, intent: str) -> dict[str, Any]:
    """An invoice.paid as API versions since 2025 send it: the subscription under parent."""
    return _event(
        "invoice.paid",
        {
            "id": invoice,
            "object": "invoice",
            "payment_intent": intent,
            "parent": {"subscription_details": {"subscription": subscription}},
        },
    )
