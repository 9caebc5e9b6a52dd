"""Footprints through the command API: recorded with products and orders, bad data refused."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.factor_tables import load_factors
from analytics.footprint import ProductSpec, product_footprint
from tests.factories import admin_headers, create_customer, create_product, place_order, product_body


async def test_a_new_product_carries_its_footprint_in_the_answer_and_its_event(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client)
    expected = product_footprint(
        ProductSpec("bags", 0.2, [("organic cotton", 0.18)], "IN", "paper", ["GOTS"]), load_factors()
    )
    assert product["footprint"] == msgspec.to_builtins(expected)
    async with engine.connect() as conn:
        payload = (
            await conn.execute(
                text("SELECT payload FROM event_log WHERE stream_id = :s AND event_type = 'ProductCreated'"),
                {"s": f"product-{product['id']}"},
            )
        ).scalar_one()
    assert payload["product"]["footprint"]["kg_co2e"] == product["footprint"]["kg_co2e"]
    assert payload["product"]["footprint"]["eco_score"]["score"] == expected.eco_score.score


async def test_a_change_of_materials_recomputes_the_footprint(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    response = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"materials": [{"material": "recycled cotton", "kg": 0.18}]},
        headers={**admin_headers(), "If-Match": f'"{product["version"]}"'},
    )
    assert response.status_code == 200, response.text
    changed = response.json()["footprint"]
    assert changed["kg_co2e"]["central"] < product["footprint"]["kg_co2e"]["central"]
    assert changed["stages"][0]["items"][0]["item"] == "recycled cotton"


async def test_an_order_returns_its_footprint_with_shipping(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    customer = await create_customer(client, "DE")
    order = await place_order(client, customer, (product["id"], 3), country="DE", method="slow-green")
    fp = order["footprint"]
    unit = product["footprint"]["kg_co2e"]["central"]
    assert fp["lines"] == [
        {
            "product_id": product["id"],
            "product_version": 1,
            "quantity": 3,
            "unit_kg_co2e": unit,
            "unit_baseline_kg_co2e": product["footprint"]["baseline"]["kg_co2e"]["central"],
        }
    ]
    assert fp["shipping"]["name"] == "last_mile"
    assert fp["kg_co2e"]["central"] == pytest.approx(
        3 * unit + fp["shipping"]["kg_co2e"]["central"], abs=1e-3
    )
    assert fp["savings_kg_co2e"] == pytest.approx(3 * product["footprint"]["savings_kg_co2e"], abs=1e-3)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"materials": [{"material": "unobtainium", "kg": 0.1}]}, "materials", "unobtainium"),
        ({"origin_country": "AQ"}, "origin_country", "AQ"),
        ({"packaging": "bubble-wrap"}, "packaging", "bubble-wrap"),
    ],
)
async def test_bad_footprint_data_is_a_422_naming_product_and_field(
    client: AsyncTestClient,  # type: ignore[type-arg]
    engine: AsyncEngine,
    overrides: dict[str, object],
    field: str,
    words: str,
) -> None:
    body = product_body(**overrides)
    response = await client.post("/api/v1/products", json=body, headers=admin_headers())
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in problem["detail"]
    assert body["sku"] in problem["detail"]
    assert field in problem["detail"]
    async with engine.connect() as conn:
        assert (
            await conn.execute(text("SELECT count(*) FROM products WHERE sku = :s"), {"s": body["sku"]})
        ).scalar_one() == 0
