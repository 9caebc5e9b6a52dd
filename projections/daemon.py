"""The projector process: every projection follows the log in its own task until SIGTERM."""

from __future__ import annotations

import asyncio
import signal

import redis.asyncio as aioredis
import structlog

from ecolaura.settings import libpq_url
from projections.registry import PROJECTIONS, get_projection
from projections.runner import ProjectionRunner
from write_side.adapters.event_log import EventLogReader

log = structlog.get_logger("ecolaura.projector")


async def run_projector(
    database_url: str,
    redis_url: str,
    names: list[str] | None = None,
    stop: asyncio.Event | None = None,
    batch_size: int = 1000,
) -> None:
    """Run the named projections (all by default) until ``stop`` is set or a signal arrives."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    redis = aioredis.Redis.from_url(redis_url)
    projections = [get_projection(n) for n in names] if names else list(PROJECTIONS.values())
    readers = [EventLogReader(libpq_url(database_url)) for _ in projections]
    log.info("projector.started", projections=[p.name for p in projections])
    try:
        await asyncio.gather(
            *(
                ProjectionRunner(p, redis, reader, batch_size=batch_size).run(stop)
                for p, reader in zip(projections, readers, strict=True)
            )
        )
    finally:
        for reader in readers:
            await reader.close()
        await redis.aclose()
        log.info("projector.stopped")
