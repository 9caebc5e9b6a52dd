"""A real projector process killed with SIGKILL at random moments loses, doubles and hides nothing.

While concurrent writers place, pay, ship, deliver, refund and cancel orders on a few shared
products, the `ecolaura project` daemon is killed several times (SIGKILL: no
cleanup, possibly mid-batch) and restarted. After each kill the status must say
within two seconds that nobody projects any more (not "lag 0" from the dead
process's last report). Once a new projector has really caught up, every read
model must equal what PostgreSQL says, and equal a clean rebuild.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from projections.heartbeats import STALE_AFTER
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from projections.status import SERVING, PlatformStatus, platform_status
from read_side.search.tantivy_index import TantivyEngine
from tests.projection_helpers import snapshot
from tests.read_model_truth import Entities, disagreements, search_disagreements
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import commands as c
from write_side.contracts.challenges import Goal, OrderFilter
from write_side.domain.errors import DomainError
from write_side.service_layer.messagebus import MessageBus

pytestmark = pytest.mark.slow
ADMIN = c.Actor(str(uuid.uuid4()), "admin")


async def _shop(bus: MessageBus) -> Entities:
    shop = Entities(category=f"kill-{uuid.uuid4().hex[:8]}")
    for i in range(6):
        reply = await bus.handle(
            c.CreateProduct(
                sku=f"K-{uuid.uuid4().hex[:10].upper()}",
                name=f"Kill test {i}",
                description="",
                category=shop.category,
                brand="B",
                price_minor=500 + i,
                currency="EUR",
                weight_kg=1.0,
                materials=(c.MaterialInput("wool", 0.5),),
                origin_country="PT",
                packaging="paper",
                status="active",
                initial_stock=400,
            ),
            ADMIN,
        )
        shop.products.append(msgspec.json.decode(reply.body)["id"])
    today = datetime.now(UTC).date()
    reply = await bus.handle(
        c.CreateChallenge(
            "Two slow-green orders",
            "Rewards granted and taken back while the projector dies",
            Goal(measure="orders", threshold=2, filter=OrderFilter(shipping_method="slow-green")),
            today - timedelta(days=1),
            today + timedelta(days=1),
            "UTC",
            50,
        ),
        ADMIN,
    )
    challenge = msgspec.json.decode(reply.body)["id"]
    for cid in (str(uuid.uuid4()) for _ in range(5)):
        await bus.handle(c.RegisterCustomer(f"{cid}@example.com", "Kill", "NL", cid), ADMIN)
        await bus.handle(c.JoinChallenge(challenge), c.Actor(cid, "customer"))
        shop.customers.append(cid)
    return shop


async def _writer(bus: MessageBus, shop: Entities, count: int, rng: random.Random) -> None:
    """One of several concurrent writers: orders on shared products, then a fate for each."""
    for _ in range(count):
        customer = rng.choice(shop.customers)
        lines = tuple(c.OrderLineInput(p, rng.randint(1, 3)) for p in rng.sample(shop.products, 2))
        try:
            method = rng.choice(["standard", "slow-green"])
            reply = await bus.handle(c.PlaceOrder(lines, "NL", method), c.Actor(customer, "customer"))
        except DomainError:  # out of stock: a race lost, nothing happened
            continue
        order_id = msgspec.json.decode(reply.body)["id"]
        fate = rng.random()
        if fate < 0.25:
            await bus.handle(c.CancelOrder(order_id), c.Actor(customer, "customer"))
        elif fate < 0.8:
            await bus.handle(c.SettlePayment(order_id, f"pi_{order_id}"), ADMIN)
            if fate < 0.5:
                await bus.handle(c.ShipOrder(order_id), ADMIN)
            if fate < 0.45:  # delivered: points (and maybe a challenge's reward) on the ledger
                await bus.handle(c.DeliverOrder(order_id), ADMIN)
            if fate < 0.35:  # then refunded in full: taken back again
                await bus.handle(c.RefundOrder(order_id), ADMIN)


async def _load(bus: MessageBus, shop: Entities, seed: int) -> None:
    await asyncio.gather(*(_writer(bus, shop, 12, random.Random(seed * 10 + w)) for w in range(4)))


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecolaura.cli", "project", "--batch-size", "7"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _serving(status: PlatformStatus) -> dict[str, tuple[str, int]]:
    return {p.name: (p.state, p.lag_events) for p in status.projections if p.name in SERVING}


async def _status_until(
    redis: aioredis.Redis, reader: EventLogReader, done: object, within: float
) -> tuple[PlatformStatus, float]:
    """Poll the status until ``done(status)``; the status and how long it took."""
    started = time.monotonic()
    while True:
        status = await platform_status(redis, reader)
        if done(status):  # type: ignore[operator]
            return status, time.monotonic() - started
        assert time.monotonic() - started < within, f"status never settled: {_serving(status)}"
        await asyncio.sleep(0.1)


async def test_sigkilled_projector_is_reported_stalled_and_ends_equal_to_postgresql(
    engine: AsyncEngine, database_url: str, clean_redis: str, redis_client: aioredis.Redis, tmp_path: Path
) -> None:
    bus = MessageBus(engine)
    shop = await _shop(bus)
    var = tmp_path / "var"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": clean_redis,
        "LOG_LEVEL": "WARNING",
        "ECOLAURA_VAR_DIR": str(var),
    }
    rng = random.Random(11)
    kills, checkpoints, noticed = 0, [], []
    async with EventLogReader(libpq_url(database_url)) as reader:
        for round_no in range(5):
            daemon = _start(env)
            writing = asyncio.create_task(_load(bus, shop, round_no))
            await _status_until(  # started (however slow the machine), so the kill lands mid-stream
                redis_client,
                reader,
                lambda s, pid=daemon.pid: all(
                    p.state == "live" and (p.reported_by or "").endswith(f":{pid}")
                    for p in s.projections
                    if p.name in SERVING
                ),
                within=60,
            )
            await asyncio.sleep(rng.uniform(0.1, 1.0))
            daemon.send_signal(signal.SIGKILL)
            daemon.wait(timeout=10)
            kills += daemon.returncode == -signal.SIGKILL
            # Nobody projects now: the status must say so soon, whatever the dead process last wrote.
            status, took = await _status_until(
                redis_client,
                reader,
                lambda s: all(state == "stalled" for state, _ in _serving(s).values()),
                within=STALE_AFTER + 3,
            )
            noticed.append(took)
            checkpoints.append(next(p.checkpoint for p in status.projections if p.name == "product_cards"))
            await writing
        assert kills == 5
        assert max(noticed) <= STALE_AFTER + 1.0, f"a dead projector looked alive for {max(noticed):.1f} s"
        assert len(set(checkpoints)) >= 3, f"the daemon made too little progress between kills: {checkpoints}"
        behind = await platform_status(redis_client, reader)
        assert any(lag > 0 for _, lag in _serving(behind).values()), "lag is counted now, not copied"

        daemon = _start(env)  # the survivor catches up; the status says so only when it is true
        try:
            await _status_until(
                redis_client,
                reader,
                lambda s: all(v == ("live", 0) for v in _serving(s).values()),
                within=90,
            )
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=20)

        wrong = await disagreements(redis_client, engine, shop)
        search = TantivyEngine(var / "search")
        wrong += await search_disagreements(search, engine, shop)
        assert wrong == [], "\n".join(wrong)
        for name, projection in PROJECTIONS.items():
            survived = await snapshot(redis_client, name)
            await rebuild(projection, redis_client, reader, grace_seconds=0)
            assert await snapshot(redis_client, name) == survived, f"{name} differs from a clean rebuild"
