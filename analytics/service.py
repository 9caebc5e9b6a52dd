"""``run_analytics``: the one entry point the CLI, the admin API's job and the nightly cron share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import redis.asyncio as aioredis
import structlog

from analytics.factor_tables import available_versions, load_factors
from analytics.pipelines.run import Engine, compute, live_lake, write_results
from analytics.publish import publish
from analytics.rerating import previous_version

log = structlog.get_logger("ecolaura.analytics")
STEPS: Final = ("products", "reports", "results", "publish")


@dataclass(frozen=True, slots=True)
class AnalyticsRun:
    factor_version: str
    engine: str
    lake_position: str
    lake_events: int
    results: Path
    generation: int
    orders: int
    unrated_products: int
    seconds: float


async def run_analytics(  # noqa: PLR0913 - a run's knobs
    lake_root: Path,
    redis: aioredis.Redis,
    engine: Engine = "polars",
    factor_version: str | None = None,
    on_step: Callable[[str, int], None] | None = None,
    cancel: asyncio.Event | None = None,
) -> AnalyticsRun:
    """Compute every report from the live lake, store it as Parquet and publish it to Redis."""
    started = datetime.now(UTC)
    factors = load_factors(factor_version)
    before = previous_version(factors.version, available_versions())
    compare_with = load_factors(before) if before else None
    lake, position, events = live_lake(lake_root)
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        if on_step is not None:
            on_step(name, done)
        if cancel is not None and cancel.is_set():
            raise asyncio.CancelledError(f"analytics run cancelled after {name}")

    # Polars and DuckDB release the GIL: the loop stays free for progress reports meanwhile.
    result = await asyncio.to_thread(
        compute, lake, factors, engine, None, step, (position, events), compare_with
    )
    folder = await asyncio.to_thread(write_results, result, lake_root)
    step("results")
    generation = await publish(redis, result, started)
    step("publish")
    seconds = (datetime.now(UTC) - started).total_seconds()
    orders = int(result.tables["platform"]["orders"][0]) if result.tables["platform"].height else 0
    log.info(
        "analytics.done",
        factor_version=factors.version,
        engine=engine,
        lake_position=position,
        orders=orders,
        seconds=round(seconds, 2),
    )
    return AnalyticsRun(
        factors.version, engine, position, events, folder, generation, orders, result.unrated.height, seconds
    )
