"""The lake's tables as Polars LazyFrames or DuckDB relations, and the calculator's tables beside them.

Both engines read the same Parquet files. What only the footprint calculator
knows (product footprints at a factor version, last-mile rates per destination
and method) is computed once in Python, by ``analytics.footprint``, and handed
to either engine as a small table: the pipelines never re-implement a factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from analytics.factor_tables import FactorSet
from analytics.footprint import FootprintError, ProductSpec, last_mile, product_footprint
from analytics.lake import SCHEMAS


@dataclass(frozen=True, slots=True)
class Lake:
    """The event tables of one lake generation (``{root}/g{n}/events``)."""

    events: Path

    def files(self, table: str) -> list[Path]:
        return sorted((self.events / table).glob("date=*/*.parquet"))

    def glob(self, table: str) -> str:
        return str(self.events / table / "date=*" / "*.parquet")

    def scan(self, table: str) -> pl.LazyFrame:
        """A table of the lake; an empty frame of the right schema when no event of it exists yet."""
        if not self.files(table):
            return pl.LazyFrame(pl.from_arrow(SCHEMAS[table].empty_table()))
        return pl.scan_parquet(self.glob(table), hive_partitioning=False, schema=_polars_schema(table))


def _polars_schema(table: str) -> pl.Schema:
    empty = pl.from_arrow(SCHEMAS[table].empty_table())
    assert isinstance(empty, pl.DataFrame)  # noqa: S101 - a Table converts to a DataFrame
    return empty.schema


PRODUCT_COLUMNS = {
    "product_id": pl.String,
    "product_version": pl.Int64,
    "category": pl.String,
    "unit_kg_co2e": pl.Float64,
    "unit_baseline_kg_co2e": pl.Float64,
    "shipped_kg": pl.Float64,
    "eco_score": pl.Int64,
}
# What rating a product version needs from its snapshot, and what was recorded with it.
SNAPSHOT_COLUMNS = (
    "product_id",
    "product_version",
    "category",
    "weight_kg",
    "materials",
    "origin_country",
    "packaging",
    "certifications",
    "factor_version",
    "kg_co2e",
    "baseline_kg_co2e",
    "shipped_kg",
    "eco_score",
)
ERROR_COLUMNS = {"product_id": pl.String, "product_version": pl.Int64, "field": pl.String, "error": pl.String}


def product_snapshots(lake: Lake) -> pl.DataFrame:
    """Every product version's snapshot, once (the last write of a version wins)."""
    return (
        lake.scan("Product")
        .select(SNAPSHOT_COLUMNS)
        .unique(["product_id", "product_version"], keep="last")
        .collect()
    )


def product_footprints(lake: Lake, factors: FactorSet) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every product version's unit footprint at ``factors``, and the versions that cannot be rated.

    Versions recorded at this factor version keep the footprint the command side
    computed; others (older factor versions, events from before footprints) are
    rated again by the calculator.
    """
    snapshots = product_snapshots(lake)
    recorded = snapshots.filter(pl.col("factor_version") == factors.version).select(
        "product_id",
        "product_version",
        "category",
        pl.col("kg_co2e").alias("unit_kg_co2e"),
        pl.col("baseline_kg_co2e").alias("unit_baseline_kg_co2e"),
        "shipped_kg",
        "eco_score",
    )
    rated, errors = _rate(snapshots.filter(pl.col("factor_version").ne_missing(factors.version)), factors)
    return pl.concat([recorded, rated], how="vertical"), errors


def spec_of(row: Mapping[str, Any]) -> ProductSpec:
    """The calculator's input for a product snapshot of the lake (a row of its ``Product`` table)."""
    return ProductSpec(
        row["category"],
        row["weight_kg"],
        [(m["material"], m["kg"]) for m in row["materials"]],
        row["origin_country"],
        row["packaging"],
        row["certifications"],
    )


def _rate(rows: pl.DataFrame, factors: FactorSet) -> tuple[pl.DataFrame, pl.DataFrame]:
    rated: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        spec = spec_of(row)
        key = {"product_id": row["product_id"], "product_version": row["product_version"]}
        try:
            fp = product_footprint(spec, factors)
        except FootprintError as exc:
            errors.append({**key, "field": exc.field, "error": str(exc)})
            continue
        rated.append(
            {
                **key,
                "category": row["category"],
                "unit_kg_co2e": fp.kg_co2e.central,
                "unit_baseline_kg_co2e": fp.baseline.kg_co2e.central,
                "shipped_kg": fp.shipped_kg,
                "eco_score": fp.eco_score.score,
            }
        )
    return pl.DataFrame(rated, schema=PRODUCT_COLUMNS), pl.DataFrame(errors, schema=ERROR_COLUMNS)


def shipping_rates(lake: Lake, factors: FactorSet) -> pl.DataFrame:
    """Per (country, method) shipped to: kg CO2e per parcel and per kg shipped (the last mile is linear in mass)."""
    pairs = lake.scan("OrderPlaced").select("shipping_country", "shipping_method").unique().collect()
    rows = []
    for country, method in pairs.iter_rows():
        try:
            parcel = last_mile(0.0, country, method, factors).kg_co2e.central
            # one tonne, so the 4-decimal rounding of a stage costs nothing at parcel masses
            per_kg = (last_mile(1000.0, country, method, factors).kg_co2e.central - parcel) / 1000
        except FootprintError:
            continue  # such orders are left out and counted as unrated, like unratable products
        rows.append(
            {
                "shipping_country": country,
                "shipping_method": method,
                "parcel_kg_co2e": parcel,
                "per_kg_co2e": per_kg,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "shipping_country": pl.String,
            "shipping_method": pl.String,
            "parcel_kg_co2e": pl.Float64,
            "per_kg_co2e": pl.Float64,
        },
    )


def sold_products(lake: Lake) -> list[tuple[ProductSpec, int]]:
    """Every product version in paid orders, as the calculator takes it, with the units sold of it.

    A line that names no version (0, from before footprints) counts for the product's latest version.
    """
    snapshots = product_snapshots(lake)
    latest = snapshots.group_by("product_id").agg(pl.col("product_version").max().alias("latest"))
    paid = lake.scan("OrderPaid").select("order_id")
    units = (
        lake.scan("OrderLine")
        .select("position", "product_id", "product_version", "quantity")
        .join(
            lake.scan("OrderPlaced").select("position", "order_id").join(paid, on="order_id", how="semi"),
            on="position",
            how="semi",
        )
        .join(latest.lazy(), on="product_id", how="left")
        .with_columns(
            pl.when(pl.col("product_version") == 0)
            .then(pl.col("latest"))
            .otherwise(pl.col("product_version"))
            .alias("product_version")
        )
        .group_by("product_id", "product_version")
        .agg(pl.col("quantity").sum().alias("units"))
        .collect()
    )
    sold = units.join(snapshots, on=["product_id", "product_version"], how="inner").sort(
        "product_id", "product_version"
    )
    return [(spec_of(row), int(row["units"])) for row in sold.iter_rows(named=True)]
