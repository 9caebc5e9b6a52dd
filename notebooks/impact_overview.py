"""Platform impact overview: footprint and savings by month, by country and by category.

Open it with ``uv run marimo edit notebooks/impact_overview.py``; run it headless with
``uv run python notebooks/impact_overview.py`` (a failing cell makes the script fail).

Environment:

- ``LAKE_DIR``: the lake root (default ``$ECOLAURA_VAR_DIR/lake``, i.e. ``var/lake``);
- ``NOTEBOOK_OUTPUT``: where the charts go as PNG files (default ``var/notebooks``);
- ``NOTEBOOK_SOURCE``: ``auto`` (default: the stored results of the factor version if
  ``ecolaura analytics run`` wrote them, else computed now), ``results`` or ``compute``;
- ``ECOLAURA_FACTOR_VERSION``: the emission-factor version (default: the newest).
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import json
    import os
    from pathlib import Path

    import duckdb
    import marimo as mo
    import matplotlib as mpl

    mpl.use("Agg")  # headless: charts are written as PNG files
    import matplotlib.pyplot as plt
    import polars as pl

    from analytics.factor_tables import load_factors
    from analytics.pipelines.run import compute, live_lake

    return (
        Path,
        compute,
        duckdb,
        json,
        live_lake,
        load_factors,
        mo,
        os,
        pl,
        plt,
    )


@app.cell
def _(os):
    from analytics.notebook_kit import chart_folder
    from analytics.notebook_kit import lake_root as configured_lake

    lake_root = configured_lake()
    output_dir = chart_folder("impact_overview")
    source_choice = os.environ.get("NOTEBOOK_SOURCE", "auto")
    if source_choice not in {"auto", "results", "compute"}:
        raise ValueError(f"NOTEBOOK_SOURCE must be auto, results or compute, not {source_choice!r}")
    return lake_root, output_dir, source_choice


@app.cell
def _(output_dir):
    from analytics.notebook_kit import save_chart

    def save(fig, name):
        return save_chart(fig, output_dir, name)

    return (save,)


@app.cell
def _(lake_root, live_lake, load_factors):
    factors = load_factors()
    lake, lake_position, lake_events = live_lake(lake_root)
    if not lake.files("OrderPlaced"):
        raise FileNotFoundError(
            f"no orders in the lake at {lake.events}: run `ecolaura lake export` (or set LAKE_DIR)"
        )
    return factors, lake, lake_events, lake_position


@app.cell
def _(
    compute,
    factors,
    json,
    lake,
    lake_events,
    lake_position,
    lake_root,
    pl,
    source_choice,
):
    results_dir = lake_root / "results" / factors.version
    stored = (results_dir / "run.json").exists()
    if source_choice == "results" and not stored:
        raise FileNotFoundError(f"no results at {results_dir}: run `ecolaura analytics run` first")
    if source_choice == "results" or (source_choice == "auto" and stored):
        run = json.loads((results_dir / "run.json").read_text())
        tables = {
            name: pl.read_parquet(results_dir / f"{name}.parquet")
            for name in ("platform", "by_month", "by_country", "by_category_month")
        }
        source = f"results of the run at {run['computed_at']} ({results_dir})"
        if run["lake_position"] != lake_position:
            source += f"; the lake has moved on since (now at {lake_position})"
    else:
        result = compute(lake, factors, position=(lake_position, lake_events))
        tables = result.tables
        source = f"computed now with {result.engine} over the lake at {lake_position}"
    print(f"impact_overview: {source}")
    return source, tables


@app.cell
def _(factors, mo, source, tables):
    platform = tables["platform"].row(0, named=True)
    if not platform["orders"]:
        raise ValueError("the lake holds no paid order that can be rated")
    mo.md(
        f"""
        # Platform impact

        Paid orders only (a cancelled order never counts, a refunded one keeps its footprint).
        Footprint is cradle to customer, with the last mile; the baseline is the conventional
        product of each category at the same mass; savings are baseline minus footprint.

        | | |
        |---|---|
        | emission factors | {factors.version} |
        | source | {source} |
        | orders / customers / units | {platform["orders"]:,} / {platform["customers"]:,} / {platform["units"]:,} |
        | footprint | {platform["kg_co2e"]:,.1f} kg CO2e |
        | baseline | {platform["baseline_kg_co2e"]:,.1f} kg CO2e |
        | saved | {platform["saved_kg_co2e"]:,.1f} kg CO2e ({platform["saved_kg_co2e"] / platform["baseline_kg_co2e"]:.0%} of the baseline) |
        | of which last mile | {platform["shipping_kg_co2e"]:,.1f} kg CO2e |
        """
    )
    return


@app.cell
def _(plt, save, tables):
    _months = tables["by_month"]
    _x = list(range(_months.height))
    _labels = [m.strftime("%Y-%m") for m in _months["month"]]
    _fig, (_top, _bottom) = plt.subplots(
        2, 1, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    _width = 0.4
    _top.bar(
        [i - _width / 2 for i in _x], _months["baseline_kg_co2e"], _width, label="baseline", color="#b0b0b0"
    )
    _top.bar([i + _width / 2 for i in _x], _months["kg_co2e"], _width, label="footprint", color="#2e7d32")
    _top.set_ylabel("kg CO2e")
    _top.set_title("Footprint of paid orders against their conventional baseline, by month")
    _top.legend()
    _colors = ["#2e7d32" if v >= 0 else "#c62828" for v in _months["saved_kg_co2e"]]
    _bottom.bar(_x, _months["saved_kg_co2e"], color=_colors)
    _cumulative = _bottom.twinx()
    _cumulative.plot(_x, _months["saved_kg_co2e"].cum_sum(), color="black", marker=".", label="cumulative")
    _cumulative.set_ylabel("cumulative saved (kg CO2e)")
    _bottom.axhline(0, color="black", linewidth=0.8)
    _bottom.set_ylabel("saved (kg CO2e)")
    _bottom.set_title("Savings per month (red: the month's orders emitted more than the baseline)")
    _bottom.set_xticks(_x, _labels, rotation=45, ha="right")
    _bottom.set_xlabel("month the order was placed")
    save(_fig, "by_month")
    return


@app.cell
def _(mo, plt, save, tables):
    _countries = tables["by_country"].sort("kg_co2e")
    _fig, _ax = plt.subplots(figsize=(10, max(3, 0.45 * _countries.height)))
    _y = list(range(_countries.height))
    _ax.barh([i + 0.2 for i in _y], _countries["kg_co2e"], 0.4, label="footprint", color="#2e7d32")
    _ax.barh([i - 0.2 for i in _y], _countries["saved_kg_co2e"], 0.4, label="saved", color="#81c784")
    _ax.set_yticks(
        _y, [f"{c} ({n} orders)" for c, n in _countries.select("shipping_country", "orders").rows()]
    )
    _ax.axvline(0, color="black", linewidth=0.8)
    _ax.set_xlabel("kg CO2e")
    _ax.set_ylabel("shipping country")
    _ax.set_title("Footprint and savings by shipping country")
    _ax.legend(loc="lower right")
    mo.vstack([save(_fig, "by_country"), _countries.sort("kg_co2e", descending=True)])
    return


@app.cell
def _(mo, pl, plt, save, tables):
    top_categories = (
        tables["by_category_month"]
        .group_by("category")
        .agg(pl.col("units").sum(), pl.col("kg_co2e").sum(), pl.col("saved_kg_co2e").sum())
        .sort("saved_kg_co2e", descending=True)
        .head(10)
    )
    _shown = top_categories.reverse()
    _fig, _ax = plt.subplots(figsize=(10, max(3, 0.45 * _shown.height)))
    _y = list(range(_shown.height))
    _ax.barh([i + 0.2 for i in _y], _shown["kg_co2e"], 0.4, label="footprint", color="#2e7d32")
    _ax.barh([i - 0.2 for i in _y], _shown["saved_kg_co2e"], 0.4, label="saved", color="#81c784")
    _ax.set_yticks(_y, _shown["category"].to_list())
    _ax.axvline(0, color="black", linewidth=0.8)
    _ax.set_xlabel("kg CO2e (products only, without the last mile)")
    _ax.set_ylabel("category")
    _ax.set_title(f"Top {_shown.height} categories by kg CO2e saved")
    _ax.legend(loc="lower right")
    mo.vstack([save(_fig, "top_categories"), top_categories])
    return


@app.cell
def _(mo):
    mo.md("""
    ## The lake with DuckDB, directly

    Every event table is a folder of Parquet files,
    `{lake}/g{n}/events/{table}/date=YYYY-MM-DD/part-*.parquet`, so any SQL tool reads it.
    Below: every *placed* order (paid or not) by month and shipping method, straight
    from `OrderPlaced`, with no pipeline in between.
    """)
    return


@app.cell
def _(duckdb, lake, mo, plt, save):
    _glob = f"{lake.events}/OrderPlaced/*/*.parquet"
    methods = duckdb.sql(
        f"""
        SELECT date_trunc('month', placed_at AT TIME ZONE 'UTC') AS month, shipping_method, count(*) AS orders,
               sum(kg_co2e) AS kg_co2e
        FROM read_parquet('{_glob}', hive_partitioning = false)
        GROUP BY ALL
        ORDER BY month, shipping_method
        """
    ).pl()
    _wide = methods.pivot("shipping_method", index="month", values="orders").sort("month").fill_null(0)
    _fig, _ax = plt.subplots(figsize=(11, 4.5))
    _bottom = [0] * _wide.height
    _x = list(range(_wide.height))
    _colors = {"slow-green": "#2e7d32", "standard": "#90a4ae", "express": "#e65100"}
    for _method in sorted(c for c in _wide.columns if c != "month"):
        _ax.bar(_x, _wide[_method], bottom=_bottom, label=_method, color=_colors.get(_method))
        _bottom = [b + v for b, v in zip(_bottom, _wide[_method], strict=True)]
    _ax.set_xticks(_x, [m.strftime("%Y-%m") for m in _wide["month"]], rotation=45, ha="right")
    _ax.set_ylabel("orders placed")
    _ax.set_xlabel("month")
    _ax.set_title("Orders placed by shipping method (DuckDB over OrderPlaced/*/*.parquet)")
    _ax.legend(title="shipping method")
    mo.vstack([save(_fig, "orders_by_shipping_method"), methods])
    return


if __name__ == "__main__":
    app.run()
