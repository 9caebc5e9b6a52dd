"""Process-wide tuning shared by the API servers, the projector and the lake export."""

from __future__ import annotations

import gc


def tune_gc() -> None:
    """Move start-up objects out of the collector's way and collect less often.

    Requests and event batches allocate many short-lived objects; with the
    default thresholds the cyclic collector runs every few hundred allocations
    and shows up as tail latency (``benchmarks/commands.py``) and as a third of
    the time of reading the log (``benchmarks/analytics.py``).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


async def watch_event_loop(name: str, warn_after: float = 1.0, every: float = 0.25) -> None:
    """Log when this process's event loop was blocked for ``warn_after`` seconds or more.

    A blocked loop cannot read Redis or PostgreSQL answers in time: past the clients' socket
    timeouts (5 s in redis-py) every pending call fails at once, which looks like a dead server.
    """
    import asyncio  # noqa: PLC0415 - this module stays importable before any loop exists
    import time  # noqa: PLC0415

    import structlog  # noqa: PLC0415

    log = structlog.get_logger("ecolaura.runtime")
    while True:
        started = time.monotonic()
        await asyncio.sleep(every)
        late = time.monotonic() - started - every
        if late >= warn_after:
            log.warning("event_loop.blocked", process=name, seconds=round(late, 2))
