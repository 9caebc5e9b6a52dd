"""What reading the log in stream order costs the command side: the causal_tx trigger, on and off.

Each order writes four events, and the ``event_log_causal_tx`` trigger (migration
0007) looks up each event's stream predecessor to set ``causal_tx``. This runs
the command benchmark's order transaction (pgbench, the raw ceiling) and real
orders through the HTTP API, in turns, on one database:

* baseline: the trigger disabled and ``causal_tx`` a constant (what writing cost
  when readers ordered by transaction id);
* ours: the trigger on.

Usage: uv run python benchmarks/stream_order.py [--clients 16] [--seconds 15] [--rounds 2]
The database comes from BENCH_DATABASE_URL, else the local server, else an embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.commands import (  # noqa: E402
    api_server,
    bench_server,
    fresh_database,
    load_catalog,
    run_api,
    run_api_wrk,
    run_pgbench,
)
from write_side.identity.signing import Signer, load_or_create_key  # noqa: E402

MODES = {
    "trigger off (baseline)": [
        "ALTER TABLE event_log DISABLE TRIGGER event_log_causal_tx",
        "ALTER TABLE event_log ALTER COLUMN causal_tx SET DEFAULT 0",
    ],
    "trigger on (ours)": [
        "ALTER TABLE event_log ALTER COLUMN causal_tx DROP DEFAULT",
        "ALTER TABLE event_log ENABLE TRIGGER event_log_causal_tx",
    ],
}


def _switch(url: str, mode: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in MODES[mode]:
            conn.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2, help="turns of each mode, interleaved")
    args = parser.parse_args()
    figures: dict[tuple[str, str], list[float]] = {}
    errors = 0
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database(stack.enter_context(bench_server())))
        print("Loading the catalog…", flush=True)
        products, customers = asyncio.run(load_catalog(url))
        key_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "signing-key.pem"
        signer = Signer(load_or_create_key(key_file))
        tokens = [
            signer.access_token(c, ["customer"], str(uuid.uuid4()), "0" * 64, ttl=3600) for c in customers
        ]
        port = stack.enter_context(api_server(url, 1, key_file))
        for turn in range(args.rounds):
            for mode in MODES:
                _switch(url, mode)
                print(f"round {turn + 1}, {mode}…", flush=True)
                raw = run_pgbench(url, args.clients, args.seconds)
                if shutil.which("wrk"):
                    api = run_api_wrk(port, args.clients, args.seconds, products, tokens, url)
                else:
                    api = asyncio.run(run_api(port, args.clients, args.seconds, products, tokens, url))
                errors += raw.errors + api.errors
                figures.setdefault((mode, "pgbench"), []).append(raw.per_second)
                figures.setdefault((mode, "api"), []).append(api.per_second)
        _switch(url, "trigger on (ours)")
    print(
        f"\n{args.clients} clients, {args.seconds} s per run, {args.rounds} interleaved rounds (tx/s per run)\n"
    )
    print(f"{'':26}{'pgbench (raw)':>28}{'API orders':>28}")
    for mode in MODES:
        raw, api = figures[(mode, "pgbench")], figures[(mode, "api")]
        print(f"{mode:26}{' / '.join(f'{v:.0f}' for v in raw):>28}{' / '.join(f'{v:.0f}' for v in api):>28}")
    if errors:
        print(f"\nnot measured: {errors} requests failed")
        return
    for column in ("pgbench", "api"):
        base = statistics.median(figures[("trigger off (baseline)", column)])
        ours = statistics.median(figures[("trigger on (ours)", column)])
        print(
            f"{column}: the trigger costs {(base - ours) / base:+.1%} of throughput (medians {base:.0f} -> {ours:.0f})"
        )


if __name__ == "__main__":
    main()
