"""Two baselines served by the same stack, for benchmarks/queries.py.

* ``/ceiling/{id}``: one Redis GET returned as bytes: the ceiling of Litestar + granian + redis-py here.
* ``/sql/{id}``: the product card computed from the normalized write tables with a SQL join, the way a
  plain CRUD shop would answer it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import psycopg_pool
from litestar import Litestar, Response, get
from litestar.exceptions import NotFoundException

from projections import redis_client

STATE: dict[str, Any] = {}
_SQL = """
    SELECT p.product_id::text, p.sku, p.name, p.description, p.category, p.brand, p.price_minor, p.currency,
           p.weight_kg, p.materials, p.origin_country, p.packaging, p.certifications, p.status, p.version,
           s.on_hand, s.reserved, coalesce(sum(l.quantity), 0) AS units_sold
    FROM products p JOIN stock_items s USING (product_id) LEFT JOIN order_lines l USING (product_id)
    WHERE p.product_id = %(id)s
    GROUP BY p.product_id, s.on_hand, s.reserved
"""
_COLUMNS = (
    "id",
    "sku",
    "name",
    "description",
    "category",
    "brand",
    "price_minor",
    "currency",
    "weight_kg",
    "materials",
    "origin_country",
    "packaging",
    "certifications",
    "status",
    "version",
    "on_hand",
    "reserved",
    "units_sold",
)


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    STATE["redis"] = redis_client.connect(os.environ["REDIS_URL"])
    STATE["prefix"] = os.environ["CARD_PREFIX"]
    pool = psycopg_pool.AsyncConnectionPool(os.environ["DATABASE_URL"], min_size=4, max_size=16, open=False)
    await pool.open()
    STATE["pool"] = pool
    yield
    await pool.close()
    await STATE["redis"].aclose()


@get("/ceiling/{product_id:str}")
async def ceiling(product_id: str) -> Response[bytes]:
    body = await STATE["redis"].get(STATE["prefix"] + product_id)
    if body is None:
        raise NotFoundException
    return Response(content=body, media_type="application/json")


@get("/sql/{product_id:str}")
async def sql(product_id: str) -> Response[bytes]:
    async with STATE["pool"].connection() as conn:
        row = await (await conn.execute(_SQL, {"id": product_id})).fetchone()
    if row is None:
        raise NotFoundException
    card = dict(zip(_COLUMNS, row, strict=True))
    card["available"] = card["on_hand"] - card["reserved"]
    return Response(content=msgspec.json.encode(card), media_type="application/json")


app = Litestar([ceiling, sql], lifespan=[lifespan], debug=False, logging_config=None)
