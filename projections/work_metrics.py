"""Metrics recorded where the work happens: batches applied (the projector, a rebuild) and jobs run (the worker).

Unlike ``projections.metrics`` (gauges assembled from the shared status at scrape time), these
live in the process that does the work and are served by its own ``/metrics``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from arq.constants import default_queue_name
from arq.worker import Retry
from prometheus_client import Counter, Gauge, Histogram

# Recorded where the work happens (the projector, the worker, a CLI rebuild): one series per
# projection, a name from the registry, so the label stays bounded.
BATCH_EVENTS = Histogram(
    "ecolaura_projection_batch_events",
    "Events per applied batch",
    ["projection"],
    buckets=(1, 10, 100, 500, 1000, 2000, 5000, 20000),
)
APPLY_SECONDS = Histogram(
    "ecolaura_projection_apply_seconds",
    "Time to read, apply and commit one batch of events",
    ["projection"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
EVENTS_APPLIED = Counter("ecolaura_projection_events_applied_total", "Events applied", ["projection"])
# The worker: jobs by arq function name (a fixed set), and what waits in its queue.
JOB_SECONDS = Histogram(
    "ecolaura_job_duration_seconds",
    "Duration of background jobs by function and outcome (ok, retry, failed, cancelled)",
    ["function", "outcome"],
    buckets=(0.005, 0.025, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0, 3600.0),
)
JOBS_QUEUED = Gauge("ecolaura_jobs_queued", "Jobs waiting in the arq queue (due or deferred)")


Job = TypeVar("Job")  # an arq Function or CronJob: dataclasses with ``name`` and ``coroutine``


def timed(job: Job) -> Job:
    """The same arq job, its every run measured in ``ecolaura_job_duration_seconds``."""
    name: str = job.name  # type: ignore[attr-defined]
    run: Callable[..., Awaitable[Any]] = job.coroutine  # type: ignore[attr-defined]

    @functools.wraps(run)
    async def measured(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        started, outcome = time.perf_counter(), "failed"
        try:
            result = await run(ctx, *args, **kwargs)
        except Retry:
            outcome = "retry"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        else:
            outcome = "ok"
            return result
        finally:
            JOB_SECONDS.labels(name, outcome).observe(time.perf_counter() - started)

    return dataclasses.replace(job, coroutine=measured)  # type: ignore[type-var]


async def refresh_queue_depth(redis: aioredis.Redis, queue: str = default_queue_name) -> None:
    """arq keeps its queue as a sorted set of job ids, by when each is due."""
    JOBS_QUEUED.set(await redis.zcard(queue))
