"""Test data with random ids, so tests never collide and need no cleanup."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient


def random_sku() -> str:
    return f"T-{uuid.uuid4().hex[:12].upper()}"


def admin_headers() -> dict[str, str]:
    return {"X-User-Id": str(uuid.uuid4()), "X-User-Role": "admin"}


def customer_headers(customer_id: str) -> dict[str, str]:
    return {"X-User-Id": customer_id, "X-User-Role": "customer"}


def product_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": random_sku(),
        "name": "Organic cotton tote",
        "category": "bags",
        "brand": "Leaf & Loom",
        "price_minor": 1250,
        "currency": "EUR",
        "weight_kg": 0.2,
        "materials": [{"material": "organic cotton", "kg": 0.18}],
        "origin_country": "IN",
        "packaging": "paper",
        "certifications": ["GOTS"],
        "status": "active",
        "initial_stock": 100,
    }
    body.update(overrides)
    return body


async def create_product(client: AsyncTestClient, **overrides: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await client.post("/api/v1/products", json=product_body(**overrides), headers=admin_headers())
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def create_customer(client: AsyncTestClient, country: str = "NL") -> str:  # type: ignore[type-arg]
    response = await client.post(
        "/api/v1/customers",
        headers=admin_headers(),
        json={
            "email": f"{uuid.uuid4().hex[:12]}@example.com",
            "display_name": "Test Shopper",
            "country": country,
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def order_body(*lines: tuple[str, int], country: str = "NL", method: str = "standard") -> dict[str, Any]:
    return {
        "lines": [{"product_id": pid, "quantity": q} for pid, q in lines],
        "shipping": {"country": country, "method": method},
    }


async def place_order(
    client: AsyncTestClient,
    customer_id: str,
    *lines: tuple[str, int],  # type: ignore[type-arg]
    **kw: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/orders", json=order_body(*lines, **kw), headers=customer_headers(customer_id)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
