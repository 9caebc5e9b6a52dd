"""Command-side benchmark: placing orders through the HTTP API against the raw PostgreSQL ceiling.

Both sides run the same transaction in the same run, on the same server:
an idempotency claim, a 3-line order priced from the catalog, stock locked and
reserved for 3 products, a balanced journal, 4 events in the log, commit.

* raw ceiling: pgbench (C, no Python, no HTTP) running that transaction as SQL;
* API: `ecolaura serve write` (granian), driven by a minimal asyncio HTTP/1.1
  keep-alive client (cheap, so the load generator steals little CPU from the
  server on a 2-core machine).

Usage: uv run python benchmarks/commands.py [--clients 16] [--seconds 15]
The database comes from BENCH_DATABASE_URL, else the local server on
127.0.0.1:5432, else an embedded PostgreSQL. A fresh database is created and
dropped. Results print as a table and are saved under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import msgspec
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.support import serve, wrk_errors, wrk_ms  # noqa: E402
from ecolaura.database import make_engine, migrate  # noqa: E402
from ecolaura.settings import libpq_url  # noqa: E402
from write_side.contracts import commands as c  # noqa: E402
from write_side.identity.signing import Signer, load_or_create_key  # noqa: E402
from write_side.service_layer.messagebus import MessageBus  # noqa: E402

N_PRODUCTS, N_CUSTOMERS = 300, 200
ADMIN = c.Actor(str(uuid.uuid4()), "admin")


def customer_id(n: int) -> str:
    """Bench customers have ids pgbench can compute, so it needs no lookup round trip."""
    return f"00000000-0000-4000-8000-{n:012d}"


@dataclass
class Result:
    name: str
    clients: int
    transactions: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    written: int | None = None  # orders PostgreSQL holds from the measured run


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]
        if len(values) > 1
        else values[0]
    )


# ---------------------------------------------------------------- database set-up


@contextlib.contextmanager
def bench_server() -> Iterator[str]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        yield url
        return
    with (
        contextlib.suppress(psycopg.OperationalError),
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2),
    ):
        yield "postgresql://postgres@127.0.0.1:5432/postgres"
        return
    from ecolaura.embedded import embedded_postgres

    with tempfile.TemporaryDirectory() as tmp, embedded_postgres(Path(tmp)) as embedded:
        yield embedded


@contextlib.contextmanager
def fresh_database(server: str) -> Iterator[str]:
    name = f"ecolaura_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(server), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = urlunsplit(urlsplit(libpq_url(server))._replace(path=f"/{name}"))
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(libpq_url(server), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_product(i: int, sku_prefix: str, material: str, initial_stock: int) -> c.CreateProduct:
    """The ``i``-th product of a benchmark's catalog: 20 categories, one material, shipped from PT."""
    return c.CreateProduct(
        sku=f"{sku_prefix}-{i:05d}",
        name=f"Bench product {i}",
        description="",
        category=f"cat-{i % 20}",
        brand="Bench",
        price_minor=500 + i,
        currency="EUR",
        weight_kg=1.0,
        materials=(c.MaterialInput(material, 0.5),),
        origin_country="PT",
        packaging="paper",
        status="active",
        initial_stock=initial_stock,
    )


async def load_catalog(url: str) -> tuple[list[str], list[str]]:
    engine = make_engine(url, pool_size=4)
    bus = MessageBus(engine)
    products, customers = [], []
    for i in range(N_PRODUCTS):
        reply = await bus.handle(bench_product(i, "BENCH", "wool", 10_000_000), ADMIN)
        products.append(msgspec.json.decode(reply.body)["id"])
    for i in range(N_CUSTOMERS):
        cid = customer_id(i)
        await bus.handle(c.RegisterCustomer(f"bench{i}@example.com", f"Bench {i}", "NL", cid), ADMIN)
        customers.append(cid)
    await engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_products (n int PRIMARY KEY, product_id uuid)")
        conn.execute("CREATE TABLE bench_customers (n int PRIMARY KEY, customer_id uuid)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_products VALUES (%s, %s)", list(enumerate(products, 1)))
            cur.executemany("INSERT INTO bench_customers VALUES (%s, %s)", list(enumerate(customers, 1)))
    return products, customers


# ---------------------------------------------------------------- raw ceiling (pgbench)

