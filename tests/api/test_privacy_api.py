"""GDPR: a customer exports everything held about them, then is forgotten everywhere."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import Settings, libpq_url
from projections.search_projection import SearchProjectionRunner
from read_side.search.port import SearchRequest
from read_side.search.tantivy_index import TantivyEngine
from tests.advisor.model_stub import model_stub
from tests.conftest import make_test_app
from tests.factories import admin_headers, create_product, mark_paid
from tests.projection_helpers import catch_up
from tests.waiting import wait_for
from write_side.adapters.event_log import EventLogReader
from write_side.adapters.tables import metadata
from write_side.contracts.events import LogCursor, encode_event

Client = AsyncTestClient  # type: ignore[type-arg]
PASSWORD = "a long enough secret"
CONFIRM = {"confirm": "erase my personal data"}


async def _shopper(client: Client) -> tuple[dict[str, Any], str, str]:
    marker = uuid.uuid4().hex[:10]
    email, name = f"gdpr-{marker}@example.com", f"Quirinus {marker}"
    r = await client.post(
        "/api/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "display_name": name, "country": "NL"},
    )
    assert r.status_code == 201, r.text
    return r.json(), email, name


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _order(client: Client, tokens: dict[str, Any], name: str) -> str:
    product = await create_product(client)
    r = await client.post(
        "/api/v1/orders",
        headers=_bearer(tokens),
        json={
            "lines": [{"product_id": product["id"], "quantity": 1}],
            "shipping": {
                "country": "NL",
                "address": {
                    "name": name,
                    "line1": "Keizersgracht 1",
                    "city": "Amsterdam",
                    "postal_code": "1015",
                },
            },
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _project(redis: aioredis.Redis, database_url: str, search_dir: Path) -> None:
    await catch_up(redis, database_url)
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = SearchProjectionRunner(reader, TantivyEngine(search_dir))
        while await runner.step():
            pass
        await runner.close()


async def test_export_holds_profile_account_orders_and_opened_personal_fields(client: Client) -> None:
    tokens, email, name = await _shopper(client)
    order_id = await _order(client, tokens, name)
    r = await client.get("/api/v1/me/export", headers=_bearer(tokens))
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"] and r.headers["cache-control"] == "no-store"
    data = r.json()
    assert data["profile"]["email"] == email and data["profile"]["display_name"] == name
    assert data["account"]["roles"] == ["customer"] and len(data["account"]["sessions"]) == 1
    (order,) = data["orders"]
    assert order["order_id"] == order_id and order["lines"][0]["quantity"] == 1 and order["ledger"]
    opened = [e["personal_data"] for e in data["personal_events"]]
    assert {"email": email, "display_name": name} in opened
    assert any(p.get("address.name") == name for p in opened)
    assert data["subscriptions"] == []
    assert data["eco_points"] == [] and data["challenges"] == [] and data["provenance_actions"] == []
    assert (await client.get("/api/v1/me/export")).status_code == 401


async def test_erasure_leaves_the_email_and_name_nowhere(
    client: Client,
    engine: AsyncEngine,
    redis_client: aioredis.Redis,
    database_url: str,
    search_dir: Path,
) -> None:
    tokens, email, name = await _shopper(client)
    order_id = await _order(client, tokens, name)
    # An admin's stored idempotent response shows the person too: it must go as well.
    admin_made = await client.post(
        "/api/v1/customers",
        headers={**admin_headers(), "Idempotency-Key": uuid.uuid4().hex},
        json={"email": f"x{email}", "display_name": name, "country": "NL"},
    )
    assert admin_made.status_code == 201
    await _project(redis_client, database_url, search_dir)
    assert await _found_in_tables(engine, name)  # the check can see the person before erasure

    refused = await client.post("/api/v1/me/erase", headers=_bearer(tokens), json={"confirm": "yes"})
    assert refused.status_code == 400 and "erase my personal data" in refused.json()["detail"]
    erased = await client.post("/api/v1/me/erase", headers=_bearer(tokens), json=CONFIRM)
    assert erased.status_code == 200, erased.text
    assert erased.json()["pseudonym"].startswith("Shopper ")
    again = await client.post("/api/v1/me/erase", headers=_bearer(tokens), json=CONFIRM)
    assert again.status_code == 200 and again.json() == erased.json()
    await _project(redis_client, database_url, search_dir)

    assert not await _found_in_tables(engine, email, exclude_customer=f"x{email}")
    assert not await _found_in_tables(engine, name, exclude_customer=f"x{email}")
    for needle in (email, name):
        assert not await _found_in_event_payloads(database_url, needle)
        assert not await _found_in_redis(redis_client, needle)
        hits = await TantivyEngine(search_dir).search(SearchRequest(q=needle.split("@")[0]))
        assert hits.total == 0

    export = (await client.get("/api/v1/me/export", headers=_bearer(tokens))).json()
    assert export["profile"]["email"].endswith("@erased.invalid") and export["profile"]["erased_at"]
    assert export["account"] is None
    assert all(v == "[erased]" for e in export["personal_events"] for v in e["personal_data"].values())
    assert [o["order_id"] for o in export["orders"]] == [order_id]  # amounts stay for the legal record

    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    signin = await client.post("/api/v1/auth/signin", json={"email": email, "password": PASSWORD})
    assert signin.status_code == 401
    dashboard = await redis_client.keys(f"*dashboard:{tokens['user_id']}")
    assert dashboard and b'"erased":true' in (await redis_client.get(dashboard[0]) or b"")


async def _found_in_tables(engine: AsyncEngine, needle: str, exclude_customer: str | None = None) -> bool:
    """Whether any row of any table, as text, contains ``needle`` (bytea columns decoded too)."""
    async with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = await conn.execute(
                text(f"SELECT convert_from(convert_to(t::text, 'UTF8'), 'UTF8') FROM {table.name} t")
            )
            for (row,) in rows:
                if exclude_customer and exclude_customer in row:
                    continue  # the other customer the admin registered, who was not erased
                if needle in row or needle.encode().hex() in row:
                    return True
    return False


async def _found_in_event_payloads(database_url: str, needle: str) -> bool:
    """Every event as the projections receive it."""
    async with EventLogReader(libpq_url(database_url)) as reader:
        cursor = LogCursor()
        while events := await reader.read_from(cursor, 1000):
            if any(needle.encode() in encode_event(e.event) for e in events):
                return True
            cursor = events[-1].cursor
    return False


async def _found_in_redis(redis: aioredis.Redis, needle: str) -> bool:
    raw = needle.encode()
    async for key in redis.scan_iter(count=1000):
        if raw in key:
            return True
        kind = (await redis.type(key)).decode()
        if kind == "string":
            values = [await redis.get(key) or b""]
        elif kind == "hash":
            values = [k + v for k, v in (await redis.hgetall(key)).items()]
        elif kind == "zset":
            values = list(await redis.zrange(key, 0, -1))
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "list":
            values = list(await redis.lrange(key, 0, -1))
        else:
            values = [msgspec.json.encode(kind)]
        if any(raw in v for v in values):
            return True
    return False


async def test_the_advisor_keeps_no_conversation_so_erasure_leaves_nothing_of_it(
    settings: Settings,
    engine: AsyncEngine,
    redis_client: aioredis.Redis,
    database_url: str,
    search_dir: Path,
) -> None:
    """No history is kept (README, "Advisor"): questions and answers live only in the shopper's browser tab."""
    marker = f"zebra{uuid.uuid4().hex[:10]}"
    with model_stub() as stub:  # with a model too: its wording is not kept either
        configured = replace(settings, advisor_llm_url=stub.url, advisor_llm_model="good")
        async with AsyncTestClient(app=make_test_app(configured), timeout=30) as client:
            tokens, _, name = await _shopper(client)
            await mark_paid(client, await _order(client, tokens, name))
            product = await create_product(client)

            async def projected() -> tuple[int, str]:
                # One pass can stop short: the log is read below the server's oldest open transaction,
                # and other databases' transactions on this shared server count too.
                await _project(redis_client, database_url, search_dir)
                card = await client.get(f"/api/v1/catalog/products/{product['id']}")
                orders = await client.get("/api/v1/me/orders", headers=_bearer(tokens))
                return card.status_code, orders.text

            await wait_for(projected, lambda seen: seen[0] == 200 and '"paid"' in seen[1])
            answers, worded = [], []
            for question in (
                f"which of my purchases had the biggest footprint? {marker}",
                f"how much have I saved this year {marker}",
                f"greener alternative to {marker}",
                # A product's card alone answers this one, whatever other tests did to the order views
                # this session shares: the model is sure to word at least one answer.
                f"why is the footprint of {product['id']} what it is? {marker}",
            ):
                r = await client.post(
                    "/api/v1/advisor/ask", headers=_bearer(tokens), json={"question": question}
                )
                assert r.status_code == 200, r.text
                answers.append(r.json()["text"])
                worded.append(r.json()["wording"])
            assert "model" in worded and stub.requests, answers
            await _project(redis_client, database_url, search_dir)
            for needle in (marker, *answers):
                assert not await _found_in_tables(engine, needle)
                assert not await _found_in_event_payloads(database_url, needle)
                assert not await _found_in_redis(redis_client, needle)
            erased = await client.post("/api/v1/me/erase", headers=_bearer(tokens), json=CONFIRM)
            assert erased.status_code == 200, erased.text
            await _project(redis_client, database_url, search_dir)
            export = (await client.get("/api/v1/me/export", headers=_bearer(tokens))).json()
            assert marker not in msgspec.json.encode(export).decode()
    assert not [k async for k in redis_client.scan_iter(match="*advisor*")]
    assert not await _found_in_redis(redis_client, marker)
