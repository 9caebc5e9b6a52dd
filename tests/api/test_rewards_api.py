"""Challenges, rewards and live leaderboards through the HTTP API, judged by the ledger in PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from projections.projectors.rewards import Rewards
from projections.rebuild import rebuild
from read_side.badges import verify_credential
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up, snapshot
from write_side.adapters.event_log import EventLogReader

ADMIN = admin_headers()


def challenge_body(**overrides: Any) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {
        "title": "Two slow-green orders",
        "description": "Choose slow-green shipping twice this month.",
        "goal": {"measure": "orders", "threshold": 2, "filter": {"shipping_method": "slow-green"}},
        "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "time_zone": "Europe/Paris",
        "reward_points": 100,
    } | overrides


async def ledger_balance(engine: AsyncEngine, customer_id: str) -> int:
    """The customer's eco points in the ledger: what the platform owes them."""
    async with engine.connect() as conn:
        owed = await conn.scalar(
            text(
                "SELECT coalesce(sum(amount_minor), 0) FROM journal_entries "
                "WHERE account = 'eco_points_outstanding' AND party_id = :c"
            ),
            {"c": customer_id},
        )
    return -int(owed)


async def settle(client: AsyncTestClient, order_id: str) -> None:  # type: ignore[type-arg]
    await mark_paid(client, order_id)
    for step in ("ship", "deliver"):
        response = await client.post(f"/api/v1/orders/{order_id}/{step}", headers=ADMIN)
        assert response.status_code == 200, response.text


