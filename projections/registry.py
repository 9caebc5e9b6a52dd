"""Every projection, registered in one place."""

from __future__ import annotations

from projections.base import Projection
from projections.projectors.orders import CustomerDashboards, OrderViews, PlatformSummary
from projections.projectors.product_cards import ProductCards

PROJECTIONS: dict[str, Projection] = {
    p.name: p for p in (ProductCards(), OrderViews(), CustomerDashboards(), PlatformSummary())
}


class UnknownProjectionError(LookupError):
    pass


def get_projection(name: str) -> Projection:
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise UnknownProjectionError(
            f"no projection named '{name}'; projections: {', '.join(sorted(PROJECTIONS))}"
        ) from None
