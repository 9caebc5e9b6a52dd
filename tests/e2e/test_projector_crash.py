"""A real projector process killed with SIGKILL at random moments loses and doubles nothing.

While orders keep arriving, the `ecolaura project` daemon is killed several
times (SIGKILL: no cleanup, possibly mid-batch) and restarted. After it catches
up, every read model must equal a clean rebuild from the log.
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
from pathlib import Path

import msgspec
import pytest
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from tests.projection_helpers import catch_up, snapshot
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import commands as c
from write_side.service_layer.messagebus import MessageBus

pytestmark = pytest.mark.slow
ADMIN = c.Actor(str(uuid.uuid4()), "admin")


async def _shop(bus: MessageBus) -> tuple[list[str], list[str]]:
    products = []
    for i in range(8):
        reply = await bus.handle(
            c.CreateProduct(
                sku=f"K-{uuid.uuid4().hex[:10].upper()}",
                name=f"Kill test {i}",
                description="",
                category="kill-test",
                brand="B",
                price_minor=500 + i,
                currency="EUR",
                weight_kg=1.0,
                materials=(c.MaterialInput("wool", 0.5),),
                origin_country="PT",
                packaging="paper",
                status="active",
                initial_stock=100_000,
            ),
            ADMIN,
        )
        products.append(msgspec.json.decode(reply.body)["id"])
    customers = [str(uuid.uuid4()) for _ in range(5)]
    for cid in customers:
        await bus.handle(c.RegisterCustomer(f"{cid}@example.com", "Kill", "NL", cid), ADMIN)
    return products, customers


async def _orders(bus: MessageBus, products: list[str], customers: list[str], count: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        customer = rng.choice(customers)
        lines = tuple(c.OrderLineInput(p, rng.randint(1, 3)) for p in rng.sample(products, 2))
        reply = await bus.handle(c.PlaceOrder(lines, "NL", "standard"), c.Actor(customer, "customer"))
        order_id = msgspec.json.decode(reply.body)["id"]
        if rng.random() < 0.5:
            await bus.handle(c.SettlePayment(order_id, f"pi_{order_id}"), c.Actor(customer, "admin"))


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecolaura.cli", "project", "--batch-size", "7"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_sigkilled_projector_ends_identical_to_a_clean_rebuild(
    engine: AsyncEngine, database_url: str, clean_redis: str, redis_client: aioredis.Redis, tmp_path: Path
) -> None:
    bus = MessageBus(engine)
    products, customers = await _shop(bus)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": clean_redis,
        "LOG_LEVEL": "WARNING",
        "ECOLAURA_VAR_DIR": str(tmp_path / "var"),
    }
    rng = random.Random(11)
    kills, checkpoints = 0, []
    for round_no in range(5):
        daemon = _start(env)
        writing = asyncio.create_task(_orders(bus, products, customers, 40, seed=round_no))
        await asyncio.sleep(rng.uniform(1.5, 3.0))  # start-up takes about a second; then it is mid-stream
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
        kills += daemon.returncode == -signal.SIGKILL
        generation = int(await redis_client.get("el:product_cards:live") or 1)
        checkpoints.append(await redis_client.get(f"el:product_cards:g{generation}:checkpoint"))
        await writing
    assert kills == 5
    assert len(set(checkpoints)) >= 3, f"the daemon made too little progress between kills: {checkpoints}"

    daemon = _start(env)  # the survivor catches up...
    try:
        deadline = time.monotonic() + 60
        while True:
            statuses = [await redis_client.hget(f"el:{name}:status", "lag_events") for name in PROJECTIONS]
            if all(s == b"0" for s in statuses):
                break
            assert time.monotonic() < deadline, f"projector did not catch up: {statuses}"
            await asyncio.sleep(0.3)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)
    await catch_up(redis_client, database_url)  # anything that landed between the last report and SIGTERM

    for name, projection in PROJECTIONS.items():
        survived = await snapshot(redis_client, name)
        async with EventLogReader(libpq_url(database_url)) as reader:
            await rebuild(projection, redis_client, reader)
        assert await snapshot(redis_client, name) == survived, f"{name} differs from a clean rebuild"
