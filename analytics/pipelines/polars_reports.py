"""Impact and leaderboards in Polars (lazy): one LazyFrame per report, collected together.

Rules every report follows (the DuckDB twin in ``duckdb_reports.py`` follows them too):

- An order counts once it is paid; a cancelled order never was. Refunds do not
  take the footprint back: the goods were made and shipped.
- A line's footprint is quantity x its product version's unit footprint; an
  order adds its last mile, parcel + kg shipped x the destination's rate.
  Savings are baseline minus footprint; the last mile is in both.
- Eco points per order: 10 per kg CO2e saved (rounded down, never negative)
  plus 25 for choosing slow-green shipping.
- Leaderboards rank customers by kg CO2e saved and by eco points, for the
  week (ISO, Monday first) and month of ``as_of`` and for all time; ties go to
  the lower customer id, so a board is the same on every run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from analytics.pipelines.sources import Lake

POINTS_PER_KG = 10
SLOW_GREEN_POINTS = 25
BOARD_SIZE = 100


def order_lines(lake: Lake, products: pl.DataFrame) -> pl.LazyFrame:
    """Paid orders' lines with their footprint (orders with a line of an unratable product version left out)."""
    paid = lake.scan("OrderPaid").select("order_id").unique()
    lines = lake.scan("OrderLine").select("order_id", "product_id", "product_version", "quantity")
    # Lines recorded before footprints existed name no version: they take the product's latest.
    latest = products.lazy().group_by("product_id").agg(pl.col("product_version").max().alias("latest"))
    lines = (
        lines.join(latest, on="product_id", how="left")
        .with_columns(
            pl.when(pl.col("product_version") == 0)
            .then(pl.col("latest"))
            .otherwise(pl.col("product_version"))
            .alias("product_version")
        )
        .drop("latest")
    )
    rated = lines.join(paid, on="order_id", how="semi").join(
        products.lazy(), on=["product_id", "product_version"], how="left"
    )
    # An order with a line that cannot be rated is left out whole: half an order is not its footprint.
    unrated = rated.filter(pl.col("unit_kg_co2e").is_null()).select("order_id").unique()
    return rated.join(unrated, on="order_id", how="anti").with_columns(
        (pl.col("quantity") * pl.col("unit_kg_co2e")).alias("kg_co2e"),
        (pl.col("quantity") * pl.col("unit_baseline_kg_co2e")).alias("baseline_kg_co2e"),
        (pl.col("quantity") * pl.col("shipped_kg")).alias("shipped_kg"),
    )


def order_facts(lake: Lake, lines: pl.LazyFrame, rates: pl.DataFrame) -> pl.LazyFrame:
    """One row per paid order: footprint, baseline, savings and eco points."""
    per_order = lines.group_by("order_id").agg(
        pl.col("quantity").sum().alias("units"),
        pl.col("kg_co2e").sum().alias("products_kg_co2e"),
        pl.col("baseline_kg_co2e").sum().alias("products_baseline_kg_co2e"),
        pl.col("shipped_kg").sum(),
    )
    orders = lake.scan("OrderPlaced").select(
        "order_id", "customer_id", "placed_at", "shipping_country", "shipping_method"
    )
    shipping = pl.col("parcel_kg_co2e") + pl.col("shipped_kg") * pl.col("per_kg_co2e")
    return (
        orders.join(per_order, on="order_id", how="inner")
        .join(rates.lazy(), on=["shipping_country", "shipping_method"], how="inner")
        .with_columns(shipping.alias("shipping_kg_co2e"))
        .with_columns(
            (pl.col("products_kg_co2e") + pl.col("shipping_kg_co2e")).alias("kg_co2e"),
            (pl.col("products_baseline_kg_co2e") + pl.col("shipping_kg_co2e")).alias("baseline_kg_co2e"),
        )
        .with_columns((pl.col("baseline_kg_co2e") - pl.col("kg_co2e")).alias("saved_kg_co2e"))
        .with_columns(
            (
                (pl.col("saved_kg_co2e").clip(lower_bound=0) * POINTS_PER_KG).floor().cast(pl.Int64)
                + pl.when(pl.col("shipping_method") == "slow-green").then(SLOW_GREEN_POINTS).otherwise(0)
            ).alias("points"),
            pl.col("placed_at").dt.truncate("1mo").dt.date().alias("month"),
            pl.col("placed_at").dt.truncate("1w").dt.date().alias("week"),
        )
        .drop("parcel_kg_co2e", "per_kg_co2e")
    )


