"""A transaction left open anywhere on the cluster holds the read models back: the status names it."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator

import psycopg
import pytest
from litestar.testing import AsyncTestClient

from ecolaura.settings import Settings, libpq_url
from projections.heartbeats import Heartbeat
from tests.conftest import make_test_app
from tests.factories import admin_headers, create_product
from write_side.adapters.event_log import EventLogReader

HELD_FOR = 1.5  # seconds, longer than the 1 s of lag the app below allows


@pytest.fixture
async def strict_client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    strict = dataclasses.replace(settings, ready_max_lag_seconds=1.0)
    async with AsyncTestClient(app=make_test_app(strict), timeout=30) as client:
        yield client


@pytest.fixture
async def open_transaction(database_url: str) -> AsyncIterator[tuple[int, str]]:
    """A session that took a transaction id and sits idle in its transaction: (its pid, its name)."""
    name = f"forgotten-psql-{uuid.uuid4().hex[:8]}"
    conn = await psycopg.AsyncConnection.connect(libpq_url(database_url), application_name=name)
    try:
        await conn.execute("SELECT pg_current_xact_id()")  # psycopg began a transaction; this takes an id
        yield conn.info.backend_pid, name
    finally:
        await conn.rollback()
        await conn.close()


async def test_the_status_names_the_transaction_that_holds_the_horizon(
    strict_client: AsyncTestClient,  # type: ignore[type-arg]
    settings: Settings,
    clean_redis: str,
    open_transaction: tuple[int, str],
) -> None:
    pid, name = open_transaction
    assert settings.database_url is not None
    async with EventLogReader(libpq_url(settings.database_url)) as reader:
        before = await reader.head()
        await create_product(strict_client)  # committed after the open transaction took its id...
        assert await reader.lag(before) == (0, 0.0)  # ...so the lag cannot see it
    await asyncio.sleep(HELD_FOR)

    status = (await strict_client.get("/api/v1/admin/projections", headers=admin_headers())).json()
    holder = next(t for t in status["oldest_transactions"] if t["holds_xid"])
    assert (holder["pid"], holder["application_name"]) == (pid, name), status["oldest_transactions"]
    assert holder["age_seconds"] >= HELD_FOR and holder["state"] == "idle in transaction"

    # Readiness says why the read models wait, whatever else it finds (no projector runs here).
    projector, worker = Heartbeat(clean_redis, "projector").start(), Heartbeat(clean_redis, "worker").start()
    try:
        ready = await strict_client.get("/health/ready")
    finally:
        projector.stop()
        worker.stop()
    assert ready.status_code == 503
    why = ready.json()["extra"]["checks"]["projections"]
    assert f"PostgreSQL transaction pid {pid} ({name}," in why and "idle in transaction" in why, why

    metrics = (await strict_client.get("/metrics")).text
    for gauge in ("oldest_transaction", "oldest_xid_transaction"):
        (line,) = [x for x in metrics.splitlines() if x.startswith(f"ecolaura_postgres_{gauge}_age_seconds ")]
        assert float(line.split()[1]) >= HELD_FOR, line
