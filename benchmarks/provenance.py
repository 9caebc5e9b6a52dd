"""Provenance benchmark: appends to the RFC 9162 log, inclusion proofs at 1M leaves, the timeline over HTTP.

1. Appends (issue #15: >= 3,000 events/s through the API, with the proofs' nodes stored).
   ``POST /api/v1/provenance/events`` with EPCISDocuments of N ObjectEvents each (N = 1, 10, 100
   by default), from a supplier's access token, for the supplier's own products, on ``ecolaura
   serve write`` (granian) driven by wrk; then the same command through the ``MessageBus`` in
   process (asyncio tasks, same concurrency). Every append locks the one log row, writes its
   entries, the perfect subtrees they complete and an event-log entry per event, and commits.
   Baseline in the same run, same server, same concurrency: the cheapest command,
   ``POST /api/v1/products/{id}/stock`` (``AdjustStock``), over HTTP and in process.
2. Inclusion proofs at 1M leaves (target p99 < 1 ms each, in process). A 1M-leaf tree's perfect
   subtrees are built in memory with ``merkle.new_nodes`` (build rate reported), then p50/p99 of
   ``merkle.inclusion_proof`` over that in-memory node store and of ``merkle.verify_inclusion``
   over 10k random leaves. Reported separately: the same proofs against PostgreSQL, with the
   nodes COPYed into ``provenance_nodes`` of a fresh database (``store.nodes`` + ``range_hash``
   for one leaf, and ``timeline`` of a product with 5 events), with the timeline route's steps
   timed one by one.
3. The timeline over HTTP: ``GET /api/v1/provenance/{product_id}`` (products with 5 events each,
   in the log the appends grew) on the write server, against the one-Redis-GET ceiling measured
   in the same run: ``GET /api/v1/catalog/products/{id}`` on the read API (``ecolaura serve
   read``) for cards of the timeline answer's size, as ``benchmarks/gamification.py`` measures
   it. No fixed target: the issue asks for the comparison. wrk runs alternate between the two.

Usage: uv run python benchmarks/provenance.py [--leaves 1000000] [--seconds 10] [--clients 16]
       uv run python benchmarks/provenance.py --leaves 100000 --seconds 3   # a quick run
PostgreSQL: BENCH_DATABASE_URL, else 127.0.0.1:5432, else embedded (fresh databases, dropped after).
Redis: --redis-url, else BENCH_REDIS_URL, else redis://127.0.0.1:6379/10 (emptied before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from urllib.request import Request, urlopen

import msgspec
import psycopg
import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a script named like the `projections` package: keep it off the path, import siblings
# as `benchmarks.*` from the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.commands import bench_product, bench_server, fresh_database  # noqa: E402
from benchmarks.support import bench_redis, measured_at, serve, wrk_run  # noqa: E402
from ecolaura.database import make_engine  # noqa: E402
from projections import keys  # noqa: E402
from projections.store import encode_cursor  # noqa: E402
from write_side.adapters import provenance as store  # noqa: E402
from write_side.contracts import commands as c  # noqa: E402
from write_side.contracts import events as ev  # noqa: E402
from write_side.contracts.epcis import Capture  # noqa: E402
from write_side.domain import merkle  # noqa: E402
from write_side.domain.provenance import link, sign_head  # noqa: E402
from write_side.identity.badge_key import key_id, public_jwks  # noqa: E402
from write_side.identity.signing import Signer, load_or_create_key  # noqa: E402
from write_side.service_layer import provenance as log  # noqa: E402
from write_side.service_layer.messagebus import MessageBus  # noqa: E402

DEFAULT_REDIS = "redis://127.0.0.1:6379/10"
RESOLVER = "https://id.example.org"
TARGET_LEAVES = 1_000_000
TARGET_EVENTS_PER_S = 3_000.0
TARGET_P99_MS = 1.0
LOAD_PRODUCTS = 100  # the appends' products (one supplier's)
TIMELINE_PRODUCTS = 100  # products with TIMELINE_EVENTS events each, for the timeline reads
TIMELINE_EVENTS = 5
BODIES = 200  # distinct request bodies per batch size
CEILING_DOCS = 1_000
SUPPLIER = c.Actor(str(uuid.uuid4()), "supplier")
ADMIN = c.Actor(str(uuid.uuid4()), "admin")


def _cuts(values: list[float]) -> tuple[float, float]:
    """p50 and p99 of ``values``."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


