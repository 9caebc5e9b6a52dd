"""Projection benchmark: events/s into Redis and the time of a full rebuild of a large log.

The log is built fast but realistic: a small catalog and customers through the
real command path, then N order lifecycles (OrderPlaced with 3 lines, 3
StockLevelChanged, OrderPaid) written as typed events with COPY. Then every
Redis projection is rebuilt from position zero and timed.

Baseline in the same run: the raw Redis ceiling for the same writes: one
SET per document in MULTI pipelines of the same batch size, with no event
reading, decoding or projection code.

Then the search projection into Tantivy, twice: a rebuild over the same log
(order events pass through, product events are indexed), and a rebuild over a
catalog log of its own (N_SEARCH_PRODUCTS ProductCreated events, a third of
the products updated once), against its baseline in the same run: the same
final documents written straight into a Tantivy index (upsert, commit), with no
log reading or decoding. A search rebuild includes its swap grace (1 s), as an
admin's rebuild does.

Last, the lag of every projection behind orders placed at a steady rate while a
real projector process follows the log (benchmarks/projection_lag.py).

Usage: uv run python benchmarks/projections.py [--events 1000000]
Databases: BENCH_DATABASE_URL (else 127.0.0.1:5432, else embedded) and
BENCH_REDIS_URL (else redis://127.0.0.1:6379/14, else a local Redis). Both are
emptied or created fresh.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a script named like the `projections` package: keep it off the path, import siblings
# as `benchmarks.*` from the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.commands import bench_server, fresh_database, load_catalog  # noqa: E402
from benchmarks.projection_lag import TARGET_RATE, measure_lag, p99  # noqa: E402
from benchmarks.support import bench_redis, measured_at  # noqa: E402
from ecolaura.settings import libpq_url  # noqa: E402
from projections import redis_client  # noqa: E402
from projections.rebuild import rebuild  # noqa: E402
from projections.registry import PROJECTIONS  # noqa: E402
from projections.search_projection import SWAP_GRACE, rebuild_search, search_document  # noqa: E402
from read_side.search.port import SearchDocument  # noqa: E402
from read_side.search.tantivy_index import TantivyEngine, TantivyIndex  # noqa: E402
from write_side.adapters.event_log import EventLogReader  # noqa: E402
from write_side.contracts import events as ev  # noqa: E402

N_SEARCH_PRODUCTS = 100_000
TARGET_EVENTS = 1_000_000  # the rebuild targets are for a log of this size
WORDS = [
    "organic",
    "cotton",
    "bamboo",
    "recycled",
    "glass",
    "steel",
    "cork",
    "linen",
    "hemp",
    "wool",
    "natural",
    "rubber",
    "soy",
    "wax",
    "jute",
    "reusable",
    "compostable",
    "refillable",
    "tote",
    "bottle",
    "brush",
    "towel",
    "mat",
    "board",
    "jar",
    "lamp",
    "shirt",
    "bag",
    "cup",
]
META = '{"correlation_id": "bench", "causation_id": "bench", "actor_role": "customer"}'


def _rows(orders: int, products: list[str], customers: list[str], seed: int) -> Iterator[tuple[str, ...]]:
    rng = random.Random(seed)
    stock = dict.fromkeys(products, 0)
    for n in range(orders):
        order_id, customer = str(uuid.uuid4()), rng.choice(customers)
        picked = rng.sample(products, 3)
        lines = [
            ev.OrderLine(
                product_id=p,
                sku=f"BENCH-{i}",
                name="Bench product",
                category="cat-1",
                quantity=1,
                unit_price_minor=1000,
                line_total_minor=1000,
            )
            for i, p in enumerate(picked)
        ]
        at = f"2026-01-01T00:00:{n % 60:02d}+00:00"
        placed = ev.OrderPlaced(
            order_id=order_id,
            customer_id=customer,
            currency="EUR",
            lines=lines,
            subtotal_minor=3000,
            shipping_minor=495,
            tax_minor=606,
            total_minor=3495,
            shipping_country="NL",
            shipping_method="standard",
            placed_at=at,
        )
        yield (f"order-{order_id}", "1", "OrderPlaced", ev.encode_event(placed).decode())
        for p in picked:
            stock[p] += 1
            change = ev.StockLevelChanged(
                product_id=p,
                on_hand=10_000_000,
                reserved=stock[p],
                delta_on_hand=0,
                delta_reserved=1,
                reason="reserved",
                order_id=order_id,
            )
            yield (f"stock-bench-{p}-{stock[p]}", "1", "StockLevelChanged", ev.encode_event(change).decode())
        paid = ev.OrderPaid(
            order_id=order_id,
            customer_id=customer,
            amount_minor=3495,
            currency="EUR",
            payment_reference="bench",
            paid_at=at,
        )
        yield (f"order-{order_id}", "2", "OrderPaid", ev.encode_event(paid).decode())


def write_log(url: str, events: int, products: list[str], customers: list[str]) -> int:
    """COPY about ``events`` events (5 per order) into the log; returns how many."""
    orders = events // 5
    written = 0
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY event_log (stream_id, stream_version, event_type, schema_version, payload, metadata) "
            "FROM STDIN"
        ) as copy:
            for stream, version, etype, payload in _rows(orders, products, customers, seed=7):
                copy.write_row((stream, int(version), etype, 1, payload, META))
                written += 1
        conn.commit()
    return written


async def redis_ceiling(url: str, documents: int, batch: int) -> float:
    """SETs of projection-sized documents in MULTI pipelines: what Redis alone allows (docs/s)."""
    client = redis_client.connect(url)
    body = b"x" * 600
    started = time.perf_counter()
    for start in range(0, documents, batch):
        async with client.pipeline(transaction=True) as pipe:
            for i in range(start, min(start + batch, documents)):
                pipe.set(f"bench:ceiling:{i}", body)
            await pipe.execute()
    elapsed = time.perf_counter() - started
    await client.flushdb()
    await client.aclose()
    return documents / elapsed


async def rebuild_all(database_url: str, redis_url: str, batch: int) -> list[tuple[str, int, float]]:
    client = redis_client.connect(redis_url)
    out = []
    for name, projection in PROJECTIONS.items():
        async with EventLogReader(libpq_url(database_url)) as reader:
            total, _ = await reader.lag(ev.LogCursor())
            started = time.perf_counter()
            await rebuild(projection, client, reader, batch_size=batch, grace_seconds=0)
            out.append((name, total, time.perf_counter() - started))
            print(
                f"  {name:22} {total:>9,} events in {out[-1][2]:6.1f} s = {total / out[-1][2]:>9,.0f} events/s",
                flush=True,
            )
    await client.aclose()
    return out


async def search_rebuild(db_url: str) -> tuple[int, float]:
    """A full rebuild of the search projection into a fresh Tantivy folder: events read and seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        async with EventLogReader(libpq_url(db_url)) as reader:
            total, _ = await reader.lag(ev.LogCursor())
            started = time.perf_counter()
            await rebuild_search(reader, TantivyEngine(Path(tmp)))
            return total, time.perf_counter() - started


