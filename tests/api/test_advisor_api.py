"""The advisor over HTTP: anonymous catalog questions, personal ones for a signed-in shopper only."""

from __future__ import annotations

import re
from dataclasses import replace

import msgspec
import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from ecolaura.settings import Settings
from read_side.advisor.model import Fact, unsupported_numbers
from tests.advisor.model_stub import model_stub
from tests.conftest import make_test_app
from tests.factories import create_customer, create_product, customer_headers, mark_paid, place_order
from tests.projection_helpers import catch_up
from tests.waiting import wait_for

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


async def test_personal_questions_need_a_shopper_and_every_number_is_a_fact(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
) -> None:
    asked = "which of my purchases had the biggest footprint?"
    anonymous = await client.post("/api/v1/advisor/ask", json={"question": asked})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")

    product = await create_product(client, initial_stock=5)
    customer = await create_customer(client)
    order = await place_order(client, customer, (product["id"], 2))
    await mark_paid(client, order["id"])
    await catch_up(redis_client, database_url)
    answer = await client.post(
        "/api/v1/advisor/ask", json={"question": asked}, headers=customer_headers(customer)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["intent"] == "biggest_purchase" and body["facts"]
    facts = [msgspec.convert(f, Fact) for f in body["facts"]]
    assert unsupported_numbers(body["text"], facts) == [], body  # what the server checked, checked again

    other = await create_customer(client)
    theirs = await client.post(
        "/api/v1/advisor/ask", json={"question": asked}, headers=customer_headers(other)
    )
    assert theirs.status_code == 200 and order["id"] not in theirs.text  # never another shopper's orders

    chat = await client.post("/api/v1/advisor/ask", json={"question": "tell me a joke"})
    assert chat.status_code == 200 and chat.json()["intent"] == "fallback"
    assert not NUMBER.search(chat.json()["text"])
    empty = await client.post("/api/v1/advisor/ask", json={"question": ""})
    assert empty.status_code == 400
    assert body["wording"] == "template" and "fallback_reason" not in body  # no model configured


async def test_a_configured_model_words_answers_and_a_failing_one_never_costs_a_5xx(
    settings: Settings, redis_client: aioredis.Redis, database_url: str
) -> None:
    with model_stub() as stub:
        for model, wording, reason in (("good", "model", None), ("broken", "template", "http_error")):
            configured = replace(
                settings, advisor_llm_url=stub.url, advisor_llm_model=model, advisor_llm_timeout=1.0
            )
            async with AsyncTestClient(app=make_test_app(configured), timeout=30) as client:
                product = await create_product(client, initial_stock=5)
                card = f"/api/v1/catalog/products/{product['id']}"

                async def projected(card: str = card) -> int:
                    await catch_up(redis_client, database_url)  # one pass can stop short of the head
                    return (await client.get(card)).status_code

                await wait_for(projected, lambda status: status == 200)
                asked = f"why is the footprint of {product['id']} what it is?"
                r = await client.post("/api/v1/advisor/ask", json={"question": asked})
                assert r.status_code == 200, r.text
                body = r.json()
                assert body["intent"] == "explain" and body["wording"] == wording
                assert body.get("fallback_reason") == reason
                facts = [msgspec.convert(f, Fact) for f in body["facts"]]
                assert unsupported_numbers(re.sub(r"\[[^\]]*\]", " ", body["text"]), facts) == []
                if model == "good":  # a caller that shows no text asks for no wording: no call
                    calls = len(stub.requests)
                    plain = await client.post(
                        "/api/v1/advisor/ask", json={"question": asked, "use_model": False}
                    )
                    assert plain.status_code == 200 and plain.json()["wording"] == "template"
                    assert "fallback_reason" not in plain.json() and len(stub.requests) == calls
                metrics = (await client.get("/metrics")).text
                assert (
                    f'ecolaura_advisor_wording_total{{reason="{reason or ""}",wording="{wording}"}}'
                    in metrics
                )
        assert stub.requests and all(r["messages"][1]["content"] for r in stub.requests)
