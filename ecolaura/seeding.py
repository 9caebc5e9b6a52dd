"""Demo data through the real command path, so the event log tells the whole story.

Everything is derived from one seed: the catalog and customers come from
``ecolaura.demo_catalog``; orders pick customers and products by weight, are
spread over the last 18 months, and run their lifecycle (pay, ship, deliver,
cancel, refund) with a historical clock.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import msgspec
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.database import make_command_engine, make_engine
from ecolaura.demo_catalog import CustomerSpec, ProductSpec, generate_customers, generate_products
from ecolaura.runtime import tune_gc
from ecolaura.seed_provenance import Chains, chain_of, provenance_commands
from write_side.adapters.tables import products as products_table
from write_side.contracts import commands as c
from write_side.contracts.challenges import Goal, OrderFilter
from write_side.service_layer.messagebus import MessageBus

_now: ContextVar[str] = ContextVar("seed_now")
# Commands in flight at once, each worker with a connection of its own. Orders wait for each
# other only on the stock rows of the products they share (locked in id order, so never in a
# cycle), and more workers than this only queue longer behind the popular ones.
CONCURRENCY = 16
HISTORY_DAYS = 540
_METHODS = (("standard", 60), ("slow-green", 25), ("express", 15))
# Final state of each historical order, by share.
_OUTCOMES = (
    ("delivered", 70),
    ("shipped", 8),
    ("paid", 7),
    ("pending_payment", 5),
    ("cancelled", 6),
    ("refunded", 4),
)


@dataclass(frozen=True, slots=True)
class SeedPlan:
    products: int = 2000
    customers: int = 500
    orders: int = 3_000  # a first `ecolaura up` under a minute; `ecolaura seed --orders` for more
    seed: int = 42


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    customer: int
    lines: tuple[tuple[int, int], ...]  # (product index, quantity)
    method: str
    placed_at: datetime
    outcome: str


def plan_orders(
    plan: SeedPlan, catalog: list[ProductSpec], people: list[CustomerSpec], now: datetime
) -> list[PlannedOrder]:
    """Deterministic order history: who bought what, when, and how it ended."""
    rng = random.Random(plan.seed * 7919 + 1)
    sellable = [i for i, p in enumerate(catalog) if p.status == "active"]
    weights = [catalog[i].popularity for i in sellable]
    # A few loyal customers order often, as in any shop.
    loyalty = [rng.paretovariate(1.5) for _ in people]
    methods, method_w = [m for m, _ in _METHODS], [w for _, w in _METHODS]
    outcomes, outcome_w = [o for o, _ in _OUTCOMES], [w for _, w in _OUTCOMES]
    start = now - timedelta(days=HISTORY_DAYS)
    times = sorted(
        start + timedelta(seconds=rng.uniform(0, (HISTORY_DAYS - 14) * 86400)) for _ in range(plan.orders)
    )
    planned = []
    for placed_at in times:
        n_lines = min(len(sellable), rng.choices((1, 2, 3, 4), (45, 30, 17, 8))[0])
        chosen: dict[int, int] = {}
        while len(chosen) < n_lines:
            chosen[rng.choices(sellable, weights)[0]] = rng.choices((1, 2, 3), (70, 22, 8))[0]
        planned.append(
            PlannedOrder(
                customer=rng.choices(range(len(people)), loyalty)[0],
                lines=tuple(sorted(chosen.items())),
                method=rng.choices(methods, method_w)[0],
                placed_at=placed_at,
                outcome=rng.choices(outcomes, outcome_w)[0],
            )
        )
    return planned


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
    )


async def _run_all(
    items: list[object], work: Callable[[object], Awaitable[None]], progress: Progress, label: str
) -> None:
    """Run ``work`` on every item, ``CONCURRENCY`` at a time; the bar counts items finished."""
    task = progress.add_task(label, total=len(items), rate="")
    queue: asyncio.Queue[object] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    loop = asyncio.get_running_loop()
    started, done = loop.time(), 0

    async def worker() -> None:
        nonlocal done
        while not queue.empty():
            await work(queue.get_nowait())
            done += 1
            rate = done / max(loop.time() - started, 1e-6)
            progress.update(task, completed=done, rate=f"{rate:,.0f}/s")

    # A worker's error cancels the others: the seed stops at the first command that fails.
    async with asyncio.TaskGroup() as group:
        for _ in range(min(CONCURRENCY, len(items))):
            group.create_task(worker())


def _seed_engine(database_url: str) -> AsyncEngine:
    """The command path's engine, with commits that do not wait for their WAL flush.

    Every command appends events, and the event log's NOTIFY trigger makes PostgreSQL commit such
    transactions one at a time: each holds one server-wide lock from before its commit until the
    commit is flushed (``pg_locks``: AccessExclusiveLock on object 0 of pg_database). With
    synchronous commits the seed's workers mostly queued for that lock, one WAL flush each.
    Demo data can afford asynchronous commits: a crash of PostgreSQL loses the last fraction of a
    second of commits, each whole, and the next synchronous commit flushes all before it.
    """
    return make_command_engine(
        database_url, CONCURRENCY, connect_args={"options": "-c synchronous_commit=off"}
    )


async def seed_database(database_url: str, plan: SeedPlan, console: Console) -> None:
    """Create customers, products with stock, and the order history."""
    engine = _seed_engine(database_url)
    bus = MessageBus(engine, clock=_now.get, command_engine=engine)
    rng = random.Random(plan.seed)
    admin = c.Actor(str(uuid.UUID(int=rng.getrandbits(128), version=4)), "admin")
    now = datetime.now(UTC).replace(microsecond=0)
    people = generate_customers(plan.customers, plan.seed)
    catalog = generate_products(plan.products, plan.seed)
    orders = plan_orders(plan, catalog, people, now)
    demand = Counter[int]()
    for order in orders:
        for index, quantity in order.lines:
            demand[index] += quantity
    customer_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in people]
    product_ids: dict[int, str] = {}

    async def add_customer(i: object) -> None:
        assert isinstance(i, int)  # noqa: S101
        p = people[i]
        _now.set((now - timedelta(days=HISTORY_DAYS + 30)).isoformat())
        await bus.handle(c.RegisterCustomer(p.email, p.display_name, p.country, customer_ids[i]), admin)

    async def add_product(i: object) -> None:
        assert isinstance(i, int)  # noqa: S101
        p = catalog[i]
        _now.set((now - timedelta(days=HISTORY_DAYS + 30)).isoformat())
        reply = await bus.handle(
            c.CreateProduct(
                sku=p.sku,
                name=p.name,
                description=p.description,
                category=p.category,
                brand=p.brand,
                price_minor=p.price_minor,
                currency=p.currency,
                weight_kg=p.weight_kg,
                materials=tuple(c.MaterialInput(m, kg) for m, kg in p.materials),
                origin_country=p.origin_country,
                packaging=p.packaging,
                certifications=p.certifications,
                status=p.status,
                initial_stock=demand[i] + random.Random(plan.seed + i).randint(20, 200),
            ),
            admin,
        )
        product_ids[i] = msgspec.json.decode(reply.body)["id"]

    async def add_challenges() -> None:
        _now.set((now - timedelta(days=HISTORY_DAYS + 30)).isoformat())
        joined = [cid for cid in customer_ids if rng.random() < DEMO_JOIN_SHARE]
        for command in demo_challenges(now.date()):
            reply = await bus.handle(command, admin)
            challenge_id = msgspec.json.decode(reply.body)["id"]
            for customer_id in joined:
                await bus.handle(c.JoinChallenge(challenge_id), c.Actor(customer_id, "customer"))

    async def record_provenance(command: object) -> None:
        assert isinstance(command, c.RecordProvenance)  # noqa: S101
        _now.set((now - timedelta(days=HISTORY_DAYS + 30)).isoformat())
        reply = await bus.handle(command, admin)
        if reply.status != 201:
            raise RuntimeError(f"the demo provenance was refused: {reply.body.decode()}")

    async def add_order(item: object) -> None:
        assert isinstance(item, PlannedOrder)  # noqa: S101
        await _play_order(bus, item, customer_ids, people, product_ids, admin)

    tune_gc()  # the plan and the catalog are long-lived: keep the collector off them
    with _progress(console) as progress:
        await _run_all(list(range(len(people))), add_customer, progress, "customers")
        await _run_all(list(range(len(catalog))), add_product, progress, "products")
        commands = await _provenance_plan(engine, plan, catalog, product_ids, now)
        await _run_all(list(commands), record_provenance, progress, "provenance")
        await add_challenges()
        await _run_all(list(orders), add_order, progress, "orders")
    await engine.dispose()
    console.print(f"[green]Seeded {len(people)} customers, {len(catalog)} products, {len(orders)} orders.[/]")


async def _provenance_plan(
    engine: AsyncEngine,
    plan: SeedPlan,
    catalog: list[ProductSpec],
    product_ids: dict[int, str],
    now: datetime,
) -> list[c.RecordProvenance]:
    """The supply chains of the products of the chains' categories, as EPCIS documents to record."""
    chains = Chains.load()
    wanted = [i for i, p in enumerate(catalog) if p.category in chains.categories]
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT product_id::text, gtin FROM provenance_gtins WHERE product_id = ANY(CAST(:p AS uuid[]))"
            ),
            {"p": [product_ids[i] for i in wanted]},
        )
        gtins: dict[str, str] = {row[0]: row[1] for row in rows}
    arrival = now - timedelta(days=HISTORY_DAYS + 31)  # stocked before the shop opens
    events = [chain_of(chains, catalog[i], gtins[product_ids[i]], i, arrival, plan.seed) for i in wanted]
    return provenance_commands(events, arrival)


