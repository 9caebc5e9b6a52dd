"""Product cards and category listings.

Documents: ``product:{id}``, the card the storefront shows, with its stock,
units sold and footprint summary (kg CO2e, savings, eco score), and
``footprint:{id}``, the stage-by-stage breakdown that ``impact/products/{id}``
serves. Indexes, for active products only: ``listing:{category}:{sort}`` and
``listing:all:{sort}`` sorted sets by price, popularity (units ordered), newest
and eco score, plus the ``categories`` set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from analytics.evidence import evidence
from projections.store import Batch
from write_side.contracts import events as ev

SORTS = ("price", "popularity", "newest", "eco")


def _listing_keys(category: str) -> list[tuple[str, str]]:
    return [(f"listing:{scope}:{sort}", sort) for scope in (category, "all") for sort in SORTS]


class ProductCards:
    name = "product_cards"

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:
        e = event.event
        if isinstance(e, ev.ProductCreated | ev.ProductUpdated):
            return [f"product:{e.product.product_id}"]
        if isinstance(e, ev.StockLevelChanged):
            return [f"product:{e.product_id}"]
        if isinstance(e, ev.OrderPlaced):
            return [f"product:{line.product_id}" for line in e.lines]
        return []

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        if isinstance(e, ev.ProductCreated | ev.ProductUpdated):
            self._product(e.product, event, batch)
        elif isinstance(e, ev.StockLevelChanged):
            card = batch.doc(f"product:{e.product_id}")
            if card is not None:
                card.update(
                    on_hand=e.on_hand,
                    reserved=e.reserved,
                    available=e.on_hand - e.reserved,
                    in_stock=e.on_hand > e.reserved,
                )
                batch.put(f"product:{e.product_id}", card)
        elif isinstance(e, ev.OrderPlaced):
            for line in e.lines:
                card = batch.doc(f"product:{line.product_id}")
                if card is None:
                    continue
                card["units_sold"] = card.get("units_sold", 0) + line.quantity
                batch.put(f"product:{line.product_id}", card)
                if card["status"] == "active":
                    for key, sort in _listing_keys(card["category"]):
                        if sort == "popularity":
                            batch.op("zadd", key, {card["id"]: card["units_sold"]})

    def _product(self, product: ev.ProductSnapshot, event: ev.RecordedEvent, batch: Batch) -> None:
        key = f"product:{product.product_id}"
        previous = batch.doc(key)
        card: dict[str, Any] = dict(
            previous
            or {
                "on_hand": 0,
                "reserved": 0,
                "available": 0,
                "in_stock": False,
                "units_sold": 0,
                "created_at": event.recorded_at,
            }
        )
        snapshot = msgspec.to_builtins(product)
        card.update(
            id=product.product_id,
            sku=product.sku,
            name=product.name,
            description=product.description,
            category=product.category,
            brand=product.brand,
            price_minor=product.price.amount_minor,
            currency=product.price.currency,
            weight_kg=product.weight_kg,
            materials=snapshot["materials"],
            origin_country=product.origin_country,
            packaging=product.packaging,
            certifications=product.certifications,
            status=product.status,
            version=product.version,
            updated_at=event.recorded_at,
            **_footprint_summary(product),
        )
        batch.put(key, card)
        if product.footprint is not None:
            batch.put(
                f"footprint:{product.product_id}",
                {
                    "product_id": product.product_id,
                    "name": product.name,
                    "category": product.category,
                    "version": product.version,
                    **msgspec.to_builtins(product.footprint),
                    "evidence": msgspec.to_builtins(evidence(product.footprint)),
                },
            )
        if previous is not None and previous["category"] != product.category:
            for listing, _ in _listing_keys(previous["category"]):
                batch.op("zrem", listing, product.product_id)
        for listing, sort in _listing_keys(product.category):
            if product.status != "active":
                batch.op("zrem", listing, product.product_id)
                continue
            score = {
                "price": product.price.amount_minor,
                "popularity": card["units_sold"],
                "newest": datetime.fromisoformat(card["created_at"]).timestamp(),
                "eco": card["eco_score"] if card["eco_score"] is not None else -1,
            }[sort]
            batch.op("zadd", listing, {product.product_id: score})
        if product.status == "active":
            batch.op("sadd", "categories", product.category)


def _footprint_summary(product: ev.ProductSnapshot) -> dict[str, Any]:
    """The card's footprint fields (None on products recorded before footprints existed)."""
    fp = product.footprint
    if fp is None:
        return {"kg_co2e": None, "baseline_kg_co2e": None, "savings_kg_co2e": None, "eco_score": None}
    return {
        "kg_co2e": fp.kg_co2e.central,
        "baseline_kg_co2e": fp.baseline.kg_co2e.central,
        "savings_kg_co2e": fp.savings_kg_co2e,
        "eco_score": fp.eco_score.score,
        "factor_version": fp.factor_version,
    }
