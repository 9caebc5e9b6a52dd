"""The footprint calculator: cradle-to-customer kg CO2e with its method shown.

Pure functions over a :class:`~analytics.factor_tables.FactorSet`; no I/O. The
command side calls them when a product is created or changed and when an order
is placed; the pipelines call them to recompute with another factor version.

A product's footprint runs from cradle to the warehouse, in four stages:

- ``materials``: kg of each material x its factor (kg CO2e per kg);
- ``manufacturing``: the category's process energy (kWh per kg of product) x the
  origin country's grid intensity (kg CO2e per kWh);
- ``packaging``: packaging mass (a fixed part plus a part per kg) x its factor;
- ``transport``: product plus packaging mass (tonnes) x distance (km) x the
  mode's factor (kg CO2e per tonne-km), by road inside Europe, by sea plus road
  legs from overseas.

An order adds the ``last_mile`` stage: the line haul from the warehouse to the
destination country (the shipping method picks the mode) plus a per-parcel
delivery factor. Every number is a (low, central, high) range; ranges add up
stage by stage, a bounding sum rather than a statistical interval.

The baseline is the conventional product of the same category and mass (its
materials, origin and packaging from ``baselines.csv``), computed by the same
stages; savings are baseline minus product, at the central value. Last-mile
shipping is the same for both, so it never counts as a saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from analytics.eco_score import EcoScore, eco_score
from analytics.factor_tables import GENERAL, Factor, FactorSet, Packaging, Route

_T = TypeVar("_T")


class FootprintError(ValueError):
    """Input the calculator cannot turn into a footprint; ``field`` names the culprit."""

    def __init__(self, detail: str, field: str) -> None:
        super().__init__(detail)
        self.field = field


class Range(msgspec.Struct, frozen=True):
    """kg CO2e (or a factor) as low, central and high estimates."""

    low: float
    central: float
    high: float

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.central + other.central, self.high + other.high)

    def times(self, quantity: float) -> Range:
        return Range(self.low * quantity, self.central * quantity, self.high * quantity)

    def rounded(self) -> Range:
        return Range(round(self.low, 4), round(self.central, 4), round(self.high, 4))


ZERO = Range(0.0, 0.0, 0.0)


class FactorUse(msgspec.Struct, frozen=True):
    """One line of a breakdown: a quantity, the factor applied to it, and the result."""

    item: str
    quantity: float
    unit: str
    factor: Range
    factor_unit: str
    source: str
    kg_co2e: Range


class Stage(msgspec.Struct, frozen=True):
    name: str  # materials | manufacturing | packaging | transport | last_mile
    kg_co2e: Range
    items: list[FactorUse]


class Baseline(msgspec.Struct, frozen=True):
    category: str  # the baseline row used: the product's category, or "general"
    description: str
    kg_co2e: Range


class ProductFootprint(msgspec.Struct, frozen=True):
    """Cradle to warehouse, per unit, with the stage-by-stage method."""

    factor_version: str
    kg_co2e: Range
    shipped_kg: float  # product plus packaging, what the last mile carries
    stages: list[Stage]
    baseline: Baseline
    savings_kg_co2e: float
    eco_score: EcoScore


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """What the calculator needs to know about a product."""

    category: str
    weight_kg: float
    materials: Sequence[tuple[str, float]]
    origin_country: str
    packaging: str
    certifications: Sequence[str] = ()


def _use(item: str, quantity: float, unit: str, factor: Factor, factor_unit: str | None = None) -> FactorUse:
    rate = Range(factor.low, factor.central, factor.high)
    return FactorUse(
        item,
        round(quantity, 6),
        unit,
        rate,
        factor_unit or factor.unit,
        factor.source,
        rate.times(quantity).rounded(),
    )


def _stage(name: str, items: list[FactorUse]) -> Stage:
    total = ZERO
    for use in items:
        total += use.kg_co2e
    return Stage(name, total.rounded(), items)


def _lookup(table: dict[str, _T], key: str, field: str, what: str, version: str) -> _T:
    try:
        return table[key]
    except KeyError:
        raise FootprintError(
            f"{field}: no {what} for '{key}' in emission factors {version}; known: {', '.join(sorted(table))}",
            field,
        ) from None


def _materials(spec: ProductSpec, factors: FactorSet) -> Stage:
    items = []
    for material, kg in spec.materials:
        if kg <= 0:
            raise FootprintError(f"materials: '{material}' needs a positive kg, not {kg}", "materials")
        factor = _lookup(factors.materials, material, "materials", "emission factor", factors.version)
        items.append(_use(material, kg, "kg", factor))
    return _stage("materials", items)


def _manufacturing(spec: ProductSpec, factors: FactorSet) -> Stage:
    energy = factors.manufacturing.get(spec.category) or factors.manufacturing[GENERAL]
    grid = _lookup(factors.grid, spec.origin_country, "origin_country", "grid intensity", factors.version)
    # kWh is itself a range: low energy meets low grid intensity, high meets high.
    kwh = Range(energy.low, energy.central, energy.high).times(spec.weight_kg)
    kg = Range(kwh.low * grid.low, kwh.central * grid.central, kwh.high * grid.high)
    use = FactorUse(
        f"process energy, {spec.origin_country} grid",
        round(kwh.central, 6),
        "kWh",
        Range(grid.low, grid.central, grid.high),
        grid.unit,
        f"{energy.source}; {grid.source}",
        kg.rounded(),
    )
    return _stage("manufacturing", [use])


def _packaging(spec: ProductSpec, factors: FactorSet) -> tuple[Stage, float]:
    packaging: Packaging = _lookup(
        factors.packaging, spec.packaging, "packaging", "packaging factor", factors.version
    )
    mass = packaging.fixed_kg + packaging.kg_per_kg * spec.weight_kg
    return _stage("packaging", [_use(f"{spec.packaging} packaging", mass, "kg", packaging.factor)]), mass


def _haul(
    route: Route, tonnes: float, factors: FactorSet, *, far_mode: str, near_mode: str
) -> list[FactorUse]:
    """Line haul between the warehouse and a country, with the road legs of an overseas trip."""
    if route.region == "europe":
        return [
            _use(
                f"{near_mode}, {route.road_km:g} km",
                tonnes * route.road_km,
                "tonne-km",
                factors.transport[near_mode],
            )
        ]
    km = route.air_km if far_mode == "air" else route.sea_km
    return [
        _use(f"{far_mode}, {km:g} km", tonnes * km, "tonne-km", factors.transport[far_mode]),
        _use(
            f"road, {route.port_road_km:g} km",
            tonnes * route.port_road_km,
            "tonne-km",
            factors.transport["road"],
        ),
    ]


def _transport(spec: ProductSpec, shipped_kg: float, factors: FactorSet) -> Stage:
    route = _lookup(factors.routes, spec.origin_country, "origin_country", "transport route", factors.version)
    return _stage("transport", _haul(route, shipped_kg / 1000, factors, far_mode="sea", near_mode="road"))


def _stages(spec: ProductSpec, factors: FactorSet) -> tuple[list[Stage], float]:
    if not spec.weight_kg > 0:
        raise FootprintError(f"weight_kg must be above 0, not {spec.weight_kg}", "weight_kg")
    if not spec.materials:
        raise FootprintError("materials: list at least one material", "materials")
    materials = _materials(spec, factors)
    manufacturing = _manufacturing(spec, factors)
    packaging, packaging_kg = _packaging(spec, factors)
    shipped_kg = spec.weight_kg + packaging_kg
    return [materials, manufacturing, packaging, _transport(spec, shipped_kg, factors)], shipped_kg


def _total(stages: Sequence[Stage]) -> Range:
    total = ZERO
    for stage in stages:
        total += stage.kg_co2e
    return total.rounded()


def baseline_spec(category: str, weight_kg: float, factors: FactorSet) -> tuple[str, ProductSpec]:
    """The conventional product of ``category`` at ``weight_kg`` (the general one if none is listed)."""
    row = factors.baselines.get(category) or factors.baselines[GENERAL]
    spec = ProductSpec(
        category,
        weight_kg,
        tuple((material, share * weight_kg) for material, share in row.materials),
        row.origin_country,
        row.packaging,
    )
    return row.category, spec


def product_footprint(spec: ProductSpec, factors: FactorSet) -> ProductFootprint:
    """The footprint of one unit of a product, its baseline, savings and eco score."""
    stages, shipped_kg = _stages(spec, factors)
    total = _total(stages)
    baseline_row, conventional = baseline_spec(spec.category, spec.weight_kg, factors)
    baseline_total = _total(_stages(conventional, factors)[0])
    baseline = Baseline(baseline_row, factors.baselines[baseline_row].description, baseline_total)
    packaging_points = factors.packaging[spec.packaging].points
    return ProductFootprint(
        factor_version=factors.version,
        kg_co2e=total,
        shipped_kg=round(shipped_kg, 6),
        stages=stages,
        baseline=baseline,
        savings_kg_co2e=round(baseline_total.central - total.central, 4),
        eco_score=eco_score(
            total.central, baseline_total.central, spec.certifications, packaging_points, factors
        ),
    )


def last_mile(shipped_kg: float, country: str, method: str, factors: FactorSet) -> Stage:
    """Warehouse to the customer's door: line haul by the method's mode plus the parcel delivery."""
    shipping = _lookup(factors.shipping, method, "shipping.method", "shipping method", factors.version)
    route = _lookup(factors.routes, country, "shipping.country", "transport route", factors.version)
    haul = _haul(route, shipped_kg / 1000, factors, far_mode=shipping.far_mode, near_mode=shipping.near_mode)
    return _stage("last_mile", [*haul, _use(f"{method} delivery", 1, "parcel", shipping.parcel)])
