"""The advisor's demo shop: a small catalog with real footprints, two shoppers' orders, a real Tantivy index.

Footprints come from the calculator and the factor tables (``analytics.footprint``),
so every number the advisor states is one the shop would state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from analytics.factor_tables import load_factors
from analytics.footprint import ProductSpec, product_footprint
from analytics.order_footprint import OrderItem, order_footprint
from projections.search_projection import with_vectors
from read_side.search.port import SearchDocument, SearchRequest, SearchResult
from read_side.search.tantivy_index import TantivyEngine
from write_side.contracts.events import LogCursor

FACTORS = load_factors("2026.1")

# name, category, materials (name, share), weight kg, packaging, in stock, certifications
CATALOG: list[tuple[str, str, list[tuple[str, float]], float, str, bool, list[str]]] = [
    ("Stainless steel water bottle", "drinkware", [("stainless steel", 1.0)], 0.35, "cardboard", True, []),
    ("Glass water bottle", "drinkware", [("glass", 0.9), ("silicone", 0.1)], 0.45, "cardboard", True, []),
    (
        "Recycled aluminium bottle",
        "drinkware",
        [("recycled aluminium", 1.0)],
        0.2,
        "recycled-cardboard",
        True,
        [],
    ),
    ("Plastic sports bottle", "drinkware", [("virgin plastic", 1.0)], 0.12, "plastic-film", True, []),
    ("Bamboo travel cup", "drinkware", [("bamboo", 0.8), ("silicone", 0.2)], 0.15, "paper", False, []),
    ("Ceramic coffee mug", "drinkware", [("ceramic", 1.0)], 0.4, "cardboard", True, []),
    ("Stainless steel lunch box", "food-storage", [("stainless steel", 1.0)], 0.5, "cardboard", True, []),
    ("Plastic lunch box", "food-storage", [("virgin plastic", 1.0)], 0.25, "plastic-film", True, []),
    (
        "Bamboo lunch box",
        "food-storage",
        [("bamboo", 0.7), ("virgin plastic", 0.3)],
        0.3,
        "paper",
        True,
        ["FSC"],
    ),
    (
        "Glass food container",
        "food-storage",
        [("glass", 0.8), ("bioplastic", 0.2)],
        0.6,
        "cardboard",
        True,
        [],
    ),
    (
        "Beeswax food wrap",
        "food-storage",
        [("organic cotton", 0.6), ("beeswax", 0.4)],
        0.05,
        "paper",
        True,
        ["GOTS"],
    ),
    ("Silicone food bag", "food-storage", [("silicone", 1.0)], 0.1, "paper", True, []),
    ("Organic cotton tote bag", "bags-accessories", [("organic cotton", 1.0)], 0.15, "none", True, ["GOTS"]),
    ("Jute shopping bag", "bags-accessories", [("jute", 1.0)], 0.25, "none", True, []),
    (
        "Recycled polyester backpack",
        "bags-accessories",
        [("recycled polyester", 0.9), ("nylon", 0.1)],
        0.7,
        "recycled-cardboard",
        True,
        [],
    ),
    (
        "Leather weekend bag",
        "bags-accessories",
        [("leather", 0.9), ("steel", 0.1)],
        1.4,
        "cardboard",
        True,
        [],
    ),
    ("Cork yoga mat", "fitness", [("cork", 0.7), ("natural rubber", 0.3)], 1.5, "cardboard", True, []),
    ("Synthetic yoga mat", "fitness", [("synthetic rubber", 1.0)], 1.2, "plastic-film", True, []),
]


def pid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ecolaura-advisor-demo/{name}"))


CUSTOMER_A = str(uuid.uuid5(uuid.NAMESPACE_URL, "ecolaura-advisor-demo/customer-a"))
CUSTOMER_B = str(uuid.uuid5(uuid.NAMESPACE_URL, "ecolaura-advisor-demo/customer-b"))
CUSTOMER_NEW = str(uuid.uuid5(uuid.NAMESPACE_URL, "ecolaura-advisor-demo/customer-new"))
YEAR = 2026

# customer, order name, placed_at, status, method, lines (product name, quantity)
ORDERS: list[tuple[str, str, str, str, str, list[tuple[str, int]]]] = [
    (
        CUSTOMER_A,
        "a1",
        f"{YEAR}-02-03T10:00:00+00:00",
        "delivered",
        "express",
        [("Leather weekend bag", 1), ("Plastic sports bottle", 2)],
    ),
    (CUSTOMER_A, "a2", f"{YEAR}-05-11T10:00:00+00:00", "paid", "standard", [("Plastic lunch box", 3)]),
    (CUSTOMER_A, "a3", f"{YEAR}-06-01T10:00:00+00:00", "cancelled", "standard", [("Synthetic yoga mat", 4)]),
    (
        CUSTOMER_A,
        "a0",
        f"{YEAR - 1}-11-20T10:00:00+00:00",
        "delivered",
        "standard",
        [("Jute shopping bag", 1)],
    ),
    (CUSTOMER_B, "b1", f"{YEAR}-03-09T10:00:00+00:00", "shipped", "slow-green", [("Synthetic yoga mat", 2)]),
]


@dataclass
class DemoShop:
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    footprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    engine: TantivyEngine | None = None

    # AdvisorSources, in memory (the read models' shapes) over a real Tantivy index
    async def card(self, product_id: str) -> dict[str, Any] | None:
        return self.cards.get(product_id)

    async def footprint(self, product_id: str) -> dict[str, Any] | None:
        return self.footprints.get(product_id)

    async def orders_of(self, customer_id: str) -> list[dict[str, Any]]:
        return sorted(self.orders.get(customer_id, []), key=lambda o: o["placed_at"], reverse=True)

    async def search(self, request: SearchRequest) -> SearchResult:
        assert self.engine is not None
        return await self.engine.search(request)


class ShopSources:
    def __init__(self, shop: DemoShop) -> None:
        self.shop = shop
        self.card, self.footprint, self.search = shop.card, shop.footprint, shop.search
        self.calls: list[str] = []  # customers whose orders were read

    async def orders(self, customer_id: str) -> list[dict[str, Any]]:
        self.calls.append(customer_id)
        return await self.shop.orders_of(customer_id)


async def build_shop(directory: Path) -> DemoShop:
    shop = DemoShop()
    docs, items = [], {}
    for n, (name, category, materials, weight, packaging, in_stock, certs) in enumerate(CATALOG):
        spec = ProductSpec(category, weight, materials, "NL", packaging, certs)
        fp = product_footprint(spec, FACTORS)
        items[name] = (pid(name), fp)
        shop.cards[pid(name)] = {
            "id": pid(name),
            "name": name,
            "category": category,
            "status": "active",
            "in_stock": in_stock,
            "kg_co2e": fp.kg_co2e.central,
            "factor_version": fp.factor_version,
            "materials": [{"material": m, "share": s} for m, s in materials],
        }
        shop.footprints[pid(name)] = {
            "product_id": pid(name),
            "name": name,
            "category": category,
            **msgspec.to_builtins(fp),
        }
        docs.append(
            SearchDocument(
                pid(name),
                name,
                f"A {category.replace('-', ' ')} product",
                "Ecolaura",
                category,
                [m for m, _ in materials],
                certs,
                1000 + n,
                "EUR",
                n,
                fp.eco_score.score,
            )
        )
    for customer, key, placed_at, status, method, lines in ORDERS:
        ofp = order_footprint(
            [OrderItem(items[p][0], 1, q, items[p][1]) for p, q in lines], "NL", method, FACTORS
        )
        order_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"ecolaura-advisor-demo/order-{key}"))
        shop.orders.setdefault(customer, []).append(
            {
                "id": order_id,
                "customer_id": customer,
                "status": status,
                "placed_at": placed_at,
                "lines": [{"product_id": items[p][0], "name": p, "quantity": q} for p, q in lines],
                "shipping": {"country": "NL", "method": method},
                "footprint": {
                    "kg_co2e": ofp.kg_co2e.central,
                    "savings_kg_co2e": ofp.savings_kg_co2e,
                    "baseline_kg_co2e": ofp.baseline_kg_co2e,
                    "factor_version": ofp.factor_version,
                    "shipping_kg_co2e": ofp.shipping.kg_co2e.central,
                    "lines": [
                        {
                            "product_id": li.product_id,
                            "quantity": li.quantity,
                            "unit_kg_co2e": li.unit_kg_co2e,
                        }
                        for li in ofp.lines
                    ],
                },
            }
        )
    shop.engine = TantivyEngine(directory)
    index = await shop.engine.open(1)
    index.upsert(with_vectors(docs))  # as the search projection indexes them, for hybrid retrieval
    await index.commit(LogCursor(1, 1))
    await index.close()
    return shop


def order_id(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ecolaura-advisor-demo/order-{key}"))
