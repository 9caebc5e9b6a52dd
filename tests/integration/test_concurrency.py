"""Invariants under concurrent load: no overselling, idempotent retries, one effect per key.

The races go over real sockets to a served API (the ``http`` fixture), so their
requests overlap in PostgreSQL, and each checks through ``overlap_probe`` that
they did. Their setup goes through the in-process client instead: ``http``
then opens every connection during the race and the requests reach the server
together. Over connections left open by the setup, each request goes out as
soon as it is built, and the first orders had committed before the last were
sent (2-4 transactions open at once instead of 40).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    order_body,
    product_body,
)
from tests.overlap import overlap_probe


async def test_fifty_parallel_orders_for_the_last_ten_units_sell_exactly_ten(
    client: AsyncTestClient,  # type: ignore[type-arg]
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    # Fails without FOR UPDATE in StockRepository.lock_statement: 5-8 won, 42-45 got 500 (stream version).
    product = await create_product(client, initial_stock=10)
    customers = [await create_customer(client) for _ in range(50)]
    # Signed before the race: signing in it would space the requests out by a millisecond each.
    callers = [customer_headers(c) for c in customers]

    async def order(headers: dict[str, str]) -> int:
        r = await http.post("/api/v1/orders", json=order_body((product["id"], 1)), headers=headers)
        if r.status_code == 409:
            assert r.json()["title"] == "Out of stock" and "available" in r.json()["detail"]
        return r.status_code

    with overlap_probe(database_url) as overlap:
        statuses = Counter(await asyncio.gather(*(order(h) for h in callers)))
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
    overlap.assert_concurrent(open_at_least=12, waiting_at_least=5)


async def test_overlapping_multi_line_orders_never_deadlock_or_oversell(
    client: AsyncTestClient,  # type: ignore[type-arg]
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    # Fails if stock rows are locked in line order, not by product_id: 20 of 30 got 500 after deadlocks.
    products = [await create_product(client, initial_stock=15) for _ in range(3)]
    customer = await create_customer(client)
    ids = [p["id"] for p in products]

    async def order(i: int) -> int:
        # Lines in different orders would deadlock without ordered locking.
        lines = [(ids[(i + k) % 3], 1) for k in range(3)]
        r = await http.post("/api/v1/orders", json=order_body(*lines), headers=customer_headers(customer))
        return r.status_code

    with overlap_probe(database_url) as overlap:
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
    overlap.assert_concurrent(open_at_least=8, waiting_at_least=5)


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
    client: AsyncTestClient,  # type: ignore[type-arg]
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    # Fails if the key is checked first and stored at commit (no claim to wait on): 19-20 orders, one key.
    product = await create_product(client, initial_stock=100)
    customer = await create_customer(client)
    headers = {**customer_headers(customer), "Idempotency-Key": str(uuid.uuid4())}
    with overlap_probe(database_url) as overlap:
        responses = await asyncio.gather(
            *(
                http.post("/api/v1/orders", json=order_body((product["id"], 1)), headers=headers)
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
    overlap.assert_concurrent(open_at_least=5, waiting_at_least=4)


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


async def test_concurrent_deliveries_reaching_a_challenge_goal_reward_it_exactly_once(
    client: AsyncTestClient,  # type: ignore[type-arg]
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    # Fails without the customer's row lock in write_side.adapters.challenges.lock_customer: each
    # delivery counted only the orders committed before it read, so no one reached the goal of 6
    # (0 rewards; seen on 2026-12-03), or two reached it at once and both granted it.
    from tests.api.test_rewards_api import challenge_body

    admin = admin_headers()
    goal = {"measure": "orders", "threshold": 6, "filter": {"shipping_method": "slow-green"}}
    challenge = (
        await client.post("/api/v1/challenges", json=challenge_body(goal=goal), headers=admin)
    ).json()
    product = await create_product(client, initial_stock=50)
    customer = await create_customer(client)
    me = customer_headers(customer)
    assert (await client.post(f"/api/v1/challenges/{challenge['id']}/join", headers=me)).status_code == 200
    orders = []
    for _ in range(6):
        placed = await client.post(
            "/api/v1/orders", json=order_body((product["id"], 1), method="slow-green"), headers=me
        )
        oid = placed.json()["id"]
        await client.post(f"/api/v1/orders/{oid}/mark-paid", headers=admin, json={"reference": f"bank-{oid}"})
        await client.post(f"/api/v1/orders/{oid}/ship", headers=admin)
        orders.append(oid)

    async def deliver(oid: str) -> int:
        return (await http.post(f"/api/v1/orders/{oid}/deliver", headers=admin)).status_code

    async def join() -> int:
        return (await http.post(f"/api/v1/challenges/{challenge['id']}/join", headers=me)).status_code

    with overlap_probe(database_url) as overlap:
        statuses = await asyncio.gather(*(deliver(o) for o in orders), *(join() for _ in range(4)))
    assert set(statuses) == {200}
    async with engine.connect() as conn:
        completions = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM event_log WHERE stream_id = :s AND event_type = 'ChallengeCompleted'"
                ),
                {"s": f"challenge-{challenge['id']}-{customer}"},
            )
        ).scalar_one()
        granted = (
            await conn.execute(
                text(
                    "SELECT coalesce(sum(e.amount_minor), 0) FROM journal_entries e JOIN journal_transactions t "
                    "USING (transaction_id) WHERE t.kind = 'challenge_rewarded' AND e.party_id = :c"
                ),
                {"c": customer},
            )
        ).scalar_one()
        held = (
            await conn.execute(
                text(
                    "SELECT rewarded_points FROM challenge_entries WHERE challenge_id = :ch AND customer_id = :c"
                ),
                {"ch": challenge["id"], "c": customer},
            )
        ).scalar_one()
    assert (completions, -granted, held) == (1, 100, 100)
    overlap.assert_concurrent(open_at_least=3, waiting_at_least=1)


async def test_concurrent_provenance_appends_keep_one_dense_consistent_tree(
    client: AsyncTestClient,  # type: ignore[type-arg]
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    # Fails without FOR UPDATE on provenance_log in write_side.adapters.provenance._LOCK_EDGE (24-25 of 30
    # answered 500, seen 2026-12-03): appends
    # read the same size and collide on a leaf index (500s), or complete subtrees from stale edges.
    from write_side.domain import merkle

    admin = admin_headers()
    product = (await client.post("/api/v1/products", json=product_body(), headers=admin)).json()
    link = (await client.get(f"/api/v1/provenance/{product['id']}")).json()["digital_link"]

    def event(n: int) -> dict[str, object]:
        return {
            "type": "ObjectEvent",
            "eventTime": f"2026-11-{1 + n % 28:02d}T10:00:00Z",
            "eventTimeZoneOffset": "+00:00",
            "bizStep": "inspecting",
            "epcList": [f"{link}/21/S{n}"],
        }

    async def append(n: int) -> int:
        body = {"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-12-01T00:00:00Z",
                "epcisBody": {"eventList": [event(n * 3 + k) for k in range(3)]}}  # fmt: skip
        return (await http.post("/api/v1/provenance/events", json=body, headers=admin)).status_code

    with overlap_probe(database_url) as overlap:
        statuses = Counter(await asyncio.gather(*(append(n) for n in range(30))))
    assert statuses == {201: 30}
    async with engine.connect() as conn:
        size = (await conn.execute(text("SELECT tree_size FROM provenance_log"))).scalar_one()
        leaves = [
            bytes(r[0])
            for r in await conn.execute(text("SELECT leaf_hash FROM provenance_entries ORDER BY leaf_index"))
        ]
        stored = {
            (r[0], r[1]): bytes(r[2])
            for r in await conn.execute(text("SELECT level, idx, hash FROM provenance_nodes"))
        }
    assert len(leaves) == size  # dense: leaf indexes 0 .. size-1, none lost or doubled (primary key)
    assert merkle.root_hash(size, stored.__getitem__) == merkle.root_of(leaves)
    overlap.assert_concurrent(open_at_least=3, waiting_at_least=1)
