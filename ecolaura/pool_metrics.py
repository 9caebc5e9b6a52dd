"""PostgreSQL and Redis connection-pool usage as gauges, read from the pools themselves on each scrape.

Pools are watched weakly: a disposed engine or a closed client drops out of the
metrics once it is collected. Several pools of one name in a process are summed.
Every ``/metrics`` (the APIs', the projector's, the worker's) calls
``refresh_pool_metrics`` before it answers.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from typing import Any

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncEngine

DB_CONNECTIONS = Gauge(
    "ecolaura_db_pool_connections",
    "PostgreSQL connections of this process's pools, in use or idle",
    ["pool", "state"],
)
DB_MAX = Gauge("ecolaura_db_pool_max_connections", "Most PostgreSQL connections a pool opens", ["pool"])
REDIS_CONNECTIONS = Gauge(
    "ecolaura_redis_pool_connections",
    "Redis connections of this process's pools, in use or idle",
    ["pool", "state"],
)
REDIS_MAX = Gauge("ecolaura_redis_pool_max_connections", "Most Redis connections a pool opens", ["pool"])

_engines: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_redis: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def watch_engine(engine: AsyncEngine, name: str) -> AsyncEngine:
    """Report ``engine``'s pool as ``pool=name`` (a fixed word: ``main``, ``commands``)."""
    _engines[engine.sync_engine.pool] = name
    return engine


def watch_redis(client: Any, name: str) -> Any:
    """Report a redis-py (asyncio) client's connection pool as ``pool=name``."""
    _redis[client.connection_pool] = name
    return client


def _publish(totals: dict[str, list[float]], connections: Gauge, most: Gauge) -> None:
    connections.clear()  # a pool gone since the last scrape leaves no series behind
    most.clear()
    for name, (in_use, idle, limit) in totals.items():
        connections.labels(name, "in_use").set(in_use)
        connections.labels(name, "idle").set(idle)
        most.labels(name).set(limit)


def refresh_pool_metrics() -> None:
    db: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for pool, name in list(_engines.items()):
        totals = db[name]
        totals[0] += pool.checkedout()
        totals[1] += pool.checkedin()
        totals[2] += pool.size() + max(getattr(pool, "_max_overflow", 0), 0)
    redis: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for pool, name in list(_redis.items()):
        totals = redis[name]
        # redis-py keeps these lists private; they are the only record of its pool's use.
        totals[0] += len(getattr(pool, "_in_use_connections", ()))
        totals[1] += len(getattr(pool, "_available_connections", ()))
        totals[2] += pool.max_connections or 0
    _publish(db, DB_CONNECTIONS, DB_MAX)
    _publish(redis, REDIS_CONNECTIONS, REDIS_MAX)
