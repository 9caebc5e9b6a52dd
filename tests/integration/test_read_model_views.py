"""The structs of read_side.views against real stored documents, so the document cannot drift.

A shop goes through every state the read models show (paid, refunded, shipped, delivered,
cancelled, an erased customer, an analytics run); then every document in Redis, and every
answer the query API builds from them, must decode into its struct. The structs refuse
unknown fields: a projector that adds one fails here until the struct (and so the OpenAPI
document) names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from analytics.read_model import NAME as ANALYTICS
from projections import keys
from projections.runner import live_generation
from read_side import views
from read_side.search.port import SearchResult
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up, publish_analytics

# Document key prefix in each read model, and the struct its documents decode to.
STORED: dict[str, list[tuple[str, type[msgspec.Struct]]]] = {
    "product_cards": [("product:", views.ProductCard)],
    "order_views": [("order:", views.OrderView)],
    "order_list": [("order:", views.OrderRow)],
    ANALYTICS: [
        ("impact:summary", views.ImpactSummary),
        ("leaderboard:", views.Leaderboard),
        ("impact:customer:", views.CustomerImpact),
        ("impact:product:", views.ProductPurchases),
    ],
}


async def _shop(client: AsyncTestClient) -> dict[str, Any]:  # type: ignore[type-arg]
    tote = await create_product(client, initial_stock=50)
    board = await create_product(
        client, category="kitchen", materials=[{"material": "fsc wood", "kg": 0.15}], certifications=[]
    )
    keeper, leaver = await create_customer(client, "DE"), await create_customer(client, "NL")
    admin = admin_headers()
    for customer in (keeper, leaver):
        paid = await place_order(client, customer, (tote["id"], 2), (board["id"], 1), method="slow-green")
        await mark_paid(client, paid["id"])
        refund = {"amount_minor": 100}
        assert (
            await client.post(f"/api/v1/orders/{paid['id']}/refund", json=refund, headers=admin)
        ).is_success
        cancelled = await place_order(client, customer, (tote["id"], 1))
        assert (await client.post(f"/api/v1/orders/{cancelled['id']}/cancel", headers=admin)).is_success
    delivered = await place_order(client, keeper, (board["id"], 1))
    await mark_paid(client, delivered["id"])
    for step in ("ship", "deliver"):
        assert (await client.post(f"/api/v1/orders/{delivered['id']}/{step}", headers=admin)).is_success
    unchanged = {"confirm": "erase my personal data"}
    erased = await client.post("/api/v1/me/erase", json=unchanged, headers=customer_headers(leaver))
    assert erased.status_code in (200, 404), erased.text  # customers made by an admin have no account
    return {"products": [tote["id"], board["id"]], "customers": [keeper, leaver], "order": delivered["id"]}


async def _stored(redis: aioredis.Redis, name: str, prefix: str) -> list[bytes]:
    generation = await live_generation(redis, name)
    base = keys.generation_prefix(name, generation)
    return [
        value
        async for key in redis.scan_iter(match=f"{base}{prefix}*", count=1000)
        if (value := await redis.get(key))
    ]


async def test_every_stored_document_and_answer_decodes_into_its_struct(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
    tmp_path: Path,
) -> None:
    shop = await _shop(client)
    await catch_up(redis_client, database_url)
    await publish_analytics(redis_client, database_url, tmp_path)

    for name, kinds in STORED.items():
        for prefix, struct in kinds:
            documents = await _stored(redis_client, name, prefix)
            assert documents, (name, prefix)
            for document in documents:
                msgspec.json.decode(document, type=struct)

    answers: list[tuple[str, dict[str, str], type[msgspec.Struct]]] = [
        ("/api/v1/catalog/products?limit=100", {}, views.ProductPage),
        ("/api/v1/search?size=100", {}, SearchResult),
        ("/api/v1/impact/summary", {}, views.ImpactSummary),
        ("/api/v1/analytics/leaderboards/eco-points?period=all", {}, views.Leaderboard),
        ("/api/v1/leaderboards/eco-points?period=all", {}, views.LiveLeaderboard),
        ("/api/v1/challenges", {}, views.ChallengePage),
        ("/api/v1/admin/orders?limit=100", admin_headers(), views.OrderRowPage),
    ]
    answers += [(f"/api/v1/impact/products/{p}", {}, views.ProductImpact) for p in shop["products"]]
    for customer in shop["customers"]:
        mine = customer_headers(customer)
        answers += [
            ("/api/v1/me/orders", mine, views.OrderPage),
            ("/api/v1/me/dashboard", mine, views.Dashboard),
            ("/api/v1/me/rewards", mine, views.MyRewards),
            ("/api/v1/leaderboards/co2e-saved?period=week", mine, views.LiveLeaderboard),
        ]
    keeper = customer_headers(shop["customers"][0])
    answers.append((f"/api/v1/me/orders/{shop['order']}", keeper, views.OrderView))
    for path, headers, struct in answers:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        msgspec.json.decode(response.content, type=struct)
