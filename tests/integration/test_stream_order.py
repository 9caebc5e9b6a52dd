"""Read models agree with PostgreSQL after many writers race on the same few streams.

Requests go over real sockets to a served API, so orders, payments,
cancellations, refunds and stock receipts for the same products, orders and
customers really overlap in PostgreSQL and wait for each other's row locks. A
transaction gets its id at its first write, before it waits for such a lock,
so transaction-id order is not the order in which a stream changed: the reader
must still deliver each stream's events in stream order, live and in a rebuild.
Every Redis read model and the search index are then compared with the tables.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner
from projections.search_projection import SearchProjectionRunner, rebuild_search
from read_side.search.tantivy_index import TantivyEngine
from tests.factories import admin_headers, create_customer, create_product, customer_headers, order_body
from tests.read_model_truth import Entities, disagreements, scalar, search_disagreements
from write_side.adapters.event_log import EventLogReader

pytestmark = pytest.mark.slow

ADMIN = admin_headers()


class _Shop(Entities):
    """Hot products with little stock and a few customers, changed by racing requests in waves."""

    def __init__(self, http: httpx.AsyncClient, engine: AsyncEngine, seed: int) -> None:
        super().__init__(category=f"race-{uuid.uuid4().hex[:8]}")
        self.http, self.engine, self.rng = http, engine, random.Random(seed)
        self.orders: list[str] = []

    async def open(self) -> None:
        for stock in (10, 20, 6, 500):
            self.products.append(
                (await create_product(self.http, initial_stock=stock, category=self.category))["id"]
            )
        self.customers = [await create_customer(self.http) for _ in range(5)]

    async def place(self, i: int) -> None:
        customer = self.customers[i % len(self.customers)]
        lines = [(p, self.rng.randint(1, 2)) for p in self.rng.sample(self.products, self.rng.randint(1, 2))]
        # A retry-safe client sends a key; storing it is the transaction's first write, so the
        # transaction has its id before it queues for the stock rows' locks.
        headers = {**customer_headers(customer), "Idempotency-Key": str(uuid.uuid4())}
        r = await self.http.post("/api/v1/orders", json=order_body(*lines), headers=headers)
        assert r.status_code in (201, 409), r.text
        if r.status_code == 201:
            self.orders.append(str(r.json()["id"]))

    def _post(self, path: str, **kw: Any) -> Awaitable[httpx.Response]:
        headers = {**ADMIN, "Idempotency-Key": str(uuid.uuid4())}
        return self.http.post(path, headers=headers, **kw)

    async def settle(self, order_id: str) -> None:
        """Racing steps on one order: some are refused (409) because another won; that is the point."""
        paid = lambda: self._post(
            f"/api/v1/orders/{order_id}/mark-paid", json={"reference": f"bank-{order_id}"}
        )
        cancel = lambda: self._post(f"/api/v1/orders/{order_id}/cancel")
        roll = self.rng.random()
        if roll < 0.3:
            steps = [cancel]
        elif roll < 0.5:
            results = await asyncio.gather(paid(), cancel())
            assert {r.status_code for r in results} <= {200, 409}, [r.text for r in results]
            return
        else:
            steps = [paid, lambda: self._post(f"/api/v1/orders/{order_id}/ship")]
            if self.rng.random() < 0.5:
                steps.append(
                    lambda: self._post(f"/api/v1/orders/{order_id}/refund", json={"amount_minor": 100})
                )
        for step in steps:
            r = await step()
            assert r.status_code in (200, 409), r.text

    async def receive(self, product_id: str) -> None:
        for _ in range(3):
            r = await self._post(f"/api/v1/products/{product_id}/stock", json={"delta": 3})
            assert r.status_code == 200, r.text

    async def reprice(self, product_id: str) -> None:
        version = await scalar(
            self.engine, "SELECT version FROM products WHERE product_id = :p", p=product_id
        )
        r = await self.http.patch(
            f"/api/v1/products/{product_id}",
            json={"price_minor": self.rng.randint(500, 5000)},
            headers={**ADMIN, "If-Match": f'"{version}"'},
        )
        assert r.status_code in (200, 412), r.text

    def waves(self) -> list[Callable[[], Awaitable[None]]]:
        """Each wave ends with requests still racing, so its last events may commit out of order."""

        async def orders() -> None:
            await asyncio.gather(*(self.place(i) for i in range(60)))

        async def everything() -> None:
            settling, self.orders = self.orders, []
            work = [self.settle(o) for o in settling] + [self.place(i) for i in range(30)]
            work += [self.receive(p) for p in self.products] + [self.reprice(p) for p in self.products[:2]]
            await asyncio.gather(*work)

        return [orders, everything, orders, everything]


async def _streams_written_out_of_transaction_order(engine: AsyncEngine, shop: _Shop) -> int:
    """How many of the race's streams have a later version written by an older transaction."""
    return int(
        await scalar(
            engine,
            """SELECT count(DISTINCT stream_id) FROM (
                   SELECT stream_id, tx_id < lag(tx_id) OVER (PARTITION BY stream_id ORDER BY stream_version) AS back
                   FROM event_log WHERE stream_id = ANY(:streams)) s
               WHERE back""",
            streams=[f"stock-{p}" for p in shop.products] + [f"product-{p}" for p in shop.products],
        )
    )


async def _follow_until_caught_up(runners: list[Any]) -> None:
    while True:
        applied = 0
        for runner in runners:
            applied += await runner.step()
        if applied == 0:
            return


async def test_read_models_equal_postgresql_after_writers_race_on_the_same_streams(
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
    redis_client: aioredis.Redis,
    tmp_path: Path,
) -> None:
    search = TantivyEngine(tmp_path / "search")
    shops = [_Shop(http, engine, seed) for seed in (1, 2)]
    for shop in shops:
        await shop.open()
    async with EventLogReader(libpq_url(database_url)) as reader:
        runners: list[Any] = [
            ProjectionRunner(p, redis_client, reader, batch_size=50) for p in PROJECTIONS.values()
        ]
        runners.append(SearchProjectionRunner(reader, search, batch_size=50))

        async def compare(when: str) -> None:
            await _follow_until_caught_up(runners)
            await runners[-1].close()  # commits the search index's pending batch
            wrong = [w for shop in shops for w in await disagreements(redis_client, engine, shop)]
            wrong += [w for shop in shops for w in await search_disagreements(search, engine, shop)]
            assert wrong == [], f"{when}:\n" + "\n".join(wrong)

        stop = asyncio.Event()

        async def live() -> None:  # the projections follow the log while the writers race
            while not stop.is_set():
                await _follow_until_caught_up(runners)
                await asyncio.sleep(0.005)

        for wave in range(4):
            stop.clear()
            following = asyncio.create_task(live())
            await asyncio.gather(*(shop.waves()[wave]() for shop in shops))
            stop.set()
            await following
            await compare(f"live, after wave {wave + 1}")
        # The race is only a test of stream order if it really scrambled transaction ids.
        assert sum([await _streams_written_out_of_transaction_order(engine, shop) for shop in shops]) > 0

        for projection in PROJECTIONS.values():
            await rebuild(projection, redis_client, reader, grace_seconds=0)
        await rebuild_search(reader, search)
        await compare("after a rebuild")
    await search.close()