# --- the log's inputs ----------------------------------------------------------------------


def epcis_event(gtin: str, n: int) -> dict[str, Any]:
    """A shipping ObjectEvent for a lot of the product ``gtin`` (about 600 bytes, like the demo's)."""
    return {
        "type": "ObjectEvent",
        "eventTime": f"2026-10-{1 + n % 28:02d}T16:00:00+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "epcList": [f"{link(RESOLVER, gtin)}/10/LOT-{n % 1000}"],
        "readPoint": {"id": "urn:epc:id:sgln:9506000.00001.0"},
        "bizLocation": {"id": "urn:epc:id:sgln:9506000.00002.0"},
        "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:ecolaura:po:{n}"}],
        "ecolaura:country": "PT",
    }


def document(gtins: list[str], size: int, rng: random.Random) -> dict[str, Any]:
    """An EPCISDocument of ``size`` events, each for a product picked from ``gtins``."""
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00Z",
        "epcisBody": {
            "eventList": [epcis_event(rng.choice(gtins), rng.randrange(10**6)) for _ in range(size)]
        },
    }


async def load_products(url: str, count: int, actor: c.Actor, prefix: str) -> list[tuple[str, str]]:
    """``count`` products created by ``actor`` through the bus: (product id, GTIN) each."""
    engine = make_engine(url, pool_size=4)
    bus = MessageBus(engine)
    ids = []
    for i in range(count):
        reply = await bus.handle(bench_product(i, prefix, "organic cotton", 1_000), actor)
        ids.append(msgspec.json.decode(reply.body)["id"])
    await engine.dispose()
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT product_id::text, gtin FROM provenance_gtins WHERE product_id = ANY(%s::uuid[])", [ids]
        ).fetchall()
    gtin_of: dict[str, str] = {str(r[0]): str(r[1]) for r in rows}
    return [(pid, gtin_of[pid]) for pid in ids]


async def record_timelines(url: str, products: list[tuple[str, str]]) -> None:
    """``TIMELINE_EVENTS`` events for each product, one document each, through the bus."""
    engine = make_engine(url, pool_size=4)
    bus = MessageBus(engine)
    rng = random.Random(3)
    for _, gtin in products:
        doc = document([gtin], TIMELINE_EVENTS, rng)
        reply = await bus.handle(c.RecordProvenance(msgspec.convert(doc, Capture)), SUPPLIER)
        if reply.status != 201:
            raise RuntimeError(f"recording a timeline failed: {reply.status} {reply.body[:300]!r}")
    await engine.dispose()


