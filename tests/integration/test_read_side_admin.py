"""Admin operations on projections: rebuild jobs through arq, cancelling, and parked events."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from arq.worker import Worker
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from projections import keys
from projections.heartbeats import Heartbeat
from projections.jobs import worker_settings
from projections.registry import PROJECTIONS
from projections.runner import ProjectionFailedError, ProjectionRunner, live_generation
from read_side.search.config import SearchConfig
from read_side.search.tantivy_index import TantivyEngine
from tests.factories import admin_headers, create_product, customer_headers, user_of
from tests.projection_helpers import catch_up, snapshot
from write_side.adapters import event_log
from write_side.adapters.event_log import EventLogReader, PendingEvent
from write_side.adapters.pg import PgSession
from write_side.contracts.events import EventMetadata, OrderShipped


async def _work(database_url: str, redis_url: str, search_dir: Path | None = None) -> None:
    """Run the arq worker until the queue is empty, as `ecolaura worker` would."""
    search = SearchConfig(search_dir or Path("var/search"))
    worker = Worker(**worker_settings(database_url, redis_url, search), burst=True, poll_delay=0.05)  # type: ignore[arg-type]
    try:
        await worker.async_run()
    finally:
        await worker.close()


async def test_rebuild_through_the_admin_api_runs_as_a_job(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,  # type: ignore[type-arg]
) -> None:
    await create_product(client)
    await catch_up(redis_client, database_url)
    before_generation = await live_generation(redis_client, "product_cards")
    before = await snapshot(redis_client, "product_cards")

    started = await client.post("/api/v1/admin/projections/product_cards/rebuild", headers=admin_headers())
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    again = await client.post("/api/v1/admin/projections/product_cards/rebuild", headers=admin_headers())
    assert again.status_code == 409 and job_id in again.json()["detail"]
    queued = await client.get(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())
    assert queued.json()["state"] == "queued"

    await _work(database_url, clean_redis)
    job = (await client.get(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())).json()
    assert job["state"] == "done" and int(job["generation"]) == before_generation + 1
    assert int(job["done"]) == int(job["total"]) > 0
    assert await snapshot(redis_client, "product_cards") == before


async def test_a_cancelled_rebuild_leaves_the_live_generation_serving(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,  # type: ignore[type-arg]
) -> None:
    generation = await live_generation(redis_client, "order_views")
    job_id = (
        await client.post("/api/v1/admin/projections/order_views/rebuild", headers=admin_headers())
    ).json()["job_id"]
    cancelled = await client.delete(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())
    assert cancelled.status_code == 202
    await _work(database_url, clean_redis)
    job = (await client.get(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())).json()
    assert job["state"] == "cancelled"
    assert await live_generation(redis_client, "order_views") == generation
    finished = await client.delete(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())
    assert finished.status_code == 409


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("post", "/api/v1/admin/projections/nope/rebuild", 404),
        ("get", "/api/v1/admin/jobs/unknown", 404),
        ("delete", "/api/v1/admin/jobs/unknown", 404),
        ("get", "/api/v1/admin/projections/nope/dead-letters", 404),
        ("post", "/api/v1/admin/projections/order_views/dead-letters/1/skip", 404),
    ],
)
async def test_admin_operations_reject_unknown_things(
    client: AsyncTestClient,
    method: str,
    url: str,
    status: int,  # type: ignore[type-arg]
) -> None:
    response = await getattr(client, method)(url, headers=admin_headers())
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    customer = customer_headers(str(uuid.uuid4()))
    assert (await getattr(client, method)(url, headers=customer)).status_code == 403


async def test_parked_events_can_be_retried_and_skipped_and_rebuilds_honour_the_skip(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    engine: AsyncEngine,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    await catch_up(redis_client, database_url, ["order_views"])
    order_id = str(uuid.uuid4())
    async with engine.begin() as conn:  # an order event with no order: poison for order_views
        await event_log.append(
            PgSession(conn),
            [
                PendingEvent(
                    f"order-{order_id}",
                    1,
                    OrderShipped(
                        order_id=order_id,
                        customer_id=str(uuid.uuid4()),
                        shipped_at="2026-01-01T00:00:00+00:00",
                    ),
                )
            ],
            EventMetadata(correlation_id="test", causation_id="test"),
        )
    name = "order_views"

    async def run_until_stopped() -> None:
        async with EventLogReader(libpq_url(database_url)) as reader:
            runner = ProjectionRunner(PROJECTIONS[name], redis_client, reader)
            with pytest.raises(ProjectionFailedError):  # noqa: PT012
                while await runner.step():
                    pass

    await run_until_stopped()
    letters = (
        await client.get(f"/api/v1/admin/projections/{name}/dead-letters", headers=admin_headers())
    ).json()
    assert len(letters) == 1 and letters[0]["event_type"] == "OrderShipped"
    position = letters[0]["position"]
    status = (await client.get("/api/v1/admin/projections", headers=admin_headers())).json()
    assert {p["name"]: p for p in status["projections"]}[name]["state"] == "failed"

    retried = await client.post(
        f"/api/v1/admin/projections/{name}/dead-letters/{position}/retry", headers=admin_headers()
    )
    assert retried.status_code == 200
    await run_until_stopped()  # the code is unchanged, so the event is parked again

    admin = admin_headers()
    skipped = await client.post(
        f"/api/v1/admin/projections/{name}/dead-letters/{position}/skip", headers=admin
    )
    assert skipped.status_code == 200 and skipped.json()["resolution"] == "skipped"
    record = await redis_client.hgetall(f"el:{name}:dead:{position}")
    assert record[b"resolution"] == b"skipped" and record[b"resolved_by"].decode() == user_of(admin)
    assert (await redis_client.hget(keys.status(name), "state")) == b"live"
    await catch_up(redis_client, database_url, [name])  # goes on past the skipped event
    twice = await client.post(f"/api/v1/admin/projections/{name}/dead-letters/{position}/skip", headers=admin)
    assert twice.status_code == 404

    from projections.rebuild import rebuild

    before = await snapshot(redis_client, name)
    async with EventLogReader(libpq_url(database_url)) as reader:
        await rebuild(PROJECTIONS[name], redis_client, reader)  # a rebuild from zero skips it too
    assert await snapshot(redis_client, name) == before

    # The admins' order list parks the same event (a projection of orders of its own): skipped there
    # too, the session's later tests find every projection live.
    name = "order_list"
    await run_until_stopped()
    skipped = await client.post(
        f"/api/v1/admin/projections/{name}/dead-letters/{position}/skip", headers=admin
    )
    assert skipped.status_code == 200, skipped.text
    await catch_up(redis_client, database_url, [name])


async def test_the_search_index_reports_status_and_rebuilds_as_a_job(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,  # type: ignore[type-arg]
    search_dir: Path,
) -> None:
    from projections.search_projection import SearchProjectionRunner

    await create_product(client)
    engine = TantivyEngine(search_dir)
    heartbeat = Heartbeat(clean_redis, "projector").start()  # this test plays the projector
    try:
        async with EventLogReader(libpq_url(database_url)) as reader:
            runner = SearchProjectionRunner(reader, engine, redis=redis_client)
            while await runner.step():
                pass
            await runner.report()
            await runner.close()
        answer = (await client.get("/api/v1/admin/projections", headers=admin_headers())).json()
    finally:
        heartbeat.stop()
    status = {p["name"]: p for p in answer["projections"]}
    assert status["product_search"]["state"] == "live" and status["product_search"]["lag_events"] == 0
    before = await engine.live_generation()
    job_id = (
        await client.post("/api/v1/admin/projections/product_search/rebuild", headers=admin_headers())
    ).json()["job_id"]
    await _work(database_url, clean_redis, search_dir)
    job = (await client.get(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())).json()
    assert job["state"] == "done" and int(job["generation"]) == before + 1 == await engine.live_generation()
    metrics = (await client.get("/metrics")).text
    assert 'ecolaura_projection_lag_events{projection="product_search"}' in metrics


async def test_a_read_model_built_in_the_old_log_order_is_rebuilt_once_by_the_projector(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,  # type: ignore[type-arg]
) -> None:
    from projections.daemon import run_projector
    from projections.log_order import ORDER, marker

    await create_product(client)
    await catch_up(redis_client, database_url, ["platform_summary"])
    await redis_client.delete(marker("platform_summary"))  # as if built before migration 0007
    before = await live_generation(redis_client, "platform_summary")
    summary = await snapshot(redis_client, "platform_summary")

    async def project_until(done: object) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_projector(database_url, clean_redis, ["platform_summary"], stop=stop))
        deadline = asyncio.get_running_loop().time() + 30
        while not await done():  # type: ignore[operator]
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
        stop.set()
        await task

    async def rebuilt() -> bool:
        return await live_generation(redis_client, "platform_summary") == before + 1

    await project_until(rebuilt)
    assert await redis_client.get(marker("platform_summary")) == ORDER
    assert await snapshot(redis_client, "platform_summary") == summary
    runs = 0

    async def ran_a_while() -> bool:
        nonlocal runs
        runs += 1
        return runs > 10

    await project_until(ran_a_while)  # marked: a second start follows the log, no rebuild
    assert await live_generation(redis_client, "platform_summary") == before + 1


async def test_a_capped_rebuild_keeps_its_pace_and_stops_at_once_when_cancelled(
    client: AsyncTestClient,
    redis_client: aioredis.Redis,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    import time

    from projections.rebuild import rebuild
    from write_side.contracts.events import LogCursor

    await create_product(client)
    await catch_up(redis_client, database_url, ["platform_summary"])
    projection = PROJECTIONS["platform_summary"]
    async with EventLogReader(libpq_url(database_url)) as reader:
        total, _ = await reader.lag(LogCursor())
        started = time.monotonic()
        generation = await rebuild(projection, redis_client, reader, grace_seconds=0, max_rate=total / 1.0)
        assert time.monotonic() - started >= 0.7  # the whole log at a pace of one second's worth
        cancel = asyncio.Event()
        task = asyncio.create_task(
            rebuild(projection, redis_client, reader, cancel=cancel, grace_seconds=0, max_rate=total / 20)
        )
        await asyncio.sleep(0.5)
        cancel.set()
        stopped = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - stopped < 1.0  # not after the pause it was in
    assert await live_generation(redis_client, "platform_summary") == generation
