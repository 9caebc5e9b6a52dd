"""The same reports in DuckDB SQL (``sql/``, one file per report), over the same Parquet files.

The rules are those of ``polars_reports.py``; the tests compare the two engines
with each other and with a hand-made dataset. The tables several reports read
(``lines``, ``facts`` and ``customers``) are materialized once as temporary
tables, not views that every report would compute again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from analytics.lake import SCHEMAS
from analytics.pipelines.polars_reports import period_starts
from analytics.pipelines.sources import Lake

SQL: Final = Path(__file__).parent / "sql"
REPORTS: Final = (
    "platform",
    "by_month",
    "by_country",
    "by_customer",
    "by_product",
    "by_category_month",
    "cohorts",
    "leaderboards",
)
_TABLES: Final = {
    "order_placed": "OrderPlaced",
    "order_line": "OrderLine",
    "order_paid": "OrderPaid",
    "eco_points_earned": "EcoPointsEarned",
    "eco_points_reversed": "EcoPointsReversed",
    "visibility_changed": "LeaderboardVisibilityChanged",
    "customer_erased": "CustomerErased",
}


def _sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text()


def connect(
    lake: Lake, products: pl.DataFrame, rates: pl.DataFrame, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB: the lake's tables as views, the calculator's tables, ``lines`` and ``facts``."""
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    if threads:
        db.execute(f"SET threads = {int(threads)}")
    for view, table in _TABLES.items():
        if lake.files(table):
            pattern = lake.glob(table).replace("'", "''")  # a view cannot take a bound parameter
            db.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{pattern}')")
        else:
            db.register(view, SCHEMAS[table].empty_table())
    db.register("products", products.to_arrow())
    db.register("rates", rates.to_arrow())
    db.execute(_sql("lines"))
    db.execute(_sql("facts"))
    return db


def reports(db: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, pl.DataFrame]:
    """Every report as a Polars DataFrame."""
    starts = period_starts(as_of)
    params = {"as_of": as_of, "week_start": starts["week"], "month_start": starts["month"]}
    db.execute(_sql("customers"), _used(_sql("customers"), params))
    out = {}
    for name in REPORTS:
        query = _sql(name)
        relation = db.sql(query, params=_used(query, params))
        out[name] = pl.DataFrame(pl.from_arrow(relation.to_arrow_table()))
    return out


def _used(query: str, params: Mapping[str, object]) -> dict[str, object] | None:
    """The parameters ``query`` names (DuckDB refuses the others)."""
    return {k: v for k, v in params.items() if f"${k}" in query} or None
