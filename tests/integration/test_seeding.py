"""The demo seed loads concurrently, yet the same seed gives the same shop.

Orders run many at a time, so their interleaving (event-log order, order ids)
differs from run to run; what they contain and how each one ended must not.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import datetime

import psycopg
from rich.console import Console

from ecolaura.database import temporary_database
from ecolaura.seeding import SeedPlan, seed_database

PLAN = SeedPlan(products=40, customers=10, orders=150, seed=7)

_CUSTOMERS = "SELECT customer_id::text, country FROM customers"
_STOCK = "SELECT p.sku, s.on_hand, s.reserved FROM products p JOIN stock_items s USING (product_id)"
# An order by what it holds and how it ended; when, relative to the first order (the plan's
# clock starts from the time of the run).
_ORDERS = """
    SELECT o.customer_id::text, o.status, o.shipping_method, o.total_minor, o.refunded_minor,
           extract(epoch FROM o.placed_at - min(o.placed_at) OVER ())::bigint,
           string_agg(l.sku || ' x' || l.quantity, ', ' ORDER BY l.sku)
    FROM orders o JOIN order_lines l USING (order_id)
    GROUP BY o.order_id
"""
# Who joined which demo challenge and the reward they hold: settled at each delivery and refund,
# so the end state is the same however the orders interleaved.
_ENTRIES = """
    SELECT e.customer_id::text, c.title, e.rewarded_points
    FROM challenge_entries e JOIN challenges c USING (challenge_id)
"""


# The provenance log: each entry's event with GTINs named by their product's SKU (GTINs are handed
# out in creation order, which interleaves) and times relative to the earliest event; whether a
# signed tree head covers it is the worker's business, not the seed's.
_PROVENANCE = """
    SELECT e.event_type, convert_from(e.canonical, 'UTF8'), e.event_time
    FROM provenance_entries e ORDER BY e.leaf_index
"""
_GTINS = "SELECT g.gtin, p.sku FROM provenance_gtins g JOIN products p USING (product_id)"


def _provenance(conn: psycopg.Connection[tuple[object, ...]]) -> Counter[tuple[object, ...]]:
    skus = dict(conn.execute(_GTINS).fetchall())
    rows = conn.execute(_PROVENANCE).fetchall()
    if not rows:
        return Counter()
    start = min(row[2] for row in rows)

    def content(kind: object, canonical: str, when: datetime) -> tuple[object, ...]:
        event = json.loads(re.sub(r"/01/(\d{14})", lambda m: f"/01/{skus.get(m[1], m[1])}", canonical))
        event.pop("eventTime")
        return kind, json.dumps(event, sort_keys=True), (when - start).total_seconds()

    return Counter(content(*row) for row in rows)


async def _seeded_shop(server_url: str) -> tuple[dict[str, Counter[tuple[object, ...]]], str]:
    """Seed ``PLAN`` into a database of its own; return its contents and what the seed printed."""
    out = io.StringIO()
    with temporary_database(server_url, "ecolaura_seed") as url:
        await seed_database(url, PLAN, Console(file=out, width=120))
        with psycopg.connect(url) as conn:
            shop = {
                sql: Counter(tuple(row) for row in conn.execute(sql).fetchall())
                for sql in (_CUSTOMERS, _STOCK, _ORDERS, _ENTRIES)
            }
            shop[_PROVENANCE] = _provenance(conn)
    return shop, out.getvalue()


async def test_the_same_seed_gives_the_same_customers_products_and_orders(server_url: str) -> None:
    first, printed = await _seeded_shop(server_url)
    second, _ = await _seeded_shop(server_url)

    assert sum(first[_CUSTOMERS].values()) == PLAN.customers
    assert sum(first[_STOCK].values()) == PLAN.products
    assert sum(first[_ORDERS].values()) == PLAN.orders
    assert sum(first[_ENTRIES].values()) > 0
    # the products of the chains' categories have supply chains, each ending at the warehouse
    chains = first[_PROVENANCE]
    assert sum(chains.values()) >= 5 * 3
    assert {kind for kind, _, _ in chains} == {"ObjectEvent", "TransformationEvent"}
    steps = Counter(json.loads(event).get("bizStep") for _, event, _ in chains.elements())
    assert steps["receiving"] == steps["shipping"] > 0
    assert any("ecolaura:originCountry" in event for _, event, _ in chains)
    assert first == second
    # Each bar ends full: it counts finished items, whichever worker finished them.
    for label, total in (("customers", PLAN.customers), ("products", PLAN.products), ("orders", PLAN.orders)):
        assert f"{total}/{total}" in next(line for line in printed.splitlines() if line.startswith(label))
