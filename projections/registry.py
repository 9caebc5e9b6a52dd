"""Every projection, registered in one place."""

from __future__ import annotations

from projections.base import Projection
from projections.projectors.order_list import OrderList
from projections.projectors.orders import CustomerDashboards, OrderViews, PlatformSummary
from projections.projectors.product_cards import ProductCards
from projections.projectors.rewards import Rewards

PROJECTIONS: dict[str, Projection] = {
    p.name: p
    for p in (ProductCards(), OrderViews(), OrderList(), CustomerDashboards(), PlatformSummary(), Rewards())
}


SEARCH = "product_search"  # the Tantivy index, kept by projections.search_projection
LAKE = "lake"  # the Parquet lake, kept by projections.lake_projection
# Projections outside Redis keep their generation pointer on disk (or in the search engine) and
# report their generation in their status hash.
OWN_GENERATION: tuple[str, ...] = (SEARCH, LAKE)
ALL_NAMES: tuple[str, ...] = (*PROJECTIONS, *OWN_GENERATION)


class UnknownProjectionError(LookupError):
    pass


def check_known(name: str) -> None:
    """Raise ``UnknownProjectionError`` unless ``name`` is a Redis projection or the search index."""
    if name not in ALL_NAMES:
        raise UnknownProjectionError(
            f"no projection named '{name}'; projections: {', '.join(sorted(ALL_NAMES))}"
        )


def get_projection(name: str) -> Projection:
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise UnknownProjectionError(
            f"no projection named '{name}'; projections: {', '.join(sorted(PROJECTIONS))}"
        ) from None
