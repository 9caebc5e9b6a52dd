"""Projection status as Prometheus gauges, read from the status hashes the runners keep in Redis."""

from __future__ import annotations

import redis.asyncio as aioredis
from prometheus_client import Gauge

from projections import keys
from projections.registry import ALL_NAMES, OWN_GENERATION
from projections.runner import dead_letters_key, live_generation

LAG_EVENTS = Gauge("ecolaura_projection_lag_events", "Events in the log not yet applied", ["projection"])
LAG_SECONDS = Gauge(
    "ecolaura_projection_lag_seconds", "Age of the oldest event not yet applied", ["projection"]
)
GENERATION = Gauge("ecolaura_projection_generation", "Live generation of the read model", ["projection"])
FAILED = Gauge(
    "ecolaura_projection_failed", "1 while the projection is stopped at a poison event", ["projection"]
)
DEAD_LETTERS = Gauge("ecolaura_projection_dead_letters", "Parked events awaiting a decision", ["projection"])


async def refresh_projection_metrics(redis: aioredis.Redis) -> None:
    for name in ALL_NAMES:
        status = await redis.hgetall(keys.status(name))
        LAG_EVENTS.labels(name).set(float(status.get(b"lag_events", 0)))
        LAG_SECONDS.labels(name).set(float(status.get(b"lag_seconds", 0)))
        GENERATION.labels(name).set(
            int(status.get(b"generation", 1))
            if name in OWN_GENERATION
            else await live_generation(redis, name)
        )
        FAILED.labels(name).set(1.0 if status.get(b"state") == b"failed" else 0.0)
        DEAD_LETTERS.labels(name).set(await redis.scard(dead_letters_key(name)))