DEMO_JOIN_SHARE = 0.3  # of the demo's customers join every demo challenge, before their orders


def demo_challenges(today: date) -> list[c.CreateChallenge]:
    """Three challenges around ``today``, so the demo shop shows some done, some under way."""
    month_start = today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [
        c.CreateChallenge(
            "Slow and steady",
            "Three orders with slow-green shipping this month.",
            Goal(measure="orders", threshold=3, filter=OrderFilter(shipping_method="slow-green")),
            month_start,
            month_end,
            "Europe/Paris",
            150,
        ),
        c.CreateChallenge(
            "Twenty kilos lighter",
            "Save 20 kg CO2e against conventional alternatives this month.",
            Goal(measure="kg_co2e_saved", threshold=20),
            month_start,
            month_end,
            "Europe/Paris",
            200,
        ),
        c.CreateChallenge(
            "Certified explorer",
            "Certified products from three different brands this season.",
            Goal(measure="certified_brands", threshold=3),
            today - timedelta(days=90),
            today + timedelta(days=30),
            "Europe/Paris",
            300,
        ),
    ]


async def _play_order(  # noqa: PLR0913 - the seed's lookup tables
    bus: MessageBus,
    item: PlannedOrder,
    customer_ids: list[str],
    people: list[CustomerSpec],
    product_ids: dict[int, str],
    admin: c.Actor,
) -> None:
    customer = c.Actor(customer_ids[item.customer], "customer")
    at = item.placed_at
    _now.set(at.isoformat())
    reply = await bus.handle(
        c.PlaceOrder(
            lines=tuple(c.OrderLineInput(product_ids[i], q) for i, q in item.lines),
            shipping_country=people[item.customer].country,
            shipping_method=item.method,
        ),
        customer,
    )
    order_id = msgspec.json.decode(reply.body)["id"]
    steps: list[tuple[timedelta, c.Command, c.Actor]] = []
    if item.outcome == "cancelled":
        steps.append((timedelta(hours=2), c.CancelOrder(order_id, "changed my mind"), customer))
    elif item.outcome != "pending_payment":
        # History is imported: each payment is recorded as settled, with a reference of its own.
        steps.append((timedelta(minutes=3), c.SettlePayment(order_id, f"import-{order_id}"), admin))
        if item.outcome in {"shipped", "delivered", "refunded"}:
            steps.append((timedelta(days=1), c.ShipOrder(order_id), admin))
        if item.outcome in {"delivered", "refunded"}:
            steps.append((timedelta(days=3), c.DeliverOrder(order_id), admin))
        if item.outcome == "refunded":
            steps.append((timedelta(days=10), c.RefundOrder(order_id, None, "returned"), admin))
    for delay, command, actor in steps:
        _now.set((at + delay).isoformat())
        await bus.handle(command, actor)


async def seed_if_empty(database_url: str, console: Console, plan: SeedPlan | None = None) -> bool:
    """Seed the demo data unless products exist already; True if it seeded."""
    engine = make_engine(database_url, pool_size=1)
    async with engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(products_table))).scalar_one()
    await engine.dispose()
    if count:
        console.print(f"[dim]Database has {count} products; skipping the demo seed.[/]")
        return False
    console.print("[bold]Empty database: loading the demo data (about half a minute)…[/]")
    await seed_database(database_url, plan or SeedPlan(), console)
    return True
