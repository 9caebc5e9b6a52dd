"""Re-rating: how each category's footprint moves from one factor version to another, and why.

The same sales (a product spec and the units sold of it) are rated at both
versions by the calculator, line by line, so a category's change splits
exactly into what moved it: a factor ("materials: electronic components",
"manufacturing: grid intensity") or a quantity ("manufacturing: process
energy per kg") changed it by so many kg CO2e.
Figures are rounded to 4 decimals so a report can be compared byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import polars as pl

from analytics.factor_tables import FactorSet
from analytics.footprint import FactorUse, FootprintError, ProductFootprint, ProductSpec, product_footprint

ALL: Final = "all"
REASONS_SHOWN: Final = 3
# Stages are rounded to 0.1 g per unit, so a line that did not move can show a few grams over many units.
NOISE_KG: Final = 0.05

CATEGORY_SCHEMA: Final = {
    "category": pl.String,
    "units": pl.Int64,
    "from_version": pl.String,
    "to_version": pl.String,
    "from_kg_co2e": pl.Float64,
    "to_kg_co2e": pl.Float64,
    "change_kg_co2e": pl.Float64,
    "change_pct": pl.Float64,
    "from_saved_kg_co2e": pl.Float64,
    "to_saved_kg_co2e": pl.Float64,
    "why": pl.String,
}
FACTOR_SCHEMA: Final = {"category": pl.String, "factor": pl.String, "change_kg_co2e": pl.Float64}


# What moves a line, named for a reader: its factor (a material's kg CO2e per kg, a grid's per kWh)
# or its quantity (kg of material, kWh of process energy, tonne-km hauled).
_FACTOR_NAMES: Final = {"manufacturing": "grid intensity"}
_QUANTITY_NAMES: Final = {
    "manufacturing": "process energy per kg",
    "transport": "distance",
    "last_mile": "distance",
}


def _name(item: str) -> str:
    return item.split(",", maxsplit=1)[0]  # "road, 1600 km" and "road, 800 km" are one line


def factor_line(stage: str, item: str) -> str:
    """The name of a line's factor: ``materials: wool``, ``manufacturing: grid intensity``."""
    return f"{stage}: {_FACTOR_NAMES.get(stage, _name(item))}"


def quantity_line(stage: str, item: str) -> str:
    """The name of a line's quantity: ``manufacturing: process energy per kg``, ``transport: road distance``."""
    what = _QUANTITY_NAMES.get(stage)
    if stage == "manufacturing" and what:
        return f"{stage}: {what}"
    return f"{stage}: {_name(item)} {what or 'quantity'}"


def _uses(footprint: ProductFootprint) -> dict[tuple[str, str], FactorUse]:
    return {(stage.name, use.item): use for stage in footprint.stages for use in stage.items}


def moves(before: ProductFootprint, after: ProductFootprint) -> dict[str, float]:
    """A product's change in central kg CO2e, split between the factors and the quantities that changed.

    For a line in both versions, its factor's part is the new quantity times the factor's
    change, and its quantity's part the rest (so the parts add up to the change exactly).
    """
    old, new = _uses(before), _uses(after)
    parts: dict[str, float] = defaultdict(float)
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        change = (b.kg_co2e.central if b else 0.0) - (a.kg_co2e.central if a else 0.0)
        if a is not None and b is not None:
            by_factor = b.quantity * (b.factor.central - a.factor.central)
            parts[factor_line(*key)] += by_factor
            parts[quantity_line(*key)] += change - by_factor
        else:
            parts[factor_line(*key)] += change
    return parts


class _Totals:
    def __init__(self) -> None:
        self.units = 0
        self.kg = [0.0, 0.0]
        self.saved = [0.0, 0.0]
        self.moves: dict[str, float] = defaultdict(float)

    def add(self, units: int, footprints: tuple[ProductFootprint, ProductFootprint]) -> None:
        self.units += units
        for side, fp in enumerate(footprints):
            self.kg[side] += fp.kg_co2e.central * units
            self.saved[side] += fp.savings_kg_co2e * units
        for line, kg in moves(*footprints).items():
            self.moves[line] += kg * units


def rerate(
    sales: Iterable[tuple[ProductSpec, int]], old: FactorSet, new: FactorSet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per category (and ``all``): the totals at both versions; per category and factor line: what moved.

    A product that one of the versions cannot rate is left out of both sides, so
    the two columns always count the same units.
    """
    totals: dict[str, _Totals] = defaultdict(_Totals)
    for spec, units in sales:
        try:
            pair = (product_footprint(spec, old), product_footprint(spec, new))
        except FootprintError:
            continue
        for key in (spec.category, ALL):
            totals[key].add(units, pair)
    categories, factors = [], []
    for category in sorted(totals, key=lambda c: (c == ALL, c)):
        t = totals[category]
        ranked = sorted(
            ((line, round(kg, 4)) for line, kg in t.moves.items() if abs(kg) >= NOISE_KG),
            key=lambda m: (-abs(m[1]), m[0]),
        )
        factors += [{"category": category, "factor": line, "change_kg_co2e": kg} for line, kg in ranked]
        categories.append(_category_row(category, t, old.version, new.version, ranked))
    return pl.DataFrame(categories, schema=CATEGORY_SCHEMA), pl.DataFrame(factors, schema=FACTOR_SCHEMA)


def _category_row(
    category: str, t: _Totals, old: str, new: str, ranked: list[tuple[str, float]]
) -> dict[str, object]:
    before, after = t.kg
    reasons = [f"{line} {change:+,.1f} kg" for line, change in ranked[:REASONS_SHOWN]]
    return {
        "category": category,
        "units": t.units,
        "from_version": old,
        "to_version": new,
        "from_kg_co2e": round(before, 4),
        "to_kg_co2e": round(after, 4),
        "change_kg_co2e": round(after - before, 4),
        "change_pct": round((after - before) / before * 100, 2) if before else 0.0,
        "from_saved_kg_co2e": round(t.saved[0], 4),
        "to_saved_kg_co2e": round(t.saved[1], 4),
        "why": "; ".join(reasons) or "no factor it uses changed",
    }


def previous_version(version: str, versions: list[str]) -> str | None:
    """The version just before ``version`` in ``versions`` (oldest first), if any."""
    older = [v for v in versions if v < version]
    return older[-1] if older else None


def as_csv(frame: pl.DataFrame) -> str:
    """A report as the CSV text kept in the repository (4 decimals, so it compares byte for byte)."""
    return frame.write_csv(float_precision=4)
