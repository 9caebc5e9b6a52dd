"""Jobs of dead workers are taken back; jobs of live ones never run twice, whatever Redis does."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from arq import create_pool, func
from arq.constants import in_progress_key_prefix

from ecolaura import worker as worker_module
from ecolaura.worker import run_worker_forever
from projections import job_owners
from projections.heartbeats import Heartbeat, process_name
from projections.job_owners import OWNERS, disown_job, own_job, recover_orphans, release_own_jobs
from projections.jobs import arq_settings
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


async def test_a_live_workers_job_survives_redis_pauses_without_running_twice(
    clean_redis: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "RECOVER_EVERY", 0.2)  # look for orphans often, right after each pause
    queue, job = f"test-recovery-{uuid.uuid4().hex[:8]}", f"slow-{uuid.uuid4().hex[:8]}"
    starts = tmp_path / "starts"

    async def slow(ctx: dict[str, Any]) -> None:
        with starts.open("a") as f:
            f.write(f"{ctx['job_id']} try {ctx['job_try']} in {os.getpid()}\n")
        await asyncio.sleep(12)

    settings = {
        "functions": [func(slow, name="slow")],  # arq names a local function by its qualified name
        "redis_settings": arq_settings(clean_redis),
        "queue_name": queue,
        "on_job_start": own_job,
        "on_job_end": disown_job,
        "job_timeout": 3600,
        "max_tries": 5,
        "poll_delay": 0.1,
    }
    stop = asyncio.Event()
    heartbeat = Heartbeat(clean_redis, "worker").start()
    worker = asyncio.create_task(run_worker_forever(settings, stop))
    pool = await create_pool(arq_settings(clean_redis), default_queue_name=queue)
    try:
        assert await pool.enqueue_job("slow", _job_id=job)
        await wait_for(_async(starts.exists), bool, timeout=30)
        for _ in range(2):  # longer than a heartbeat lives: the worker looks dead for a moment
            await asyncio.to_thread(
                redis.Redis.from_url(clean_redis).execute_command, "CLIENT", "PAUSE", 3000, "ALL"
            )
            await asyncio.sleep(5)
    finally:
        stop.set()
        await worker
        heartbeat.stop()
        await pool.aclose()
    assert starts.read_text().splitlines() == [f"{job} try 1 in {os.getpid()}"]


def _async(check: Any) -> Any:
    async def probe() -> Any:
        return check()

    return probe


@pytest.fixture
async def pool(clean_redis: str) -> Any:
    arq = await create_pool(arq_settings(clean_redis), default_queue_name=f"q-{uuid.uuid4().hex[:8]}")
    yield arq
    await arq.aclose()


async def _running(pool: Any, job_id: str, owner: str | None) -> None:
    """A job as arq leaves it while a worker runs it: queued, marked in progress, owned."""
    await pool.zadd(pool.default_queue_name, {job_id: time.time() * 1000 - 1000})
    await pool.psetex(in_progress_key_prefix + job_id, 3_600_000, b"1")
    if owner:
        await pool.hset(OWNERS, job_id, owner)


async def test_a_dead_workers_job_is_taken_back_only_after_it_stayed_dead(pool: Any) -> None:
    job = f"job-{uuid.uuid4().hex[:8]}"
    await _running(pool, job, "gone-host:1")  # a worker that no longer beats
    suspects: dict[str, float] = {}
    assert (
        await recover_orphans(pool, 3610, suspects, pool.default_queue_name) == []
    )  # not yet: maybe a pause
    assert job in suspects and await pool.exists(in_progress_key_prefix + job)
    long_ago = {job: time.monotonic() - job_owners.RECOVER_AFTER - 1}
    assert await recover_orphans(pool, 3610, long_ago, pool.default_queue_name) == [job]
    assert not await pool.exists(in_progress_key_prefix + job) and not await pool.hexists(OWNERS, job)


async def test_a_job_restarted_meanwhile_keeps_its_new_owner(pool: Any) -> None:
    job = f"job-{uuid.uuid4().hex[:8]}"
    await _running(pool, job, "another-host:2")  # judged dead as gone-host:1, restarted elsewhere since
    assert not await job_owners.release(pool, job, "gone-host:1")
    assert await pool.exists(in_progress_key_prefix + job)
    assert await job_owners.release(pool, job, "another-host:2")


async def test_a_worker_restarting_arq_hands_back_its_own_old_jobs(pool: Any) -> None:
    mine, theirs = f"mine-{uuid.uuid4().hex[:8]}", f"theirs-{uuid.uuid4().hex[:8]}"
    await _running(pool, mine, process_name())  # cancelled when arq's loop failed; its mark survived
    await _running(pool, theirs, "other-host:7")
    assert await release_own_jobs(pool) == [mine]
    assert not await pool.exists(in_progress_key_prefix + mine)
    assert await pool.exists(in_progress_key_prefix + theirs)
