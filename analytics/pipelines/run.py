"""One analytics run: lake -> footprints -> reports (Polars or DuckDB) -> Parquet results.

``compute`` reads the live lake generation and returns every report;
``write_results`` stores them as Parquet under ``{lake}/results/{factor version}/``,
replacing the previous run's folder in one rename, so readers never see half a run.
Results of another factor version stay where they are: re-running with
``ECOLAURA_FACTOR_VERSION`` set recomputes everything with those factors and
leaves the others reproducible side by side.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import polars as pl

from analytics.evidence import by_category, evidence_frame
from analytics.factor_tables import FactorSet
from analytics.lake import LakeGenerations, LakeWriter
from analytics.pipelines import duckdb_reports, polars_reports
from analytics.pipelines.sources import Lake, product_footprints, shipping_rates, sold_products
from analytics.rerating import rerate

Engine = Literal["polars", "duckdb"]
STEPS: Final = ("products", "reports", "write")


@dataclass(frozen=True, slots=True)
class RunResult:
    factor_version: str
    engine: str
    as_of: datetime
    lake_position: str  # "causal_tx:position" of the last exported event the run saw
    lake_events: int
    tables: dict[str, pl.DataFrame]
    unrated: pl.DataFrame  # product versions the factor version cannot rate (left out, never zero)
    seconds: dict[str, float] = field(default_factory=dict)


def live_lake(root: Path) -> tuple[Lake, str, int]:
    """The live lake generation's tables, with the log position and event count it holds."""
    generations = LakeGenerations(root)
    folder = generations.path(generations.live_generation())
    checkpoint = LakeWriter.peek(folder)
    return (
        Lake(folder / "events"),
        f"{checkpoint.cursor.causal_tx}:{checkpoint.cursor.position}",
        checkpoint.events,
    )


def compute(  # noqa: PLR0913 - a run's knobs
    lake: Lake,
    factors: FactorSet,
    engine: Engine = "polars",
    as_of: datetime | None = None,
    on_step: Callable[[str], None] | None = None,
    position: tuple[str, int] = ("0:0", 0),
    compare_with: FactorSet | None = None,
) -> RunResult:
    """Every report over ``lake`` at ``factors``; ``as_of`` (default: the newest paid order) sets the periods.

    Besides the engine's reports: ``evidence`` (what each category's footprint rests on) and, with
    ``compare_with``, ``rerating`` and ``rerating_factors`` (how the totals moved from that version).
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    products, unrated = product_footprints(lake, factors)
    rates = shipping_rates(lake, factors)
    sold = sold_products(lake)
    calculated = {"evidence": evidence_frame(by_category(sold, factors))}
    if compare_with is not None:
        calculated["rerating"], calculated["rerating_factors"] = rerate(sold, compare_with, factors)
    seconds["products"] = time.perf_counter() - started
    if on_step:
        on_step("products")
    started = time.perf_counter()
    if engine == "polars":
        lines = polars_reports.order_lines(lake, products)
        facts = polars_reports.order_facts(lake, lines, rates)
        as_of = as_of or _newest(facts.select(pl.col("placed_at").max()).collect().item())
        plans = polars_reports.reports(facts, lines, as_of, polars_reports.hidden_customers(lake))
        tables = dict(zip(plans, pl.collect_all(list(plans.values())), strict=True))
    else:
        db = duckdb_reports.connect(lake, products, rates)
        (newest,) = db.execute("SELECT max(placed_at) FROM facts").fetchall()[0]
        as_of = as_of or _newest(newest)
        tables = duckdb_reports.reports(db, as_of)
        db.close()
    seconds["reports"] = time.perf_counter() - started
    if on_step:
        on_step("reports")
    tables.update(calculated)
    return RunResult(factors.version, engine, as_of, position[0], position[1], tables, unrated, seconds)


def _newest(value: datetime | None) -> datetime:
    return value.astimezone(UTC) if value is not None else datetime.now(UTC)


def write_results(result: RunResult, root: Path) -> Path:
    """Store the run as ``{root}/results/{factor_version}/{report}.parquet`` plus ``run.json``."""
    target = root / "results" / result.factor_version
    staging = target.with_name(f".{result.factor_version}.{uuid.uuid4().hex}")
    staging.mkdir(parents=True)
    for name, table in {**result.tables, "unrated_products": result.unrated}.items():
        table.write_parquet(staging / f"{name}.parquet")
    (staging / "run.json").write_text(
        json.dumps(
            {
                "factor_version": result.factor_version,
                "engine": result.engine,
                "as_of": result.as_of.isoformat(),
                "lake_position": result.lake_position,
                "lake_events": result.lake_events,
                "computed_at": datetime.now(UTC).isoformat(),
                "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
            },
            indent=2,
        )
    )
    retired = target.with_name(f".{result.factor_version}.old.{uuid.uuid4().hex}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return target
