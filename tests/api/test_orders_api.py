"""Orders through the HTTP API: placing, the status machine, ledger and events."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)


async def _journal(engine: AsyncEngine, order_id: str) -> list[tuple[str, str, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT t.kind, e.account, e.amount_minor FROM journal_entries e "
                "JOIN journal_transactions t USING (transaction_id) WHERE t.order_id = :o ORDER BY e.entry_id"
            ),
            {"o": order_id},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def _events(engine: AsyncEngine, stream: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event_type FROM event_log WHERE stream_id = :s ORDER BY stream_version"),
            {"s": stream},
        )
        return [r[0] for r in rows]


async def test_place_order_prices_lines_reserves_stock_and_posts_journal(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, price_minor=1000, initial_stock=10)
    customer = await create_customer(client, "DE")
    order = await place_order(client, customer, (product["id"], 3), country="DE")

    # 3 x 10.00 + 4.95 standard shipping, German VAT 19% included: 34.95 * 19/119 = 5.58
    assert order["status"] == "pending_payment"
    assert order["totals"] == {
        "subtotal_minor": 3000,
        "shipping_minor": 495,
        "tax_minor": 558,
        "total_minor": 3495,
        "refunded_minor": 0,
        "tax_rate_bp": 1900,
    }
    assert order["lines"][0]["unit_price_minor"] == 1000
    assert await _journal(engine, order["id"]) == [
        ("order_placed", "customer_receivable", 3495),
        ("order_placed", "revenue", -2937),
        ("order_placed", "tax_payable", -558),
    ]
    assert await _events(engine, f"order-{order['id']}") == ["OrderPlaced"]
    assert await _events(engine, f"stock-{product['id']}") == ["StockLevelChanged"] * 2


async def test_full_lifecycle_pay_ship_deliver_partial_then_full_refund(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, price_minor=2000, initial_stock=5)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 2), method="slow-green")
    oid = order["id"]
    assert order["totals"]["shipping_minor"] == 295  # slow-green below the free threshold
    admin = admin_headers()

    paid = await mark_paid(client, oid)  # a bank transfer, recorded by an admin
    assert paid["status"] == "paid"
    for step, status in (("ship", "shipped"), ("deliver", "delivered")):
        r = await client.post(f"/api/v1/orders/{oid}/{step}", headers=admin)
        assert r.status_code == 200 and r.json()["status"] == status

    partial = await client.post(f"/api/v1/orders/{oid}/refund", headers=admin, json={"amount_minor": 1000})
    assert partial.status_code == 200
    assert partial.json()["status"] == "delivered" and partial.json()["totals"]["refunded_minor"] == 1000
    rest = await client.post(f"/api/v1/orders/{oid}/refund", headers=admin, json={})
    assert rest.json()["status"] == "refunded" and rest.json()["totals"]["refunded_minor"] == 4295
    too_much = await client.post(f"/api/v1/orders/{oid}/refund", headers=admin, json={"amount_minor": 1})
    assert too_much.status_code == 409

    assert await _events(engine, f"order-{oid}") == [
        "OrderPlaced",
        "OrderPaid",
        "OrderShipped",
        "OrderDelivered",
        "EcoPointsEarned",  # delivered: the order's points reach the customer
        "OrderRefunded",
        "EcoPointsReversed",  # the refunded share of them goes back
        "OrderRefunded",
        "EcoPointsReversed",  # all of them: the order was refunded in full
    ]
    journal = await _journal(engine, oid)
    kinds = [k for k, _, _ in journal]
    assert kinds.count("order_refunded") == 6  # 3 entries x 2 refunds
    assert kinds.count("eco_points_earned") == 2 and kinds.count("eco_points_reversed") == 4
    assert sum(amount for _, account, amount in journal if account == "eco_points_outstanding") == 0
    async with engine.connect() as conn:
        stock = (
            await conn.execute(
                text("SELECT on_hand, reserved FROM stock_items WHERE product_id = :p"), {"p": product["id"]}
            )
        ).one()
    assert tuple(stock) == (3, 0)  # shipped units left the warehouse


async def test_cancel_releases_reservation_and_reverses_journal(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=4)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 4))
    r = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=customer_headers(customer))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    journal = await _journal(engine, order["id"])
    assert sum(amount for _, account, amount in journal if account == "customer_receivable") == 0
    again = await place_order(client, customer, (product["id"], 4))  # all 4 are free again
    assert again["status"] == "pending_payment"


async def test_illegal_transitions_are_409_with_a_clear_detail(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 1))
    admin = admin_headers()
    for step in ("ship", "deliver", "refund"):
        r = await client.post(f"/api/v1/orders/{order['id']}/{step}", headers=admin)
        assert r.status_code == 409, (step, r.text)
        assert "pending_payment" in r.json()["detail"]
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)
    r = await client.post(f"/api/v1/orders/{order['id']}/pay", headers=customer_headers(customer))
    assert r.status_code == 409 and "cancelled" in r.json()["detail"]


async def test_customers_cannot_touch_other_customers_orders(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    owner, other = await create_customer(client), await create_customer(client)
    order = await place_order(client, owner, (product["id"], 1))
    for step in ("pay", "cancel"):
        r = await client.post(f"/api/v1/orders/{order['id']}/{step}", headers=customer_headers(other))
        assert r.status_code == 404, r.text
    r = await client.post(f"/api/v1/orders/{order['id']}/ship", headers=customer_headers(owner))
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/orders",
        headers=customer_headers(other),
        json={
            "lines": [{"product_id": product["id"], "quantity": 1}],
            "shipping": {"country": "NL"},
            "customer_id": owner,
        },
    )
    assert r.status_code == 403


async def test_unknown_caller_is_401(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    r = await client.post("/api/v1/orders", json={})
    assert r.status_code == 401
    assert r.json()["status"] == 401
    r = await client.post("/api/v1/orders", json={}, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_an_unknown_customer_cannot_order(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    r = await client.post(
        "/api/v1/orders",
        headers=customer_headers(str(uuid.uuid4())),
        json={"lines": [{"product_id": product["id"], "quantity": 1}], "shipping": {"country": "NL"}},
    )
    assert r.status_code == 404 and "customer does not exist" in r.json()["detail"]
