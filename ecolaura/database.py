"""Engine creation and migrations: the one place that knows how we talk to PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec
import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ecolaura.pool_metrics import watch_engine
from ecolaura.settings import libpq_url, sqlalchemy_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "write_side" / "migrations"
# Advisory lock key held while migrating, so processes that start together (a migration Job and
# API pods that also migrate on start, or several replicas) upgrade one at a time.
MIGRATION_LOCK_KEY = 0x45434F4C  # "ECOL"


def make_engine(
    database_url: str, pool_size: int = 20, pool_name: str = "main", **options: Any
) -> AsyncEngine:
    """An asyncio engine on psycopg 3 with a bounded pool (``options`` go to SQLAlchemy).

    Its pool's use is exported as ``ecolaura_db_pool_connections{pool=pool_name}``.
    """
    engine = create_async_engine(
        sqlalchemy_url(database_url),
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        pool_timeout=10,
        # jsonb results (stock rows, event payloads) decoded by msgspec: about 2% of an order's CPU.
        json_deserializer=msgspec.json.decode,
        **options,
    )
    return watch_engine(engine, pool_name)


def make_command_engine(database_url: str, pool_size: int = 20, **options: Any) -> AsyncEngine:
    """The command path's engine: autocommit connections (it sends BEGIN and COMMIT itself).

    Connections stay in autocommit for their whole life, and the pool does not roll them back on
    check-in: the unit of work always ends its transaction itself. Switching a shared engine's
    connections to autocommit and back on every checkout cost about 8% of the order throughput
    (552-623 against 649-675 orders/s, ``benchmarks/commands.py``). ``options`` go to SQLAlchemy.
    """
    return make_engine(
        database_url,
        pool_size,
        "commands",
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        **options,
    )


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlalchemy_url(database_url), poolclass=pool.NullPool)
    with engine.begin() as connection:
        # Held until this transaction ends; the next migrator then finds the schema current.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


@contextmanager
def temporary_database(server_url: str, prefix: str = "ecolaura_tmp") -> Iterator[str]:
    """A fresh, migrated database on the server of ``server_url``, dropped on leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _as_admin(server_url, f"CREATE DATABASE {name}")
    try:
        url = urlunsplit(urlsplit(libpq_url(server_url))._replace(path=f"/{name}"))
        migrate(url)
        yield url
    finally:
        _as_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_admin(server_url: str, sql: str) -> None:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(sql)
