"""The command side's door to the footprint calculator (``analytics.footprint``, pure).

Products are rated when they are created or changed; orders when they are
placed, from their products' footprints. A product's footprint depends only on
its version and the factor version, so rated products are remembered by
(id, version) and the order path does not recompute them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from analytics.factor_tables import FactorSet, load_factors
from analytics.footprint import FootprintError, ProductFootprint, ProductSpec, product_footprint

__all__ = ["OrderFootprint", "ProductFootprint", "factors", "is_certified", "rate_order", "rate_product"]
from analytics.order_footprint import OrderFootprint, OrderItem, order_footprint
from write_side.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from write_side.domain.catalog import Product

_CACHE_SIZE: Final = 50_000
_rated: dict[tuple[str, int, str], ProductFootprint] = {}


def factors() -> FactorSet:
    """The factor version every new footprint uses (``ECOLAURA_FACTOR_VERSION``, else the newest)."""
    return load_factors()


def rate_product(product: Product) -> ProductFootprint:
    """The footprint of ``product`` as it is now; a clear 422 when a factor is missing."""
    table = factors()
    key = (product.product_id, product.version, table.version)
    cached = _rated.get(key)
    if cached is not None:
        return cached
    spec = ProductSpec(
        category=product.category,
        weight_kg=product.weight_kg,
        materials=[(m.material, m.kg) for m in product.materials],
        origin_country=product.origin_country,
        packaging=product.packaging,
        certifications=product.certifications,
    )
    try:
        footprint = product_footprint(spec, table)
    except FootprintError as exc:
        raise InvalidInputError(
            f"product {product.sku} ({product.product_id}): {exc}",
            field=exc.field,
            product_id=product.product_id,
        ) from None
    if len(_rated) >= _CACHE_SIZE:
        _rated.clear()  # rare: a catalog larger than the cache; recomputing is cheap (about 50 us)
    _rated[key] = footprint
    return footprint


def is_certified(product: Product) -> bool:
    """Whether ``product`` carries a certification the factor version recognises (it scores points)."""
    return rate_product(product).eco_score.certification_points > 0


def rate_order(items: Sequence[tuple[Product, int]], country: str, method: str) -> OrderFootprint:
    """The footprint of an order of ``items`` shipped to ``country`` by ``method``."""
    lines = [OrderItem(p.product_id, p.version, quantity, rate_product(p)) for p, quantity in items]
    try:
        return order_footprint(lines, country, method, factors())
    except FootprintError as exc:
        raise InvalidInputError(str(exc), field=exc.field) from None
