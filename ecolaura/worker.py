"""The background worker (``ecolaura worker``): projection rebuilds, analytics and Stripe events, on arq.

arq's worker stops for good when Redis fails under its poll loop (a timeout, a
restart, a ``WatchError`` out of ``start_jobs``). Ours wraps it: the process
beats (``projections.heartbeats``), and when arq's loop fails it is closed and
started again with a growing delay, as many times as it takes. Every few seconds
it also takes back the jobs of workers that died (``projections.job_owners``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from arq import cron, func
from arq.worker import Worker

from ecolaura.database import make_engine
from ecolaura.metrics_port import serve_metrics
from ecolaura.runtime import tune_gc, watch_event_loop
from projections import jobs, redis_client
from projections.heartbeats import Heartbeat
from projections.job_owners import recover_orphans
from projections.work_metrics import refresh_queue_depth, timed
from read_side.search.config import SearchConfig
from write_side.adapters.stripe_inbox import StripeInbox
from write_side.identity.badge_key import load_or_create_badge_key
from write_side.service_layer import provenance
from write_side.service_layer.messagebus import MessageBus
from write_side.service_layer.stripe_events import MAX_TRIES, process_stripe_event, sweep_stripe_events

log = structlog.get_logger("ecolaura.worker")

RECOVER_EVERY = 5.0
MAX_BACKOFF = 10.0
HEALTHY_AFTER = 60.0  # a run this long resets the backoff


def worker_settings(  # noqa: PLR0913 - what the worker is made of
    database_url: str,
    redis_url: str,
    search: SearchConfig | None = None,
    lake_dir: Path | None = None,
    provenance_key: Path | None = None,
    rebuild_rate: float = 0,
) -> dict[str, Any]:
    base = jobs.worker_settings(database_url, redis_url, search, lake_dir, rebuild_rate)

    async def startup(ctx: dict[str, Any]) -> None:
        await base["on_startup"](ctx)
        ctx["engine"] = make_engine(database_url, 5)
        ctx["bus"] = MessageBus(ctx["engine"])
        ctx["stripe_inbox"] = StripeInbox(ctx["engine"])
        ctx["provenance_key"] = load_or_create_badge_key(provenance_key) if provenance_key else None

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()
        await base["on_shutdown"](ctx)

    functions = [*base["functions"], func(process_stripe_event, max_tries=MAX_TRIES)]  # type: ignore[arg-type]
    crons = [
        *base["cron_jobs"],
        # Every 10 s: queue stored events whose job was never queued (Redis was down or lost its data),
        # so a payment waits at most about 20 s after Redis is back.
        cron(sweep_stripe_events, second=set(range(0, 60, 10))),  # type: ignore[arg-type]
        # Every 2 s: a signed tree head of the provenance log, when it grew.
        cron(issue_provenance_head, second=set(range(0, 60, 2)), run_at_startup=True),  # type: ignore[arg-type]
    ]
    return {
        **base,
        # Each run measured (ecolaura_job_duration_seconds), by function name and outcome.
        "functions": [timed(func(f)) for f in functions],
        "cron_jobs": [timed(c) for c in crons],
        "on_startup": startup,
        "on_shutdown": shutdown,
    }


async def issue_provenance_head(ctx: dict[str, Any]) -> None:
    if ctx.get("provenance_key") is None:
        return
    async with ctx["engine"].connect() as conn:
        await provenance.issue_head(conn, ctx["provenance_key"], datetime.now(UTC), timedelta(0))


async def _recover_forever(worker: Worker) -> None:
    suspects: dict[str, float] = {}
    while True:
        await asyncio.sleep(RECOVER_EVERY)
        if worker._pool is not None:  # noqa: SLF001 - arq keeps its pool private; None until connected
            with contextlib.suppress(Exception):  # the next round tries again; arq's own loop reports outages
                await recover_orphans(worker.pool, worker.in_progress_timeout_s, suspects, worker.queue_name)


async def _close(worker: Worker) -> None:
    """Stop arq's jobs and connections, whatever state a failure left them in."""
    for task in worker.tasks.values():
        task.cancel()
    if worker.tasks:
        await asyncio.wait(worker.tasks.values(), timeout=10)
    if worker._pool is None:  # noqa: SLF001
        return
    with contextlib.suppress(Exception):
        if worker.on_shutdown:
            await worker.on_shutdown(worker.ctx)
    with contextlib.suppress(Exception):
        await worker.pool.close(close_connection_pool=True)
    worker._pool = None  # type: ignore[assignment]  # noqa: SLF001


async def run_worker_forever(settings: dict[str, Any], stop: asyncio.Event) -> None:
    """Run arq's worker until ``stop`` is set, starting it again whenever it fails."""
    delay = 1.0
    while not stop.is_set():
        worker = Worker(**{**settings, "handle_signals": False})
        started = time.monotonic()
        main = asyncio.create_task(worker.main())
        recovering = asyncio.create_task(_recover_forever(worker))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({main, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in (main, recovering, stopping):
            task.cancel()
        await asyncio.gather(main, recovering, stopping, return_exceptions=True)
        failure = None if main.cancelled() else main.exception()
        await _close(worker)
        if stop.is_set():
            return
        if time.monotonic() - started > HEALTHY_AFTER:
            delay = 1.0
        log.error(
            "worker.crashed",
            error=f"{type(failure).__name__}: {failure}" if failure else "arq's loop ended",
            restart_in=delay,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        delay = min(delay * 2, MAX_BACKOFF)


def run(
    settings: dict[str, Any], redis_url: str, metrics_port: int = 0, metrics_host: str = "127.0.0.1"
) -> None:
    """The ``ecolaura worker`` process: beat, run arq until SIGTERM or SIGINT, stop cleanly.

    With ``metrics_port``, it serves ``/metrics`` there (job durations, queue depth, pools, orders).
    """

    async def main() -> None:
        tune_gc()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        heartbeat = Heartbeat(redis_url, "worker").start()
        watchdog = asyncio.create_task(watch_event_loop("worker"))
        queue = redis_client.connect(redis_url, socket_timeout=1.0)  # for the queue-depth gauge
        stop_metrics = serve_metrics(metrics_port, metrics_host, [lambda: refresh_queue_depth(queue)])
        log.info("worker.started")
        try:
            await run_worker_forever(settings, stop)
        finally:
            if stop_metrics is not None:
                stop_metrics()
            await queue.aclose()
            watchdog.cancel()
            heartbeat.stop()
            log.info("worker.stopped")

    asyncio.run(main())
