"""The rule language of challenges and badges: typed data, never code.

A goal says which of a customer's settled orders count (``OrderFilter``), what is
added up over them (``measure``) and how much is enough (``threshold``). Admins
send goals as JSON; events carry them; the write side and the projections
evaluate them with one function (``write_side.domain.challenges.progress``).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Measure = Literal["orders", "kg_co2e_saved", "certified_units", "certified_brands", "eco_points"]
ShippingMethod = Literal["standard", "express", "slow-green"]


class OrderFilter(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Which settled orders count; an empty filter counts them all."""

    shipping_method: ShippingMethod | None = None
    certified_only: Annotated[bool, Meta(description="only orders with a certified product")] = False


class Goal(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    measure: Annotated[
        Measure,
        Meta(
            description="orders: how many; kg_co2e_saved: kg saved against the baseline; certified_units: "
            "units of certified products; certified_brands: distinct brands of certified products; "
            "eco_points: points earned by the orders"
        ),
    ]
    threshold: Annotated[float, Meta(gt=0, le=1_000_000, description="how much of the measure is enough")]
    filter: OrderFilter = OrderFilter()
