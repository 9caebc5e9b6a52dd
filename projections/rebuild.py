"""Rebuild a projection beside the live one, then swap it in atomically.

Generation N keeps serving (and keeps following the log, in the daemon) while
N+1 is built from position zero. When N+1 has caught up, the pointer key is
set to N+1 in one command, the daemon follows the pointer from its next batch,
and N is dropped after a grace period for in-flight queries. A crashed or
cancelled rebuild leaves its generation and checkpoint behind; the next
rebuild of that projection resumes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
import structlog

from projections import keys
from projections.base import Projection
from projections.log_order import mark_in_order
from projections.runner import ProjectionRunner, live_generation
from projections.store import GenerationStore
from write_side.adapters.event_log import EventLogReader

log = structlog.get_logger("ecolaura.rebuild")
GRACE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    rate: float  # events per second
    eta_seconds: float | None


async def _target_generation(redis: aioredis.Redis, name: str, live: int) -> tuple[int, bool]:
    """The generation to build, and whether it resumes an interrupted rebuild."""
    pending = await redis.hget(keys.status(name), "rebuilding_generation")
    if pending and int(pending) != live:
        return int(pending), True
    return live + 1, False


async def _pause(seconds: float, cancel: asyncio.Event | None) -> None:
    """Wait ``seconds`` (if positive), or less when the rebuild is cancelled meanwhile."""
    if seconds <= 0:
        return
    if cancel is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(cancel.wait(), seconds)


async def rebuild(  # noqa: PLR0913 - the parts of a rebuild
    projection: Projection,
    redis: aioredis.Redis,
    reader: EventLogReader,
    on_progress: Callable[[Progress], None] | None = None,
    batch_size: int = 2000,
    cancel: asyncio.Event | None = None,
    grace_seconds: float = GRACE_SECONDS,
    max_rate: float = 0,
) -> int:
    """Build a new generation of ``projection`` and swap it in; returns the new generation.

    ``max_rate`` (events a second, 0 for none) caps the pace: batches of a quarter second's worth,
    with a pause after any batch that ran ahead.
    """
    name = projection.name
    live = await live_generation(redis, name)
    target, resuming = await _target_generation(redis, name, live)
    store = GenerationStore(redis, name, target)
    if not resuming:
        await store.drop()  # leftovers of an abandoned generation with this number
    await redis.hset(
        keys.status(name), mapping={"rebuilding_generation": target, "rebuild_started": time.time()}
    )
    if max_rate > 0:
        batch_size = max(1, min(batch_size, int(max_rate / 4)))
    runner = ProjectionRunner(projection, redis, reader, batch_size=batch_size, generation=target)
    started = time.monotonic()
    # Counting what remains costs a scan of the log; do it at the start and every few seconds only.
    total, _ = await reader.lag(await store.checkpoint())
    counted_at = started
    while True:
        if cancel is not None and cancel.is_set():
            raise asyncio.CancelledError(f"rebuild of {name} cancelled; run it again to resume")
        applied = await runner.step()
        done = runner.applied
        now = time.monotonic()
        if now - counted_at > 2.0 or applied == 0:
            remaining, _ = await reader.lag(await store.checkpoint())
            total, counted_at = done + remaining, now
        remaining = max(total - done, 0)
        rate = done / max(now - started, 1e-6)
        progress = Progress(done, max(total, done), rate, remaining / rate if rate else None)
        await redis.hset(
            keys.status(name),
            mapping={
                "rebuild_done": progress.done,
                "rebuild_total": progress.total,
                "rebuild_rate": round(rate, 1),
            },
        )
        if on_progress is not None:
            on_progress(progress)
        if applied == 0:
            break
        if max_rate > 0:
            await _pause(done / max_rate - (time.monotonic() - started), cancel)
    await redis.set(keys.pointer(name), target)
    await mark_in_order(redis, name)
    await redis.hdel(
        keys.status(name), "rebuilding_generation", "rebuild_done", "rebuild_total", "rebuild_rate"
    )
    await redis.hset(keys.status(name), mapping={"generation": target, "last_rebuild": time.time()})
    log.info("rebuild.swapped", projection=name, generation=target, previous=live)
    await asyncio.sleep(grace_seconds)
    await GenerationStore(redis, name, live).drop()
    return target
