"""Which worker runs which job, and taking back the jobs of a worker that died.

arq marks a running job with an ``in-progress`` key that expires only after the
longest job timeout (six hours here, for rebuilds), and keeps the job in its
queue until it finishes. A worker killed mid-job (SIGKILL, OOM, a lost machine)
would leave its job, say a Stripe payment, parked behind that key for hours.
So each worker records itself as the owner of the jobs it starts, and every
worker looks, every few seconds, for queued jobs whose in-progress key belongs
to a worker that no longer beats (``projections.heartbeats``), or to nobody for
longer than a start takes. Deleting that key hands the job back to arq, which
runs it again on the next poll. Every job is safe to run again: Stripe events
are applied once (their inbox says so), a rebuild resumes its generation.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from arq.connections import ArqRedis
from arq.constants import default_queue_name, in_progress_key_prefix

from projections import keys
from projections.heartbeats import beats, process_name
from projections.store import as_text

log = structlog.get_logger("ecolaura.jobs")

OWNERS = f"{keys.PREFIX}:jobs:owners"  # hash: arq job id -> the worker process running it
UNOWNED_GRACE_MS = 30_000  # a job is started, then owned; a start takes milliseconds


async def own_job(ctx: dict[str, Any]) -> None:
    """arq's ``on_job_start``: this process runs the job."""
    await ctx["redis"].hset(OWNERS, ctx["job_id"], process_name())


async def disown_job(ctx: dict[str, Any]) -> None:
    """arq's ``on_job_end``."""
    await ctx["redis"].hdel(OWNERS, ctx["job_id"])


async def recover_orphans(
    pool: ArqRedis, in_progress_timeout_s: float, queue_name: str = default_queue_name
) -> list[str]:
    """Hand back to arq every queued job that a dead worker was running; their ids."""
    due = await pool.zrangebyscore(queue_name, "-inf", time.time() * 1000)
    if not due:
        return []
    alive = {b.name for b in await beats(pool, "worker") if b.alive(time.time())}
    recovered = []
    for raw in due:
        if not isinstance(raw, bytes | str):
            continue
        job_id = as_text(raw)
        marker = in_progress_key_prefix + job_id
        remaining_ms = await pool.pttl(marker)
        if remaining_ms < 0:  # not running (-2), or a marker without expiry that is not arq's (-1)
            continue
        owner = await pool.hget(OWNERS, job_id)
        if owner is not None and as_text(owner) in alive:
            continue
        running_for_ms = in_progress_timeout_s * 1000 - remaining_ms
        if owner is None and running_for_ms < UNOWNED_GRACE_MS:
            continue
        await pool.delete(marker)
        await pool.hdel(OWNERS, job_id)
        recovered.append(job_id)
        log.warning(
            "job.recovered",
            job=job_id,
            owner=as_text(owner) if owner is not None else None,
            reason="its worker stopped beating" if owner is not None else "no worker took it",
        )
    return recovered
