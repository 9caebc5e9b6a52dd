"""Category deep dive: one category's products against their conventional baseline.

Open it with ``uv run marimo edit notebooks/category_deep_dive.py`` (pick the category in
the dropdown); run it headless with ``uv run python notebooks/category_deep_dive.py``.

Environment:

- ``LAKE_DIR``: the lake root (default ``$ECOLAURA_VAR_DIR/lake``, i.e. ``var/lake``);
- ``NOTEBOOK_OUTPUT``: where the charts go as PNG files (default ``var/notebooks``);
- ``NOTEBOOK_CATEGORY``: the category (default: the one with the most products);
- ``ECOLAURA_FACTOR_VERSION``: the emission-factor version (default: the newest).
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import os
    from pathlib import Path

    import marimo as mo
    import matplotlib as mpl

    mpl.use("Agg")  # headless: charts are written as PNG files
    import matplotlib.pyplot as plt
    import polars as pl

    from analytics.factor_tables import load_factors
    from analytics.footprint import baseline_spec, product_footprint
    from analytics.lake import LakeGenerations
    from analytics.pipelines.sources import Lake, product_footprints, spec_of

    return (
        Lake,
        LakeGenerations,
        Path,
        baseline_spec,
        load_factors,
        mo,
        os,
        pl,
        plt,
        product_footprint,
        product_footprints,
        spec_of,
    )


@app.cell
def _():
    from analytics.notebook_kit import chart_folder
    from analytics.notebook_kit import lake_root as configured_lake

    lake_root = configured_lake()
    output_dir = chart_folder("category_deep_dive")
    return lake_root, output_dir


@app.cell
def _(output_dir):
    from analytics.notebook_kit import save_chart

    def save(fig, name):
        return save_chart(fig, output_dir, name)

    return (save,)


@app.cell
def _(Lake, LakeGenerations, lake_root, load_factors, pl, product_footprints):
    factors = load_factors()
    lake = Lake(LakeGenerations(lake_root).live_events())
    if not lake.files("Product"):
        raise FileNotFoundError(
            f"no products in the lake at {lake.events}: run `ecolaura lake export` (or set LAKE_DIR)"
        )
    # Every product version's unit footprint at this factor version, as the pipelines see it.
    rated, unrated = product_footprints(lake, factors)
    # The catalog as it stands: each product's newest snapshot.
    catalog = (
        lake.scan("Product")
        .select(
            "product_id",
            "product_version",
            "position",
            "sku",
            "name",
            "status",
            "weight_kg",
            "materials",
            "origin_country",
            "packaging",
            "certifications",
        )
        .collect()
        .sort("product_id", "product_version", "position")
        .unique("product_id", keep="last", maintain_order=True)
        .join(rated, on=["product_id", "product_version"], how="inner")
        .with_columns(
            (pl.col("unit_baseline_kg_co2e") - pl.col("unit_kg_co2e")).alias("saved_kg_co2e"),
            (1 - pl.col("unit_kg_co2e") / pl.col("unit_baseline_kg_co2e")).alias("saved_share"),
        )
    )
    print(f"catalog: {catalog.height} rated products, {unrated.height} product versions unrated")
    return catalog, factors, unrated


@app.cell
def _(catalog, mo, os):
    _counts = catalog.group_by("category").len().sort(["len", "category"], descending=[True, False])
    _default = os.environ.get("NOTEBOOK_CATEGORY") or _counts["category"][0]
    if _default not in _counts["category"]:
        raise ValueError(
            f"NOTEBOOK_CATEGORY: no rated product in '{_default}'; categories: {sorted(_counts['category'])}"
        )
    category_picker = mo.ui.dropdown(options=sorted(_counts["category"]), value=_default, label="category")
    category_picker
    return (category_picker,)


@app.cell
def _(catalog, category_picker, factors, pl, product_footprint, spec_of):
    category = category_picker.value
    rows = catalog.filter(pl.col("category") == category).sort("sku")
    # The calculator's full answer per product: ranges, the baseline it was compared with, the eco score.
    footprints = {
        row["product_id"]: product_footprint(spec_of(row), factors) for row in rows.iter_rows(named=True)
    }
    for _row in rows.iter_rows(named=True):
        _central = footprints[_row["product_id"]].kg_co2e.central
        if abs(_central - _row["unit_kg_co2e"]) > 1e-3:
            raise AssertionError(
                f"{_row['sku']}: calculator says {_central} kg CO2e, the pipelines {_row['unit_kg_co2e']}"
            )
    return category, footprints, rows


@app.cell
def _(category, footprints, mo, pl, rows):
    _baseline = next(iter(footprints.values())).baseline
    table = rows.select(
        "sku",
        "name",
        "status",
        "weight_kg",
        "origin_country",
        "packaging",
        pl.col("unit_kg_co2e").round(3).alias("kg_co2e"),
        pl.col("unit_baseline_kg_co2e").round(3).alias("baseline_kg_co2e"),
        pl.col("saved_kg_co2e").round(3),
        (pl.col("saved_share") * 100).round(1).alias("saved_%"),
        "eco_score",
    )
    mo.vstack(
        [
            mo.md(
                f"""
                # Category: {category}

                {rows.height} products, each against the conventional product of the
                same mass (baseline row `{_baseline.category}`: *{_baseline.description}*).
                Footprints are per unit, cradle to warehouse (no last mile), in kg CO2e.
                """
            ),
            table,
        ]
    )
    return


@app.cell
def _(footprints, plt, rows, save):
    _fig, _ax = plt.subplots(figsize=(10, max(3, 0.7 * rows.height + 1)))
    _names = [f"{r['name'][:45]}\n{r['sku']}" for r in rows.iter_rows(named=True)]
    for _i, _row in enumerate(rows.iter_rows(named=True)):
        _fp = footprints[_row["product_id"]]
        for _offset, _range, _color, _label in (
            (0.2, _fp.kg_co2e, "#2e7d32", "product"),
            (-0.2, _fp.baseline.kg_co2e, "#9e9e9e", "baseline"),
        ):
            _ax.barh(
                _i + _offset,
                _range.central,
                0.38,
                xerr=[[_range.central - _range.low], [_range.high - _range.central]],
                color=_color,
                capsize=3,
                label=_label if _i == 0 else None,
            )
    _ax.set_yticks(range(rows.height), _names)
    _ax.invert_yaxis()
    _ax.set_xlabel("kg CO2e per unit (bars: central; whiskers: low to high)")
    _ax.set_title(f"{rows['category'][0]}: each product against its conventional baseline")
    _ax.legend(loc="lower right")
    save(_fig, "footprint_vs_baseline")
    return


@app.cell
def _(baseline_spec, category, factors, footprints, plt, product_footprint, rows, save):
    _heaviest = max(rows["weight_kg"])
    _weights = [_heaviest * 1.15 * k / 40 for k in range(1, 41)]
    _line = [product_footprint(baseline_spec(category, w, factors)[1], factors).kg_co2e for w in _weights]
    _fig, _ax = plt.subplots(figsize=(9, 5.5))
    _ax.fill_between(
        _weights,
        [r.low for r in _line],
        [r.high for r in _line],
        color="#9e9e9e",
        alpha=0.25,
        label="baseline, low to high",
    )
    _ax.plot(_weights, [r.central for r in _line], color="#616161", label="baseline, central")
    for _row in rows.iter_rows(named=True):
        _fp = footprints[_row["product_id"]].kg_co2e
        _ax.errorbar(
            _row["weight_kg"],
            _fp.central,
            yerr=[[_fp.central - _fp.low], [_fp.high - _fp.central]],
            fmt="o",
            color="#2e7d32",
            capsize=3,
        )
        _ax.annotate(
            _row["sku"],
            (_row["weight_kg"], _fp.central),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
        )
    _ax.plot([], [], "o", color="#2e7d32", label="products (low to high)")
    _ax.set_xlim(0, _weights[-1])
    _ax.set_ylim(bottom=0)
    _ax.set_xlabel("product weight (kg)")
    _ax.set_ylabel("kg CO2e per unit")
    _ax.set_title(f"{category}: footprint by weight against the baseline at the same weight")
    _ax.legend(loc="upper left")
    save(_fig, "footprint_by_weight")
    return


@app.cell
def _(catalog, category, plt, rows, save):
    _fig, (_left, _right) = plt.subplots(1, 2, figsize=(12, 4.5))
    _left.hist(rows["saved_kg_co2e"], bins=10, color="#2e7d32", edgecolor="white")
    _left.axvline(0, color="black", linewidth=0.8)
    _left.set_xlabel("kg CO2e saved per unit (baseline minus product)")
    _left.set_ylabel("products")
    _left.yaxis.get_major_locator().set_params(integer=True)
    _left.set_title(f"{category}: savings per unit")
    _bins = [x / 10 for x in range(-10, 11)]
    _right.hist(
        catalog["saved_share"].clip(-1, 1),
        bins=_bins,
        color="#bdbdbd",
        edgecolor="white",
        label="whole catalog",
    )
    _right.hist(
        rows["saved_share"].clip(-1, 1), bins=_bins, color="#2e7d32", edgecolor="white", label=category
    )
    _right.axvline(0, color="black", linewidth=0.8)
    _right.set_xlabel(
        "share of the baseline saved (1 = all of it; below 0: worse than the baseline; clipped to -1)"
    )
    _right.set_ylabel("products")
    _right.yaxis.get_major_locator().set_params(integer=True)
    _right.set_title("Savings relative to the baseline")
    _right.legend()
    save(_fig, "savings_distribution")
    return


@app.cell
def _(catalog, category, plt, rows, save):
    _fig, _ax = plt.subplots(figsize=(9, 4.5))
    _bins = list(range(0, 101, 10))
    _ax.hist(catalog["eco_score"], bins=_bins, color="#bdbdbd", edgecolor="white", label="whole catalog")
    _ax.hist(rows["eco_score"], bins=_bins, color="#2e7d32", edgecolor="white", label=category)
    _ax.set_xticks(_bins)
    _ax.set_xlabel("eco score (0-100: footprint 70, certifications 20, packaging 10)")
    _ax.set_ylabel("products")
    _ax.set_title(f"Eco scores: {category} within the catalog")
    _ax.legend()
    save(_fig, "eco_scores")
    return


if __name__ == "__main__":
    app.run()