async def rewards_of(client: AsyncTestClient, customer_id: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await client.get("/api/v1/me/rewards", headers=customer_headers(customer_id))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_challenge_is_rewarded_once_when_reached_and_taken_back_by_a_refund(
    client: AsyncTestClient,  # type: ignore[type-arg]
    engine: AsyncEngine,
    redis_client: aioredis.Redis,
    database_url: str,
) -> None:
    created = await client.post("/api/v1/challenges", json=challenge_body(), headers=ADMIN)
    assert created.status_code == 201, created.text
    challenge = created.json()["id"]
    product = await create_product(client, initial_stock=20)
    customer = await create_customer(client, "FR")
    me = customer_headers(customer)

    joined = await client.post(f"/api/v1/challenges/{challenge}/join", headers=me)
    assert joined.status_code == 200 and joined.json()["progress"] == 0 and not joined.json()["completed"]
    first = await place_order(client, customer, (product["id"], 1), country="FR", method="slow-green")
    await settle(client, first["id"])
    standard = await place_order(client, customer, (product["id"], 1), country="FR")  # not counted
    await settle(client, standard["id"])
    second = await place_order(client, customer, (product["id"], 1), country="FR", method="slow-green")
    await settle(client, second["id"])

    again = await client.post(f"/api/v1/challenges/{challenge}/join", headers=me)
    assert again.json() == {
        "challenge_id": challenge,
        "customer_id": customer,
        "progress": 2.0,
        "threshold": 2.0,
        "completed": True,
        "rewarded_points": 100,
    }
    await catch_up(redis_client, database_url)
    rewards = await rewards_of(client, customer)
    assert rewards["balance"] == await ledger_balance(engine, customer)
    assert rewards["challenge_points"] == 100 and rewards["balance"] == rewards["order_points"] + 100
    (entry,) = rewards["challenges"]
    assert entry["progress"] == 2.0 and entry["reached"] and entry["rewarded_points"] == 100
    assert "first-green-order" in {b["id"] for b in rewards["badges"]}
    assert "slow-and-steady" in {b["id"] for b in rewards["badges"]}
    badge = next(b for b in rewards["badges"] if b["id"] == "slow-and-steady")
    download = await client.get(badge["credential_url"], headers=me)
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/vc+jwt")
    jwks = (await client.get("/api/v1/badges/jwks.json")).json()
    credential = verify_credential(download.text, jwks)
    assert credential["credentialSubject"]["id"] == f"urn:uuid:{customer}"
    assert credential["credentialSubject"]["achievement"]["name"] == "Slow and steady"
    assert (await client.get("/api/v1/me/badges/season-streak/credential", headers=me)).status_code == 404
    profile = (await client.get("/api/v1/badges/issuer")).json()
    assert profile["id"] == (
        credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    )

    refunded = await client.post(f"/api/v1/orders/{second['id']}/refund", headers=ADMIN, json={})
    assert refunded.status_code == 200
    await catch_up(redis_client, database_url)
    rewards = await rewards_of(client, customer)
    assert rewards["balance"] == await ledger_balance(engine, customer)
    assert rewards["challenge_points"] == 0 and rewards["challenges"][0]["progress"] == 1.0
    async with engine.connect() as conn:
        stream = await conn.execute(
            text("SELECT event_type FROM event_log WHERE stream_id = :s ORDER BY stream_version"),
            {"s": f"challenge-{challenge}-{customer}"},
        )
        assert [r[0] for r in stream] == ["ChallengeJoined", "ChallengeCompleted", "ChallengeRewardReversed"]

    listed = (await client.get("/api/v1/challenges")).json()
    mine = next(c for c in listed["items"] if c["id"] == challenge)
    assert mine["participants"] == 1 and mine["completions"] == 0 and mine["status"] == "active"


async def test_challenge_input_is_checked_with_clear_problems(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    today = datetime.now(UTC).date()
    cases = [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"ends_on": (today - timedelta(days=5)).isoformat()}, "ends_on"),
        ({"goal": {"measure": "orders", "threshold": 0}}, None),
        ({"goal": {"measure": "vibes", "threshold": 1}}, None),
        ({"reward_points": 0}, None),
    ]
    for change, field in cases:
        response = await client.post("/api/v1/challenges", json=challenge_body(**change), headers=ADMIN)
        assert response.status_code in (400, 422), (change, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert response.json()["extra"]["field"] == field
    customer = await create_customer(client)
    forbidden = await client.post(
        "/api/v1/challenges", json=challenge_body(), headers=customer_headers(customer)
    )
    assert forbidden.status_code == 403
    missing = await client.post(f"/api/v1/challenges/{uuid.uuid4()}/join", headers=customer_headers(customer))
    assert missing.status_code == 404
    past = challenge_body(
        starts_on=(today - timedelta(days=40)).isoformat(), ends_on=(today - timedelta(days=10)).isoformat()
    )
    ended = (await client.post("/api/v1/challenges", json=past, headers=ADMIN)).json()["id"]
    late = await client.post(f"/api/v1/challenges/{ended}/join", headers=customer_headers(customer))
    assert late.status_code == 409 and late.json()["title"] == "Challenge ended"


async def test_live_leaderboards_rank_pseudonyms_show_my_rank_and_honour_opting_out(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
) -> None:
    product = await create_product(client, initial_stock=50)
    shoppers = [await create_customer(client) for _ in range(3)]
    for n, shopper in enumerate(shoppers, start=1):
        order = await place_order(client, shopper, (product["id"], n), method="slow-green")
        await settle(client, order["id"])
    await catch_up(redis_client, database_url)

    top, me = shoppers[2], customer_headers(shoppers[0])
    for period in ("week", "month", "all"):
        board = (await client.get(f"/api/v1/leaderboards/eco-points?period={period}", headers=me)).json()
        names = [e["name"] for e in board["entries"]]
        assert names.index(f"Shopper {top[-8:]}") < names.index(f"Shopper {shoppers[0][-8:]}")
        assert board["you"]["rank"] == names.index(f"Shopper {shoppers[0][-8:]}") + 1
        assert all("@" not in name for name in names)

    hidden = await client.put("/api/v1/me/leaderboard-visibility", json={"visible": False}, headers=me)
    assert hidden.status_code == 200 and hidden.json() == {"visible": False}
    await catch_up(redis_client, database_url)
    for board_name in ("eco-points", "co2e-saved"):
        for period in ("week", "month", "all"):
            board = (
                await client.get(f"/api/v1/leaderboards/{board_name}?period={period}", headers=me)
            ).json()
            assert f"Shopper {shoppers[0][-8:]}" not in [e["name"] for e in board["entries"]]
            assert board["you"] == {"visible": False, "rank": None, "value": None}
    await client.put("/api/v1/me/leaderboard-visibility", json={"visible": True}, headers=me)
    await catch_up(redis_client, database_url)
    board = (await client.get("/api/v1/leaderboards/co2e-saved?period=all", headers=me)).json()
    assert board["you"]["visible"] and board["you"]["rank"] is not None
    anonymous = (await client.get("/api/v1/leaderboards/co2e-saved?period=all")).json()
    assert anonymous["you"] is None and anonymous["entries"]


async def test_rebuilding_rewards_reproduces_points_badges_progress_and_boards(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
) -> None:
    challenge = (await client.post("/api/v1/challenges", json=challenge_body(), headers=ADMIN)).json()["id"]
    product = await create_product(client, initial_stock=20)
    customer = await create_customer(client)
    await client.post(f"/api/v1/challenges/{challenge}/join", headers=customer_headers(customer))
    orders = [await place_order(client, customer, (product["id"], 1), method="slow-green") for _ in range(3)]
    for order in orders:
        await settle(client, order["id"])
    await client.post(f"/api/v1/orders/{orders[0]['id']}/refund", headers=ADMIN, json={"amount_minor": 100})
    await client.put(
        "/api/v1/me/leaderboard-visibility", json={"visible": False}, headers=customer_headers(customer)
    )
    await catch_up(redis_client, database_url, ["rewards"])
    before = await snapshot(redis_client, "rewards")
    async with EventLogReader(libpq_url(database_url)) as reader:
        await rebuild(Rewards(), redis_client, reader)
    assert await snapshot(redis_client, "rewards") == before
