"""One projector at a time per projection: a PostgreSQL advisory lock held for as long as it applies events.

Two projector processes (a standby replica, a rolling update, a second `ecolaura project`)
must never apply the same projection at once: both would write the same read model. Before a
projection runs, its process takes a session-level advisory lock named after the projection, on a
connection of its own, and keeps it while the projection runs. A second process waits, retrying
every few seconds, and takes over when the first stops or dies (PostgreSQL releases a session's
locks when its connection ends). While it holds the lease, the holder checks its connection every
few seconds; when the check fails it stops the projection and tries to take the lease again, since
the server may have released the lock (a restart, a terminated backend).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Self

import psycopg
import structlog

from ecolaura.settings import libpq_url

log = structlog.get_logger("ecolaura.projector.lease")


class LeaseLostError(RuntimeError):
    """The connection holding a projection's lease failed; the lock may be someone else's now."""


def lease_key(name: str) -> int:
    """The advisory lock's key for a projection: a stable signed 64-bit hash of its name."""
    digest = hashlib.blake2b(f"ecolaura.projection:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ProjectionLease:
    def __init__(
        self, database_url: str, name: str, retry_seconds: float = 2.0, check_seconds: float = 5.0
    ) -> None:
        self.database_url = libpq_url(database_url)
        self.name = name
        self.key = lease_key(name)
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        self._connection: psycopg.AsyncConnection[Any] | None = None

    async def __aenter__(self) -> Self:
        self._connection = await psycopg.AsyncConnection.connect(
            self.database_url, autocommit=True, application_name=f"ecolaura lease {self.name}"[:63]
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                await self._connection.close()  # ends the session, and with it the lock
            self._connection = None

    @property
    def connection(self) -> psycopg.AsyncConnection[Any]:
        assert self._connection is not None, "use the lease as an async context manager"  # noqa: S101
        return self._connection

    async def try_acquire(self) -> bool:
        cursor = await self.connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait for the lease; False when ``stop`` is set first."""
        waiting = False
        while not stop.is_set():
            if await self.try_acquire():
                if waiting:
                    log.info("projection.lease.taken_over", projection=self.name)
                return True
            if not waiting:
                log.info(
                    "projection.lease.standby", projection=self.name, reason="another projector holds it"
                )
                waiting = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.retry_seconds)
        return False

    async def hold_while(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` while the lease holds; cancel it and raise LeaseLostError when it does not."""
        task = asyncio.create_task(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.check_seconds)
                if done:
                    return task.result()
                try:
                    await asyncio.wait_for(self.connection.execute("SELECT 1"), timeout=self.check_seconds)
                except (psycopg.Error, TimeoutError) as exc:
                    log.warning("projection.lease.lost", projection=self.name, error=str(exc))
                    raise LeaseLostError(f"{self.name}: the lease's connection failed: {exc}") from exc
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def run_leased(
    database_url: str, name: str, start: Callable[[], Coroutine[Any, Any, None]], stop: asyncio.Event
) -> None:
    """Run ``start()`` once this process holds ``name``'s lease, and only while it does."""
    async with ProjectionLease(database_url, name) as lease:
        if await lease.acquire(stop):
            await lease.hold_while(start())