def log_size(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT tree_size FROM provenance_log WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


# --- 1. appends over HTTP and in process ---------------------------------------------------

WRK_POST = """
local bodies, paths = {}, {}
for line in io.lines(os.getenv("BENCH_BODIES")) do bodies[#bodies + 1] = line end
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
request = function()
  return wrk.format("POST", paths[math.random(1, #paths)], headers, bodies[math.random(1, #bodies)])
end
"""

WRK_GET = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
"""


def wrk_post(
    port: int, paths: list[str], bodies: list[bytes], token: str, seconds: int, clients: int
) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths").write_text("\n".join(paths) + "\n")
        (Path(tmp) / "bodies").write_bytes(b"\n".join(bodies) + b"\n")
        env = {"BENCH_PATHS": str(Path(tmp) / "paths"), "BENCH_BODIES": str(Path(tmp) / "bodies")}
        return wrk_run(port, WRK_POST, {**env, "BENCH_TOKEN": token}, seconds, clients)


def wrk_get(port: int, paths: list[str], seconds: int, clients: int) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths").write_text("\n".join(paths) + "\n")
        return wrk_run(port, WRK_GET, {"BENCH_PATHS": str(Path(tmp) / "paths")}, seconds, clients)


async def in_process(
    url: str, commands: list[c.Command], actor: c.Actor, ok: int, seconds: float, clients: int
) -> tuple[float, float, float, int]:
    """``commands`` through the bus from ``clients`` tasks: commands/s, p50 ms, p99 ms, failures (1 s warm-up)."""
    engine = make_engine(url, pool_size=clients + 2)
    bus = MessageBus(engine)
    latencies: list[float] = []
    failures = 0

    async def client(k: int, until: float, record: bool) -> None:
        nonlocal failures
        rng = random.Random(k)
        while time.perf_counter() < until:
            started = time.perf_counter()
            reply = await bus.handle(rng.choice(commands), actor)
            if record:
                latencies.append((time.perf_counter() - started) * 1000)
                failures += reply.status != ok
            elif reply.status != ok:
                raise RuntimeError(f"command failed: {reply.status} {reply.body[:300]!r}")

    await asyncio.gather(*(client(k, time.perf_counter() + 1, record=False) for k in range(clients)))
    started = time.perf_counter()
    await asyncio.gather(*(client(k, started + seconds, record=True) for k in range(clients)))
    elapsed = time.perf_counter() - started
    await engine.dispose()
    p50, p99 = _cuts(latencies)
    return len(latencies) / elapsed, p50, p99, failures


# --- 2. proofs at 1M leaves ----------------------------------------------------------------


def build_tree(leaves: int) -> tuple[dict[merkle.Node, bytes], float]:
    """The perfect subtrees of a ``leaves``-leaf tree, appended one leaf at a time: the store and seconds."""
    nodes: dict[merkle.Node, bytes] = {}
    get = nodes.__getitem__
    started = time.perf_counter()
    for i in range(leaves):
        leaf = merkle.leaf_hash(i.to_bytes(8, "big"))
        nodes.update(merkle.new_nodes(i, leaf, get))
    return nodes, time.perf_counter() - started


def proofs_in_memory(
    nodes: dict[merkle.Node, bytes], size: int, count: int
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """p50/p99 ms of ``inclusion_proof`` and of ``verify_inclusion`` over ``count`` random leaves; mean proof length."""
    get = nodes.__getitem__
    root = merkle.root_hash(size, get)
    rng = random.Random(9)
    indexes = [rng.randrange(size) for _ in range(count)]
    made, checked, lengths = [], [], []
    clock = time.perf_counter_ns
    for index in indexes:
        started = clock()
        proof = merkle.inclusion_proof(index, size, get)
        made.append((clock() - started) / 1e6)
        leaf = nodes[(0, index)]
        started = clock()
        merkle.verify_inclusion(leaf, index, size, proof, root)
        checked.append((clock() - started) / 1e6)
        lengths.append(len(proof))
    return _cuts(made), _cuts(checked), statistics.fmean(lengths)


def copy_nodes(url: str, nodes: dict[merkle.Node, bytes]) -> float:
    """COPY the store into ``provenance_nodes``: seconds."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy("COPY provenance_nodes (level, idx, hash) FROM STDIN") as copy:
            for (level, idx), digest in nodes.items():
                copy.write_row((level, idx, digest))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE provenance_nodes")
    return time.perf_counter() - started


def seed_big_log(url: str, nodes: dict[merkle.Node, bytes], size: int, product: tuple[str, str]) -> None:
    """TIMELINE_EVENTS entries of ``product`` at random leaves of a ``size``-leaf log, and a signed head of it."""
    key = Ed25519PrivateKey.generate()
    root = merkle.root_hash(size, nodes.__getitem__)
    issued = datetime.now(UTC).replace(microsecond=0)
    signature = sign_head(key, size, root, issued.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    rng = random.Random(21)
    with psycopg.connect(url) as conn:
        for index in sorted(rng.sample(range(size), TIMELINE_EVENTS)):
            canonical = json.dumps(epcis_event(product[1], index), sort_keys=True).encode()
            conn.execute(
                "INSERT INTO provenance_entries (leaf_index, event_type, product_ids, gtins, input_gtins, "
                "output_gtins, canonical, leaf_hash, event_time, recorded_by) VALUES "
                "(%s, 'ObjectEvent', ARRAY[%s::uuid], ARRAY[%s], '{}', '{}', %s, %s, now(), %s)",
                (index, product[0], product[1], canonical, nodes[(0, index)], SUPPLIER.actor_id),
            )
        conn.execute("UPDATE provenance_log SET tree_size = %s WHERE id = 1", (size,))
        conn.execute(
            "INSERT INTO provenance_tree_heads (tree_size, root_hash, issued_at, key_id, signature) "
            "VALUES (%s, %s, %s, %s, %s)",
            (size, root, issued, key_id(key), signature),
        )
        conn.commit()


async def proofs_in_postgres(
    url: str, size: int, product_id: str, calls: int
) -> dict[str, tuple[float, float]]:
    """p50/p99 ms of one leaf's proof from PostgreSQL, of ``timeline``, and of the timeline route's steps."""
    engine = make_engine(url, pool_size=4)
    key = Ed25519PrivateKey.generate()
    jwks = public_jwks(key)
    rng = random.Random(13)
    timed: dict[str, list[float]] = {}

    async def timed_call(label: str, call: Callable[[], Awaitable[object]]) -> None:
        started = time.perf_counter()
        await call()
        timed.setdefault(label, []).append((time.perf_counter() - started) * 1000)

    async def one_proof() -> None:
        index = rng.randrange(size)
        ranges = merkle.ranges_for_inclusion(index, size)
        async with engine.connect() as conn:
            found = await store.nodes(conn, merkle.nodes_for(ranges))
        [merkle.range_hash(a, b, found.__getitem__) for a, b in ranges]

    async def whole_timeline() -> None:
        async with engine.connect() as conn:
            ref = await store.product(conn, product_id)
            assert ref is not None  # noqa: S101 - seeded
            await log.timeline(conn, ref, RESOLVER, jwks)

    async def head_check() -> None:  # the route's freshness check, when no head is due
        async with engine.connect() as conn:
            await log.issue_head(conn, key, datetime.now(UTC), log.HEAD_EVERY)

    async def on_conn(step: Callable[[Any], Awaitable[object]]) -> None:
        async with engine.connect() as conn:
            await step(conn)

    steps: dict[str, Callable[[], Awaitable[object]]] = {
        "proof of 1 leaf (store.nodes + range_hash)": one_proof,
        "timeline (5 events, proofs)": whole_timeline,
        "  step: issue_head check (no head due)": head_check,
        "  step: latest_head": lambda: on_conn(store.latest_head),
        "  step: store.product": lambda: on_conn(lambda conn: store.product(conn, product_id)),
        "  step: entries_of": lambda: on_conn(lambda conn: store.entries_of(conn, product_id)),
        "  step: connection checkout only": lambda: on_conn(lambda _: asyncio.sleep(0)),
    }
    for _ in range(50):  # warm: pool, prepared statements, caches
        for call in steps.values():
            await call()
    timed.clear()
    for _ in range(calls):
        for label, call in steps.items():
            await timed_call(label, call)
    await engine.dispose()
    return {label: _cuts(values) for label, values in timed.items()}


# --- 3. the timeline over HTTP against one Redis GET ---------------------------------------


def fill_cards(client: redis.Redis, size: int) -> list[str]:
    """``CEILING_DOCS`` product cards of ``size`` bytes in a live ``product_cards`` generation; their ids."""
    ids = [str(uuid.uuid4()) for _ in range(CEILING_DOCS)]
    prefix = keys.generation_prefix("product_cards", 1)
    pipe = client.pipeline(transaction=False)
    for pid in ids:
        head = msgspec.json.encode({"id": pid, "name": "Bench card", "padding": ""})
        pipe.set(
            prefix + f"product:{pid}",
            msgspec.json.encode({"id": pid, "name": "Bench card", "padding": "x" * max(size - len(head), 0)}),
        )
    pipe.set(keys.checkpoint("product_cards", 1), encode_cursor(ev.LogCursor(1, 1)))
    pipe.set(keys.pointer("product_cards"), 1)
    pipe.execute()
    return ids


def fetch(port: int, path: str) -> bytes:
    with urlopen(Request(f"http://127.0.0.1:{port}{path}")) as response:
        return cast("bytes", response.read())


# --- the run -------------------------------------------------------------------------------


def _line(label: str, result: tuple[float, float, float, int], unit: str = "req/s", extra: str = "") -> str:
    return (
        f"  {label:46}{result[0]:>9,.0f} {unit:9} p50 {result[1]:7.2f} ms  p99 {result[2]:7.2f} ms"
        f"  errors {result[3]}{extra}"
    )


def main() -> None:  # noqa: PLR0915 - one run, step by step
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leaves", type=int, default=TARGET_LEAVES, help="the in-memory tree's size")
    parser.add_argument("--proofs", type=int, default=10_000, help="random leaves proved and verified")
    parser.add_argument("--pg-calls", type=int, default=1_000, help="calls of each PostgreSQL step")
    parser.add_argument("--batches", default="1,10,100", help="events per EPCISDocument, comma-separated")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run (after 2 s of warm-up)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--skip-postgres-proofs", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk")
    batches = [int(b) for b in args.batches.split(",")]
    rows: list[tuple[str, str, str, str, str]] = []

    with contextlib.ExitStack() as stack:
        server = stack.enter_context(bench_server())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))

        # 2. proofs in memory first: the machine is quiet, and the tree is reused for PostgreSQL.
        print(f"Building a {args.leaves:,}-leaf tree in memory with merkle.new_nodes…", flush=True)
        nodes, build_s = build_tree(args.leaves)
        gc.collect()
        gc.freeze()  # millions of hashes the collector need not walk again
        print(
            f"  {args.leaves:,} leaves in {build_s:.1f} s = {args.leaves / build_s:,.0f} leaves/s "
            f"(leaf hash + new_nodes + dict store), {len(nodes):,} perfect-subtree nodes",
            flush=True,
        )
        (made_50, made_99), (check_50, check_99), length = proofs_in_memory(nodes, args.leaves, args.proofs)
        print(
            f"  inclusion_proof  over {args.proofs:,} random leaves: p50 {made_50:.4f} ms, p99 {made_99:.4f} ms"
            f"\n  verify_inclusion over {args.proofs:,} random leaves: p50 {check_50:.4f} ms, "
            f"p99 {check_99:.4f} ms (proofs of {length:.1f} hashes on average)",
            flush=True,
        )
        at_target = measured_at(args.leaves, TARGET_LEAVES)
        for label, p50, p99 in (
            ("inclusion_proof", made_50, made_99),
            ("verify_inclusion", check_50, check_99),
        ):
            met = (
                ("yes" if p99 < TARGET_P99_MS else "no")
                if at_target
                else f"not measured ({args.leaves:,} leaves)"
            )
            rows.append((f"{label} p99 ms (p50), in memory", f"{p99:.4f} ({p50:.4f})", "", "< 1", met))
        rows.append(("tree build, leaves/s", f"{args.leaves / build_s:,.0f}", "", "", ""))

        if not args.skip_postgres_proofs:
            big = stack.enter_context(fresh_database(server))
            print(f"\nCOPYing {len(nodes):,} nodes into provenance_nodes of a fresh database…", flush=True)
            copy_s = copy_nodes(big, nodes)
            (product,) = asyncio.run(load_products(big, 1, SUPPLIER, "BIG"))
            seed_big_log(big, nodes, args.leaves, product)
            print(
                f"  loaded in {copy_s:.1f} s; {TIMELINE_EVENTS} events of one product at random leaves",
                flush=True,
            )
            found = asyncio.run(proofs_in_postgres(big, args.leaves, product[0], args.pg_calls))
            for label, (p50, p99) in found.items():
                print(
                    f"  {label:46} p50 {p50:7.3f} ms  p99 {p99:7.3f} ms  ({args.pg_calls:,} calls)",
                    flush=True,
                )
            p50, p99 = found["proof of 1 leaf (store.nodes + range_hash)"]
            rows.append(
                ("proof from PostgreSQL p99 ms (p50)", f"{p99:.3f} ({p50:.3f})", "", "(reported)", "")
            )
            p50, p99 = found["timeline (5 events, proofs)"]
            rows.append(("timeline() at 1M p99 ms (p50)", f"{p99:.3f} ({p50:.3f})", "", "(reported)", ""))
        del nodes
        gc.unfreeze()
        gc.collect()

        # 1. appends.
        url = stack.enter_context(fresh_database(server))
        print(f"\nLoading {LOAD_PRODUCTS + TIMELINE_PRODUCTS} products of one supplier…", flush=True)
        load = asyncio.run(load_products(url, LOAD_PRODUCTS, SUPPLIER, "LOAD"))
        timelines = asyncio.run(load_products(url, TIMELINE_PRODUCTS, SUPPLIER, "TIME"))
        asyncio.run(record_timelines(url, timelines))
        gtins = [g for _, g in load]
        rng = random.Random(5)
        bodies = {n: [json.dumps(document(gtins, n, rng)).encode() for _ in range(BODIES)] for n in batches}
        key_file, log_key = tmp / "signing-key.pem", tmp / "provenance-key.pem"
        signer = Signer(load_or_create_key(key_file))
        supplier_token = signer.access_token(
            SUPPLIER.actor_id, ["supplier"], str(uuid.uuid4()), "0" * 64, ttl=3600
        )
        admin_token = signer.access_token(ADMIN.actor_id, ["admin"], str(uuid.uuid4()), "0" * 64, ttl=3600)
        stock_paths = [f"/api/v1/products/{pid}/stock" for pid, _ in load]
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "DB_POOL_SIZE": "20",
            "IDENTITY_KEY_FILE": str(key_file),
            "PROVENANCE_KEY_FILE": str(log_key),
            "DIGITAL_LINK_RESOLVER": RESOLVER,
        }
        print(
            f"\nHTTP appends, wrk 1 thread, {args.clients} connections, {args.seconds} s a run:", flush=True
        )
        http_rates: dict[int, tuple[float, float, float, int]] = {}
        with serve([sys.executable, "-m", "ecolaura.cli", "serve", "write"], env) as port:
            stock = wrk_post(port, stock_paths, [b'{"delta": 1}'], admin_token, args.seconds, args.clients)
            print(_line("baseline: POST .../stock (AdjustStock)", stock), flush=True)
            for n in batches:
                before = log_size(url)
                result = wrk_post(
                    port, ["/api/v1/provenance/events"], bodies[n], supplier_token, args.seconds, args.clients
                )
                http_rates[n] = result
                grown = log_size(url) - before
                print(
                    _line(
                        f"POST /provenance/events, {n} event(s) each",
                        result,
                        extra=f"  = {result[0] * n:,.0f} events/s  (log grew {grown:,} incl. warm-up)",
                    ),
                    flush=True,
                )

            print(
                f"\nIn process (MessageBus.handle, {args.clients} tasks, {args.seconds} s a run):", flush=True
            )
            stock_cmds: list[c.Command] = [c.AdjustStock(pid, 1) for pid, _ in load]
            bus_stock = asyncio.run(in_process(url, stock_cmds, ADMIN, 200, args.seconds, args.clients))
            print(_line("baseline: AdjustStock", bus_stock, "cmd/s"), flush=True)
            bus_rates: dict[int, tuple[float, float, float, int]] = {}
            for n in batches:
                captures: list[c.Command] = [
                    c.RecordProvenance(msgspec.json.decode(body, type=Capture)) for body in bodies[n]
                ]
                result = asyncio.run(in_process(url, captures, SUPPLIER, 201, args.seconds, args.clients))
                bus_rates[n] = result
                print(
                    _line(
                        f"RecordProvenance, {n} event(s) each",
                        result,
                        "cmd/s",
                        f"  = {result[0] * n:,.0f} events/s",
                    ),
                    flush=True,
                )
            size = log_size(url)

            # 3. the timeline, against one Redis GET on the read API.
            timeline_paths = [f"/api/v1/provenance/{pid}" for pid, _ in timelines]
            answer = fetch(port, timeline_paths[0])
            shown = msgspec.json.decode(answer)
            assert len(shown["events"]) == TIMELINE_EVENTS, shown  # noqa: S101 - all signed by now
            redis_url = stack.enter_context(bench_redis(args.redis_url, DEFAULT_REDIS))
            sync = redis.Redis.from_url(redis_url)
            sync.flushdb()
            stack.callback(sync.flushdb)
            cards = fill_cards(sync, len(answer))
            read_env = {
                **os.environ,
                "REDIS_URL": redis_url,
                "SEARCH_DIR": str(tmp / "search"),
                "IDENTITY_KEY_FILE": str(key_file),
                "LOG_LEVEL": "WARNING",
            }
            read_env.pop("DATABASE_URL", None)  # the read side reads Redis only
            with serve([sys.executable, "-m", "ecolaura.cli", "serve", "read"], read_env) as read_port:
                card_paths = [f"/api/v1/catalog/products/{p}" for p in cards]
                card = fetch(read_port, card_paths[0])
                print(
                    f"\nTimeline over HTTP (log of {size:,} leaves; answer {len(answer):,} bytes, card "
                    f"{len(card):,} bytes), wrk 1 thread, {args.clients} connections:",
                    flush=True,
                )
                reads: dict[str, list[tuple[float, float, float, int]]] = {}
                for round_ in range(2):  # alternate, so the machine's drift falls on both
                    for label, run_port, paths in (
                        ("ceiling: product card (1 Redis GET)", read_port, card_paths),
                        ("GET /api/v1/provenance/{id} (5 events)", port, timeline_paths),
                    ):
                        result = wrk_get(run_port, paths, args.seconds, args.clients)
                        reads.setdefault(label, []).append(result)
                        print(_line(f"round {round_ + 1} {label}", result), flush=True)

    stock_rate = stock[0]
    for n in batches:
        rate, errors = http_rates[n][0] * n, http_rates[n][3]
        met = (
            ("yes" if rate >= TARGET_EVENTS_PER_S else "no")
            if not errors
            else f"not measured ({errors} errors)"
        )
        rows.append(
            (
                f"API append, {n}/doc, events/s (req/s)",
                f"{rate:,.0f} ({http_rates[n][0]:,.0f})",
                f"{stock_rate:,.0f} stock req/s",
                ">= 3,000",
                met,
            )
        )
    rows.extend(
        (
            f"in-process append, {n}/doc, events/s",
            f"{bus_rates[n][0] * n:,.0f}",
            f"{bus_stock[0]:,.0f} stock cmd/s",
            "",
            "",
        )
        for n in batches
    )
    best = {label: max(runs) for label, runs in reads.items()}
    ceiling, timeline = (
        best["ceiling: product card (1 Redis GET)"],
        best["GET /api/v1/provenance/{id} (5 events)"],
    )
    read_errors = sum(r[3] for runs in reads.values() for r in runs)
    rows.append(
        (
            "timeline over HTTP, req/s",
            f"{timeline[0]:,.0f} ({timeline[0] / ceiling[0]:.0%})",
            f"{ceiling[0]:,.0f} (1 GET)",
            "(comparison)",
            f"{read_errors} errors" if read_errors else "",
        )
    )
    print(f"\n{'figure':40}{'measured':>22}{'baseline':>24}{'target':>12}  met")
    for figure, measured, baseline, target, met in rows:
        print(f"{figure:40}{measured:>22}{baseline:>24}{target:>12}  {met}")


if __name__ == "__main__":
    main()
