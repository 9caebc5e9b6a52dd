"""Processes that migrate at once (the migration Job and API pods starting together) all succeed."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg

from ecolaura.database import _as_admin, migrate
from ecolaura.settings import libpq_url


def test_concurrent_migrations_of_an_empty_database_all_succeed(server_url: str) -> None:
    name = f"ecolaura_migrate_race_{uuid.uuid4().hex[:10]}"
    _as_admin(server_url, f"CREATE DATABASE {name}")
    url = urlunsplit(urlsplit(libpq_url(server_url))._replace(path=f"/{name}"))
    try:
        with ThreadPoolExecutor(4) as pool:
            for future in [pool.submit(migrate, url) for _ in range(4)]:
                future.result()  # without the advisory lock, all but one fail on duplicate tables
        with psycopg.connect(url) as connection:
            (versions,) = connection.execute("SELECT count(*) FROM alembic_version").fetchone() or (0,)
        assert versions == 1
    finally:
        _as_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