def _sums(*extra: pl.Expr) -> list[pl.Expr]:
    return [
        pl.len().alias("orders"),
        pl.col("units").sum(),
        pl.col("kg_co2e").sum(),
        pl.col("baseline_kg_co2e").sum(),
        pl.col("saved_kg_co2e").sum(),
        *extra,
    ]


def reports(facts: pl.LazyFrame, lines: pl.LazyFrame, as_of: datetime) -> dict[str, pl.LazyFrame]:
    """Every report as a LazyFrame, sorted so that two runs give the same rows in the same order."""
    first = facts.group_by("customer_id").agg(pl.col("month").min().alias("cohort"))
    by_customer = (
        facts.group_by("customer_id")
        .agg(*_sums(pl.col("points").sum(), pl.col("month").min().alias("first_order_month")))
        .sort("customer_id")
    )
    return {
        "platform": facts.select(
            *_sums(
                pl.col("customer_id").n_unique().alias("customers"),
                pl.col("shipping_kg_co2e").sum(),
                pl.col("points").sum(),
                pl.col("placed_at").min().alias("first_order_at"),
                pl.col("placed_at").max().alias("last_order_at"),
            )
        ),
        "by_month": facts.group_by("month").agg(*_sums()).sort("month"),
        "by_country": facts.group_by("shipping_country").agg(*_sums()).sort("shipping_country"),
        "by_customer": by_customer,
        "by_product": lines.group_by("product_id")
        .agg(
            pl.col("quantity").sum().alias("units"),
            pl.col("kg_co2e").sum(),
            pl.col("baseline_kg_co2e").sum(),
            (pl.col("baseline_kg_co2e") - pl.col("kg_co2e")).sum().alias("saved_kg_co2e"),
        )
        .sort("product_id"),
        "by_category_month": lines.join(facts.select("order_id", "month"), on="order_id")
        .group_by("category", "month")
        .agg(
            pl.col("quantity").sum().alias("units"),
            pl.col("kg_co2e").sum(),
            pl.col("baseline_kg_co2e").sum(),
            (pl.col("baseline_kg_co2e") - pl.col("kg_co2e")).sum().alias("saved_kg_co2e"),
        )
        .sort("category", "month"),
        "cohorts": facts.join(first, on="customer_id")
        .group_by("cohort", "month")
        .agg(pl.col("customer_id").n_unique().alias("customers"), *_sums())
        .sort("cohort", "month"),
        "leaderboards": leaderboards(facts, as_of),
    }


def period_starts(as_of: datetime) -> dict[str, datetime | None]:
    """Where each leaderboard period begins: the ISO week and the month of ``as_of``, and the beginning."""
    day = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"week": day - timedelta(days=day.weekday()), "month": day.replace(day=1), "all": None}


def leaderboards(facts: pl.LazyFrame, as_of: datetime) -> pl.LazyFrame:
    """The top customers per board and period, ranked 1..n with deterministic ties."""
    boards = []
    for period, start in period_starts(as_of).items():
        window = facts.filter(pl.col("placed_at") <= as_of)
        if start is not None:
            window = window.filter(pl.col("placed_at") >= start)
        totals = window.group_by("customer_id").agg(
            pl.col("saved_kg_co2e").sum().alias("saved"),
            pl.col("points").sum().cast(pl.Float64).alias("points"),
        )
        for board, column in (("co2e-saved", "saved"), ("eco-points", "points")):
            boards.append(
                totals.sort([column, "customer_id"], descending=[True, False])
                .head(BOARD_SIZE)
                .select(
                    pl.lit(board).alias("board"),
                    pl.lit(period).alias("period"),
                    pl.lit(start, dtype=pl.Datetime("us", "UTC")).alias("period_start"),
                    pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"),
                    "customer_id",
                    pl.col(column).alias("value"),
                )
            )
    return pl.concat(boards)
