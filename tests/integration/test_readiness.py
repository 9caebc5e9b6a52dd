"""``/health/ready`` tells whether the platform can serve what it promises, and says why not."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from ecolaura.settings import Settings, libpq_url
from projections import keys
from projections.heartbeats import Heartbeat
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner
from projections.search_projection import SearchProjectionRunner
from read_side.search.tantivy_index import TantivyEngine
from tests.conftest import make_test_app
from tests.factories import create_product
from write_side.adapters.event_log import EventLogReader


@pytest.fixture
async def ready_client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    strict = dataclasses.replace(settings, ready_max_lag_seconds=1.0)
    async with AsyncTestClient(app=make_test_app(strict), timeout=30) as client:
        yield client


async def _project_and_report(settings: Settings, redis: aioredis.Redis) -> None:
    """Do what a projector does: apply everything, then report (this process beats as one)."""
    assert settings.database_url is not None
    async with EventLogReader(libpq_url(settings.database_url)) as reader:
        for projection in PROJECTIONS.values():
            runner = ProjectionRunner(projection, redis, reader, batch_size=1000)
            while await runner.step():
                pass
            await runner.report()
        search = SearchProjectionRunner(reader, TantivyEngine(settings.search_dir), redis=redis)
        while await search.step():
            pass
        await search.report()
        await search.close()


async def _ready(client: AsyncTestClient) -> tuple[int, dict[str, str]]:  # type: ignore[type-arg]
    answer = await client.get("/health/ready")
    return answer.status_code, answer.json().get("extra", {}).get("checks", {})


async def test_ready_only_while_projector_and_worker_are_alive_and_current(
    ready_client: AsyncTestClient,  # type: ignore[type-arg]
    settings: Settings,
    redis_client: aioredis.Redis,
    clean_redis: str,
) -> None:
    projector = Heartbeat(clean_redis, "projector").start()
    worker = Heartbeat(clean_redis, "worker").start()
    try:
        await _project_and_report(settings, redis_client)
        assert await _ready(ready_client) == (200, {})

        await create_product(ready_client)  # an event nobody applies...
        await asyncio.sleep(1.3)  # ...for longer than the allowed lag
        status, checks = await _ready(ready_client)
        assert status == 503 and "behind the log" in checks["projections"], checks

        await _project_and_report(settings, redis_client)
        assert await _ready(ready_client) == (200, {})

        await redis_client.hset(
            keys.status("order_views"),
            mapping={"state": "failed", "failed_position": 42, "error": "KeyError"},
        )
        status, checks = await _ready(ready_client)
        assert status == 503 and "order_views stopped at event 42 (KeyError)" in checks["projections"]
        await redis_client.hset(keys.status("order_views"), "state", "live")

        worker.stop()
        status, checks = await _ready(ready_client)
        assert status == 503 and set(checks) == {"worker"}, checks
    finally:
        projector.stop()
        worker.stop()
    status, checks = await _ready(ready_client)
    assert status == 503 and "no projector is running" in checks["projections"], checks
