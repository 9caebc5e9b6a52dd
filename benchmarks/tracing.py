"""What tracing costs: one command endpoint served with OpenTelemetry off, then on, in the same run.

    uv run python benchmarks/tracing.py [--seconds 10] [--clients 8] [--rounds 2]

The endpoint is ``POST /api/v1/products/{product_id}/stock`` (a command: an idempotency-free
transaction of a few statements, events appended), each client adjusting its own product so
no two wait on one row lock. ``ecolaura serve write`` (1 Granian worker) runs it against a fresh
database; rounds alternate off and on, so a machine that slows down during the run
affects both. "on" is ``OTEL_TRACES_EXPORTER=otlp`` exporting every span (server span,
psycopg spans) over OTLP/HTTP to a receiver in this process that reads and drops the
requests, as a collector on the same host would; "sampled" is the same with one trace in ten
kept (``OTEL_TRACES_SAMPLER=parentbased_traceidratio``, ``OTEL_TRACES_SAMPLER_ARG=0.1``).
"off" is the default: no ``OTEL_*`` set.
The load is an asyncio client (httpx, keep-alive) in this process, sharing the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.commands import bench_server, fresh_database  # noqa: E402
from benchmarks.servers import cpu_seconds, server_processes  # noqa: E402
from benchmarks.support import serve  # noqa: E402
from ecolaura.embedded import free_port  # noqa: E402
from write_side.identity.signing import Signer, load_or_create_key  # noqa: E402


@contextlib.contextmanager
def otlp_sink() -> Iterator[tuple[str, list[int]]]:
    """An OTLP/HTTP endpoint that reads each export and answers 200; yields its URL and the bytes received."""
    received = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received[0] += len(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


Result = tuple[float, float, float, int, float]  # requests/s, p50 ms, p99 ms, errors, server CPU ms/request


async def load(base: str, token: str, products: list[str], seconds: float) -> Result:
    """Every client adjusts its own product's stock as fast as answers come.

    Besides requests/s and latencies, the server's CPU time per request (all its processes):
    the figure other load on a shared machine disturbs least.
    """
    server = server_processes(int(base.rsplit(":", 1)[1]))
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=len(products), max_keepalive_connections=len(products))
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one(product: str, until: float, record: bool) -> None:
            nonlocal errors
            while time.perf_counter() < until:
                started = time.perf_counter()
                r = await client.post(f"/api/v1/products/{product}/stock", json={"delta": 1}, headers=headers)
                if record:
                    latencies.append(time.perf_counter() - started)
                    errors += r.status_code >= 300

        await asyncio.gather(*(one(p, time.perf_counter() + 2, record=False) for p in products))  # warm-up
        cpu_before = cpu_seconds(server)
        began = time.perf_counter()
        await asyncio.gather(*(one(p, began + seconds, record=True) for p in products))
        elapsed = time.perf_counter() - began
        cpu = cpu_seconds(server) - cpu_before
    latencies.sort()
    return (
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
        errors,
        cpu * 1000 / len(latencies),
    )


def make_products(base: str, token: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(count):
            body = {
                "sku": f"B-{uuid.uuid4().hex[:12].upper()}",
                "name": "Benchmark tote",
                "category": "bags",
                "brand": "Bench",
                "price_minor": 1000,
                "currency": "EUR",
                "weight_kg": 0.2,
                "materials": [{"material": "organic cotton", "kg": 0.18}],
                "origin_country": "IN",
                "packaging": "paper",
                "certifications": [],
                "status": "active",
                "initial_stock": 10,
            }
            r = client.post("/api/v1/products", json=body, headers={"Authorization": f"Bearer {token}"})
            r.raise_for_status()
            ids.append(r.json()["id"])
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    modes = ("off", "on", "sampled")
    results: dict[str, list[Result]] = {m: [] for m in modes}
    with (
        bench_server() as server,
        fresh_database(server) as url,
        tempfile.TemporaryDirectory() as tmp,
        otlp_sink() as (sink, received),
    ):
        key_file = Path(tmp) / "signing-key.pem"
        token = Signer(load_or_create_key(key_file)).access_token(
            str(uuid.uuid4()), ["admin"], str(uuid.uuid4()), "0" * 64, ttl=3600
        )
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        base_env |= {"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "IDENTITY_KEY_FILE": str(key_file)}
        traced = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": sink}
        env_of = {
            "off": base_env,
            "on": base_env | traced,
            "sampled": base_env
            | traced
            | {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
        }
        command = [sys.executable, "-m", "ecolaura.cli", "serve", "write", "--workers", "1"]
        products: list[str] = []
        for _ in range(args.rounds):
            for mode in modes:
                with serve(command, env_of[mode]) as port:
                    base = f"http://127.0.0.1:{port}"
                    products = products or make_products(base, token, args.clients)
                    result = asyncio.run(load(base, token, products, args.seconds))
                results[mode].append(result)
                rps, p50, p99, errors, cpu = result
                print(
                    f"{mode:>7}: {rps:7.1f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                    f"server CPU {cpu:5.2f} ms/request  errors {errors}"
                )
    off = statistics.median(r[0] for r in results["off"])
    print(
        f"\nPOST /api/v1/products/{{id}}/stock, {args.clients} clients, {args.seconds:g} s x {args.rounds} rounds"
    )
    print("| tracing | req/s (median) | p50 ms | p99 ms | server CPU ms/request |")
    print("|---|---|---|---|---|")
    for mode in modes:
        rows = results[mode]
        print(
            f"| {mode} | {statistics.median(r[0] for r in rows):.0f} | "
            f"{statistics.median(r[1] for r in rows):.2f} | {statistics.median(r[2] for r in rows):.2f} | "
            f"{statistics.median(r[4] for r in rows):.2f} |"
        )
    off_cpu = statistics.median(r[4] for r in results["off"])
    for mode in modes[1:]:
        change = statistics.median(r[0] for r in results[mode]) / off - 1
        extra = statistics.median(r[4] for r in results[mode]) / off_cpu - 1
        print(
            f"tracing {mode}: throughput {100 * change:+.1f}%, server CPU per request {100 * extra:+.1f}% "
            "(baseline: off, same run)"
        )
    print(f"spans exported: {received[0] / 1e6:.1f} MB of OTLP protobuf")
    if any(r[3] for rows in results.values() for r in rows):
        print("errors: some requests failed; the figures are not comparable")


if __name__ == "__main__":
    main()
