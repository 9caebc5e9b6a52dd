"""Admin jobs (rebuilds) as arq tasks, with their progress kept where the admin API reads it.

A job is a Redis hash ``el:job:{id}``: state (queued, running, done, failed,
cancelled), progress (done, total, rate, ETA), the generation it produced and
who asked for it. Cancelling sets ``cancel_requested``; the rebuild checks it
between batches and stops, leaving its generation to be resumed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import redis.asyncio as aioredis
import structlog
from arq import create_pool, cron
from arq.connections import ArqRedis, RedisSettings

from ecolaura.pool_metrics import watch_redis
from ecolaura.settings import libpq_url
from projections import keys, redis_client
from projections.job_owners import disown_job, own_job, release_own_jobs
from projections.lake_projection import rebuild_lake
from projections.rebuild import Progress, rebuild
from projections.registry import LAKE, SEARCH, check_known, get_projection
from projections.search_projection import rebuild_search
from projections.store import as_text
from read_side.search.config import SearchConfig
from write_side.adapters.event_log import EventLogReader

log = structlog.get_logger("ecolaura.jobs")
FINISHED = frozenset({"done", "failed", "cancelled"})


class JobConflictError(RuntimeError):
    """A rebuild of that projection is already queued or running."""


def job_key(job_id: str) -> str:
    return f"{keys.PREFIX}:job:{job_id}"


ANALYTICS_LOCK = f"{keys.PREFIX}:analytics:run_job"


def _rebuild_lock(name: str) -> str:
    return f"{keys.PREFIX}:{name}:rebuild_job"


def arq_settings(redis_url: str) -> RedisSettings:
    """arq's settings for a redis:// or unix:// URL (arq's own parser mistakes a socket path for a db)."""
    url = urlparse(redis_url)
    if url.scheme == "unix":
        database = int(parse_qs(url.query).get("db", ["0"])[0])
        return RedisSettings(unix_socket_path=url.path, database=database)
    return RedisSettings.from_dsn(redis_url)


async def enqueue_rebuild(redis: aioredis.Redis, pool: ArqRedis, name: str, requested_by: str) -> str:
    """Queue a rebuild of ``name``; raises ``JobConflictError`` if one is pending."""
    check_known(name)  # unknown names fail before anything is queued
    return await _enqueue(
        redis,
        pool,
        _rebuild_lock(name),
        {"kind": "rebuild", "projection": name, "requested_by": requested_by},
        "rebuild_projection",
        name,
        what=f"a rebuild of {name}",
    )


async def enqueue_analytics(
    redis: aioredis.Redis, pool: ArqRedis, requested_by: str, engine: str = "polars"
) -> str:
    """Queue an analytics run (lake -> reports -> read models); ``JobConflictError`` if one is pending."""
    return await _enqueue(
        redis,
        pool,
        ANALYTICS_LOCK,
        {"kind": "analytics", "engine": engine, "requested_by": requested_by},
        "run_analytics_job",
        engine,
        what="an analytics run",
    )


async def _enqueue(  # noqa: PLR0913 - a job's parts
    redis: aioredis.Redis,
    pool: ArqRedis,
    lock: str,
    fields: dict[str, str],
    function: str,
    argument: str,
    *,
    what: str,
) -> str:
    job_id = uuid.uuid4().hex
    if not await redis.set(lock, job_id, nx=True, ex=24 * 3600):
        running = as_text(await redis.get(lock) or b"")
        raise JobConflictError(f"{what} is already queued or running (job {running})")
    await redis.hset(
        job_key(job_id),
        mapping={"id": job_id, **fields, "state": "queued", "created_at": time.time()},  # type: ignore[dict-item]
    )
    await pool.enqueue_job(function, job_id, argument, _job_id=job_id)
    return job_id


async def request_cancel(redis: aioredis.Redis, job_id: str) -> str | None:
    """Ask a job to stop; returns its state, or None if there is no such job."""
    state = await redis.hget(job_key(job_id), "state")
    if state is None:
        return None
    if as_text(state) not in FINISHED:
        await redis.hset(job_key(job_id), "cancel_requested", 1)
    return as_text(state)


async def _rebuild(
    ctx: dict[str, Any], name: str, report: Callable[[Progress], None], cancel: asyncio.Event
) -> int:
    async with EventLogReader(libpq_url(ctx["database_url"])) as reader:
        if name == LAKE:
            return await rebuild_lake(reader, ctx["lake_dir"], on_progress=report, cancel=cancel)
        if name != SEARCH:
            return await rebuild(
                get_projection(name),
                ctx["ecolaura_redis"],
                reader,
                on_progress=report,
                cancel=cancel,
                max_rate=ctx.get("rebuild_rate", 0),
            )
        engine = ctx["search"].engine()
        try:
            return await rebuild_search(reader, engine, on_progress=report, cancel=cancel)
        finally:
            await engine.close()


async def rebuild_projection(ctx: dict[str, Any], job_id: str, name: str) -> int | None:
    """The arq task: rebuild ``name`` and report progress into the job hash."""
    return await _run_job(
        ctx, job_id, _rebuild_lock(name), lambda report, cancel: _rebuild(ctx, name, report, cancel)
    )


async def run_analytics_job(ctx: dict[str, Any], job_id: str, engine: str) -> int | None:
    """The arq task: one analytics run, its steps reported as progress."""

    # Polars and DuckDB load only in the worker that runs analytics, not in every API process.
    from analytics.pipelines.run import Engine  # noqa: PLC0415
    from analytics.service import STEPS, run_analytics  # noqa: PLC0415

    async def work(report: Callable[[Progress], None], cancel: asyncio.Event) -> int:
        started = time.monotonic()

        def on_step(_: str, done: int) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            left = len(STEPS) - done
            report(Progress(done, len(STEPS), done / elapsed, left * elapsed / done))

        chosen: Engine = "duckdb" if engine == "duckdb" else "polars"
        run = await run_analytics(
            ctx["lake_dir"], ctx["ecolaura_redis"], chosen, on_step=on_step, cancel=cancel
        )
        return run.generation

    return await _run_job(ctx, job_id, ANALYTICS_LOCK, work)


async def nightly_analytics(ctx: dict[str, Any]) -> None:
    """The arq cron task: queue the nightly analytics run (skipped if one is already pending)."""
    try:
        await enqueue_analytics(ctx["ecolaura_redis"], ctx["redis"], "schedule")
    except JobConflictError:
        log.info("analytics.nightly_skipped", reason="a run is already queued or running")


async def _run_job(
    ctx: dict[str, Any],
    job_id: str,
    lock: str,
    work: Callable[[Callable[[Progress], None], asyncio.Event], Awaitable[int]],
) -> int | None:
    """Run ``work`` with progress reports and cancellation through the job hash; release ``lock``."""
    redis: aioredis.Redis = ctx["ecolaura_redis"]
    key = job_key(job_id)
    cancel = asyncio.Event()

    async def watch_cancel() -> None:
        while not cancel.is_set():
            if await redis.hget(key, "cancel_requested"):
                cancel.set()
            await asyncio.sleep(0.2)

    latest: dict[str, object] | None = None  # the newest progress, written to Redis every 0.25 s

    def report(progress: Progress) -> None:
        nonlocal latest
        latest = {
            "done": progress.done,
            "total": progress.total,
            "rate": round(progress.rate, 1),
            "eta_seconds": "" if progress.eta_seconds is None else round(progress.eta_seconds, 1),
        }

    async def flush_reports() -> None:
        nonlocal latest
        while True:
            if latest:
                await redis.hset(key, mapping=latest)  # type: ignore[arg-type]
                latest = None
            await asyncio.sleep(0.25)

    if await redis.hget(key, "cancel_requested"):
        await redis.hset(key, mapping={"state": "cancelled", "finished_at": time.time()})
        await redis.delete(lock)
        return None
    watcher = asyncio.create_task(watch_cancel())
    reporter = asyncio.create_task(flush_reports())
    await redis.hset(key, mapping={"state": "running", "started_at": time.time()})
    try:
        generation = await work(report, cancel)
    except asyncio.CancelledError:
        if not cancel.is_set():
            # The worker is stopping, not the admin: arq runs the job again, and it resumes.
            await redis.hset(key, mapping={"state": "queued", "interrupted_at": time.time()})
            raise
        await redis.hset(key, mapping={"state": "cancelled", "finished_at": time.time()})
        log.info("job.cancelled", job=job_id)
        return None
    except Exception as exc:
        await redis.hset(
            key,
            mapping={"state": "failed", "error": f"{type(exc).__name__}: {exc}", "finished_at": time.time()},
        )
        raise
    finally:
        watcher.cancel()
        reporter.cancel()
        if latest:
            await redis.hset(key, mapping=latest)  # type: ignore[arg-type]
        if await redis.hget(key, "state") != b"queued":  # an interrupted job keeps its lock for its rerun
            await redis.delete(lock)
    await redis.hset(key, mapping={"state": "done", "generation": generation, "finished_at": time.time()})
    return generation


def worker_settings(
    database_url: str,
    redis_url: str,
    search: SearchConfig | None = None,
    lake_dir: Path | None = None,
    rebuild_rate: float = 0,
) -> dict[str, Any]:
    """arq worker settings: the rebuild task, with a Redis client and the database URL in its context."""

    async def startup(ctx: dict[str, Any]) -> None:
        await release_own_jobs(ctx["redis"])  # arq started again in this process: its old jobs run no more
        watch_redis(ctx["redis"], "jobs")  # arq's own connections
        ctx["ecolaura_redis"] = watch_redis(redis_client.connect(redis_url), "read_models")
        ctx["database_url"] = database_url
        ctx["search"] = search or SearchConfig(Path("var/search"))
        ctx["lake_dir"] = lake_dir or Path("var/lake")
        ctx["rebuild_rate"] = rebuild_rate  # REBUILD_EVENTS_PER_SECOND

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["ecolaura_redis"].aclose()

    return {
        "functions": [rebuild_projection, run_analytics_job],
        # Nightly at 02:30 (the worker's clock): the analytics run over the day's lake.
        "cron_jobs": [cron(nightly_analytics, hour={2}, minute={30}, second={0})],
        "redis_settings": arq_settings(redis_url),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "on_job_start": own_job,
        "on_job_end": disown_job,
        "job_timeout": 6 * 3600,
        # arq tries a job again only when it was interrupted (the worker stopped or died) or asked
        # for it (Retry); a job that raised is never repeated blindly. A rebuild resumes its generation.
        "max_tries": 5,
        "handle_signals": True,
    }


async def arq_pool(redis_url: str) -> ArqRedis:
    """A client of the job queue, its connections exported as ``ecolaura_redis_pool_connections{pool="jobs"}``."""
    return watch_redis(await create_pool(arq_settings(redis_url)), "jobs")  # type: ignore[no-any-return]
