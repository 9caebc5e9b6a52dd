"""The admins' list of every order: filters, newest first, keyset pages, and bad filters as problems."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from read_side.order_list import encode_list_cursor
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up

LIST = "/api/v1/admin/orders"


async def _pages(client: AsyncTestClient, **params: Any) -> list[list[dict[str, Any]]]:  # type: ignore[type-arg]
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(LIST, params=query, headers=admin_headers())
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_admins_list_every_order_newest_first_filtered_and_paged(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
) -> None:
    start = datetime.now(UTC)
    product = await create_product(client, initial_stock=100)
    alice, bob = await create_customer(client), await create_customer(client)
    placed = [await place_order(client, c, (product["id"], 1)) for c in (alice, bob, alice, bob, alice)]
    await mark_paid(client, placed[0]["id"])
    await mark_paid(client, placed[1]["id"])
    cancelled = await client.post(f"/api/v1/orders/{placed[2]['id']}/cancel", headers=admin_headers())
    assert cancelled.is_success
    await catch_up(redis_client, database_url, ["order_list"])
    newest_first = [o["id"] for o in reversed(placed)]

    pages = await _pages(client, placed_from=start.isoformat(), limit=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [o["id"] for page in pages for o in page] == newest_first
    first = pages[-1][0]
    assert first["status"] == "paid" and first["customer_id"] == alice
    assert first["total_minor"] == placed[0]["totals"]["total_minor"] and first["refunded_minor"] == 0
    assert first["kg_co2e"] == pytest.approx(placed[0]["footprint"]["kg_co2e"]["central"])

    mine = await _pages(client, customer_id=alice)
    assert [o["id"] for o in mine[0]] == [placed[4]["id"], placed[2]["id"], placed[0]["id"]]
    paid = await _pages(client, status="paid", placed_from=start.isoformat())
    assert {o["id"] for o in paid[0]} == {placed[0]["id"], placed[1]["id"]}
    alices_pending = await _pages(client, customer_id=alice, status="pending_payment", limit=1)
    assert [o["id"] for page in alices_pending for o in page] == [placed[4]["id"]]
    after = datetime.fromisoformat(placed[2]["placed_at"])
    window = await _pages(client, placed_from=start.isoformat(), placed_to=after.isoformat())
    assert [o["id"] for o in window[0]] == [placed[1]["id"], placed[0]["id"]]  # placed_to excludes

    # A keyset page is not shifted by an order placed after the first page was read.
    head = (await client.get(LIST, params={"customer_id": bob, "limit": 1}, headers=admin_headers())).json()
    await place_order(client, bob, (product["id"], 1))
    await catch_up(redis_client, database_url, ["order_list"])
    rest = await client.get(
        LIST, params={"customer_id": bob, "limit": 1, "cursor": head["next_cursor"]}, headers=admin_headers()
    )
    assert [o["id"] for o in rest.json()["items"]] == [placed[1]["id"]]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"customer_id": "not-a-uuid"},
        {"placed_from": "yesterday"},
        {"placed_to": "null"},
        {"placed_to": "2026-01-01T00:00:00"},  # no time zone
        {"placed_to": "2026-13-01T00:00:00Z"},
        {"placed_from": "2026-02-01T00:00:00Z", "placed_to": "2026-01-01T00:00:00Z"},
        {"limit": "0"},
        {"limit": "101"},
        {"cursor": "bm90LW91cnM"},
        {"cursor": encode_list_cursor("x" * 20)},
    ],
)
async def test_bad_filters_are_problems(client: AsyncTestClient, params: dict[str, str]) -> None:  # type: ignore[type-arg]
    response = await client.get(LIST, params=params, headers=admin_headers())
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


async def test_only_admins_list_orders(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.get(LIST, headers=customer_headers(str(uuid.uuid4())))).status_code == 403
    assert (await client.get(LIST)).status_code == 401
    future = (datetime.now(UTC) + timedelta(days=3650)).isoformat()
    empty = await client.get(LIST, params={"placed_from": future}, headers=admin_headers())
    assert empty.json() == {"items": [], "next_cursor": None}
