"""The eco score: 0-100 from footprint per unit of function, certifications and packaging.

    score = footprint points (0-70) + certification points (0-20) + packaging points (0-10)

- **Footprint (70)**: the unit of function is one product doing the job of its
  category's conventional baseline at the same mass, so footprint per unit of
  function is ``ratio = product kg CO2e / baseline kg CO2e``. A ratio of 0.2 or
  less earns all 70 points, 1.2 or more earns none, linearly in between: a
  product exactly as heavy on the climate as the conventional one earns 14.
- **Certifications (20)**: each recognised certification adds its points from
  ``certifications.csv`` (10 for life-cycle and environmental labels, fewer for
  chemical-safety, social and animal-welfare ones), capped at 20. Unknown
  certifications earn nothing and are listed as such.
- **Packaging (10)**: the packaging row's points (10 for none, 0 for plastic film).

The total is rounded half up to a whole number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import msgspec

from analytics.factor_tables import FactorSet

FOOTPRINT_POINTS: Final = 70.0
BEST_RATIO: Final = 0.2  # at or below: full footprint points
WORST_RATIO: Final = 1.2  # at or above: none
CERTIFICATION_CAP: Final = 20


class EcoScore(msgspec.Struct, frozen=True):
    score: int
    footprint_points: float
    certification_points: int
    packaging_points: int
    ratio_to_baseline: float
    unrecognised_certifications: list[str] = msgspec.field(default_factory=list)


def footprint_points(ratio: float) -> float:
    """70 at a ratio of 0.2 or less, 0 at 1.2 or more, linear in between."""
    share = (WORST_RATIO - ratio) / (WORST_RATIO - BEST_RATIO)
    return FOOTPRINT_POINTS * min(1.0, max(0.0, share))


def eco_score(
    kg_co2e: float,
    baseline_kg_co2e: float,
    certifications: Sequence[str],
    packaging_points: int,
    factors: FactorSet,
) -> EcoScore:
    """Score a product from its footprint, its baseline's, its certifications and its packaging's points."""
    ratio = kg_co2e / baseline_kg_co2e if baseline_kg_co2e > 0 else WORST_RATIO
    points = footprint_points(ratio)
    known = [c for c in certifications if c in factors.certifications]
    certification = min(CERTIFICATION_CAP, sum(factors.certifications[c] for c in known))
    total = points + certification + packaging_points
    return EcoScore(
        score=math.floor(total + 0.5),
        footprint_points=round(points, 2),
        certification_points=certification,
        packaging_points=packaging_points,
        ratio_to_baseline=round(ratio, 4),
        unrecognised_certifications=[c for c in certifications if c not in factors.certifications],
    )
