"""Health, OpenAPI, request ids and product endpoints."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import admin_headers, create_product, customer_headers, product_body


async def test_health(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    # No projector or worker runs beside this test app: it is alive, but not ready to serve.
    assert ready.status_code == 503, ready.text
    assert ready.headers["content-type"].startswith("application/problem+json")
    checks = ready.json()["extra"]["checks"]
    assert set(checks) == {"projections", "worker"}, checks
    assert "no background worker is running" in checks["worker"]


async def test_openapi_documents_every_command_with_an_operation_id(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    schema = (await client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "CreateProduct",
        "UpdateProduct",
        "AdjustStock",
        "PlaceOrder",
        "PayOrder",
        "CancelOrder",
        "ShipOrder",
        "DeliverOrder",
        "RefundOrder",
        "RegisterCustomer",
        "Live",
        "Ready",
    } <= operations
    assert "/api/v1/orders/{order_id}/refund" in schema["paths"]


async def test_request_id_is_echoed_and_becomes_the_correlation_id(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    response = await client.post(
        "/api/v1/products", json=product_body(), headers={**admin_headers(), "X-Request-Id": "req-abc-123"}
    )
    assert response.headers["x-request-id"] == "req-abc-123"
    async with engine.connect() as conn:
        meta = (
            await conn.execute(
                text("SELECT metadata FROM event_log WHERE stream_id = :s"),
                {"s": f"product-{response.json()['id']}"},
            )
        ).scalar_one()
    assert meta["correlation_id"] == "req-abc-123" and meta["actor_role"] == "admin"
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 36


async def test_access_logs_are_json_with_the_request_id(
    client: AsyncTestClient,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    from ecolaura.logs import configure_logging

    configure_logging("INFO", "json")
    try:
        await client.get("/health/live", headers={"X-Request-Id": "log-me"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        logging.getLogger().handlers.clear()
    access = [entry for entry in lines if entry.get("event") == "request"]
    assert access and access[-1]["request_id"] == "log-me" and access[-1]["status"] == 200


async def test_patch_with_etag_changes_the_product_and_returns_the_new_etag(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    url = f"/api/v1/products/{product['id']}"
    response = await client.patch(
        url,
        json={"price_minor": 1450, "certifications": ["GOTS", "Fairtrade"]},
        headers={**admin_headers(), "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    assert response.json()["price_minor"] == 1450 and response.json()["version"] == 2
    stale = await client.patch(url, json={"name": "x"}, headers={**admin_headers(), "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["extra"]["current_version"] == 2


async def test_only_admins_and_suppliers_create_products(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    headers = customer_headers(str(uuid.uuid4()))
    response = await client.post("/api/v1/products", json=product_body(), headers=headers)
    assert response.status_code == 403 and "admin or supplier" in response.json()["detail"]


async def test_metrics_expose_requests_and_projection_lag(
    client: AsyncTestClient,
    redis_client: object,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    from tests.projection_helpers import catch_up

    await create_product(client)
    await catch_up(redis_client, database_url)  # type: ignore[arg-type]
    await client.get("/health/live")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert "ecolaura_requests_total{" in text and 'path="/api/v1/products"' in text
    assert 'ecolaura_projection_lag_events{projection="product_cards"}' in text
    assert 'ecolaura_projection_failed{projection="order_views"}' in text
