"""Two projectors never apply one projection at once: a PostgreSQL advisory lock per projection."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from projections.lease import LeaseLostError, ProjectionLease, lease_key, run_leased


async def held_elsewhere(database_url: str, name: str) -> bool:
    """Whether some session holds ``name``'s lease (asked from a third connection)."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as probe:
        row = await (await probe.execute("SELECT pg_try_advisory_lock(%s)", (lease_key(name),))).fetchone()
        if row and row[0]:
            await probe.execute("SELECT pg_advisory_unlock(%s)", (lease_key(name),))
            return False
        return True


async def test_a_second_projector_waits_then_takes_over(database_url: str) -> None:
    name = "lease_takeover"
    stop = asyncio.Event()
    async with ProjectionLease(database_url, name) as first:
        assert await first.try_acquire()
        second = ProjectionLease(database_url, name, retry_seconds=0.1)
        async with second:
            assert not await second.try_acquire()
            waiting = asyncio.create_task(second.acquire(stop))
            await asyncio.sleep(0.5)
            assert not waiting.done(), "the standby must wait while the first holds the lease"
            await first.__aexit__(None, None, None)  # the first projector stops (or dies)
            assert await asyncio.wait_for(waiting, timeout=5)
            assert await held_elsewhere(database_url, name)
    assert not await held_elsewhere(database_url, name), "leaving releases the lease"


async def test_a_standby_stops_waiting_when_told(database_url: str) -> None:
    stop = asyncio.Event()
    async with ProjectionLease(database_url, "lease_stop") as first:
        assert await first.try_acquire()
        started: list[str] = []

        async def work() -> None:
            started.append("ran")

        standby = asyncio.create_task(run_leased(database_url, "lease_stop", work, stop))
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.wait_for(standby, timeout=5)
    assert started == [], "a standby never runs the projection"


async def test_only_one_of_two_racing_projectors_runs(database_url: str) -> None:
    stop = asyncio.Event()
    running = 0
    most = 0

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await stop.wait()
        finally:
            running -= 1

    tasks = [asyncio.create_task(run_leased(database_url, "lease_race", work, stop)) for _ in range(3)]
    await asyncio.sleep(1.0)
    assert (running, most) == (1, 1)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)


async def test_a_lost_connection_stops_the_projection(database_url: str) -> None:
    name = "lease_lost"
    cancelled = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with ProjectionLease(database_url, name, check_seconds=0.2) as lease:
        assert await lease.try_acquire()
        holding = asyncio.create_task(lease.hold_while(work()))
        await asyncio.sleep(0.3)
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                (f"ecolaura lease {name}",),
            )
        with pytest.raises(LeaseLostError):
            await asyncio.wait_for(holding, timeout=5)
    assert cancelled.is_set(), "the projection stops as soon as its lease may be someone else's"
