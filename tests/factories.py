"""Test data with random ids, so tests never collide and need no cleanup."""

from __future__ import annotations

import os
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from write_side.identity.signing import Signer, load_or_create_key


def random_sku() -> str:
    return f"T-{uuid.uuid4().hex[:12].upper()}"


@lru_cache(maxsize=1)
def signer() -> Signer:
    """The local provider's key the apps under test verify with (conftest points IDENTITY_KEY_FILE at it)."""
    return Signer(load_or_create_key(Path(os.environ["IDENTITY_KEY_FILE"])))


@lru_cache(maxsize=4096)
def bearer(user_id: str, *roles: str) -> dict[str, str]:
    """Headers of a signed-in caller: a real access token from the local provider's key."""
    token = signer().access_token(user_id, list(roles), str(uuid.uuid4()), "0" * 64)
    return {"Authorization": f"Bearer {token}"}


def admin_headers(user_id: str | None = None) -> dict[str, str]:
    return bearer(user_id or str(uuid.uuid4()), "admin")


def customer_headers(customer_id: str) -> dict[str, str]:
    return bearer(customer_id, "customer")


def user_of(headers: dict[str, str]) -> str:
    """The user id a bearer header carries."""
    import jwt

    token = headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


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


async def mark_paid(client: AsyncTestClient, order_id: str) -> dict[str, Any]:  # type: ignore[type-arg]
    """Settle an order the way an admin records a bank transfer (Stripe's path has tests of its own)."""
    response = await client.post(
        f"/api/v1/orders/{order_id}/mark-paid",
        headers=admin_headers(),
        json={"reference": f"bank-{order_id}"},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
