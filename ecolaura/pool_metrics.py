"""PostgreSQL and Redis connection-pool usage as gauges, read from the pools themselves at scrape time.

Pools are watched weakly: a disposed engine or a closed client drops out of the
metrics when it is collected. Several pools of one name in a process are summed.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

_engines: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_redis: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def watch_engine(engine: AsyncEngine, name: str) -> AsyncEngine:
    """Report ``engine``'s pool as ``pool=name`` (a fixed word: ``main``, ``commands``, …)."""
    _engines[engine.sync_engine.pool] = name
    return engine


def watch_redis(client: Any, name: str) -> Any:
    """Report a redis-py (asyncio) client's connection pool as ``pool=name``."""
    _redis[client.connection_pool] = name
    return client


def _families(kind: str, what: str) -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
    return (
        GaugeMetricFamily(
            f"ecolaura_{kind}_pool_connections",
            f"{what} connections of this process's pools, in use or idle",
            labels=["pool", "state"],
        ),
        GaugeMetricFamily(
            f"ecolaura_{kind}_pool_max_connections", f"Most {what} connections a pool opens", labels=["pool"]
        ),
    )


def _add(families: tuple[GaugeMetricFamily, GaugeMetricFamily], totals: dict[str, list[float]]) -> None:
    connections, limit = families
    for name, (in_use, idle, most) in sorted(totals.items()):
        connections.add_metric([name, "in_use"], in_use)
        connections.add_metric([name, "idle"], idle)
        limit.add_metric([name], most)


class PoolCollector(Collector):
    def describe(self) -> Iterable[Metric]:
        return [*_families("db", "PostgreSQL"), *_families("redis", "Redis")]

    def collect(self) -> Iterable[Metric]:
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
        families = _families("db", "PostgreSQL")
        _add(families, db)
        redis_families = _families("redis", "Redis")
        _add(redis_families, redis)
        return [*families, *redis_families]


REGISTRY.register(PoolCollector())
