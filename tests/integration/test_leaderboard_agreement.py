"""The live leaderboards (rewards projection) and the batch ones (analytics run) agree on the same log."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from tests.api.test_rewards_api import settle
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up, publish_analytics


async def test_live_and_batch_boards_rank_the_same_shoppers_with_the_same_values(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
    tmp_path: Path,
) -> None:
    light = await create_product(client, initial_stock=100, weight_kg=0.3)
    heavy = await create_product(client, initial_stock=100, weight_kg=2.0)
    shoppers = [await create_customer(client) for _ in range(6)]
    plan = [  # (shopper, product, quantity, method, then)
        (0, light, 1, "slow-green", "deliver"),
        (1, heavy, 2, "standard", "deliver"),
        (1, light, 3, "slow-green", "paid"),
        (2, heavy, 1, "express", "refund-half"),
        (3, light, 2, "slow-green", "deliver"),
        (4, heavy, 3, "standard", "hide"),
        (5, light, 1, "standard", "unpaid"),
    ]
    for who, product, quantity, method, then in plan:
        order = await place_order(client, shoppers[who], (product["id"], quantity), method=method)
        if then == "unpaid":
            continue
        if then == "paid":
            await mark_paid(client, order["id"])
            continue
        await settle(client, order["id"])
        if then == "refund-half":
            half = order["totals"]["total_minor"] // 2
            refund = await client.post(
                f"/api/v1/orders/{order['id']}/refund", headers=admin_headers(), json={"amount_minor": half}
            )
            assert refund.status_code == 200
        if then == "hide":
            await client.put(
                "/api/v1/me/leaderboard-visibility",
                json={"visible": False},
                headers=customer_headers(shoppers[who]),
            )
    await catch_up(redis_client, database_url, ["rewards"])
    await publish_analytics(redis_client, database_url, tmp_path)

    compared = 0
    for board in ("co2e-saved", "eco-points"):
        for period in ("week", "month", "all"):
            live = (await client.get(f"/api/v1/leaderboards/{board}?period={period}")).json()["entries"]
            batch = (await client.get(f"/api/v1/analytics/leaderboards/{board}?period={period}")).json()[
                "entries"
            ]
            mine = {f"Shopper {s[-8:]}" for s in shoppers}
            live = [e for e in live if e["name"] in mine]  # other tests' shoppers share this log
            batch = [e for e in batch if e["name"] in mine]
            assert [e["name"] for e in live] == [e["name"] for e in batch], (board, period)
            assert [e["value"] for e in live] == pytest.approx([e["value"] for e in batch], abs=1e-3)
            assert f"Shopper {shoppers[4][-8:]}" not in {e["name"] for e in live}  # opted out
            assert f"Shopper {shoppers[5][-8:]}" not in {e["name"] for e in live}  # never paid
            compared += len(live)
    assert compared >= 2 * 3 * 4
