"""The lake projection: the event log exported to Parquet (``analytics.lake``), with generations.

Following the log, events are buffered and flushed as one part file per table
and day when the buffer is full or ``flush_seconds`` have passed, so a quiet
shop does not grow thousands of tiny files. The checkpoint lives with the files
(see ``analytics.lake``): a crash loses only the unflushed buffer, which is read
again. A rebuild fills generation n+1 from position zero (resuming its own
checkpoint after a crash), swaps the ``live`` pointer and drops generation n.

The following runner also compacts: every ``compact_every`` seconds it looks for
closed days (before today, UTC) with several part files per table, and if it
finds any, copies the live generation with those merged (``compact_generation``)
into generation n+1 and swaps it in. Generation n stays for ``COMPACT_GRACE``
seconds, for analytics runs still reading it, and is dropped at a later look.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import redis.asyncio as aioredis
import structlog

from analytics.lake import (
    COMPACTED_FROM,
    GenerationsLock,
    LakeGenerations,
    LakeWriter,
    closed_partitions,
    compact_generation,
    writer_active,
)
from projections.following import follow, report_status
from projections.rebuild import Progress
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import events as ev

NAME = "lake"
SWAP_GRACE = 1.0
RECOUNT_SECONDS = 5.0  # seconds for a follower on the old generation to notice the swap
COMPACT_EVERY = 3600.0  # seconds between the following runner's looks for closed days to compact
COMPACT_GRACE = 3600.0  # seconds a compacted-away generation stays for the runs still reading it
log = structlog.get_logger("ecolaura.lake")


class LakeProjectionRunner:
    name = NAME

    def __init__(  # noqa: PLR0913 - the runner's settings
        self,
        reader: EventLogReader,
        root: Path,
        batch_size: int = 20_000,
        flush_seconds: float = 60.0,
        generation: int | None = None,
        redis: aioredis.Redis | None = None,
        compact_every: float | None = None,
    ) -> None:
        self.reader = reader
        self.generations = LakeGenerations(root)
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.fixed_generation = generation
        self.redis = redis
        self._writer: LakeWriter | None = None
        self._generation = 0
        self._buffer: list[ev.RecordedEvent] = []
        self._cursor = ev.LogCursor()  # read so far (ahead of the writer's checkpoint by the buffer)
        self._flushed_at = time.monotonic()
        self.applied = 0
        self.compact_every = compact_every  # None: never (exports and rebuilds); the projector sets it
        self._looked_at = -float("inf")

    def writer(self) -> LakeWriter:
        generation = self.fixed_generation or self.generations.live_generation()
        if self._writer is None or generation != self._generation:
            self._buffer.clear()  # unflushed events are read again from the new writer's checkpoint
            if self._writer is not None:
                self._writer.close()
            self._writer = LakeWriter(self.generations.path(generation))
            self._generation = generation
            self._cursor = self._writer.checkpoint.cursor
        return self._writer

    async def read(self) -> list[ev.RecordedEvent]:
        """The next batch after what was read so far (not yet written)."""
        events = await self.reader.read_from(self._cursor, self.batch_size)
        if events:
            self._cursor = events[-1].cursor
            self.applied += len(events)
        return events

    async def step(self) -> int:
        writer = self.writer()
        events = await self.read()
        self._buffer.extend(events)
        full = len(self._buffer) >= self.batch_size
        if self._buffer and (full or time.monotonic() - self._flushed_at >= self.flush_seconds):
            self.flush(writer)
        if self.compact_every is not None and time.monotonic() - self._looked_at >= self.compact_every:
            self._looked_at = time.monotonic()
            await self.compact()
        return len(events)

    async def compact(self, closed_before: date | None = None, grace_seconds: float = COMPACT_GRACE) -> int:
        """Swap in a copy of the live generation with closed days merged; the partitions merged (0: none).

        Runs under the lake-wide ``GenerationsLock`` (skipped if a rebuild holds
        it), and not while a rebuild is building (or waits to resume) the next
        generation. A copy that a crash left unswapped is stale (the live
        generation moved on since) and is deleted first.
        """
        before = closed_before or datetime.now(UTC).date()
        self.flush()
        self.writer()  # opens (or follows a swap to) the live generation
        lock = GenerationsLock(self.generations.root)
        if not lock.acquire(blocking=False):
            return 0
        try:
            return await self._compact(before, grace_seconds)
        finally:
            lock.release()

    async def _compact(self, before: date, grace_seconds: float) -> int:
        generations, live = self.generations, self._generation
        await asyncio.to_thread(generations.drop_retired, grace_seconds)
        for newer in (g for g in generations.numbers() if g > live):
            folder = generations.path(newer)
            if not (folder / COMPACTED_FROM).exists() or writer_active(folder):
                log.info(
                    "lake.compaction_waits",
                    reason="a rebuild is filling the next generation",
                    generation=newer,
                )
                return 0
            await asyncio.to_thread(shutil.rmtree, folder)
        for staging in generations.root.glob("g*.compacting"):  # under the lock: a crashed compaction's
            await asyncio.to_thread(shutil.rmtree, staging, ignore_errors=True)
        source = generations.path(live)
        if not await asyncio.to_thread(closed_partitions, source, before):
            return 0
        target = live + 1
        staging = generations.root / f"g{target}.compacting"
        merged = await asyncio.to_thread(compact_generation, source, staging, before)
        (staging / COMPACTED_FROM).write_text(str(live))
        staging.rename(generations.path(target))
        # Retired before the swap: after a crash between the two, the marker sits on the live
        # generation, where nothing reads it (only generations below the live one are dropped).
        generations.retire(live)
        generations.swap(target)
        log.info("lake.compacted", generation=target, previous=live, partitions=merged)
        self.writer()  # moves this runner to the new generation (its buffer is empty: flushed above)
        return merged

    def flush(self, writer: LakeWriter | None = None) -> None:
        """Write the buffered events and move the checkpoint."""
        writer = writer or self._writer
        if writer is not None and self._buffer:
            writer.write(self._buffer)
            self._buffer = []
        self._flushed_at = time.monotonic()

    def position(self) -> ev.LogCursor:
        return self._cursor

    async def report(self) -> None:
        """Generation, checkpoint, head and lag, in the status hash the other projections use."""
        if self.redis is not None:
            await report_status(
                self.redis, self.reader, NAME, self._generation, self.writer().checkpoint.cursor
            )

    async def run(self, stop: asyncio.Event, idle_wait: float = 1.0) -> None:
        try:
            await follow(self.reader, self.step, self.report, stop, self.batch_size, idle_wait, name=NAME)
        finally:
            self.close()

    def close(self) -> None:
        """Flush what is buffered and release the generation."""
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


async def export(
    runner: LakeProjectionRunner,
    reader: EventLogReader,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: asyncio.Event | None = None,
) -> int:
    """Export up to the head of the log, a part file set per batch; returns the events exported.

    The next batch is read while the previous one is written in a thread (Parquet encoding and
    compression release the GIL), which hides most of the writing behind the reading.
    """
    started = time.monotonic()
    writer = runner.writer()
    done_before = writer.checkpoint.events
    # Counting what is left scans the rest of the log: done every few seconds, not per batch,
    # or a long export spends a quadratic share of its time counting.
    total, counted_at = done_before, -float("inf")
    writing: asyncio.Future[None] | None = None
    try:
        while events := await runner.read():
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(asyncio.to_thread(writer.write, events))
            if cancel is not None and cancel.is_set():
                raise asyncio.CancelledError("lake export cancelled")
            if on_progress is not None:
                done = done_before + runner.applied
                if time.monotonic() - counted_at > RECOUNT_SECONDS:
                    remaining, _ = await reader.lag(runner.position())
                    total, counted_at = done + remaining, time.monotonic()
                total = max(total, done)
                rate = runner.applied / max(time.monotonic() - started, 1e-6)
                on_progress(Progress(done, total, rate, (total - done) / rate if rate else None))
    finally:
        if writing is not None:
            await writing  # a batch is written whole with its checkpoint, or not at all
    return runner.applied


async def rebuild_lake(
    reader: EventLogReader,
    root: Path,
    batch_size: int = 50_000,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: asyncio.Event | None = None,
) -> int:
    """Export the whole log into the next generation (resuming a crashed rebuild), swap, drop the old.

    The target is claimed, and later swapped in and the old generations dropped,
    under the lake-wide ``GenerationsLock``, so the projector's compaction never
    copies or deletes a generation under a rebuild's feet.
    """
    generations = LakeGenerations(root)
    async with _generations_locked(root):
        target = generations.live_generation() + 1
        if (generations.path(target) / COMPACTED_FROM).exists():
            # A compaction's copy that was never swapped in: not a rebuild to resume.
            await asyncio.to_thread(shutil.rmtree, generations.path(target))
        runner = LakeProjectionRunner(reader, root, batch_size=batch_size, generation=target)
        runner.writer()  # claims the target: compaction leaves a generation with an active writer alone
    try:
        await export(runner, reader, on_progress, cancel)
    finally:
        runner.close()
    async with _generations_locked(root):
        generations.swap(target)
    await asyncio.sleep(SWAP_GRACE)
    async with _generations_locked(root):
        live = generations.live_generation()  # a compaction may already have moved on from the target
        for stale in generations.numbers():  # the old one, and any a crash left behind after a swap
            if stale < target and stale != live:
                generations.drop(stale)
        for staging in generations.root.glob("g*.compacting"):  # under the lock: a crashed compaction's
            shutil.rmtree(staging, ignore_errors=True)
    return target


@contextlib.asynccontextmanager
async def _generations_locked(root: Path) -> AsyncIterator[None]:
    lock = GenerationsLock(root)
    await asyncio.to_thread(lock.acquire)  # waits for a compaction's copy to finish
    try:
        yield
    finally:
        lock.release()
