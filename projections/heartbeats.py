"""Heartbeats of the background processes (projector, worker), so a dead one is seen within seconds.

Each process runs a daemon thread that writes ``el:process:{kind}:{host}:{pid}``
every ``BEAT_EVERY`` seconds: what it is, since when, and when it last beat.
A thread, not a task on the event loop, because the beat says "this process is
alive"; a loop busy with a long batch is not dead, and the projections report
their own progress separately. Each beat also sets ``el:alive:{kind}:{name}``
to expire ``STALE_AFTER`` seconds later: a process is alive while that key
exists, so Redis's own clock decides, and the hosts' clocks never matter. A
process killed with SIGKILL stops beating at once and is dead ``STALE_AFTER``
seconds later. The details expire after ``FORGET_AFTER``, so a dead process
stays visible to admins for a while and then disappears.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis
import structlog

from projections import keys
from projections.store import as_text

log = structlog.get_logger("ecolaura.heartbeats")

BEAT_EVERY = 0.5
STALE_AFTER = 2.0
FORGET_AFTER = 300


def process_name() -> str:
    """This process as heartbeats and reports name it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat_key(kind: str, name: str) -> str:
    return f"{keys.PREFIX}:process:{kind}:{name}"


def alive_key(kind: str, name: str) -> str:
    return f"{keys.PREFIX}:alive:{kind}:{name}"


# Every beating process by last beat, so readers find them without scanning the keyspace.
PROCESSES = f"{keys.PREFIX}:processes"


@dataclass(frozen=True, slots=True)
class ProcessBeat:
    kind: str
    name: str
    started_at: float
    beat_at: float  # the beating host's clock: for showing, never for deciding
    detail: str
    live: bool  # its alive key has not expired

    def age(self, now: float) -> float:
        return max(now - self.beat_at, 0.0)


class Heartbeat:
    """Beats for this process from a daemon thread until ``stop()`` (or until the process dies)."""

    def __init__(self, redis_url: str, kind: str, detail: Callable[[], str] = lambda: "") -> None:
        self.kind = kind
        self.name = process_name()
        self.key = heartbeat_key(kind, self.name)
        self.alive_key = alive_key(kind, self.name)
        self._detail = detail
        # Short timeouts: a beat that cannot be written soon is better skipped than queued.
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{kind}", daemon=True)
        self._started_at = time.time()

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating and say so at once: a process that stops on purpose is not left to look stale."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._thread.join(timeout=2)
        try:
            self._redis.delete(self.key, self.alive_key)
            self._redis.zrem(PROCESSES, self.key)
        except redis.RedisError:
            pass
        self._redis.close()

    def _run(self) -> None:
        failing = False
        while not self._stopped.is_set():
            try:
                self._beat()
                if failing:
                    log.info("heartbeat.restored", kind=self.kind)
                failing = False
            except redis.RedisError as exc:
                if not failing:  # once per outage, not twice a second
                    log.warning("heartbeat.failed", kind=self.kind, error=str(exc))
                failing = True
            self._stopped.wait(BEAT_EVERY)

    def _beat(self) -> None:
        now = time.time()
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(PROCESSES, {self.key: now})
            pipe.zremrangebyscore(PROCESSES, "-inf", now - FORGET_AFTER)
            pipe.hset(
                self.key,
                mapping={
                    "kind": self.kind,
                    "name": self.name,
                    "started_at": self._started_at,
                    "beat_at": now,
                    "detail": self._detail(),
                },
            )
            pipe.expire(self.key, FORGET_AFTER)
            pipe.set(self.alive_key, now, px=int(STALE_AFTER * 1000))
            pipe.execute()


async def beats(redis_client: aioredis.Redis, kind: str | None = None) -> list[ProcessBeat]:
    """Every process that beat in the last ``FORGET_AFTER`` seconds (of ``kind``, or all)."""
    members = await redis_client.zrangebyscore(PROCESSES, time.time() - FORGET_AFTER, "+inf")
    names = [as_text(k) for k in members if isinstance(k, bytes | str)]
    wanted = [n for n in names if kind is None or n.startswith(heartbeat_key(kind, ""))]
    if not wanted:
        return []
    async with redis_client.pipeline(transaction=False) as pipe:
        for key in wanted:
            pipe.hgetall(key)
            kind_, name = key.removeprefix(f"{keys.PREFIX}:process:").split(":", 1)
            pipe.exists(alive_key(kind_, name))
        replies = await pipe.execute()
    found: list[ProcessBeat] = []
    for row, live in zip(replies[::2], replies[1::2], strict=True):
        raw = {as_text(k): as_text(v) for k, v in row.items()}
        if "beat_at" in raw:
            found.append(
                ProcessBeat(
                    kind=raw.get("kind", ""),
                    name=raw.get("name", ""),
                    started_at=float(raw.get("started_at", 0)),
                    beat_at=float(raw["beat_at"]),
                    detail=raw.get("detail", ""),
                    live=bool(live),
                )
            )
    return sorted(found, key=lambda b: (b.kind, -b.beat_at))
