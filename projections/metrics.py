"""Projection and process status as Prometheus gauges, from the status assembled at scrape time."""

from __future__ import annotations

import math

from prometheus_client import Gauge

from projections.status import PlatformStatus
from write_side.adapters.horizon import OpenTransaction

LAG_EVENTS = Gauge("ecolaura_projection_lag_events", "Events in the log not yet applied", ["projection"])
LAG_SECONDS = Gauge(
    "ecolaura_projection_lag_seconds", "Age of the oldest event not yet applied", ["projection"]
)
GENERATION = Gauge("ecolaura_projection_generation", "Live generation of the read model", ["projection"])
FAILED = Gauge(
    "ecolaura_projection_failed", "1 while the projection is stopped at a poison event", ["projection"]
)
STALLED = Gauge(
    "ecolaura_projection_stalled", "1 while no live projector is applying the projection", ["projection"]
)
DEAD_LETTERS = Gauge("ecolaura_projection_dead_letters", "Parked events awaiting a decision", ["projection"])
HEARTBEAT_AGE = Gauge(
    "ecolaura_process_heartbeat_age_seconds",
    "Seconds since the newest heartbeat of a background process of this kind",
    ["kind"],
)

OLDEST_TRANSACTION_AGE = Gauge(
    "ecolaura_postgres_oldest_transaction_age_seconds",
    "Age of the oldest open transaction on the PostgreSQL cluster holding a transaction id or a snapshot "
    "(0 when none; NaN when PostgreSQL hides its start from this role)",
)
OLDEST_XID_TRANSACTION_AGE = Gauge(
    "ecolaura_postgres_oldest_xid_transaction_age_seconds",
    "Age of the oldest open transaction holding a transaction id: events committed after it are not "
    "projected until it ends (0 when none; NaN when PostgreSQL hides its start from this role)",
)
REBUILD_DONE = Gauge(
    "ecolaura_projection_rebuild_done_events",
    "Events a running rebuild has applied to its new generation (0 when none runs)",
    ["projection"],
)
REBUILD_TOTAL = Gauge(
    "ecolaura_projection_rebuild_total_events",
    "Events a running rebuild has to apply in all, as last counted (0 when none runs)",
    ["projection"],
)


def refresh_projection_metrics(status: PlatformStatus) -> None:
    for p in status.projections:
        LAG_EVENTS.labels(p.name).set(p.lag_events)
        LAG_SECONDS.labels(p.name).set(p.lag_seconds)
        GENERATION.labels(p.name).set(p.generation)
        FAILED.labels(p.name).set(1.0 if p.state == "failed" else 0.0)
        STALLED.labels(p.name).set(1.0 if p.state == "stalled" else 0.0)
        DEAD_LETTERS.labels(p.name).set(p.dead_letters)
        REBUILD_DONE.labels(p.name).set(p.rebuild_done or 0)
        REBUILD_TOTAL.labels(p.name).set(p.rebuild_total or 0)
    newest: dict[str, float] = {}
    for process in status.processes:
        newest[process.kind] = min(newest.get(process.kind, float("inf")), process.heartbeat_age_seconds)
    for kind in ("projector", "worker"):
        # No beat at all in the last minutes reads as "very old", which any alert catches.
        HEARTBEAT_AGE.labels(kind).set(newest.get(kind, 1e9))
    OLDEST_TRANSACTION_AGE.set(_oldest_age(status.oldest_transactions))
    OLDEST_XID_TRANSACTION_AGE.set(_oldest_age([t for t in status.oldest_transactions if t.holds_xid]))


def _oldest_age(transactions: list[OpenTransaction]) -> float:
    """0 when none is open; NaN when PostgreSQL hides when they began from this role."""
    known = [t.age_seconds for t in transactions if t.age_seconds is not None]
    if known:
        return max(known)
    return math.nan if transactions else 0.0