def write_catalog_log(url: str, products: int) -> list[SearchDocument]:
    """COPY ``products`` ProductCreated events (a third updated once) modelled on a real one.

    Returns the final search documents, for the direct-indexing baseline.
    """
    rng = random.Random(13)
    with psycopg.connect(url) as conn:
        template = conn.execute(
            "SELECT payload::text FROM event_log WHERE event_type = 'ProductCreated' LIMIT 1"
        ).fetchone()
        assert template is not None  # noqa: S101 - load_catalog created products
        base = json.loads(template[0])
        final: dict[str, ev.ProductSnapshot] = {}
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY event_log (stream_id, stream_version, event_type, schema_version, payload, metadata) "
                "FROM STDIN"
            ) as copy,
        ):
            for n in range(products):
                snapshot = dict(base["product"])
                snapshot.update(
                    product_id=str(uuid.uuid4()),
                    sku=f"SEARCH-{n:06d}",
                    name=" ".join(rng.choices(WORDS, k=rng.randint(2, 4))).capitalize(),
                    description=" ".join(rng.choices(WORDS, k=rng.randint(8, 20))),
                    category=f"cat-{n % 24}",
                    brand=f"brand-{n % 60}",
                )
                product = msgspec.convert(snapshot, ev.ProductSnapshot)
                stream = f"product-{product.product_id}"
                created = ev.encode_event(ev.ProductCreated(product=product)).decode()
                copy.write_row((stream, 1, "ProductCreated", 1, created, META))
                if n % 3 == 0:
                    product = msgspec.structs.replace(
                        product, price=msgspec.structs.replace(product.price, amount_minor=100 + n % 5000)
                    )
                    updated = ev.ProductUpdated(product=product, changed_fields=["price_minor"], version=2)
                    copy.write_row((stream, 2, "ProductUpdated", 1, ev.encode_event(updated).decode(), META))
                final[product.product_id] = product
        conn.commit()
    return [search_document(p, n) for n, p in enumerate(final.values())]


