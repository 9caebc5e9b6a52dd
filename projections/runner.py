"""Runs a projection: read a batch from its checkpoint, apply it, commit it with the checkpoint.

A poison event (one the projection cannot apply) stops only that projection:
the events before it are committed, the event is parked as a dead letter with
its position, the error and the code version, and the status says ``failed``.
It never skips silently; skipping is an admin's recorded decision.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from importlib.metadata import version

import redis.asyncio as aioredis
import structlog

from projections import keys
from projections.base import Projection
from projections.heartbeats import process_name
from projections.store import GenerationStore, encode_cursor
from projections.work_metrics import APPLY_SECONDS, BATCH_EVENTS, EVENTS_APPLIED
from write_side.adapters.event_log import EventLogReader
from write_side.contracts.events import LogCursor, RecordedEvent

log = structlog.get_logger("ecolaura.projections")
MAX_WRITES_PER_COMMIT = 1000  # a few milliseconds of Redis time at most (benchmarks/redis_stalls.py)
CODE_VERSION = version("ecolaura")


class ProjectionFailedError(RuntimeError):
    """The projection stopped at a poison event."""


async def live_generation(redis: aioredis.Redis, name: str) -> int:
    """The live generation, creating generation 1 for a projection never run before."""
    await redis.set(keys.pointer(name), 1, nx=True)
    return int(await redis.get(keys.pointer(name)) or 1)


def skipped_key(name: str) -> str:
    """Positions an admin decided this projection skips, for good."""
    return f"{keys.PREFIX}:{name}:skipped"


def dead_letters_key(name: str) -> str:
    """The set of parked positions of a projection."""
    return f"{keys.PREFIX}:{name}:dead"


def dead_letter_key(name: str, position: int) -> str:
    return f"{keys.PREFIX}:{name}:dead:{position}"


class ProjectionRunner:
    def __init__(
        self,
        projection: Projection,
        redis: aioredis.Redis,
        reader: EventLogReader,
        batch_size: int = 1000,
        generation: int | None = None,
    ) -> None:
        self.projection = projection
        self.redis = redis
        self.reader = reader
        self.batch_size = batch_size
        self.fixed_generation = generation  # rebuilds write one generation; the daemon follows the pointer
        self.applied = 0
        # The metric children once: labels() takes a lock on every call.
        name = projection.name
        self._batch_events = BATCH_EVENTS.labels(name)
        self._apply_seconds = APPLY_SECONDS.labels(name)
        self._events_applied = EVENTS_APPLIED.labels(name)

    async def store(self) -> GenerationStore:
        generation = self.fixed_generation or await live_generation(self.redis, self.projection.name)
        return GenerationStore(self.redis, self.projection.name, generation)

    async def step(self) -> int:
        """Apply one batch; returns how many events it covered (0 when caught up).

        The batch is committed in chunks of at most ``MAX_WRITES_PER_COMMIT`` writes, each with
        the checkpoint of its last event: a MULTI/EXEC blocks every other Redis client while it
        runs, so it must stay short however large the documents and the batch are.
        """
        started = time.perf_counter()
        store = await self.store()
        start = await store.checkpoint()
        events = await self.reader.read_from(start, self.batch_size)
        if not events:
            return 0
        skipped = {int(p) for p in await self.redis.smembers(skipped_key(self.projection.name))}
        batch = await store.new_batch(k for e in events for k in self.projection.document_keys(e))
        committed, first_open = start, 0
        for index, event in enumerate(events):
            if event.position in skipped:
                continue  # an admin's recorded decision, honoured by rebuilds too
            try:
                self.projection.apply(event, batch)
            except Exception:  # noqa: BLE001 - any failure makes the event poison for this projection
                self._error = traceback.format_exc(limit=5)
                await self._stop_at(store, committed, events[first_open:index], skipped)
                await self._park(store, event)
                raise ProjectionFailedError(
                    f"{self.projection.name} stopped at event {event.position}"
                ) from None
            if batch.writes() >= MAX_WRITES_PER_COMMIT:
                await store.commit(batch, committed, event.cursor)
                committed, first_open = event.cursor, index + 1
                batch.settle()
        if batch.writes() or committed != events[-1].cursor:
            await store.commit(batch, committed, events[-1].cursor)
        self.applied += len(events)
        self._batch_events.observe(len(events))
        self._apply_seconds.observe(time.perf_counter() - started)
        self._events_applied.inc(len(events))
        return len(events)

    async def _stop_at(
        self, store: GenerationStore, committed: LogCursor, good: list[RecordedEvent], skipped: set[int]
    ) -> None:
        """Commit the events before a poison one, applied afresh: the failed apply may have half-changed documents."""
        if not good:
            return
        clean = await store.new_batch(k for e in good for k in self.projection.document_keys(e))
        for event in good:
            if event.position not in skipped:
                self.projection.apply(event, clean)
        await store.commit(clean, committed, good[-1].cursor)

    async def _park(self, store: GenerationStore, event: RecordedEvent) -> None:
        name = self.projection.name
        await self.redis.hset(
            dead_letter_key(name, event.position),
            mapping={
                "position": event.position,
                "tx_id": event.tx_id,
                "causal_tx": event.causal_tx,
                "event_type": event.event_type,
                "stream_id": event.stream_id,
                "error": self._error,
                "code_version": CODE_VERSION,
                "generation": store.generation,
                "parked_at": time.time(),
            },
        )
        await self.redis.sadd(dead_letters_key(name), event.position)
        await self.redis.hset(
            keys.status(name),
            mapping={
                "state": "failed",
                "failed_position": event.position,
                "error": self._error.splitlines()[-1],
            },
        )
        log.error(
            "projection.failed",
            projection=name,
            position=event.position,
            event_type=event.event_type,
            # Back to the request that wrote the event: its id, and its trace when it was traced.
            caused_by_request=event.metadata.correlation_id,
            caused_by_trace=event.metadata.trace_id,
        )

    async def report(self) -> None:
        """Write generation, checkpoint, head and lag where admins and metrics read them."""
        store = await self.store()
        checkpoint = await store.checkpoint()
        lag_events, lag_seconds = await self.reader.lag(checkpoint)
        head = await self.reader.head()
        await self.redis.hset(
            keys.status(self.projection.name),
            mapping={
                "generation": store.generation,
                "checkpoint": encode_cursor(checkpoint),
                "head": encode_cursor(head),
                "lag_events": lag_events,
                "lag_seconds": round(lag_seconds, 3),
                "updated_at": time.time(),
                "reported_by": process_name(),
            },
        )

    async def run(self, stop: asyncio.Event, idle_wait: float = 1.0) -> None:
        """Follow the log until ``stop`` is set or the projection fails."""
        name = self.projection.name
        if await self.redis.hget(keys.status(name), "state") != b"failed":
            await self.redis.hset(
                keys.status(name),
                mapping={"state": "live", "reported_by": process_name(), "updated_at": time.time()},
            )
        await self.reader.listen()  # before the first read, so no notification falls in between
        last_report = 0.0
        while not stop.is_set():
            if await self.redis.hget(keys.status(name), "state") == b"failed":
                # Parked: an admin retries (after a fix) or skips the event; until then, wait.
                await asyncio.sleep(idle_wait)
                continue
            try:
                applied = await self.step()
            except ProjectionFailedError:
                continue
            now = time.monotonic()
            if now - last_report > 1.0:
                await self.report()
                last_report = now
            if applied < self.batch_size:
                await self.reader.wait_for_events(timeout=idle_wait)
