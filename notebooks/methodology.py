"""Methodology: one product's footprint, stage by stage, with its factors, sources and ranges.

Open it with ``uv run marimo edit notebooks/methodology.py`` (pick the product in the
dropdown); run it headless with ``uv run python notebooks/methodology.py``.

Environment:

- ``LAKE_DIR``: the lake root (default ``$ECOLAURA_VAR_DIR/lake``, i.e. ``var/lake``);
- ``NOTEBOOK_OUTPUT``: where the charts go as PNG files (default ``var/notebooks``);
- ``NOTEBOOK_PRODUCT``: a SKU or product id (default: the product whose footprint has
  the most factor lines);
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

    import analytics.footprint
    from analytics.factor_tables import load_factors
    from analytics.footprint import (
        FootprintError,
        baseline_spec,
        last_mile,
        product_footprint,
    )
    from analytics.lake import LakeGenerations
    from analytics.pipelines.sources import Lake, spec_of

    return (
        FootprintError,
        Lake,
        LakeGenerations,
        Path,
        analytics,
        baseline_spec,
        last_mile,
        load_factors,
        mo,
        os,
        pl,
        plt,
        product_footprint,
        spec_of,
    )


@app.cell
def _():
    from analytics.notebook_kit import chart_folder
    from analytics.notebook_kit import lake_root as configured_lake

    lake_root = configured_lake()
    output_dir = chart_folder("methodology")
    return lake_root, output_dir


@app.cell
def _(output_dir):
    from analytics.notebook_kit import save_chart

    def save(fig, name):
        return save_chart(fig, output_dir, name)

    return (save,)


@app.cell
def _(analytics, mo):
    mo.md(f"# How a footprint is computed\n\nFrom `analytics/footprint.py`:\n\n{analytics.footprint.__doc__}")
    return


@app.cell
def _(FootprintError, Lake, LakeGenerations, lake_root, load_factors, os, pl, product_footprint, spec_of):
    factors = load_factors()
    lake = Lake(LakeGenerations(lake_root).live_events())
    if not lake.files("Product"):
        raise FileNotFoundError(
            f"no products in the lake at {lake.events}: run `ecolaura lake export` (or set LAKE_DIR)"
        )
    products = (
        lake.scan("Product")
        .collect()
        .sort("product_id", "product_version", "position")
        .unique("product_id", keep="last", maintain_order=True)
        .sort("sku")
    )

    def _factor_lines(row):
        try:
            return sum(len(stage.items) for stage in product_footprint(spec_of(row), factors).stages)
        except FootprintError:  # this factor version cannot rate it: never the default
            return -1

    _lines = {row["sku"]: _factor_lines(row) for row in products.iter_rows(named=True)}
    default_sku = min(_lines, key=lambda sku: (-_lines[sku], sku))  # most factor lines, then first SKU
    _wanted = os.environ.get("NOTEBOOK_PRODUCT") or default_sku
    _match = products.filter((pl.col("sku") == _wanted) | (pl.col("product_id") == _wanted))
    if _match.is_empty():
        raise ValueError(f"NOTEBOOK_PRODUCT: no product with SKU or id '{_wanted}' in the lake")
    default_sku = _match["sku"][0]
    return default_sku, factors, products


@app.cell
def _(default_sku, mo, products):
    product_picker = mo.ui.dropdown(
        options=products["sku"].to_list(), value=default_sku, label="product (SKU)"
    )
    product_picker
    return (product_picker,)


@app.cell
def _(baseline_spec, factors, pl, product_footprint, product_picker, products, spec_of):
    product = products.filter(pl.col("sku") == product_picker.value).row(0, named=True)
    spec = spec_of(product)
    footprint = product_footprint(spec, factors)
    # The baseline goes through the very same stages: the conventional product at the same mass.
    _, baseline_product = baseline_spec(spec.category, spec.weight_kg, factors)
    baseline = product_footprint(baseline_product, factors)
    if (
        product["factor_version"] == factors.version
        and abs(footprint.kg_co2e.central - product["kg_co2e"]) > 1e-3
    ):
        raise AssertionError(
            f"{product['sku']}: recomputed {footprint.kg_co2e.central} kg CO2e, recorded {product['kg_co2e']}"
        )
    return baseline, baseline_product, footprint, product, spec


@app.cell
def _(baseline_product, footprint, mo, product, spec):
    _materials = ", ".join(f"{m} {kg:g} kg" for m, kg in spec.materials)
    _base = ", ".join(f"{m} {kg:.3g} kg" for m, kg in baseline_product.materials)
    mo.md(
        f"""
        ## {product["name"]} (`{product["sku"]}`)

        | | product | conventional baseline (`{footprint.baseline.category}`) |
        |---|---|---|
        | description | {product["category"]} | {footprint.baseline.description} |
        | weight | {spec.weight_kg:g} kg | {baseline_product.weight_kg:g} kg |
        | materials | {_materials} | {_base} |
        | made in | {spec.origin_country} | {baseline_product.origin_country} |
        | packaging | {spec.packaging} | {baseline_product.packaging} |
        | certifications | {", ".join(spec.certifications) or "none"} | none |
        | **kg CO2e** (low / central / high) | {footprint.kg_co2e.low:.3f} / **{footprint.kg_co2e.central:.3f}** / {footprint.kg_co2e.high:.3f} | {footprint.baseline.kg_co2e.low:.3f} / **{footprint.baseline.kg_co2e.central:.3f}** / {footprint.baseline.kg_co2e.high:.3f} |

        Savings: **{footprint.savings_kg_co2e:.3f} kg CO2e** per unit, at the central values
        (factor version {footprint.factor_version}).
        """
    )
    return


@app.cell
def _(footprint, mo, pl):
    lines = pl.DataFrame(
        [
            {
                "stage": stage.name,
                "item": use.item,
                "quantity": use.quantity,
                "unit": use.unit,
                "factor_low": use.factor.low,
                "factor_central": use.factor.central,
                "factor_high": use.factor.high,
                "factor_unit": use.factor_unit,
                "source": use.source,
                "kg_co2e_low": use.kg_co2e.low,
                "kg_co2e_central": use.kg_co2e.central,
                "kg_co2e_high": use.kg_co2e.high,
            }
            for stage in footprint.stages
            for use in stage.items
        ]
    )
    # Each line is quantity x factor; each stage the sum of its lines; the total the sum of the stages.
    for _stage in footprint.stages:
        _sum = lines.filter(pl.col("stage") == _stage.name)["kg_co2e_central"].sum()
        if abs(_sum - _stage.kg_co2e.central) > 1e-3:
            raise AssertionError(
                f"{_stage.name}: lines add up to {_sum}, the stage says {_stage.kg_co2e.central}"
            )
    if abs(sum(s.kg_co2e.central for s in footprint.stages) - footprint.kg_co2e.central) > 1e-3:
        raise AssertionError("the stages do not add up to the total")
    mo.vstack([mo.md("## Stage by stage: every factor applied"), lines])
    return (lines,)


@app.cell
def _(factors, lines, mo, pl):
    _keys = sorted({key.strip() for cell in lines["source"] for key in cell.split(";")})
    _unknown = [k for k in _keys if k not in factors.sources]
    if _unknown:
        raise KeyError(f"factor sources missing from sources.csv: {_unknown}")
    sources = pl.DataFrame(
        [
            {
                "source": key,
                "title": factors.sources[key].title,
                "publisher": factors.sources[key].publisher,
                "year": factors.sources[key].year,
                "licence": factors.sources[key].licence,
                "url": factors.sources[key].url,
            }
            for key in _keys
        ]
    )
    mo.vstack([mo.md(f"## Sources (factor version {factors.version})"), sources])
    return


@app.cell
def _(baseline, footprint, plt, product, save):
    _names = [s.name for s in footprint.stages]
    _base = {s.name: s.kg_co2e for s in baseline.stages}
    _fig, _ax = plt.subplots(figsize=(10, 5))
    _x = list(range(len(_names)))
    for _offset, _label, _color, _ranges in (
        (-0.2, product["sku"], "#2e7d32", [s.kg_co2e for s in footprint.stages]),
        (0.2, f"baseline ({footprint.baseline.category})", "#9e9e9e", [_base[n] for n in _names]),
    ):
        _ax.bar(
            [i + _offset for i in _x],
            [r.central for r in _ranges],
            0.38,
            yerr=[[r.central - r.low for r in _ranges], [r.high - r.central for r in _ranges]],
            capsize=4,
            color=_color,
            label=_label,
        )
    _ax.set_xticks(_x, _names)
    _ax.set_xlabel("stage (cradle to warehouse)")
    _ax.set_ylabel("kg CO2e per unit")
    _ax.set_title(
        f"{product['name'][:50]}: each stage, central with its low to high range\n"
        f"total {footprint.kg_co2e.central:.2f} kg CO2e ({footprint.kg_co2e.low:.2f} to {footprint.kg_co2e.high:.2f}), "
        f"baseline {footprint.baseline.kg_co2e.central:.2f} kg CO2e"
    )
    _ax.legend()
    save(_fig, "stages_uncertainty")
    return


@app.cell
def _(factors, footprint, last_mile, mo, pl, plt, product, save):
    # An order adds the last mile: the line haul to the destination plus a parcel delivery.
    _destinations = [c for c in ("NL", "DE", "ES", "US") if c in factors.routes]
    _methods = sorted(factors.shipping)
    _rows = []
    for _country in _destinations:
        for _method in _methods:
            _range = last_mile(footprint.shipped_kg, _country, _method, factors).kg_co2e
            _rows.append(
                {
                    "country": _country,
                    "method": _method,
                    "low": _range.low,
                    "central": _range.central,
                    "high": _range.high,
                }
            )
    last_miles = pl.DataFrame(_rows)
    _fig, _ax = plt.subplots(figsize=(10, 4.5))
    _width = 0.8 / len(_methods)
    _colors = {"slow-green": "#2e7d32", "standard": "#90a4ae", "express": "#e65100"}
    for _j, _method in enumerate(_methods):
        _m = last_miles.filter(pl.col("method") == _method)
        _ax.bar(
            [i + (_j - (len(_methods) - 1) / 2) * _width for i in range(_m.height)],
            _m["central"],
            _width,
            yerr=[_m["central"] - _m["low"], _m["high"] - _m["central"]],
            capsize=3,
            color=_colors.get(_method),
            label=_method,
        )
    _ax.set_xticks(range(len(_destinations)), _destinations)
    _ax.set_xlabel("destination country (from the warehouse in Tilburg, NL)")
    _ax.set_ylabel("kg CO2e per parcel")
    _ax.set_title(
        f"Last mile of one {product['sku']} ({footprint.shipped_kg:.2f} kg shipped) by shipping method, low to high"
    )
    _ax.legend(title="shipping method")
    mo.vstack([mo.md("## The last mile an order adds"), save(_fig, "last_mile"), last_miles])
    return


@app.cell
def _(factors, footprint, mo, spec):
    _score = footprint.eco_score
    _known = [
        f"{c} ({factors.certifications[c]})" for c in spec.certifications if c in factors.certifications
    ]
    _unknown = ", ".join(_score.unrecognised_certifications)
    _how = ", ".join(_known) or "no recognised label"
    if _unknown:
        _how += f"; unrecognised, so no points: {_unknown}"
    mo.md(
        f"""
        ## Eco score: {_score.score} / 100

        | part | points | how |
        |---|---|---|
        | footprint | {_score.footprint_points:.2f} / 70 | ratio to the baseline {_score.ratio_to_baseline:.3f} (0.2 or less: 70, 1.2 or more: 0) |
        | certifications | {_score.certification_points} / 20 | {_how} (capped at 20) |
        | packaging | {_score.packaging_points} / 10 | `{spec.packaging}` in packaging.csv |
        """
    )
    return


@app.cell
def _(factors, lake_root, mo, pl, plt, save):
    # Re-rating: how the totals moved from the previous factor version, and which factors or quantities moved them.
    # The run's own report when `ecolaura analytics run` wrote one; else the demo shop's, kept in the repository.
    from analytics.factor_tables import FACTORS_DIR, available_versions
    from analytics.rerating import previous_version

    _before = previous_version(factors.version, available_versions())
    _ran = lake_root / "results" / factors.version / "rerating.parquet"
    _kept = FACTORS_DIR / "rerating" / f"{_before}-to-{factors.version}.csv"
    if _before is None:
        _out = mo.md(
            f"## Re-rating\n\n{factors.version} is the first factor version: nothing to compare with."
        )
    else:
        if _ran.exists():
            rerating, _where = pl.read_parquet(_ran), f"this shop's paid orders (`{_ran}`)"
        else:
            rerating, _where = (
                pl.read_csv(_kept),
                f"the demo shop's sales (`{_kept.relative_to(FACTORS_DIR.parent.parent)}`)",
            )
        _cats = rerating.filter(pl.col("category") != "all").sort("change_kg_co2e")
        _fig, _ax = plt.subplots(figsize=(10, 0.3 * _cats.height + 1.5))
        _ax.barh(_cats["category"], _cats["from_kg_co2e"], 0.4, label=_before, color="#9e9e9e", align="edge")
        _ax.barh(
            _cats["category"], _cats["to_kg_co2e"], -0.4, label=factors.version, color="#2e7d32", align="edge"
        )
        _ax.set_xlabel("kg CO2e over the units sold")
        _ax.set_title(f"Each category's total at {_before} and at {factors.version}")
        _ax.legend()
        _all = rerating.filter(pl.col("category") == "all").row(0, named=True)
        _out = mo.vstack(
            [
                mo.md(
                    f"""
                    ## Re-rating: {_before} to {factors.version}

                    Over {_where}, the same units rated at both versions: **{_all["from_kg_co2e"]:,.0f}** to
                    **{_all["to_kg_co2e"]:,.0f} kg CO2e** ({_all["change_pct"]:+.0f}%), mostly because of
                    {_all["why"]}. Each category's move splits exactly into the factors (a material's kg CO2e
                    per kg, a grid's per kWh) and the quantities (process energy per kg, distances) that changed.
                    """
                ),
                save(_fig, "rerating"),
                rerating.select("category", "from_kg_co2e", "to_kg_co2e", "change_pct", "why"),
            ]
        )
    _out
    return


if __name__ == "__main__":
    app.run()
