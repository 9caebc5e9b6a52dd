"""Impact and leaderboards in Polars (lazy): one LazyFrame per report, collected together.

Rules every report follows (the DuckDB twin in ``duckdb_reports.py`` follows them too):

- An order counts once it is paid; a cancelled order never was. Refunds do not
  take the footprint back: the goods were made and shipped.
- A line's footprint is quantity x its product version's unit footprint; an
  order adds its last mile, parcel + kg shipped x the destination's rate.
  Savings are baseline minus footprint; the last mile is in both.
- Eco points per order are the ledger's: what its ``EcoPointsEarned`` gave
  less what its ``EcoPointsReversed`` took back (0 until delivered), so the
  boards agree with the live ones of ``projections.projectors.rewards``.
- Customers who opted out of leaderboards (their latest
  ``LeaderboardVisibilityChanged``) or were erased are on no board.
- Leaderboards rank customers by kg CO2e saved and by eco points, for the
  week (ISO, Monday first) and month of ``as_of`` and for all time, on kg
  rounded to 4 decimals; ties go to the lower customer id, so a board is the
  same on every run and in both engines.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from analytics.pipelines.sources import Lake

BOARD_SIZE = 100
# Sums of floats differ in their last bits with the order they are added in (Polars and DuckDB add
# in different orders): points are floored after rounding to 6 decimals, and boards rank on values
# rounded to 0.1 g, so both engines give the same points and the same ranks.
POINT_DECIMALS = 6
BOARD_DECIMALS = 4
# The columns of the by_customer report, in order.
CUSTOMER_COLUMNS = (
    "customer_id",
    "orders",
    "units",
    "kg_co2e",
    "baseline_kg_co2e",
    "saved_kg_co2e",
    "points",
    "first_order_month",
)


def product_versions(products: pl.DataFrame) -> pl.DataFrame:
    """Where a line finds its product: every version under its own number, the latest also under 0.

    Lines recorded before footprints existed name no version (0): they take the
    product's latest version. One join to this table resolves both kinds of line.
    ``product`` and ``category_name`` are the product id and category as Enums
    (local to this table, no global string cache), so the lines carry integers
    and the big group-bys run on them instead of on strings.
    """
    columns = ["product_version", "unit_kg_co2e", "unit_baseline_kg_co2e", "shipped_kg"]
    latest = products.group_by("product_id").agg(pl.col("product_version").max())
    own = products.filter(pl.col("product_version") != 0).select(
        "product_id", pl.col("product_version").alias("asked"), "category", *columns
    )
    newest = products.join(latest, on=["product_id", "product_version"]).select(
        "product_id", pl.lit(0, dtype=pl.Int64).alias("asked"), "category", *columns
    )
    versions = pl.concat([own, newest], how="vertical")
    return versions.with_columns(
        pl.col("product_id").cast(_enum(versions["product_id"])).alias("product"),
        pl.col("category").cast(_enum(versions["category"])).alias("category_name"),
    )


def _enum(values: pl.Series) -> pl.Enum:
    return pl.Enum(values.drop_nulls().unique().sort())


def order_lines(lake: Lake, products: pl.DataFrame) -> pl.LazyFrame:
    """Paid orders' lines with their footprint (orders with a line of an unratable product version left out).

    A line carries the log position of its OrderPlaced event (unique in the
    log): it stands for the order in every join here, integers instead of order
    ids. Only the paid check matches order ids, since OrderPaid is an event of
    its own. Products and categories are Enums (see :func:`product_versions`).
    Collected once: the facts and two reports read it.
    """
    paid = lake.scan("OrderPaid").select("order_id")
    paid_orders = (
        lake.scan("OrderPlaced")
        .select("position", "order_id", "placed_at")
        .join(paid, on="order_id", how="semi")
        .select("position", pl.col("placed_at").dt.truncate("1mo").dt.date().alias("month"))
    )
    rated = (
        lake.scan("OrderLine")
        .select("position", "product_id", pl.col("product_version").alias("asked"), "quantity")
        .join(paid_orders, on="position", how="inner")
        .join(product_versions(products).lazy(), on=["product_id", "asked"], how="left")
        .select(
            "position",
            "month",
            pl.col("product").alias("product_id"),
            pl.col("category_name").alias("category"),
            pl.when(pl.col("asked") == 0)
            .then(pl.col("product_version"))
            .otherwise(pl.col("asked"))
            .alias("product_version"),
            "quantity",
            "unit_kg_co2e",
            (pl.col("quantity") * pl.col("unit_kg_co2e")).alias("kg_co2e"),
            (pl.col("quantity") * pl.col("unit_baseline_kg_co2e")).alias("baseline_kg_co2e"),
            (pl.col("quantity") * pl.col("shipped_kg")).alias("shipped_kg"),
        )
        .collect()
    )
    # An order with a line that cannot be rated is left out whole: half an order is not its footprint.
    unrated = rated.filter(pl.col("unit_kg_co2e").is_null()).get_column("position").unique()
    if len(unrated):
        rated = rated.filter(~pl.col("position").is_in(unrated.implode()))
    return rated.lazy()


def order_facts(lake: Lake, lines: pl.LazyFrame, rates: pl.DataFrame) -> pl.LazyFrame:
    """One row per paid order: footprint, baseline, savings and eco points (collected once)."""
    per_order = lines.group_by("position").agg(
        pl.col("quantity").sum().alias("units"),
        pl.col("kg_co2e").sum().alias("products_kg_co2e"),
        pl.col("baseline_kg_co2e").sum().alias("products_baseline_kg_co2e"),
        pl.col("shipped_kg").sum(),
    )
    orders = lake.scan("OrderPlaced").select(
        "position", "order_id", "customer_id", "placed_at", "shipping_country", "shipping_method"
    )
    shipping = pl.col("parcel_kg_co2e") + pl.col("shipped_kg") * pl.col("per_kg_co2e")
    return (
        orders.join(per_order, on="position", how="inner")
        .join(rates.lazy(), on=["shipping_country", "shipping_method"], how="inner")
        .with_columns(shipping.alias("shipping_kg_co2e"))
        .with_columns(
            (pl.col("products_kg_co2e") + pl.col("shipping_kg_co2e")).alias("kg_co2e"),
            (pl.col("products_baseline_kg_co2e") + pl.col("shipping_kg_co2e")).alias("baseline_kg_co2e"),
        )
        .with_columns((pl.col("baseline_kg_co2e") - pl.col("kg_co2e")).alias("saved_kg_co2e"))
        .join(kept_points(lake), on="order_id", how="left")
        .with_columns(
            pl.col("points").fill_null(0),
            pl.col("placed_at").dt.truncate("1mo").dt.date().alias("month"),
            pl.col("placed_at").dt.truncate("1w").dt.date().alias("week"),
        )
        .drop("parcel_kg_co2e", "per_kg_co2e", "order_id")
        .collect()
        .lazy()
    )


def kept_points(lake: Lake) -> pl.LazyFrame:
    """Per order, the points the ledger holds for it: earned less reversed."""
    earned = lake.scan("EcoPointsEarned").group_by("order_id").agg(pl.col("points").sum())
    taken = lake.scan("EcoPointsReversed").group_by("order_id").agg(pl.col("points").sum().alias("taken"))
    return earned.join(taken, on="order_id", how="left").select(
        "order_id", (pl.col("points") - pl.col("taken").fill_null(0)).cast(pl.Int64).alias("points")
    )


def hidden_customers(lake: Lake) -> pl.LazyFrame:
    """Customers on no leaderboard: their latest visibility choice was no, or they were erased."""
    latest = (
        lake.scan("LeaderboardVisibilityChanged")
        .sort("position")
        .group_by("customer_id")
        .agg(pl.col("visible").last())
        .filter(~pl.col("visible"))
        .select("customer_id")
    )
    return pl.concat([latest, lake.scan("CustomerErased").select("customer_id")]).unique()


def _sums(*extra: pl.Expr) -> list[pl.Expr]:
    return [
        pl.len().alias("orders"),
        pl.col("units").sum(),
        pl.col("kg_co2e").sum(),
        pl.col("baseline_kg_co2e").sum(),
        pl.col("saved_kg_co2e").sum(),
        *extra,
    ]


def customer_totals(facts: pl.LazyFrame, as_of: datetime) -> pl.DataFrame:
    """Per customer: the totals, the first order's month and each leaderboard period's sums, in one pass.

    A period's sums add the values of the orders inside it and 0 for the others
    (exactly the sum over the period, and far cheaper than a filter per group).
    """
    masked, periods = [], []
    for period, start in period_starts(as_of).items():
        inside = pl.col("placed_at") <= as_of
        if start is not None:
            inside = inside & (pl.col("placed_at") >= start)
        masked += [
            pl.when(inside).then(pl.col("saved_kg_co2e")).otherwise(0.0).alias(f"saved_{period}"),
            pl.when(inside).then(pl.col("points")).otherwise(0).alias(f"points_{period}"),
            inside.alias(f"in_{period}"),
        ]
        periods += [
            pl.col(f"saved_{period}").sum(),
            pl.col(f"points_{period}").sum().cast(pl.Float64),
            pl.col(f"in_{period}").any(),
        ]
    return (
        facts.with_columns(masked)
        .group_by("customer_id")
        .agg(*_sums(pl.col("points").sum(), pl.col("month").min().alias("first_order_month")), *periods)
        .collect()
    )


def reports(
    facts: pl.LazyFrame, lines: pl.LazyFrame, as_of: datetime, hidden: pl.LazyFrame
) -> dict[str, pl.LazyFrame]:
    """Every report as a LazyFrame, sorted so that two runs give the same rows in the same order."""
    customers = customer_totals(facts, as_of).lazy()
    line_sums = [
        pl.col("quantity").sum().alias("units"),
        pl.col("kg_co2e").sum(),
        pl.col("baseline_kg_co2e").sum(),
        (pl.col("baseline_kg_co2e") - pl.col("kg_co2e")).sum().alias("saved_kg_co2e"),
    ]
    cohort_of = customers.select(
        "customer_id", pl.col("first_order_month").alias("cohort"), pl.int_range(pl.len()).alias("customer")
    )
    return {
        "platform": facts.select(
            *_sums(
                pl.col("shipping_kg_co2e").sum(),
                pl.col("points").sum(),
                pl.col("placed_at").min().alias("first_order_at"),
                pl.col("placed_at").max().alias("last_order_at"),
            )
        )
        .join(customers.select(pl.len().alias("customers")), how="cross")
        .select(
            "orders",
            "units",
            "kg_co2e",
            "baseline_kg_co2e",
            "saved_kg_co2e",
            "customers",
            "shipping_kg_co2e",
            "points",
            "first_order_at",
            "last_order_at",
        ),
        "by_month": facts.group_by("month").agg(*_sums()).sort("month"),
        "by_country": facts.group_by("shipping_country").agg(*_sums()).sort("shipping_country"),
        "by_customer": customers.select(CUSTOMER_COLUMNS).sort("customer_id"),
        "by_product": lines.group_by("product_id")
        .agg(*line_sums)
        .with_columns(pl.col("product_id").cast(pl.String))
        .sort("product_id"),
        # the lines of orders that have facts (their last mile could be rated)
        "by_category_month": lines.join(facts.select("position"), on="position", how="semi")
        .group_by("category", "month")
        .agg(*line_sums)
        .with_columns(pl.col("category").cast(pl.String))
        .sort("category", "month"),
        "cohorts": facts.join(cohort_of, on="customer_id")
        .group_by("cohort", "month")
        .agg(pl.col("customer").n_unique().alias("customers"), *_sums())
        .sort("cohort", "month"),
        "leaderboards": leaderboards(customers.join(hidden, on="customer_id", how="anti"), as_of),
    }


def period_starts(as_of: datetime) -> dict[str, datetime | None]:
    """Where each leaderboard period begins: the ISO week and the month of ``as_of``, and the beginning."""
    day = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"week": day - timedelta(days=day.weekday()), "month": day.replace(day=1), "all": None}


def leaderboards(customers: pl.LazyFrame, as_of: datetime) -> pl.LazyFrame:
    """The top customers per board and period, ranked 1..n with deterministic ties.

    ``customers`` is :func:`customer_totals`: each period's sums per customer,
    and whether the customer ordered in the period at all.
    """
    boards = []
    for period, start in period_starts(as_of).items():
        totals = customers.filter(pl.col(f"in_{period}")).select(
            "customer_id",
            pl.col(f"saved_{period}").round(BOARD_DECIMALS).alias("saved"),
            pl.col(f"points_{period}").alias("points"),
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