# The API's order transaction, statement for statement, without Python or HTTP.
PGBENCH_SCRIPT = """
\\set a random(1, 100)
\\set b random(101, 200)
\\set c random(201, 300)
\\set key random(1, 2000000000)
\\set cid random(0, 199)
BEGIN;
INSERT INTO idempotency_keys (principal, key, request_hash) VALUES (('00000000-0000-4000-8000-' || lpad(:cid::text, 12, '0')), :key::text || '-' || random()::text, '\\x00')
  ON CONFLICT DO NOTHING RETURNING 1;
SELECT p.*, s.on_hand, s.reserved, s.version FROM stock_items s JOIN products p USING (product_id)
  WHERE s.product_id IN (SELECT product_id FROM bench_products WHERE n IN (:a, :b, :c))
  ORDER BY s.product_id FOR UPDATE OF s;
UPDATE stock_items SET reserved = reserved + 1, version = version + 1
  WHERE product_id IN (SELECT product_id FROM bench_products WHERE n IN (:a, :b, :c));
WITH o AS (
  INSERT INTO orders (order_id, customer_id, status, currency, shipping_country, shipping_method, tax_rate_bp,
    subtotal_minor, shipping_minor, tax_minor, total_minor, refunded_minor, version, placed_at)
  VALUES (gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(:cid::text, 12, '0'))::uuid, 'pending_payment', 'EUR', 'NL', 'standard', 2100, 3000, 495, 606, 3495, 0, 1, now())
  RETURNING order_id)
INSERT INTO order_lines (order_id, line_no, product_id, sku, name, category, quantity, unit_price_minor)
  SELECT o.order_id, row_number() OVER (), b.product_id, 'SKU', 'name', 'cat', 1, 1000
  FROM o, bench_products b WHERE b.n IN (:a, :b, :c);
WITH t AS (INSERT INTO journal_transactions (kind, order_id) VALUES ('order_placed', gen_random_uuid()) RETURNING transaction_id)
  INSERT INTO journal_entries (transaction_id, account, currency, amount_minor, party_id)
  SELECT t.transaction_id, e.a, 'EUR', e.m, e.p FROM t,
    (VALUES ('customer_receivable', 3495, ('00000000-0000-4000-8000-' || lpad(:cid::text, 12, '0'))::uuid), ('revenue', -2889, NULL), ('tax_payable', -606, NULL)) AS e(a, m, p);
INSERT INTO event_log (stream_id, stream_version, event_type, schema_version, payload, metadata)
  SELECT 'bench-' || gen_random_uuid() || '-' || g, 1, CASE WHEN g = 1 THEN 'OrderPlaced' ELSE 'StockLevelChanged' END, 1,
         CASE WHEN g = 1 THEN :placed::jsonb ELSE :stock::jsonb END, :meta::jsonb
  FROM generate_series(1, 4) AS g
  RETURNING tx_id, position;
UPDATE idempotency_keys SET response_status = 201, response_body = '\\x00' WHERE principal = ('00000000-0000-4000-8000-' || lpad(:cid::text, 12, '0')) AND key = 'none';
COMMIT;
"""

# Payloads the size of the API's (OrderPlaced ~960 bytes, StockLevelChanged ~260, metadata ~190).
_PAYLOADS = {
    "placed": json.dumps({"type": "OrderPlaced", "lines": [], "pad": "x" * 700}),
    "stock": json.dumps({"type": "StockLevelChanged", "on_hand": 1, "pad": "x" * 200}),
    "meta": json.dumps({"correlation_id": "c" * 36, "causation_id": "d" * 36, "actor_role": "customer"}),
}


def _pgbench_binary() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench")


def run_pgbench(url: str, clients: int, seconds: int) -> Result:
    parts = urlsplit(url)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "order.sql"
        script.write_text(PGBENCH_SCRIPT)
        env = {
            **os.environ,
            "PGHOST": parts.hostname
            or dict(p.split("=") for p in parts.query.split("&") if p).get("host", ""),
            "PGPORT": str(parts.port or 5432),
            "PGUSER": parts.username or "postgres",
            "PGDATABASE": parts.path.lstrip("/"),
        }
        defines = [arg for name, value in _PAYLOADS.items() for arg in ("-D", f"{name}={value}")]
        cmd = [
            _pgbench_binary(),
            "-n",
            "-M",
            "prepared",
            *defines,
            "-f",
            str(script),
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(seconds),
            "-l",
            "--log-prefix",
            str(Path(tmp) / "log"),
        ]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"pgbench failed: {out.stderr[-2000:]}")
        latencies = [
            int(line.split()[2]) / 1000.0
            for log in Path(tmp).glob("log*")
            for line in log.read_text().splitlines()
        ]
    tps = next(
        float(line.split("=")[1].split()[0]) for line in out.stdout.splitlines() if line.startswith("tps =")
    )
    return Result(
        "raw PostgreSQL (pgbench)",
        clients,
        len(latencies),
        float(seconds),
        tps,
        _percentile(latencies, 0.5),
        _percentile(latencies, 0.99),
        errors=int(
            next(
                (
                    ln.split(":")[1].split()[0]
                    for ln in out.stdout.splitlines()
                    if ln.startswith("number of failed")
                ),
                "0",
            )
        ),
    )


