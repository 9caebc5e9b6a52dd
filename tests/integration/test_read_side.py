"""Projections into Redis and the query API over them (real PostgreSQL and Redis)."""

from __future__ import annotations

import asyncio
import threading
import uuid

import msgspec
import pytest
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from ecolaura.settings import libpq_url
from projections import keys
from projections import runner as runner_module
from projections.heartbeats import Heartbeat
from projections.projectors.product_cards import ProductCards
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from projections.runner import ProjectionFailedError, ProjectionRunner, dead_letter_key, live_generation
from projections.store import Batch, CheckpointMovedError, GenerationStore
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up, snapshot
from write_side.adapters.event_log import EventLogReader
from write_side.contracts.events import ProductUpdated, RecordedEvent


async def test_product_card_listing_orders_and_dashboard_are_served_from_redis(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    category = f"cat-{uuid.uuid4().hex[:6]}"
    cheap = await create_product(client, price_minor=900, initial_stock=10, category=category)
    dear = await create_product(client, price_minor=2500, initial_stock=10, category=category)
    customer = await create_customer(client)
    order = await place_order(client, customer, (cheap["id"], 3))
    await mark_paid(client, order["id"])
    await catch_up(redis_client, database_url)

    card = await client.get(f"/api/v1/catalog/products/{cheap['id']}")
    assert card.status_code == 200
    body = card.json()
    assert (body["name"], body["on_hand"], body["reserved"], body["available"], body["units_sold"]) == (
        cheap["name"],
        10,
        3,
        7,
        3,
    )
    assert card.headers["cache-control"].startswith("public")
    assert ":" in card.headers["x-read-position"]
    again = await client.get(
        f"/api/v1/catalog/products/{cheap['id']}", headers={"If-None-Match": card.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""

    by_price = (
        await client.get("/api/v1/catalog/products", params={"category": category, "sort": "price"})
    ).json()
    assert [p["id"] for p in by_price["items"]] == [cheap["id"], dear["id"]]
    assert by_price["total"] == 2 and by_price["next_cursor"] is None
    by_price_desc = await client.get(
        "/api/v1/catalog/products", params={"category": category, "sort": "-price"}
    )
    assert [p["id"] for p in by_price_desc.json()["items"]] == [dear["id"], cheap["id"]]
    first = (
        await client.get(
            "/api/v1/catalog/products", params={"category": category, "sort": "price", "limit": 1}
        )
    ).json()
    second = (
        await client.get(
            "/api/v1/catalog/products",
            params={"category": category, "sort": "price", "limit": 1, "cursor": first["next_cursor"]},
        )
    ).json()
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [cheap["id"], dear["id"]]

    mine = (await client.get("/api/v1/me/orders", headers=customer_headers(customer))).json()
    assert [o["id"] for o in mine["items"]] == [order["id"]] and mine["items"][0]["status"] == "paid"
    one = await client.get(f"/api/v1/me/orders/{order['id']}", headers=customer_headers(customer))
    assert one.json()["totals"]["total_minor"] == order["totals"]["total_minor"]
    assert [h["status"] for h in one.json()["history"]] == ["pending_payment", "paid"]
    dashboard = (await client.get("/api/v1/me/dashboard", headers=customer_headers(customer))).json()
    assert dashboard["orders_placed"] == 1 and dashboard["spent_minor"] == {
        "EUR": order["totals"]["total_minor"]
    }


async def test_cards_and_listings_survive_a_redis_that_forgot_its_scripts(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, category=f"cat-{uuid.uuid4().hex[:6]}")
    await catch_up(redis_client, database_url)
    card = await client.get(f"/api/v1/catalog/products/{product['id']}")
    await redis_client.script_flush()  # what a Redis restart does to loaded scripts
    again = await client.get(f"/api/v1/catalog/products/{product['id']}")
    assert again.status_code == 200 and again.content == card.content
    await redis_client.script_flush()
    listing = await client.get("/api/v1/catalog/products", params={"category": product["category"]})
    assert [p["id"] for p in listing.json()["items"]] == [product["id"]]
    # Any of several tags, weak or strong, answers 304.
    tags = f'"other", W/{card.headers["etag"]}'
    cached = await client.get(f"/api/v1/catalog/products/{product['id']}", headers={"If-None-Match": tags})
    assert cached.status_code == 304
    changed = await client.get(f"/api/v1/catalog/products/{product['id']}", headers={"If-None-Match": '"x"'})
    assert changed.status_code == 200
    split = [("If-None-Match", '"x"'), ("If-None-Match", card.headers["etag"])]  # a list over two lines
    assert (await client.get(f"/api/v1/catalog/products/{product['id']}", headers=split)).status_code == 304


async def test_a_customer_cannot_read_another_customers_order(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client)
    owner, other = await create_customer(client), await create_customer(client)
    order = await place_order(client, owner, (product["id"], 1))
    await catch_up(redis_client, database_url)
    stolen = await client.get(f"/api/v1/me/orders/{order['id']}", headers=customer_headers(other))
    assert stolen.status_code == 404
    assert (await client.get("/api/v1/me/orders", headers=customer_headers(other))).json()["items"] == []
    assert (await client.get("/api/v1/me/orders")).status_code == 401


async def test_read_your_writes_waits_for_the_projection(
    client: AsyncTestClient,
    clean_redis: str,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    redis_url = clean_redis
    product = await create_product(client)
    customer = await create_customer(client)
    placed = await client.post(
        "/api/v1/orders",
        headers=customer_headers(customer),
        json={"lines": [{"product_id": product["id"], "quantity": 1}], "shipping": {"country": "NL"}},
    )
    position = placed.headers["x-event-log-position"]

    def project_soon() -> None:
        # Its own thread and loop, like a real projector: the test client blocks this loop.
        async def run() -> None:
            await asyncio.sleep(0.2)
            redis = aioredis.Redis.from_url(redis_url)
            await catch_up(redis, database_url, ["order_views"])
            await redis.aclose()

        asyncio.run(run())

    projecting = threading.Thread(target=project_soon)
    projecting.start()
    seen = await client.get(
        f"/api/v1/me/orders/{placed.json()['id']}",
        params={"min_position": position},
        headers=customer_headers(customer),
    )
    projecting.join()
    assert seen.status_code == 200 and seen.json()["status"] == "pending_payment"


async def test_a_batch_never_applies_twice(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=5)
    customer = await create_customer(client)
    await place_order(client, customer, (product["id"], 2))
    await catch_up(redis_client, database_url, ["product_cards"])
    store = GenerationStore(
        redis_client, "product_cards", await live_generation(redis_client, "product_cards")
    )
    before = await snapshot(redis_client, "product_cards")
    checkpoint = await store.checkpoint()
    # A writer that read an older checkpoint (a second projector, a rebuild) cannot commit.
    stale = Batch(store.prefix, changed={f"product:{product['id']}": {"units_sold": 999}})
    with pytest.raises(CheckpointMovedError):
        await store.commit(stale, type(checkpoint)(0, 0), checkpoint)
    await catch_up(redis_client, database_url, ["product_cards"])  # nothing new: nothing changes
    assert await snapshot(redis_client, "product_cards") == before


# Small commits: a batch spread over many MULTI/EXECs must end exactly as one would.
SMALL_COMMITS = pytest.mark.parametrize("max_writes", [runner_module.MAX_WRITES_PER_COMMIT, 3])


@SMALL_COMMITS
async def test_rebuild_builds_an_identical_generation_and_swaps_it_in(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    max_writes: int,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=5)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 2))
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=customer_headers(customer))
    await catch_up(redis_client, database_url)
    for name, projection in PROJECTIONS.items():
        live = await live_generation(redis_client, name)
        before = await snapshot(redis_client, name)
        seen: list[int] = []
        monkeypatch.setattr(runner_module, "MAX_WRITES_PER_COMMIT", max_writes)
        async with EventLogReader(libpq_url(database_url)) as reader:
            new = await rebuild(
                projection, redis_client, reader, on_progress=lambda p, seen=seen: seen.append(p.done)
            )
        assert new == live + 1 and await live_generation(redis_client, name) == new
        assert await snapshot(redis_client, name) == before, f"{name} rebuilt differently"
        assert await snapshot(redis_client, name, live) == {}, "the old generation was not dropped"
        assert seen and seen[-1] > 0
        monkeypatch.undo()


class _PoisonOn(ProductCards):
    """Product cards that cannot apply one product's updates: a stand-in for a projector bug."""

    name = "product_cards_poison_test"

    def __init__(self, product_id: str) -> None:
        self.product_id = product_id

    def apply(self, event: RecordedEvent, batch: Batch) -> None:
        e = event.event
        if isinstance(e, ProductUpdated) and e.product.product_id == self.product_id:
            raise ValueError("cannot apply this update")
        super().apply(event, batch)


@SMALL_COMMITS
async def test_a_poison_event_stops_that_projection_and_is_parked(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    max_writes: int,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[type-arg]
) -> None:
    monkeypatch.setattr(runner_module, "MAX_WRITES_PER_COMMIT", max_writes)
    product = await create_product(client)
    changed = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"price_minor": 1999},
        headers={**admin_headers(), "If-Match": '"1"'},
    )
    poison_position = int(changed.headers["x-event-log-position"].split(":")[1])
    await create_product(client)  # an event after the poison one
    projection = _PoisonOn(product["id"])
    projection.name = f"{projection.name}_{max_writes}"
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = ProjectionRunner(projection, redis_client, reader, batch_size=100_000)
        with pytest.raises(ProjectionFailedError):  # noqa: PT012 - run until it stops
            while await runner.step():
                pass
        checkpoint = await (await runner.store()).checkpoint()
    parked = await redis_client.hgetall(dead_letter_key(projection.name, poison_position))
    assert parked[b"event_type"] == b"ProductUpdated" and b"cannot apply this update" in parked[b"error"]
    status = await redis_client.hgetall(keys.status(projection.name))
    assert status[b"state"] == b"failed" and int(status[b"failed_position"]) == poison_position
    assert checkpoint.position < poison_position  # stopped before it, with everything earlier applied
    card = await redis_client.get(keys.generation_prefix(projection.name, 1) + f"product:{product['id']}")
    assert card is not None and msgspec.json.decode(card)["price_minor"] == product["price_minor"]


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("/api/v1/catalog/products?sort=cheapest", "sort"),
        ("/api/v1/catalog/products?limit=0", "limit"),
        ("/api/v1/catalog/products?limit=5000", "limit"),
        ("/api/v1/catalog/products?cursor=not-a-cursor", "was not issued"),
        ("/api/v1/catalog/products?min_position=yesterday", "not a log position"),
    ],
)
async def test_bad_queries_are_400(client: AsyncTestClient, url: str, needle: str) -> None:  # type: ignore[type-arg]
    response = await client.get(url)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert needle in response.json()["detail"]


async def test_admin_sees_projection_status(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,  # type: ignore[type-arg]
) -> None:
    await create_product(client)
    await catch_up(redis_client, database_url)
    heartbeat = Heartbeat(clean_redis, "projector").start()  # this test plays the projector
    try:
        async with EventLogReader(libpq_url(database_url)) as reader:
            await ProjectionRunner(PROJECTIONS["product_cards"], redis_client, reader).report()
        status = (await client.get("/api/v1/admin/projections", headers=admin_headers())).json()
    finally:
        heartbeat.stop()
    by_name = {p["name"]: p for p in status["projections"]}
    assert set(PROJECTIONS) <= set(by_name)
    cards = by_name["product_cards"]
    assert cards["lag_events"] == 0 and cards["checkpoint"] == cards["head"] == status["head"]
    assert cards["state"] == "live" and cards["reported_by"] == heartbeat.name
    assert any(p["name"] == heartbeat.name and p["alive"] for p in status["processes"])
    customer = customer_headers(str(uuid.uuid4()))
    assert (await client.get("/api/v1/admin/projections", headers=customer)).status_code == 403
