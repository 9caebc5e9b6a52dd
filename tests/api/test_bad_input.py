"""Bad input gets a clear 4xx problem and writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import Settings
from tests.factories import (
    admin_headers,
    bearer,
    create_customer,
    create_product,
    customer_headers,
    product_body,
)


async def _log_size(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM event_log"))).scalar_one())


def _assert_problem(response: Any, status: int, needle: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    assert needle.lower() in body["detail"].lower(), body["detail"]


@pytest.fixture
async def shop(client: AsyncTestClient) -> dict[str, str]:  # type: ignore[type-arg]
    product = await create_product(client, initial_stock=5)
    return {"product": product["id"], "customer": await create_customer(client)}


ORDER_CASES = [
    ("malformed json", b'{"lines": [', 400, "not valid json"),
    (
        "wrong type",
        b'{"lines": [{"product_id": "%(p)s", "quantity": "two"}], "shipping": {"country": "NL"}}',
        400,
        "lines[0].quantity: expected `int`",
    ),
    (
        "negative quantity",
        b'{"lines": [{"product_id": "%(p)s", "quantity": -1}], "shipping": {"country": "NL"}}',
        400,
        ">= 1",
    ),
    (
        "huge quantity",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 99999999999}], "shipping": {"country": "NL"}}',
        400,
        "<= 1000",
    ),
    ("no lines", b'{"lines": [], "shipping": {"country": "NL"}}', 400, "length >= 1"),
    (
        "unknown field",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 1}], "shipping": {"country": "NL"}, "x": 1}',
        400,
        "unknown field",
    ),
    (
        "unknown product",
        b'{"lines": [{"product_id": "%(u)s", "quantity": 1}], "shipping": {"country": "NL"}}',
        404,
        "does not exist",
    ),
    (
        "unknown country",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 1}], "shipping": {"country": "XX"}}',
        422,
        "not an iso 3166",
    ),
    (
        "unserved country",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 1}], "shipping": {"country": "BR"}}',
        422,
        "do not ship to br",
    ),
    (
        "bad method",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 1}], "shipping": {"country": "NL", "method": "teleport"}}',
        400,
        "shipping.method",
    ),
    (
        "duplicate line",
        (
            b'{"lines": [{"product_id": "%(p)s", "quantity": 1}, {"product_id": "%(p)s", "quantity": 1}], '
            b'"shipping": {"country": "NL"}}'
        ),
        422,
        "appears twice",
    ),
    (
        "too many units",
        b'{"lines": [{"product_id": "%(p)s", "quantity": 6}], "shipping": {"country": "NL"}}',
        409,
        "only 5",
    ),
]


@pytest.mark.parametrize(("case", "body", "status", "needle"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES])
async def test_bad_orders_are_rejected_and_write_nothing(
    client: AsyncTestClient,
    engine: AsyncEngine,
    shop: dict[str, str],  # type: ignore[type-arg]
    case: str,
    body: bytes,
    status: int,
    needle: str,
) -> None:
    before = await _log_size(engine)
    content = (
        body % {b"p": shop["product"].encode(), b"u": str(uuid.uuid4()).encode()} if b"%(" in body else body
    )
    response = await client.post(
        "/api/v1/orders",
        content=content,
        headers={
            **customer_headers(shop["customer"]),
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    _assert_problem(response, status, needle)
    assert await _log_size(engine) == before, f"{case} wrote events"


PRODUCT_CASES = [
    ("unknown currency", {"currency": "XYZ"}, 422, "not an iso 4217"),
    ("lowercase currency", {"currency": "eur"}, 400, "currency"),
    ("zero price", {"price_minor": 0}, 400, ">= 1"),
    ("huge price", {"price_minor": 10**12}, 400, "<= 100000000"),
    (
        "materials heavier than product",
        {"weight_kg": 0.1, "materials": [{"material": "wool", "kg": 0.5}]},
        422,
        "more than weight_kg",
    ),
    ("no materials", {"materials": []}, 400, "length >= 1"),
    ("bad sku", {"sku": "no spaces allowed"}, 400, "sku"),  # a shape the document states: 400
    ("unknown status", {"status": "deleted"}, 400, "status"),
    # msgspec's lax reading (Litestar's) would take these: the document says integer and number
    ("price as a string", {"price_minor": "1999"}, 400, "expected `int`, got `str`"),
    ("weight as a string", {"weight_kg": "0.5"}, 400, "expected `float`, got `str`"),
]


@pytest.mark.parametrize(
    ("case", "change", "status", "needle"), PRODUCT_CASES, ids=[c[0] for c in PRODUCT_CASES]
)
async def test_bad_products_are_rejected_and_write_nothing(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
    case: str,
    change: dict[str, Any],
    status: int,
    needle: str,
) -> None:
    before = await _log_size(engine)
    response = await client.post("/api/v1/products", json=product_body(**change), headers=admin_headers())
    _assert_problem(response, status, needle)
    assert await _log_size(engine) == before, f"{case} wrote events"


async def test_a_body_over_the_limit_is_413_and_writes_nothing(
    client: AsyncTestClient,
    engine: AsyncEngine,
    settings: Settings,
    shop: dict[str, str],  # type: ignore[type-arg]
) -> None:
    order = b'{"lines": [{"product_id": "%s", "quantity": 1}], "shipping": {"country": "NL"}}' % (
        shop["product"].encode()
    )

    async def post(size: int) -> Any:
        # JSON allows trailing whitespace: the same valid order, padded to exactly ``size`` bytes.
        return await client.post(
            "/api/v1/orders",
            content=order.ljust(size),
            headers={
                **customer_headers(shop["customer"]),
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )

    before = await _log_size(engine)
    _assert_problem(await post(settings.max_body_bytes + 1), 413, "too large")
    assert await _log_size(engine) == before, "the oversized order wrote events"
    at_limit = await post(settings.max_body_bytes)  # the size alone was refused: at the limit it is an order
    assert at_limit.status_code == 201, at_limit.text


async def test_duplicate_sku_is_409(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = product_body()
    assert (await client.post("/api/v1/products", json=body, headers=admin_headers())).status_code == 201
    response = await client.post("/api/v1/products", json=body, headers=admin_headers())
    _assert_problem(response, 409, "exists already")


async def test_bad_path_id_and_unknown_route_are_404(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.post("/api/v1/orders/not-a-uuid/pay", headers=admin_headers())
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("application/problem+json")
    _assert_problem(await client.get("/api/v1/nothing-here"), 404, "no resource")
    _assert_problem(
        await client.post(f"/api/v1/orders/{uuid.uuid4()}/pay", headers=admin_headers()),
        404,
        "does not exist",
    )


async def test_patch_needs_if_match(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    product = await create_product(client)
    url = f"/api/v1/products/{product['id']}"
    _assert_problem(await client.patch(url, json={"name": "New"}, headers=admin_headers()), 428, "if-match")
    _assert_problem(
        await client.patch(url, json={"name": "New"}, headers={**admin_headers(), "If-Match": "abc"}),
        400,
        "etag",
    )
    _assert_problem(
        await client.patch(url, json={"sku": "NEW-SKU"}, headers={**admin_headers(), "If-Match": '"1"'}),
        400,
        "unknown field",
    )


async def test_stock_cannot_drop_below_reserved(client: AsyncTestClient, shop: dict[str, str]) -> None:  # type: ignore[type-arg]
    order = await client.post(
        "/api/v1/orders",
        headers=customer_headers(shop["customer"]),
        json={"lines": [{"product_id": shop["product"], "quantity": 3}], "shipping": {"country": "NL"}},
    )
    assert order.status_code == 201
    response = await client.post(
        f"/api/v1/products/{shop['product']}/stock",
        headers=admin_headers(),
        json={"delta": -4, "note": "broken"},
    )
    _assert_problem(response, 409, "reserved by open orders")
    ok = await client.post(
        f"/api/v1/products/{shop['product']}/stock",
        headers=admin_headers(),
        json={"delta": -2, "note": "broken"},
    )
    assert ok.status_code == 200 and ok.json() == {
        "product_id": shop["product"],
        "on_hand": 3,
        "reserved": 3,
        "available": 0,
        "version": 3,
    }


async def test_a_customer_id_or_email_taken_is_409_naming_which(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    chosen = str(uuid.uuid4())
    body = {
        "id": chosen,
        "email": f"first-{chosen[:8]}@example.com",
        "display_name": "First",
        "country": "NL",
    }
    assert (await client.post("/api/v1/customers", json=body, headers=admin_headers())).status_code == 201
    again = await client.post(
        "/api/v1/customers",
        json={**body, "email": f"second-{chosen[:8]}@example.com"},
        headers=admin_headers(),
    )
    assert again.status_code == 409 and again.json()["extra"]["field"] == "id"
    same_email = await client.post(
        "/api/v1/customers", json={**body, "id": str(uuid.uuid4())}, headers=admin_headers()
    )
    assert same_email.status_code == 409 and same_email.json()["extra"]["field"] == "email"


async def test_a_supplier_changes_only_its_own_products(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    owner, other = bearer(str(uuid.uuid4()), "supplier"), bearer(str(uuid.uuid4()), "supplier")
    created = await client.post("/api/v1/products", json=product_body(), headers=owner)
    assert created.status_code == 201, created.text
    url = f"/api/v1/products/{created.json()['id']}"
    version = created.json()["version"]
    refused = await client.patch(
        url, json={"name": "Not mine"}, headers={**other, "If-Match": f'"{version}"'}
    )
    assert refused.status_code == 403 and "own products" in refused.json()["detail"]
    changed = await client.patch(url, json={"name": "Mine"}, headers={**owner, "If-Match": f'"{version}"'})
    assert changed.status_code == 200 and changed.json()["name"] == "Mine"
    by_admin = await client.patch(
        url, json={"name": "Admin's"}, headers={**admin_headers(), "If-Match": f'"{version + 1}"'}
    )
    assert by_admin.status_code == 200
