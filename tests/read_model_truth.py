"""What the read models should say, from PostgreSQL's tables: the truth they are compared with.

Tests that race writers or kill processes end by comparing every read model
of the entities they touched with the tables, field by field, so a read model
that is merely self-consistent (equal to a rebuild by the same code) but wrong
is caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, get_args

import msgspec
import redis.asyncio as aioredis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from projections import keys
from projections.projectors.order_list import list_member
from projections.runner import live_generation
from read_side.search.port import SearchRequest
from read_side.search.tantivy_index import TantivyEngine
from read_side.views import OrderStatus


@dataclass
class Entities:
    """The products (all of one category) and customers a test changed."""

    category: str
    products: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).mappings())


_json = msgspec.json.Decoder()
ORDER_STATUSES: tuple[str, ...] = get_args(OrderStatus)


async def _doc(redis: aioredis.Redis, projection: str, key: str) -> dict[str, Any] | None:
    generation = await live_generation(redis, projection)
    raw = await redis.get(keys.generation_prefix(projection, generation) + key)
    return _json.decode(raw) if raw else None


async def disagreements(redis: aioredis.Redis, engine: AsyncEngine, shop: Entities) -> list[str]:
    """Every field of every read model of the race's entities that differs from the tables."""
    wrong: list[str] = []
    for row in await rows(
        engine,
        """SELECT p.product_id::text AS id, p.price_minor, p.version, s.on_hand, s.reserved,
                  (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.product_id = p.product_id) AS sold
           FROM products p JOIN stock_items s USING (product_id) WHERE p.category = :c""",
        c=shop.category,
    ):
        card = await _doc(redis, "product_cards", f"product:{row['id']}") or {}
        want = {
            "on_hand": row["on_hand"],
            "reserved": row["reserved"],
            "available": row["on_hand"] - row["reserved"],
            "units_sold": row["sold"],
            "price_minor": row["price_minor"],
            "version": row["version"],
        }
        got = {k: card.get(k) for k in want}
        if got != want:
            wrong.append(f"product card {row['id']}: {got} != PostgreSQL {want}")
    for customer in shop.customers:
        orders = await rows(
            engine,
            """SELECT order_id::text AS id, status, version, refunded_minor, total_minor, placed_at,
                      payment_reference IS NOT NULL AS paid,
                      (SELECT sum(quantity) FROM order_lines l WHERE l.order_id = o.order_id) AS items
               FROM orders o WHERE customer_id = :c""",
            c=customer,
        )
        for order in orders:
            view = await _doc(redis, "order_views", f"order:{customer}:{order['id']}") or {}
            got = (view.get("status"), view.get("version"), view.get("totals", {}).get("refunded_minor"))
            want_view = (order["status"], order["version"], order["refunded_minor"])
            if got != want_view:
                wrong.append(f"order view {order['id']}: {got} != PostgreSQL {want_view}")
            wrong += await _order_list_disagreements(redis, customer, order)
        board = await _doc(redis, "customer_dashboards", f"dashboard:{customer}") or {}
        want_board = {
            "orders_placed": len(orders),
            "orders_cancelled": sum(o["status"] == "cancelled" for o in orders),
            "items_bought": sum(o["items"] for o in orders),
            "spent_minor": {"EUR": sum(o["total_minor"] for o in orders if o["paid"])}
            if any(o["paid"] for o in orders)
            else {},
            "refunded_minor": {"EUR": sum(o["refunded_minor"] for o in orders)}
            if any(o["refunded_minor"] for o in orders)
            else {},
            "last_order_at": max(o["placed_at"] for o in orders).isoformat() if orders else None,
        }
        got_board = {k: board.get(k) for k in want_board}
        if got_board["last_order_at"] and want_board["last_order_at"]:
            got_board["last_order_at"] = same_instant(got_board["last_order_at"], want_board["last_order_at"])
        if got_board != want_board:
            wrong.append(f"dashboard {customer}: {got_board} != PostgreSQL {want_board}")
        wrong += await _rewards_disagreements(redis, engine, customer)
    return wrong


async def _order_list_disagreements(redis: aioredis.Redis, customer: str, order: dict[str, Any]) -> list[str]:
    """The order's row in the admins' list, and its place in the list's indexes (in its status's only)."""
    row = await _doc(redis, "order_list", f"order:{order['id']}") or {}
    got = {k: row.get(k) for k in ("customer_id", "status", "version", "total_minor", "refunded_minor")}
    want = {
        "customer_id": customer,
        "status": order["status"],
        "version": order["version"],
        "total_minor": order["total_minor"],
        "refunded_minor": order["refunded_minor"],
    }
    wrong = [] if got == want else [f"order list row {order['id']}: {got} != PostgreSQL {want}"]
    if row and datetime.fromisoformat(row["placed_at"]) != order["placed_at"]:
        wrong.append(f"order list row {order['id']}: placed at {row['placed_at']} != {order['placed_at']}")
    prefix = keys.generation_prefix("order_list", await live_generation(redis, "order_list"))
    member = list_member(order["placed_at"].isoformat(), order["id"])
    indexed = {
        index
        for index in ("all", f"customer:{customer}", *(f"status:{s}" for s in ORDER_STATUSES))
        if await redis.zscore(prefix + index, member) is not None
    }
    want_indexed = {"all", f"customer:{customer}", f"status:{order['status']}"}
    if indexed != want_indexed:
        wrong.append(f"order list indexes of {order['id']}: {sorted(indexed)} != {sorted(want_indexed)}")
    return wrong


async def _rewards_disagreements(redis: aioredis.Redis, engine: AsyncEngine, customer: str) -> list[str]:
    """The customer's points as the rewards projection has them, against the ledger and the tables."""
    rewards = await _doc(redis, "rewards", f"customer:{customer}") or {}
    want = {
        "balance": -int(
            await scalar(
                engine,
                "SELECT coalesce(sum(amount_minor), 0) FROM journal_entries "
                "WHERE account = 'eco_points_outstanding' AND party_id = :c",
                c=customer,
            )
        ),
        "order_points": int(
            await scalar(
                engine,
                "SELECT coalesce(sum(eco_points_held), 0) FROM orders WHERE customer_id = :c",
                c=customer,
            )
        ),
        "challenge_points": int(
            await scalar(
                engine,
                "SELECT coalesce(sum(rewarded_points), 0) FROM challenge_entries WHERE customer_id = :c",
                c=customer,
            )
        ),
    }
    got = {k: rewards.get(k, 0) for k in want}
    return [] if got == want else [f"rewards {customer}: {got} != PostgreSQL {want}"]


def same_instant(got: str, want: str) -> str:
    return want if datetime.fromisoformat(got) == datetime.fromisoformat(want) else got


async def search_disagreements(search: TantivyEngine, engine: AsyncEngine, shop: Entities) -> list[str]:
    found = await search.search(SearchRequest(category=shop.category, size=50, sort="price"))
    got = {h.id: h.price_minor for h in found.hits}
    want = {
        r["id"]: r["price_minor"]
        for r in await rows(
            engine,
            "SELECT product_id::text AS id, price_minor FROM products WHERE category = :c",
            c=shop.category,
        )
    }
    return [] if got == want else [f"search prices {got} != PostgreSQL {want}"]
