"""Property: any sequence of commands keeps journals balanced, stock consistent, streams gap-free.

Hypothesis generates command sequences; each runs through the real message bus
and PostgreSQL. Rejected commands (domain errors) are part of the game. After
each sequence the database is checked against a simple model of what the
accepted commands must have done.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.database import make_engine
from write_side.contracts import commands as c
from write_side.domain.errors import DomainError
from write_side.service_layer.messagebus import MessageBus

ADMIN = c.Actor(str(uuid.uuid4()), "admin")
N_PRODUCTS, N_CUSTOMERS = 3, 2

lines = st.lists(st.tuples(st.integers(0, N_PRODUCTS - 1), st.integers(1, 6)), min_size=1, max_size=3)
step = st.one_of(
    st.tuples(
        st.just("place"),
        st.integers(0, N_CUSTOMERS - 1),
        lines,
        st.sampled_from(["standard", "express", "slow-green"]),
    ),
    st.tuples(st.just("pay"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("ship"), st.integers(0, 20)),
    st.tuples(st.just("deliver"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 20), st.one_of(st.none(), st.integers(1, 5000))),
    st.tuples(st.just("adjust"), st.integers(0, N_PRODUCTS - 1), st.integers(-8, 8)),
)


async def _setup(bus: MessageBus, stock: list[int]) -> tuple[list[str], list[str]]:
    products = []
    for i, units in enumerate(stock):
        reply = await bus.handle(
            c.CreateProduct(
                sku=f"H-{uuid.uuid4().hex[:10].upper()}",
                name=f"Thing {i}",
                description="",
                category="test",
                brand="B",
                price_minor=700 + 333 * i,
                currency="EUR",
                weight_kg=1.0,
                materials=(c.MaterialInput("wool", 0.5),),
                origin_country="PT",
                packaging="paper",
                status="active",
                initial_stock=units,
            ),
            ADMIN,
        )
        products.append(msgspec.json.decode(reply.body)["id"])
    customers = [str(uuid.uuid4()) for _ in range(N_CUSTOMERS)]
    for cid in customers:
        await bus.handle(c.RegisterCustomer(f"{cid}@example.com", "Prop", "FR", cid), ADMIN)
    return products, customers


def _command(s: tuple[object, ...], products: list[str], orders: list[str]) -> c.Command | None:
    kind = s[0]
    if kind == "place":
        _, _, picked, method = s
        return c.PlaceOrder(
            tuple(c.OrderLineInput(products[p], q) for p, q in picked),  # type: ignore[attr-defined]
            "FR",
            str(method),
        )
    if kind == "adjust":
        return c.AdjustStock(products[s[1]], int(s[2])) if s[2] else None  # type: ignore[index,call-overload]
    if not orders:
        return None
    oid = orders[int(s[1]) % len(orders)]  # type: ignore[call-overload]
    return {
        # The payment provider's verdict, as its webhook reports it.
        "pay": lambda: (
            c.FailPayment(oid, f"pi_{oid}", "card_declined") if s[2] else c.SettlePayment(oid, f"pi_{oid}")
        ),
        "cancel": lambda: c.CancelOrder(oid),
        "ship": lambda: c.ShipOrder(oid),
        "deliver": lambda: c.DeliverOrder(oid),
        "refund": lambda: c.RefundOrder(oid, s[2]),  # type: ignore[arg-type]
    }[str(kind)]()


async def _run(database_url: str, stock: list[int], steps: list[tuple[object, ...]]) -> None:
    engine = make_engine(database_url, pool_size=2)
    try:
        bus = MessageBus(engine)
        products, customers = await _setup(bus, stock)
        orders: list[str] = []
        for s in steps:
            command = _command(s, products, orders)
            if command is None:
                continue
            actor = c.Actor(customers[int(s[1])], "customer") if s[0] == "place" else ADMIN  # type: ignore[call-overload]
            try:
                reply = await bus.handle(command, actor)
            except DomainError:
                continue  # a rejected command must leave no trace; the checks below prove it
            if s[0] == "place":
                orders.append(msgspec.json.decode(reply.body)["id"])
        await _check(engine, products, orders)
    finally:
        await engine.dispose()


async def _check(engine: AsyncEngine, products: list[str], orders: list[str]) -> None:
    async with engine.connect() as conn:
        unbalanced = (
            await conn.execute(
                text(
                    "SELECT transaction_id FROM journal_entries GROUP BY transaction_id, currency "
                    "HAVING sum(amount_minor) <> 0"
                )
            )
        ).all()
        assert unbalanced == []
        order_rows = (
            await conn.execute(
                text(
                    "SELECT o.order_id::text, o.status, o.total_minor, o.refunded_minor, l.product_id::text, l.quantity "
                    "FROM orders o JOIN order_lines l USING (order_id) WHERE o.order_id = ANY(CAST(:ids AS uuid[]))"
                ),
                {"ids": orders},
            )
        ).all()
        held: dict[str, int] = defaultdict(int)
        for _, status, _, _, pid, qty in order_rows:
            if status in ("pending_payment", "paid"):
                held[pid] += qty
        for pid, on_hand, reserved in (
            await conn.execute(
                text(
                    "SELECT product_id::text, on_hand, reserved FROM stock_items "
                    "WHERE product_id = ANY(CAST(:ids AS uuid[]))"
                ),
                {"ids": products},
            )
        ).all():
            assert 0 <= reserved <= on_hand
            assert reserved == held[pid], "reservations drifted from open orders"
        statuses = {oid: (status, total, refunded) for oid, status, total, refunded, _, _ in order_rows}
        for oid, (status, total, refunded) in statuses.items():
            balances = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT e.account, sum(e.amount_minor) FROM journal_entries e JOIN journal_transactions t "
                            "USING (transaction_id) WHERE t.order_id = :o GROUP BY e.account"
                        ),
                        {"o": oid},
                    )
                ).all()
            )
            owed = balances.get("customer_receivable", 0)
            clearing = balances.get("payment_clearing", 0)
            assert owed == (total if status == "pending_payment" else 0), (status, balances)
            assert clearing == (0 if status in ("pending_payment", "cancelled") else total - refunded)
        gaps = (
            await conn.execute(
                text(
                    "SELECT stream_id FROM event_log GROUP BY stream_id "
                    "HAVING max(stream_version) <> count(*) OR min(stream_version) <> 1"
                )
            )
        ).all()
        assert gaps == [], "a stream has a gap or a duplicate version"


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stock=st.lists(st.integers(0, 12), min_size=N_PRODUCTS, max_size=N_PRODUCTS),
    steps=st.lists(step, min_size=1, max_size=25),
)
def test_random_command_sequences_keep_every_invariant(
    database_url: str, stock: list[int], steps: list[tuple[object, ...]]
) -> None:
    asyncio.run(_run(database_url, stock, steps))
