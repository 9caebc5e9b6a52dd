"""Personal data never sits in clear in the event log, and shredding a key erases it."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_customer, create_product, customer_headers
from write_side.adapters import vault
from write_side.contracts.events import CustomerRegistered, OrderPlaced, decode_event


async def test_personal_fields_are_sealed_and_shredding_erases_them(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    customer = await create_customer(client)
    product = await create_product(client)
    r = await client.post(
        "/api/v1/orders",
        headers=customer_headers(customer),
        json={
            "lines": [{"product_id": product["id"], "quantity": 1}],
            "shipping": {
                "country": "NL",
                "address": {
                    "name": "Noor Visser",
                    "line1": "Keizersgracht 1",
                    "city": "Amsterdam",
                    "postal_code": "1015CJ",
                },
            },
        },
    )
    assert r.status_code == 201
    async with engine.connect() as conn:
        rows = (
            (
                await conn.execute(
                    text("SELECT payload::text FROM event_log WHERE stream_id IN (:c, :o) ORDER BY position"),
                    {"c": f"customer-{customer}", "o": f"order-{r.json()['id']}"},
                )
            )
            .scalars()
            .all()
        )
        email = (
            await conn.execute(text("SELECT email FROM customers WHERE customer_id = :c"), {"c": customer})
        ).scalar_one()
        registered, placed = (decode_event(p) for p in rows)
        for clear in (email, "Test Shopper", "Noor Visser", "Keizersgracht", "Amsterdam", "1015CJ"):
            assert all(clear not in payload for payload in rows), f"{clear} in clear in the log"

        assert isinstance(registered, CustomerRegistered) and isinstance(placed, OrderPlaced)
        assert placed.address is not None
        key = await vault.fetch_key(conn, customer)
        assert vault.unseal(key, registered.email, "email") == email
        assert vault.unseal(key, placed.address.city, "address.city") == "Amsterdam"

        assert await vault.shred_key(conn, customer)
        await conn.commit()
        gone = await vault.fetch_key(conn, customer)
    assert gone is None
    assert vault.unseal(gone, registered.email, "email") == vault.ERASED
    assert vault.unseal(gone, placed.address.name, "address.name") == vault.ERASED