async def tantivy_ceiling(documents: list[SearchDocument], batch: int) -> float:
    """The same documents straight into a Tantivy index, ``batch`` per commit: seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        index = TantivyIndex(Path(tmp) / "ix", writer=True)
        started = time.perf_counter()
        for start in range(0, len(documents), batch):
            index.upsert(documents[start : start + batch])
            await index.commit(ev.LogCursor(1, start + 1))
        elapsed = time.perf_counter() - started
        await index.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument(
        "--search-products",
        type=int,
        default=N_SEARCH_PRODUCTS,
        help="products in the catalog log for the Tantivy rebuild (0 skips it)",
    )
    parser.add_argument("--lag-seconds", type=float, default=20.0, help="0 skips the lag measurement")
    parser.add_argument(
        "--rate", type=float, default=200.0, help="orders per second during the lag measurement"
    )
    args = parser.parse_args()
    with bench_server() as server, fresh_database(server) as db_url, bench_redis() as redis_url:
        redis.Redis.from_url(redis_url).flushdb()
        products, customers = asyncio.run(load_catalog(db_url))
        started = time.perf_counter()
        written = write_log(db_url, args.events, products, customers)
        print(f"Wrote {written:,} events in {time.perf_counter() - started:.1f} s", flush=True)
        ceiling = asyncio.run(redis_ceiling(redis_url, 200_000, args.batch))
        print(
            f"Redis ceiling: {ceiling:,.0f} document writes/s (MULTI pipelines of {args.batch})", flush=True
        )
        print("Rebuilding every Redis projection from position zero:", flush=True)
        results = asyncio.run(rebuild_all(db_url, redis_url, args.batch))
        total_time = sum(t for _, _, t in results)
        slowest = min(n / t for _, n, t in results)
        logged = min(n for _, n, _ in results)  # each rebuild reads the whole log
        if measured_at(logged, TARGET_EVENTS):
            time_verdict = f" (target < 120 s for 1M events: {'met' if total_time < 120 else 'MISSED'})"
            rate_verdict = f" (target >= 20,000: {'met' if slowest >= 20_000 else 'MISSED'})"
        else:
            time_verdict = ""
            rate_verdict = (
                f" (targets not measured: they are for a log of {TARGET_EVENTS:,} events, "
                f"this one held {logged:,}; run with --events {TARGET_EVENTS})"
            )
        print(
            f"\nAll Redis projections rebuilt in {total_time:.1f} s{time_verdict}; "
            f"slowest projection {slowest:,.0f} events/s{rate_verdict}"
        )
        print("\nThe search projection into Tantivy:", flush=True)
        total, seconds = asyncio.run(search_rebuild(db_url))
        print(
            f"  rebuild over the same log  {total:>9,} events in {seconds:6.1f} s = "
            f"{total / seconds:>9,.0f} events/s ({len(products)} products in it)",
            flush=True,
        )
        if args.search_products:
            with fresh_database(server) as catalog_url:
                asyncio.run(load_catalog(catalog_url))
                documents = write_catalog_log(catalog_url, args.search_products)
                total, seconds = asyncio.run(search_rebuild(catalog_url))
                ceiling_s = asyncio.run(tantivy_ceiling(documents, args.batch))
            print(
                f"  rebuild over a catalog log {total:>9,} events in {seconds:6.1f} s = "
                f"{total / seconds:>9,.0f} events/s, {len(documents) / seconds:,.0f} documents/s "
                f"(incl. {SWAP_GRACE:.0f} s swap grace)\n"
                f"  baseline, the {len(documents):,} final documents straight into Tantivy: "
                f"{ceiling_s:.1f} s = {len(documents) / ceiling_s:,.0f} documents/s",
                flush=True,
            )
        if args.lag_seconds:
            print(
                f"\nLag while placing {args.rate:.0f} orders/s for {args.lag_seconds:.0f} s "
                "(a real `ecolaura project` process):",
                flush=True,
            )
            run = asyncio.run(
                measure_lag(db_url, redis_url, products, customers, args.lag_seconds, args.rate)
            )
            for name, delays in run.delays.items():
                worst = max(delays, default=float("nan"))
                print(
                    f"  {name:22} p99 {p99(delays) * 1000:7.0f} ms   max {worst * 1000:7.0f} ms"
                    + (f"   {run.unreached[name]} orders never reached" if run.unreached[name] else ""),
                    flush=True,
                )
            print(
                f"  {run.started:,} orders sent in the timed {args.lag_seconds:.0f} s, "
                f"{len(run.committed):,} committed in all (warm-up included), {len(run.failed)} failed"
            )
            print(f"Target: lag under 1 s at {TARGET_RATE:.0f} orders/s ({run.verdict()})")
        redis.Redis.from_url(redis_url).flushdb()


if __name__ == "__main__":
    main()