# ---------------------------------------------------------------- API load


@contextlib.contextmanager
def api_server(url: str, workers: int, key_file: Path) -> Iterator[int]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "DB_POOL_SIZE": "20",
        "IDENTITY_KEY_FILE": str(key_file),
    }
    command = [sys.executable, "-m", "ecolaura.cli", "serve", "write", "--workers", str(workers)]
    with serve(command, env) as port:
        yield port


async def _client(
    port: int,
    bodies: list[tuple[str, bytes]],
    stop_at: float,
    record: bool,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    try:
        while time.perf_counter() < stop_at:
            token, body = bodies[i % len(bodies)]
            i += 1
            request = (
                f"POST /api/v1/orders HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {token}\r\nIdempotency-Key: {uuid.uuid4()}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if record:
                latencies.append((time.perf_counter() - started) * 1000)
                if not head.startswith(b"HTTP/1.1 201"):
                    errors.append(int(head[9:12]))
    finally:
        writer.close()


async def run_api(
    port: int, clients: int, seconds: int, products: list[str], customers: list[str], db_url: str
) -> Result:
    rng = random.Random(1)
    bodies = []
    for _ in range(5000):
        picked = [
            products[rng.randrange(0, 100)],
            products[rng.randrange(100, 200)],
            products[rng.randrange(200, 300)],
        ]
        body = {"lines": [{"product_id": p, "quantity": 1} for p in picked], "shipping": {"country": "NL"}}
        bodies.append((rng.choice(customers), json.dumps(body).encode()))
    warm: list[float] = []
    await asyncio.gather(
        *(
            _client(port, bodies, time.perf_counter() + 2, record=False, latencies=warm, errors=[])
            for _ in range(clients)
        )
    )
    latencies: list[float] = []
    errors: list[int] = []
    before = _order_count(db_url)
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(
                port, bodies[k::clients], started + seconds, record=True, latencies=latencies, errors=errors
            )
            for k in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    return Result(
        "HTTP API (POST /api/v1/orders)",
        clients,
        len(latencies),
        elapsed,
        len(latencies) / elapsed,
        _percentile(latencies, 0.5),
        _percentile(latencies, 0.99),
        errors=len(errors),
        written=_order_count(db_url) - before,
    )


WRK_SCRIPT = """
-- Random 3-line orders from random signed-in customers (their access tokens), each with a fresh
-- Idempotency-Key.
local products, customers = {}, {}
for line in io.lines(os.getenv("BENCH_PRODUCTS")) do products[#products + 1] = line end
for line in io.lines(os.getenv("BENCH_CUSTOMERS")) do customers[#customers + 1] = line end

-- Every key must be new: a repeated key is an idempotent replay, not an order.
math.randomseed(tonumber(os.getenv("BENCH_SEED")))
local run, counter = os.getenv("BENCH_RUN"), 0

request = function()
  counter = counter + 1
  local body = string.format(
    '{"lines":[{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1},' ..
    '{"product_id":"%s","quantity":1}],"shipping":{"country":"NL"}}',
    products[math.random(1, 100)], products[math.random(101, 200)], products[math.random(201, 300)])
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. customers[math.random(1, #customers)],
    ["Idempotency-Key"] = run .. "-" .. counter,
  }
  return wrk.format("POST", "/api/v1/orders", headers, body)
end
"""


def _order_count(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT count(*) FROM orders").fetchone()
    return int(row[0]) if row else 0


def run_api_wrk(
    port: int, clients: int, seconds: int, products: list[str], customers: list[str], db_url: str
) -> Result:
    """Drive the API with wrk (C, like pgbench), so the load generator costs the server little CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "orders.lua").write_text(WRK_SCRIPT)
        (folder / "products").write_text("\n".join(products) + "\n")
        (folder / "customers").write_text("\n".join(customers) + "\n")
        env = {
            **os.environ,
            "BENCH_PRODUCTS": str(folder / "products"),
            "BENCH_CUSTOMERS": str(folder / "customers"),
        }
        url = f"http://127.0.0.1:{port}"
        subprocess.run(
            ["wrk", "-t1", f"-c{clients}", "-d2s", "-s", str(folder / "orders.lua"), url],
            env={**env, "BENCH_RUN": uuid.uuid4().hex, "BENCH_SEED": "1"},
            capture_output=True,
            check=True,
        )  # warm-up
        before = _order_count(db_url)
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{clients}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(folder / "orders.lua"),
                url,
            ],
            env={**env, "BENCH_RUN": uuid.uuid4().hex, "BENCH_SEED": "2"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    lines = [line.split() for line in out.splitlines()]
    per_second = next(float(p[1]) for p in lines if p[:1] == ["Requests/sec:"])
    total = next(int(p[0]) for p in lines if len(p) > 2 and p[1:3] == ["requests", "in"])
    p50 = next(wrk_ms(p[1]) for p in lines if p[:1] == ["50%"])
    p99 = next(wrk_ms(p[1]) for p in lines if p[:1] == ["99%"])
    errors = wrk_errors(out)
    written = _order_count(db_url) - before
    return Result(
        "HTTP API (POST /api/v1/orders)",
        clients,
        total,
        float(seconds),
        per_second,
        p50,
        p99,
        errors,
        written,
    )


# ---------------------------------------------------------------- report

TARGET_CLIENTS = 16  # the targets are stated for 16 concurrent clients


def _verdict(results: list[Result], ceiling: float) -> str:
    """Met or MISSED only for a run at the targets' concurrency in which nothing failed."""
    api = next((r for r in results if r.name.startswith("HTTP") and r.clients == TARGET_CLIENTS), None)
    if api is None:
        return f"not measured (the targets are for {TARGET_CLIENTS} clients; run with --clients {TARGET_CLIENTS})"
    failed = [f"{r.name} @{r.clients}: {r.errors}" for r in results if r.errors]
    if failed:
        return f"not measured (errors or non-2xx answers: {'; '.join(failed)})"
    verdict_ratio = "met" if api.per_second >= 0.4 * ceiling else "MISSED"
    verdict_p99 = "met" if api.p99_ms < 50 else "MISSED"
    return (
        f"API >= 40% of the raw ceiling ({verdict_ratio}: {api.per_second / ceiling:.0%}); "
        f"p99 < 50 ms at {TARGET_CLIENTS} clients ({verdict_p99}: {api.p99_ms:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1, help="worker processes for the API")
    parser.add_argument(
        "--loader",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="HTTP load generator: wrk when installed (auto), or the built-in asyncio client",
    )
    args = parser.parse_args()
    use_wrk = args.loader == "wrk" or (args.loader == "auto" and shutil.which("wrk") is not None)
    print(f"HTTP load generator: {'wrk' if use_wrk else 'built-in asyncio client'}", flush=True)

    results: list[Result] = []
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(bench_server())
        url = stack.enter_context(fresh_database(server))
        print(f"Loading {N_PRODUCTS} products and {N_CUSTOMERS} customers…", flush=True)
        products, customers = asyncio.run(load_catalog(url))
        key_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "signing-key.pem"
        signer = Signer(load_or_create_key(key_file))
        # Each customer is signed in: the API verifies a real access token on every order.
        tokens = [
            signer.access_token(c, ["customer"], str(uuid.uuid4()), "0" * 64, ttl=3600) for c in customers
        ]
        for clients in sorted({4, args.clients}):
            print(f"pgbench, {clients} clients, {args.seconds}s…", flush=True)
            results.append(run_pgbench(url, clients, args.seconds))
        with api_server(url, args.workers, key_file) as port:
            for clients in sorted({4, args.clients}):
                print(f"API, {clients} clients, {args.seconds}s…", flush=True)
                if use_wrk:
                    results.append(run_api_wrk(port, clients, args.seconds, products, tokens, url))
                else:
                    results.append(asyncio.run(run_api(port, clients, args.seconds, products, tokens, url)))

    ceiling = max(r.per_second for r in results if r.name.startswith("raw"))
    print()
    header = f"{'':34}{'clients':>8}{'tx/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'of ceiling':>12}"
    print(header + f"{'requests':>10}{'written':>9}")
    for r in results:
        written = "" if r.written is None else str(r.written)
        print(
            f"{r.name:34}{r.clients:>8}{r.per_second:>10.0f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.errors:>8}"
            f"{r.per_second / ceiling:>11.0%}{r.transactions:>10}{written:>9}"
        )
    print(f"\nTarget: {_verdict(results, ceiling)}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (out / f"commands-{stamp}.json").write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
