"""Projection lag at a steady order rate, end to end for every order placed, for benchmarks/projections.py.

Orders go through the command path at a steady rate while a real `ecolaura project`
process follows the log. Each order's lag, per projection, runs from the moment
its commit returned to the first poll (every 5 ms) at which that projection's
checkpoint covers the order's log position. Every order placed is waited for,
warm-up orders included: an order no checkpoint reaches within the deadline is
counted as unreached, never left out, and an order that fails to commit is
counted as a failure. Either kind makes the run's verdict something other than
"met".
"""

from __future__ import annotations

import asyncio
import heapq
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from ecolaura.database import make_engine
from ecolaura.settings import libpq_url
from projections import keys, redis_client
from projections.registry import PROJECTIONS
from projections.store import decode_cursor
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import commands as c
from write_side.contracts import events as ev
from write_side.service_layer.messagebus import MessageBus

WARM_SECONDS = 2.0  # orders in the first 2 s warm the benchmark's own pools and caches: waited for, not timed
REACH_DEADLINE = 30.0  # seconds after the last order before an unreached one counts as never reached
TARGET_RATE, TARGET_LAG = 200.0, 1.0  # the target: lag under 1 s at a steady 200 orders/s


@dataclass
class LagRun:
    """What one lag run saw: per-projection delays of the timed orders, and what went wrong."""

    rate: float
    seconds: float
    started: int = 0  # orders sent in the timed window
    committed: list[tuple[ev.LogCursor, float, bool]] = field(default_factory=list)  # cursor, time, timed
    failed: list[str] = field(default_factory=list)  # why each failed order failed
    delays: dict[str, list[float]] = field(default_factory=dict)
    unreached: dict[str, int] = field(default_factory=dict)

    def verdict(self) -> str:
        """The target line: met or MISSED only when the run measured the target, otherwise why not."""
        if self.failed:
            reasons = ", ".join(sorted(set(self.failed)))
            return f"not measured: {len(self.failed)} orders failed to commit ({reasons})"
        if self.rate != TARGET_RATE:
            return f"not measured: the target is at {TARGET_RATE:.0f} orders/s, this run placed {self.rate:.0f}/s"
        achieved = self.started / self.seconds
        if achieved < 0.95 * TARGET_RATE:
            return f"not measured: orders were sent at {achieved:.0f}/s, not {TARGET_RATE:.0f}/s"
        unreached = {n: k for n, k in self.unreached.items() if k}
        if unreached:
            which = ", ".join(f"{n} {k}" for n, k in unreached.items())
            return f"MISSED: orders not reached {REACH_DEADLINE:.0f} s after the last was placed: {which}"
        if not all(self.delays.values()):
            return "not measured: no order was timed"
        worst = max(max(v) for v in self.delays.values())
        return f"{'met' if worst < TARGET_LAG else 'MISSED'}: max {worst * 1000:.0f} ms"


def _start_projector(db_url: str, redis_url: str, names: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "ecolaura.cli", "project", *names],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _checkpoints(client: aioredis.Redis, names: list[str]) -> dict[str, ev.LogCursor]:
    out = {}
    for name in names:
        generation = int(await client.get(keys.pointer(name)) or 1)
        out[name] = decode_cursor(await client.get(keys.checkpoint(name, generation)))
    return out


async def _place_orders(
    bus: MessageBus, products: list[str], customers: list[str], run: LagRun, warm_until: float, stop_at: float
) -> None:
    """Send orders at a steady rate (not as fast as possible) until ``stop_at``; note each commit."""
    rng = random.Random(3)
    interval, next_at = 1 / run.rate, time.perf_counter()
    pending: set[asyncio.Task[None]] = set()

    async def one(lines: tuple[c.OrderLineInput, ...], customer: str, timed: bool) -> None:
        try:
            reply = await bus.handle(c.PlaceOrder(lines, "NL", "standard"), c.Actor(customer, "customer"))
        except Exception as exc:
            run.failed.append(type(exc).__name__)
            return
        if reply.cursor is None:
            run.failed.append(f"status {reply.status} without a log position")
            return
        run.committed.append((reply.cursor, time.perf_counter(), timed))

    while (now := time.perf_counter()) < stop_at:
        lines = tuple(c.OrderLineInput(p, 1) for p in rng.sample(products, 3))
        timed = now >= warm_until
        run.started += timed
        task = asyncio.create_task(one(lines, rng.choice(customers), timed))
        pending.add(task)
        task.add_done_callback(pending.discard)
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await asyncio.gather(*pending)


async def measure_lag(
    db_url: str, redis_url: str, products: list[str], customers: list[str], seconds: float, rate: float
) -> LagRun:
    """Orders at a steady ``rate`` for ``seconds`` (after a warm-up) while a real projector process follows."""
    names = list(PROJECTIONS)
    run = LagRun(rate, seconds, delays={n: [] for n in names}, unreached=dict.fromkeys(names, 0))
    daemon = _start_projector(db_url, redis_url, names)
    client = redis_client.connect(redis_url)
    engine = make_engine(db_url, pool_size=8)
    waiting: dict[str, list[tuple[ev.LogCursor, float, bool]]] = {n: [] for n in names}
    try:
        async with EventLogReader(libpq_url(db_url)) as reader:
            head = await reader.head()
            while min((await _checkpoints(client, names)).values()) < head:  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.2)
        warm_until = time.perf_counter() + WARM_SECONDS
        stop_at = warm_until + seconds
        placing = asyncio.create_task(
            _place_orders(MessageBus(engine), products, customers, run, warm_until, stop_at)
        )
        taken = 0
        while True:
            fresh, taken = run.committed[taken:], len(run.committed)
            for name in names:
                for order in fresh:
                    heapq.heappush(waiting[name], order)
            checkpoints = await _checkpoints(client, names)
            now = time.perf_counter()
            for name, heap in waiting.items():
                # Commits return out of log order; the heap yields the lowest position first.
                while heap and heap[0][0] <= checkpoints[name]:
                    _, committed_at, timed = heapq.heappop(heap)
                    if timed:
                        run.delays[name].append(max(0.0, now - committed_at))
            done = placing.done() and taken == len(run.committed)
            if done and not any(waiting.values()):
                break
            if done and now > stop_at + REACH_DEADLINE:
                run.unreached = {n: len(w) for n, w in waiting.items()}
                break
            await asyncio.sleep(0.005)
        await placing
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        await client.aclose()
        await engine.dispose()
    return run


def p99(values: list[float]) -> float:
    """The 99th percentile (the value itself for a single one, NaN for none)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[98]
