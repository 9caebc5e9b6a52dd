"""Engine creation and migrations: the one place that knows how we talk to PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ecolaura.settings import sqlalchemy_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "write_side" / "migrations"


def make_engine(database_url: str, pool_size: int = 20, **options: Any) -> AsyncEngine:
    """An asyncio engine on psycopg 3 with a bounded pool (``options`` go to SQLAlchemy)."""
    return create_async_engine(
        sqlalchemy_url(database_url),
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        pool_timeout=10,
        # jsonb results (stock rows, event payloads) decoded by msgspec: about 2% of an order's CPU.
        json_deserializer=msgspec.json.decode,
        **options,
    )


def make_command_engine(database_url: str, pool_size: int = 20) -> AsyncEngine:
    """The command path's engine: autocommit connections (it sends BEGIN and COMMIT itself).

    Connections stay in autocommit for their whole life, and the pool does not roll them back on
    check-in: the unit of work always ends its transaction itself. Switching a shared engine's
    connections to autocommit and back on every checkout cost about 8% of the order throughput
    (552-623 against 649-675 orders/s, ``benchmarks/commands.py``).
    """
    return make_engine(database_url, pool_size, isolation_level="AUTOCOMMIT", pool_reset_on_return=None)


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlalchemy_url(database_url), poolclass=pool.NullPool)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
