"""Helpers shared by the benchmark scripts (kept apart from the `projections` package name)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import redis


@contextlib.contextmanager
def bench_redis() -> Iterator[str]:
    """BENCH_REDIS_URL, else the local Redis (database 14, emptied by the caller), else an embedded one."""
    url = "redis://127.0.0.1:6379/14"
    given = os.environ.get("BENCH_REDIS_URL")
    if given:
        yield given
        return
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        from ecolaura.embedded import local_redis

        with tempfile.TemporaryDirectory() as tmp, local_redis(Path(tmp)) as embedded:
            yield embedded
        return
    yield url
