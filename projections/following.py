"""What every projection outside the Redis store shares while it follows the log: the loop and its status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis

from projections import keys
from projections.heartbeats import process_name
from projections.store import encode_cursor
from projections.work_metrics import APPLY_SECONDS, BATCH_EVENTS, EVENTS_APPLIED
from write_side.adapters.event_log import EventLogReader
from write_side.contracts.events import LogCursor


async def report_status(  # noqa: PLR0913 - a status report's parts
    redis: aioredis.Redis,
    reader: EventLogReader,
    name: str,
    generation: int,
    checkpoint: LogCursor,
    committed: LogCursor | None = None,
) -> None:
    """Generation, checkpoint, head and lag, in the status hash the Redis projections use too.

    ``checkpoint`` is how far the projection has applied the log; ``committed`` how far a
    restart would resume from, when the projection commits less often than it applies.
    """
    lag_events, lag_seconds = await reader.lag(checkpoint)
    await redis.hset(
        keys.status(name),
        mapping={
            "state": "live",
            "generation": generation,
            "checkpoint": encode_cursor(checkpoint),
            "committed": encode_cursor(committed or checkpoint),
            "head": encode_cursor(await reader.head()),
            "lag_events": lag_events,
            "lag_seconds": round(lag_seconds, 3),
            "updated_at": time.time(),
            "reported_by": process_name(),
        },
    )


async def follow(  # noqa: PLR0913 - the loop's parts
    reader: EventLogReader,
    step: Callable[[], Awaitable[int]],
    report: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    batch_size: int,
    idle_wait: float = 1.0,
    name: str = "",
) -> None:
    """Apply batches until ``stop``; report status every second; sleep on NOTIFY (or ``idle_wait``) when caught up.

    Each batch that read events is measured under ``name`` (events, seconds to read and apply it).
    """
    batch_events, apply_seconds = BATCH_EVENTS.labels(name), APPLY_SECONDS.labels(name)
    applied = EVENTS_APPLIED.labels(name)
    await reader.listen()
    last_report = 0.0
    while not stop.is_set():
        started = time.perf_counter()
        read = await step()
        if read:
            batch_events.observe(read)
            apply_seconds.observe(time.perf_counter() - started)
            applied.inc(read)
        if time.monotonic() - last_report > 1.0:
            await report()
            last_report = time.monotonic()
        if read < batch_size:
            await reader.wait_for_events(timeout=idle_wait)
