"""The projector process: every projection follows the log in its own task until SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import structlog

from ecolaura.metrics_port import serve_metrics
from ecolaura.pool_metrics import watch_redis
from ecolaura.runtime import tune_gc, watch_event_loop
from ecolaura.settings import libpq_url
from projections import redis_client
from projections.base import Projection
from projections.heartbeats import Heartbeat
from projections.lease import run_leased
from projections.log_order import built_out_of_order
from projections.rebuild import rebuild
from projections.registry import LAKE, PROJECTIONS, get_projection
from projections.runner import ProjectionRunner
from projections.search_projection import NAME as SEARCH
from projections.search_projection import SearchProjectionRunner
from read_side.search.config import SearchConfig
from write_side.adapters.event_log import EventLogReader

log = structlog.get_logger("ecolaura.projector")


MAX_BACKOFF = 5.0  # seconds: after Redis or PostgreSQL come back, a projection resumes this soon


async def _supervise(
    name: str, start: Callable[[], Coroutine[Any, Any, None]], stop: asyncio.Event, database_url: str
) -> None:
    """Keep one projection running: an unexpected failure is logged and retried, never fatal to the others.

    It runs only while this process holds the projection's lease (``projections.lease``), so a second
    projector waits as a standby instead of writing the same read model.
    """
    delay = 0.5
    while not stop.is_set():
        try:
            await run_leased(database_url, name, start, stop)
        except Exception:
            log.exception("projection.crashed", projection=name, retry_in=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, MAX_BACKOFF)
        else:
            return


async def _run_search(
    search: SearchConfig, reader: EventLogReader, batch_size: int, redis: aioredis.Redis, stop: asyncio.Event
) -> None:
    engine = search.engine()
    try:
        await SearchProjectionRunner(reader, engine, batch_size=batch_size, redis=redis).run(stop)
    finally:
        await engine.close()


@dataclass(frozen=True, slots=True)
class LakeConfig:
    root: Path
    flush_seconds: float = 60.0


async def run_projector(  # noqa: PLR0913 - the daemon's settings
    database_url: str,
    redis_url: str,
    names: list[str] | None = None,
    stop: asyncio.Event | None = None,
    batch_size: int = 1000,
    search: SearchConfig | None = None,
    lake: LakeConfig | None = None,
    metrics: tuple[int, str] = (0, "127.0.0.1"),
) -> None:
    """Run the named projections (all by default) until ``stop`` is set or a signal arrives.

    ``metrics`` is the port (0: none) and interface of this process's ``/metrics``.
    """
    stop = stop or asyncio.Event()
    tune_gc()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    redis = watch_redis(redis_client.connect(redis_url), "read_models")
    wanted = names or [*PROJECTIONS, SEARCH, LAKE]
    projections = [get_projection(n) for n in wanted if n not in (SEARCH, LAKE)]
    readers = [EventLogReader(libpq_url(database_url)) for _ in projections]

    def redis_runner(
        projection: Projection, reader: EventLogReader
    ) -> Callable[[], Coroutine[Any, Any, None]]:
        async def start() -> None:
            if await built_out_of_order(redis, projection.name):
                log.warning("projection.rebuilding_in_stream_order", projection=projection.name)
                await rebuild(projection, redis, reader, cancel=stop)
            await ProjectionRunner(projection, redis, reader, batch_size=batch_size).run(stop)

        return start

    runs = [
        _supervise(p.name, redis_runner(p, reader), stop, database_url)
        for p, reader in zip(projections, readers, strict=True)
    ]
    if search is not None and SEARCH in wanted:
        search_reader = EventLogReader(libpq_url(database_url))
        readers.append(search_reader)
        runs.append(
            _supervise(
                SEARCH,
                lambda: _run_search(search, search_reader, batch_size, redis, stop),
                stop,
                database_url,
            )
        )
    if lake is not None and LAKE in wanted:
        from projections.lake_projection import (  # noqa: PLC0415 - pyarrow only if wanted
            COMPACT_EVERY,
            LakeProjectionRunner,
        )

        lake_reader = EventLogReader(libpq_url(database_url))
        readers.append(lake_reader)
        lake_runner = LakeProjectionRunner(
            lake_reader,
            lake.root,
            batch_size=20_000,
            flush_seconds=lake.flush_seconds,
            redis=redis,
            compact_every=COMPACT_EVERY,
        )
        runs.append(_supervise(LAKE, lambda: lake_runner.run(stop), stop, database_url))
    heartbeat = Heartbeat(redis_url, "projector", detail=lambda: ",".join(wanted)).start()
    watchdog = asyncio.create_task(watch_event_loop("projector"))
    stop_metrics = serve_metrics(*metrics)
    log.info("projector.started", projections=wanted)
    try:
        await asyncio.gather(*runs)
    finally:
        if stop_metrics is not None:
            stop_metrics()
        watchdog.cancel()
        heartbeat.stop()
        for reader in readers:
            await reader.close()
        await redis.aclose()
        log.info("projector.stopped")
