"""Driving projections to the head of the log from tests, and comparing generations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from analytics.service import AnalyticsRun, run_analytics
from ecolaura.settings import libpq_url
from projections import keys
from projections.lake_projection import LakeProjectionRunner, export
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner, live_generation
from projections.search_projection import SearchProjectionRunner
from projections.store import encode_cursor
from read_side.search.tantivy_index import TantivyEngine
from tests.waiting import wait_for
from write_side.adapters.event_log import EventLogReader


async def project_search(client: AsyncTestClient, database_url: str, search_dir: Path, q: str) -> None:  # type: ignore[type-arg]
    """Project the log into the search index, then wait until the API's searches show it.

    The API's readers reload at most every half second, so a search right after the
    projection may still answer from the index before it.
    """
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = SearchProjectionRunner(reader, TantivyEngine(search_dir))
        while await runner.step():
            pass
        await runner.close()
    projected = encode_cursor(runner.position())

    async def search() -> dict[str, Any]:
        response = await client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    await wait_for(search, lambda body: body["position"] == projected)


async def catch_up(redis: aioredis.Redis, database_url: str, names: list[str] | None = None) -> None:
    """Apply every pending event to the named projections (all by default)."""
    async with EventLogReader(libpq_url(database_url)) as reader:
        for name in names or list(PROJECTIONS):
            runner = ProjectionRunner(PROJECTIONS[name], redis, reader, batch_size=500)
            while await runner.step():
                pass


async def export_lake(database_url: str, root: Path) -> int:
    """Export the whole log into a lake under ``root``; returns the events exported."""
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = LakeProjectionRunner(reader, root, batch_size=200)
        try:
            return await export(runner, reader)
        finally:
            runner.close()


async def publish_analytics(redis: aioredis.Redis, database_url: str, lake: Path) -> AnalyticsRun:
    """Export the log into a lake under ``lake`` and publish an analytics run of it."""
    await export_lake(database_url, lake)
    return await run_analytics(lake, redis)


async def snapshot(redis: aioredis.Redis, name: str, generation: int | None = None) -> dict[str, object]:
    """Every key of a generation (minus its checkpoint) with its value, for comparisons."""
    generation = generation or await live_generation(redis, name)
    prefix = keys.generation_prefix(name, generation)
    out: dict[str, object] = {}
    async for raw in redis.scan_iter(match=prefix + "*", count=1000):
        key = raw.decode()
        short = key.removeprefix(prefix)
        if short == "checkpoint":
            continue
        kind = (await redis.type(raw)).decode()
        if kind == "string":
            out[short] = await redis.get(raw)
        elif kind == "zset":
            out[short] = await redis.zrange(raw, 0, -1, withscores=True)
        elif kind == "set":
            out[short] = sorted(await redis.smembers(raw))
        else:
            out[short] = kind
    return out
