"""ASGI server benchmark: uvicorn against granian, serving the real read API's product card from Redis.

Both servers load the same app factory (``ecolaura.apps:read_app``) with the same
worker count: uvicorn as ``ecolaura serve`` ran it until 2026-12-02 (uvloop,
httptools), granian as it runs it now (ASGI with lifespan, uvloop, HTTP/1.1);
``benchmarks.support.asgi_server`` holds both command lines. wrk (1 thread, 16
connections by default) sends ``GET /api/v1/catalog/products/{id}`` for random
products of a seeded demo catalog; each answer is one Redis read of a projected
product card. Beside each run: the CPU the server's processes used (main and
workers), in cores and in microseconds per request.

The servers take turns (uvicorn, granian, uvicorn, granian, ...) so that drift in
the machine's load falls on both alike; every row is one wrk run after a 2 s
warm-up.

Usage: uv run python benchmarks/servers.py [--seconds 10] [--clients 16] [--workers 1 2] [--rounds 2]
Databases as for the other benchmarks: BENCH_DATABASE_URL and BENCH_REDIS_URL, else the
local servers, else embedded ones.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import psutil
import redis

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a script named like the `projections` package: keep it off the path, import siblings
# as `benchmarks.*` from the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.commands import bench_server, fresh_database  # noqa: E402
from benchmarks.queries import load_demo, wrk  # noqa: E402
from benchmarks.support import asgi_server, bench_redis, serve  # noqa: E402

APP = "ecolaura.apps:read_app"


def server_processes(port: int) -> list[psutil.Process]:
    """The processes of the server listening on ``port``: its main process and its workers."""
    listening = next(
        c.pid
        for c in psutil.net_connections("tcp")
        if c.pid and c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
    )
    # The socket may be listed under any process that shares it (a worker, say): the server
    # is the one this script started.
    main = psutil.Process(listening)
    while (parent := main.parent()) is not None and parent.pid != os.getpid():
        main = parent
    return [main, *main.children(recursive=True)]


def answer(port: int, path: str) -> str:
    """The status and the start of the body of one GET, to tell what the failing requests got."""
    try:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return f"{response.status}"
    except HTTPError as exc:
        return f"{exc.code} {exc.read()[:200]!r}"
    except OSError as exc:
        return repr(exc)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each server per worker count")
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk")

    rows: list[tuple[str, int, int, float, float, float, int, float]] = []
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(bench_server())
        db_url = stack.enter_context(fresh_database(server))
        redis_url = stack.enter_context(bench_redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        redis.Redis.from_url(redis_url).flushdb()
        print(f"Seeding {args.products:,} products and projecting their cards…", flush=True)
        seed = ["--products", str(args.products), "--customers", "20", "--orders", "0"]
        products = load_demo(db_url, redis_url, None, seed, rebuild="product_cards")
        paths = [f"/api/v1/catalog/products/{p}" for p in products]
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "SEARCH_DIR": str(tmp / "search"),
            "LOG_LEVEL": "WARNING",
        }
        for workers in args.workers:
            for run in range(1, args.rounds + 1):
                for name in ("uvicorn", "granian"):
                    with serve(asgi_server(name, APP, factory=True, workers=workers), env) as port:
                        processes = server_processes(port)
                        cpu, started = cpu_seconds(processes), time.perf_counter()
                        rps, p50, p99, errors = wrk(port, paths, args.seconds, args.clients)
                        # Warm-up and timed run alike are under full load: cores used over both.
                        cores = (cpu_seconds(processes) - cpu) / (time.perf_counter() - started)
                        if errors:
                            print(
                                f"  after the errors, one card answers: {answer(port, paths[0])}", flush=True
                            )
                    rows.append((name, workers, run, rps, p50, p99, errors, cores))
                    print(
                        f"  {name:8} {workers} worker(s), run {run}: {rps:>8,.0f} req/s  "
                        f"p50 {p50:.2f} ms  p99 {p99:.2f} ms  errors {errors}  server CPU {cores:.2f} cores",
                        flush=True,
                    )
        redis.Redis.from_url(redis_url).flushdb()

    header = f"{'':10}{'workers':>8}{'run':>5}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(f"\n{header}{'CPU cores':>11}{'CPU µs/req':>12}")
    for name, workers, run, rps, p50, p99, errors, cores in rows:
        print(
            f"{name:10}{workers:>8}{run:>5}{rps:>10,.0f}{p50:>9.2f}{p99:>9.2f}{errors:>8}"
            f"{cores:>11.2f}{cores / rps * 1e6:>12.0f}"
        )
    print()
    for workers in args.workers:
        mean = {
            name: statistics.mean(r[3] for r in rows if r[0] == name and r[1] == workers)
            for name in ("uvicorn", "granian")
        }
        failed = sum(r[6] for r in rows if r[1] == workers)
        note = f"; {failed} errors, so not a fair comparison" if failed else ""
        print(
            f"{workers} worker(s): granian {mean['granian']:,.0f} req/s against uvicorn "
            f"{mean['uvicorn']:,.0f} (mean of {args.rounds}): {mean['granian'] / mean['uvicorn']:.2f}x{note}"
        )


if __name__ == "__main__":
    main()
