"""How much of a footprint rests on cited datasets, and how much on our own estimates.

Each line of a footprint's breakdown names its sources. A line counts as an
estimate when any of them is an Ecolaura estimate (``ECOLAURA…``): a process
energy we estimated times a cited grid intensity still rests on our estimate.
Shares are of the central kg CO2e.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import msgspec
import polars as pl

from analytics.factor_tables import FactorSet
from analytics.footprint import FootprintError, ProductFootprint, ProductSpec, product_footprint

ESTIMATE_PREFIX: Final = "ECOLAURA"


class Evidence(msgspec.Struct, frozen=True):
    """Shares (0-1) of a footprint's central kg CO2e by what they rest on."""

    cited_share: float
    estimated_share: float


def is_estimate(sources: str) -> bool:
    return any(part.strip().startswith(ESTIMATE_PREFIX) for part in sources.split(";"))


def split_kg(footprint: ProductFootprint) -> tuple[float, float]:
    """The footprint's central kg CO2e resting on cited data, and on estimates."""
    cited = estimated = 0.0
    for stage in footprint.stages:
        for use in stage.items:
            if is_estimate(use.source):
                estimated += use.kg_co2e.central
            else:
                cited += use.kg_co2e.central
    return cited, estimated


def _shares(cited: float, estimated: float) -> Evidence:
    total = cited + estimated
    if total <= 0:
        return Evidence(0.0, 0.0)
    return Evidence(round(cited / total, 4), round(estimated / total, 4))


def evidence(footprint: ProductFootprint) -> Evidence:
    return _shares(*split_kg(footprint))


def by_category(sales: Iterable[tuple[ProductSpec, int]], factors: FactorSet) -> dict[str, Evidence]:
    """Per category (and ``all``), the shares over ``sales`` (a product and the units sold of it)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for spec, units in sales:
        try:
            cited, estimated = split_kg(product_footprint(spec, factors))
        except FootprintError:
            continue  # a product this version cannot rate has no evidence to weigh
        for key in (spec.category, "all"):
            totals[key][0] += cited * units
            totals[key][1] += estimated * units
    return {category: _shares(*kg) for category, kg in sorted(totals.items())}


def evidence_frame(shares: dict[str, Evidence]) -> pl.DataFrame:
    """:func:`by_category`'s answer as a table: category, cited_share, estimated_share."""
    return pl.DataFrame(
        [
            {"category": c, "cited_share": e.cited_share, "estimated_share": e.estimated_share}
            for c, e in shares.items()
        ],
        schema={"category": pl.String, "cited_share": pl.Float64, "estimated_share": pl.Float64},
    )
