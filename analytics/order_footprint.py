"""An order's footprint: its products' footprints times quantities, plus the last mile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from analytics.factor_tables import FactorSet
from analytics.footprint import ZERO, ProductFootprint, Range, Stage, last_mile


class LineFootprint(msgspec.Struct, frozen=True):
    product_id: str
    product_version: int
    quantity: int
    unit_kg_co2e: float
    unit_baseline_kg_co2e: float


class OrderFootprint(msgspec.Struct, frozen=True):
    """What an order weighs on the climate, and what it saves against the conventional basket."""

    factor_version: str
    kg_co2e: Range  # products and last mile
    products_kg_co2e: Range
    shipping: Stage
    shipped_kg: float
    baseline_kg_co2e: float  # the conventional basket, shipped the same way
    savings_kg_co2e: float
    lines: list[LineFootprint]


@dataclass(frozen=True, slots=True)
class OrderItem:
    product_id: str
    product_version: int
    quantity: int
    footprint: ProductFootprint


def order_footprint(
    items: Sequence[OrderItem], country: str, method: str, factors: FactorSet
) -> OrderFootprint:
    """The footprint of an order of ``items`` shipped to ``country`` by ``method``."""
    products = ZERO
    baseline = 0.0
    shipped_kg = 0.0
    for item in items:
        products += item.footprint.kg_co2e.times(item.quantity)
        baseline += item.footprint.baseline.kg_co2e.central * item.quantity
        shipped_kg += item.footprint.shipped_kg * item.quantity
    shipping = last_mile(shipped_kg, country, method, factors)
    total = (products + shipping.kg_co2e).rounded()
    baseline_total = baseline + shipping.kg_co2e.central
    return OrderFootprint(
        factor_version=factors.version,
        kg_co2e=total,
        products_kg_co2e=products.rounded(),
        shipping=shipping,
        shipped_kg=round(shipped_kg, 6),
        baseline_kg_co2e=round(baseline_total, 4),
        savings_kg_co2e=round(baseline_total - total.central, 4),
        lines=[
            LineFootprint(
                i.product_id,
                i.product_version,
                i.quantity,
                i.footprint.kg_co2e.central,
                i.footprint.baseline.kg_co2e.central,
            )
            for i in items
        ],
    )
