"""Projection and process status as Prometheus gauges, from the status assembled at scrape time."""

from __future__ import annotations

from prometheus_client import Gauge

from projections.status import PlatformStatus

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


def refresh_projection_metrics(status: PlatformStatus) -> None:
    for p in status.projections:
        LAG_EVENTS.labels(p.name).set(p.lag_events)
        LAG_SECONDS.labels(p.name).set(p.lag_seconds)
        GENERATION.labels(p.name).set(p.generation)
        FAILED.labels(p.name).set(1.0 if p.state == "failed" else 0.0)
        STALLED.labels(p.name).set(1.0 if p.state == "stalled" else 0.0)
        DEAD_LETTERS.labels(p.name).set(p.dead_letters)
    newest: dict[str, float] = {}
    for process in status.processes:
        newest[process.kind] = min(newest.get(process.kind, float("inf")), process.heartbeat_age_seconds)
    for kind in ("projector", "worker"):
        # No beat at all in the last minutes reads as "very old", which any alert catches.
        HEARTBEAT_AGE.labels(kind).set(newest.get(kind, 1e9))
