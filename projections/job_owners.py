"""Which worker runs which job, and taking back the jobs of a worker that died.

arq marks a running job with an ``in-progress`` key that expires only after the
longest job timeout (six hours here, for rebuilds), and keeps the job in its
queue until it finishes. A worker killed mid-job (SIGKILL, OOM, a lost machine)
would leave its job, say a Stripe payment, parked behind that key for hours.
So each worker records itself as the owner of the jobs it starts, and every
worker looks, every few seconds, for queued jobs whose in-progress key belongs
to a worker that has not beaten for ``RECOVER_AFTER`` seconds on end
(``projections.heartbeats``; a pause of Redis is not a death), or to nobody for
longer than a start takes. Deleting that key (in one script with checking the
owner) hands the job back to arq, which runs it again on the next poll. A
worker that restarts arq in its own process hands back its own old jobs first. Every job is safe to run again: Stripe events
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
RECOVER_AFTER = 15.0  # seconds a job's owner must look dead, round after round, before its job is taken back


async def own_job(ctx: dict[str, Any]) -> None:
    """arq's ``on_job_start``: this process runs the job."""
    await ctx["redis"].hset(OWNERS, ctx["job_id"], process_name())


async def disown_job(ctx: dict[str, Any]) -> None:
    """arq's ``on_job_end``."""
    await ctx["redis"].hdel(OWNERS, ctx["job_id"])


# Hand a job back only if its owner is still the one we judged dead: a job restarted meanwhile keeps its new owner.
_RELEASE = """
local owner = redis.call('HGET', KEYS[2], ARGV[1])
if (owner or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""


async def release(pool: ArqRedis, job_id: str, owner: str | None) -> bool:
    """Delete a job's in-progress mark if ``owner`` still owns it; whether it did."""
    marker = in_progress_key_prefix + job_id
    return bool(await pool.eval(_RELEASE, 2, marker, OWNERS, job_id, owner or ""))


async def release_own_jobs(pool: ArqRedis) -> list[str]:
    """At a worker's (re)start: hand back the jobs this process owned before, which no longer run.

    After Redis was down, arq's loop is started again in the same process; the jobs it was
    running were cancelled, but their marks may have survived in Redis (its append-only file).
    """
    me = process_name()
    mine = [as_text(job) for job, owner in (await pool.hgetall(OWNERS)).items() if as_text(owner) == me]
    released = [job for job in mine if await release(pool, job, me)]
    if released:
        log.warning("job.released", jobs=released, reason="this worker restarted")
    return released


async def recover_orphans(
    pool: ArqRedis,
    in_progress_timeout_s: float,
    suspects: dict[str, float],
    queue_name: str = default_queue_name,
) -> list[str]:
    """Hand back to arq every queued job whose worker has been dead for ``RECOVER_AFTER``; their ids.

    ``suspects`` remembers, between rounds, since when (monotonic) each job looked orphaned: a
    worker that missed a few beats (Redis paused, a slow machine) is not dead.
    """
    due = await pool.zrangebyscore(queue_name, "-inf", time.time() * 1000)
    looked_orphaned: set[str] = set()
    recovered = []
    alive = {b.name for b in await beats(pool, "worker") if b.live} if due else set()
    for raw in due:
        if not isinstance(raw, bytes | str):
            continue
        job_id = as_text(raw)
        remaining_ms = await pool.pttl(in_progress_key_prefix + job_id)
        if remaining_ms < 0:  # not running (-2), or a marker without expiry that is not arq's (-1)
            continue
        stored = await pool.hget(OWNERS, job_id)
        owner = as_text(stored) if stored is not None else None
        if owner is not None and owner in alive:
            continue
        if owner is None and in_progress_timeout_s * 1000 - remaining_ms < UNOWNED_GRACE_MS:
            continue
        looked_orphaned.add(job_id)
        first_seen = suspects.setdefault(job_id, time.monotonic())
        if time.monotonic() - first_seen < RECOVER_AFTER or not await release(pool, job_id, owner):
            continue
        recovered.append(job_id)
        log.warning(
            "job.recovered",
            job=job_id,
            owner=owner,
            reason="its worker stopped beating" if owner is not None else "no worker took it",
        )
    for job_id in set(suspects) - looked_orphaned:
        del suspects[job_id]
    return recovered
