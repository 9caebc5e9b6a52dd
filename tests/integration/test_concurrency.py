"""Invariants under concurrent load: no overselling, idempotent retries, one effect per key."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import admin_headers, create_customer, create_product, customer_headers, order_body


async def test_fifty_parallel_orders_for_the_last_ten_units_sell_exactly_ten(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=10)
    customers = [await create_customer(client) for _ in range(50)]

    async def order(customer: str) -> int:
        r = await client.post(
            "/api/v1/orders", json=order_body((product["id"], 1)), headers=customer_headers(customer)
        )
        if r.status_code == 409:
            assert r.json()["title"] == "Out of stock" and "available" in r.json()["detail"]
        return r.status_code

    statuses = Counter(await asyncio.gather(*(order(c) for c in customers)))
    assert statuses == {201: 10, 409: 40}
    async with engine.connect() as conn:
        on_hand, reserved = (
            await conn.execute(
                text("SELECT on_hand, reserved FROM stock_items WHERE product_id = :p"), {"p": product["id"]}
            )
        ).one()
        orders = (
            await conn.execute(
                text("SELECT count(*) FROM order_lines WHERE product_id = :p"), {"p": product["id"]}
            )
        ).scalar_one()
    assert (on_hand, reserved, orders) == (10, 10, 10)


async def test_overlapping_multi_line_orders_never_deadlock_or_oversell(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    products = [await create_product(client, initial_stock=15) for _ in range(3)]
    customer = await create_customer(client)
    ids = [p["id"] for p in products]

    async def order(i: int) -> int:
        # Lines in different orders would deadlock without ordered locking.
        lines = [(ids[(i + k) % 3], 1) for k in range(3)]
        r = await client.post("/api/v1/orders", json=order_body(*lines), headers=customer_headers(customer))
        return r.status_code

    statuses = Counter(await asyncio.gather(*(order(i) for i in range(30))))
    assert statuses == {201: 15, 409: 15}
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT reserved FROM stock_items WHERE product_id = ANY(CAST(:ids AS uuid[]))"),
                {"ids": ids},
            )
        ).all()
    assert sorted(r[0] for r in rows) == [15, 15, 15]


async def test_retry_with_same_key_replays_the_first_response(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client, initial_stock=10)
    customer = await create_customer(client)
    headers = {**customer_headers(customer), "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post("/api/v1/orders", json=order_body((product["id"], 2)), headers=headers)
    # The same request, re-serialised with other whitespace and key order.
    body = '{"shipping": {"country": "NL", "method": "standard"}, "lines": [{"quantity": 2, "product_id": "%s"}]}'
    again = await client.post(
        "/api/v1/orders",
        content=body % product["id"],
        headers={**headers, "Content-Type": "application/json"},
    )
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert again.headers["idempotent-replayed"] == "true"
    stock = await client.post(
        f"/api/v1/products/{product['id']}/stock",
        headers=admin_headers(),
        json={"delta": 1},
    )
    assert stock.json()["reserved"] == 2  # reserved once, not twice


async def test_same_key_with_a_different_body_is_422(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    customer = await create_customer(client)
    headers = {**customer_headers(customer), "Idempotency-Key": "reused-key"}
    assert (
        await client.post("/api/v1/orders", json=order_body((product["id"], 1)), headers=headers)
    ).status_code == 201
    r = await client.post("/api/v1/orders", json=order_body((product["id"], 2)), headers=headers)
    assert r.status_code == 422
    assert "already used with a different request" in r.json()["detail"]


async def test_keys_are_scoped_per_caller(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    a, b = await create_customer(client), await create_customer(client)
    ra = await client.post(
        "/api/v1/orders",
        json=order_body((product["id"], 1)),
        headers={**customer_headers(a), "Idempotency-Key": "k"},
    )
    rb = await client.post(
        "/api/v1/orders",
        json=order_body((product["id"], 1)),
        headers={**customer_headers(b), "Idempotency-Key": "k"},
    )
    assert ra.status_code == rb.status_code == 201 and ra.json()["id"] != rb.json()["id"]


async def test_concurrent_duplicates_run_the_effect_once(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=100)
    customer = await create_customer(client)
    headers = {**customer_headers(customer), "Idempotency-Key": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/orders", json=order_body((product["id"], 1)), headers=headers)
            for _ in range(20)
        )
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    async with engine.connect() as conn:
        placed = (
            await conn.execute(text("SELECT count(*) FROM orders WHERE customer_id = :c"), {"c": customer})
        ).scalar_one()
    assert placed == 1


async def test_a_failed_request_does_not_burn_its_key(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client, initial_stock=1)
    customer = await create_customer(client)
    headers = {**customer_headers(customer), "Idempotency-Key": str(uuid.uuid4())}
    r = await client.post("/api/v1/orders", json=order_body((product["id"], 2)), headers=headers)
    assert r.status_code == 409  # nothing happened, so nothing was stored
    await client.post(
        f"/api/v1/products/{product['id']}/stock",
        headers=admin_headers(),
        json={"delta": 5},
    )
    retry = await client.post("/api/v1/orders", json=order_body((product["id"], 2)), headers=headers)
    assert retry.status_code == 201 and "idempotent-replayed" not in retry.headers
