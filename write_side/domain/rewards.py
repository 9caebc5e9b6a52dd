"""Eco points: what an order earns, when it is earned, and what a refund takes back.

The rule (it is the contract shoppers are told):

- An order's points are fixed when it is placed: 10 per kg CO2e it saves
  against its conventional baseline (rounded down, never negative), plus 25 for
  slow-green shipping, plus 5 per unit of a product with a recognised
  certification.
- They are earned when the order is **delivered** (so it was paid and not
  cancelled): one journal transaction moves them from the platform's reserve to
  the customer's balance on the ``eco_points`` asset class, in the same
  transaction as ``OrderDelivered``.
- A refund takes back the refunded share: after refunds, an order keeps
  ``points - floor(points * refunded / total)``; a full refund takes back all.
  A refund before delivery means the delivery earns only what is kept.

So a customer's points balance is always their balance in the ledger.
"""

from __future__ import annotations

import math
from typing import Final

POINTS_PER_KG_SAVED: Final = 10
SLOW_GREEN_POINTS: Final = 25
CERTIFIED_UNIT_POINTS: Final = 5
# Sums of floats may end in ...9999: round first, then floor, as the analytics pipelines do.
_DECIMALS: Final = 6


def order_points(savings_kg_co2e: float, shipping_method: str, certified_units: int) -> int:
    """The points an order will earn once delivered."""
    saved = math.floor(round(max(savings_kg_co2e, 0.0) * POINTS_PER_KG_SAVED, _DECIMALS))
    slow = SLOW_GREEN_POINTS if shipping_method == "slow-green" else 0
    return saved + slow + CERTIFIED_UNIT_POINTS * max(certified_units, 0)


def kept_points(points: int, refunded_minor: int, total_minor: int) -> int:
    """What an order's points come to after ``refunded_minor`` of its ``total_minor`` was refunded."""
    if total_minor <= 0:
        return points
    return points - points * min(refunded_minor, total_minor) // total_minor
