"""The event log reader sees every committed event exactly once, in a stable order."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import libpq_url
from write_side.adapters import event_log
from write_side.adapters.event_log import EventLogReader, PendingEvent
from write_side.adapters.pg import PgSession
from write_side.contracts.events import EventMetadata, LogCursor, RecordedEvent, StockLevelChanged

META = EventMetadata(correlation_id="test", causation_id="test")


def _event(stream: str, version: int) -> PendingEvent:
    # Stock changes of a product no projection knows: real events that every projection may ignore.
    return PendingEvent(
        stream,
        version,
        StockLevelChanged(
            product_id=stream,
            on_hand=version,
            reserved=0,
            delta_on_hand=1,
            delta_reserved=0,
            reason="adjustment",
        ),
    )


async def _read_all(reader: EventLogReader, after: LogCursor, prefix: str) -> list[RecordedEvent]:
    seen: list[RecordedEvent] = []
    while batch := await reader.read_from(after, limit=100):
        after = batch[-1].cursor
        seen.extend(e for e in batch if e.stream_id.startswith(prefix))
    return seen


async def _tail_while(
    reader: EventLogReader, prefix: str, writers: Callable[[], Awaitable[object]], limit: int
) -> list[RecordedEvent]:
    """Tail the log in batches of ``limit`` while ``writers()`` runs; the events of ``prefix`` streams."""
    seen: list[RecordedEvent] = []
    done = asyncio.Event()

    async def tail(after: LogCursor) -> None:
        while True:
            batch = await reader.read_from(after, limit=limit)
            if batch:
                after = batch[-1].cursor
                seen.extend(e for e in batch if e.stream_id.startswith(prefix))
            elif done.is_set():
                return
            else:
                await reader.wait_for_events(timeout=0.02)

    tailer = asyncio.create_task(tail(await reader.head()))
    await writers()
    done.set()
    await asyncio.wait_for(tailer, timeout=30)
    return seen


async def test_an_event_committed_late_with_a_lower_position_is_not_skipped(
    engine: AsyncEngine, database_url: str
) -> None:
    prefix = f"late-{uuid.uuid4().hex[:8]}"
    async with EventLogReader(libpq_url(database_url)) as reader:
        start = await reader.head()
        async with engine.connect() as a, engine.connect() as b:
            await a.begin()
            await b.begin()
            await a.execute(text("SELECT pg_current_xact_id()"))  # A takes the older transaction id
            await event_log.append(
                PgSession(b), [_event(f"{prefix}-b", 1)], META
            )  # B takes the lower position
            await event_log.append(PgSession(a), [_event(f"{prefix}-a", 1)], META)
            await a.commit()
            seen_early = await _read_all(reader, start, prefix)
            await b.commit()
        seen = await _read_all(reader, start, prefix)

    assert [e.stream_id for e in seen_early] == [f"{prefix}-a"]
    b_event, a_event = sorted(seen, key=lambda e: e.position)
    assert b_event.stream_id == f"{prefix}-b" and b_event.position < a_event.position
    # A reader that remembered only "the highest position so far" would now skip B forever:
    assert b_event.position < a_event.position and b_event.cursor > a_event.cursor
    # Ours resumes from A's cursor and still returns B.
    async with EventLogReader(libpq_url(database_url)) as resumed:
        after_a = await _read_all(resumed, a_event.cursor, prefix)
    assert [e.stream_id for e in after_a] == [f"{prefix}-b"]


async def test_the_horizon_hides_events_until_older_transactions_finish(
    engine: AsyncEngine, database_url: str
) -> None:
    prefix = f"hz-{uuid.uuid4().hex[:8]}"
    async with EventLogReader(libpq_url(database_url)) as reader:
        start = await reader.head()
        async with engine.connect() as a, engine.connect() as b:
            await a.begin()
            await b.begin()
            await event_log.append(PgSession(a), [_event(f"{prefix}-a", 1)], META)
            await event_log.append(PgSession(b), [_event(f"{prefix}-b", 1)], META)
            await b.commit()
            assert await _read_all(reader, start, prefix) == []  # A, older, is still in flight
            await a.rollback()
        assert [e.stream_id for e in await _read_all(reader, start, prefix)] == [f"{prefix}-b"]


@pytest.mark.slow
async def test_concurrent_writers_and_a_tailing_reader_see_each_event_exactly_once(
    engine: AsyncEngine, database_url: str
) -> None:
    prefix = f"stress-{uuid.uuid4().hex[:8]}"
    writers, per_writer = 12, 40
    committed: set[str] = set()
    rolled_back: set[str] = set()
    rng = random.Random(7)

    async def writer(w: int) -> None:
        for i in range(per_writer):
            stream = f"{prefix}-{w}-{i}"
            async with engine.connect() as conn:
                await conn.begin()
                await event_log.append(PgSession(conn), [_event(stream, 1), _event(stream, 2)], META)
                await asyncio.sleep(rng.random() * 0.01)  # commit late, in scrambled order
                if rng.random() < 0.1:
                    await conn.rollback()
                    rolled_back.add(stream)
                else:
                    await conn.commit()
                    committed.add(stream)

    async with EventLogReader(libpq_url(database_url)) as reader:
        seen = await _tail_while(
            reader, prefix, lambda: asyncio.gather(*(writer(w) for w in range(writers))), 50
        )

    keys = [(e.stream_id, e.stream_version) for e in seen]
    assert len(keys) == len(set(keys)), "an event was delivered twice"
    assert {s for s, _ in keys} == committed, "a committed event was missed or a rolled-back one seen"
    assert not rolled_back & {s for s, _ in keys}
    assert [e.cursor for e in seen] == sorted(e.cursor for e in seen), "events out of log order"
    assert len(keys) == 2 * len(committed)


@pytest.mark.slow
async def test_writers_queueing_on_the_same_streams_are_read_in_each_streams_order(
    engine: AsyncEngine, database_url: str
) -> None:
    """Transactions take their id first, then queue for a stream's lock: ids no longer follow versions."""
    prefix = f"shared-{uuid.uuid4().hex[:8]}"
    streams = [f"{prefix}-{n}" for n in range(3)]
    rng = random.Random(11)

    async def writer(w: int) -> None:
        for _ in range(15):
            stream = rng.choice(streams)
            async with engine.connect() as conn:
                await conn.begin()
                await conn.execute(text("SELECT pg_current_xact_id()"))  # the id, before the queue
                await asyncio.sleep(rng.random() * 0.005)
                await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": stream})
                pending = await event_log.next_in_stream(conn, stream, _event(stream, 0).event)
                await event_log.append(PgSession(conn), [pending], META)
                await asyncio.sleep(rng.random() * 0.005)
                await conn.commit()

    async with EventLogReader(libpq_url(database_url)) as reader:
        seen = await _tail_while(reader, prefix, lambda: asyncio.gather(*(writer(w) for w in range(10))), 7)
        rebuilt = await _read_all(reader, LogCursor(), prefix)

    async with engine.connect() as conn:
        inverted = (
            await conn.execute(
                text(
                    """SELECT count(*) FROM (SELECT tx_id < lag(tx_id) OVER (PARTITION BY stream_id
                                                 ORDER BY stream_version) AS back
                                         FROM event_log WHERE stream_id LIKE :p) s WHERE back"""
                ),
                {"p": f"{prefix}-%"},
            )
        ).scalar_one()
    assert inverted > 0, "the writers never took their ids out of stream order: the test proves nothing"
    for delivered in (seen, rebuilt):
        assert len(delivered) == 150
        for stream in streams:
            versions = [e.stream_version for e in delivered if e.stream_id == stream]
            assert versions == list(range(1, len(versions) + 1)), f"{stream} delivered as {versions}"
    assert [(e.stream_id, e.stream_version) for e in seen] == [
        (e.stream_id, e.stream_version) for e in rebuilt
    ]


async def test_notify_wakes_a_waiting_reader(engine: AsyncEngine, database_url: str) -> None:
    async with EventLogReader(libpq_url(database_url)) as reader:
        assert await reader.wait_for_events(timeout=0.05) is False

        async def write_soon() -> None:
            await asyncio.sleep(0.1)
            async with engine.begin() as conn:
                await event_log.append(PgSession(conn), [_event(f"wake-{uuid.uuid4().hex}", 1)], META)

        writing = asyncio.create_task(write_soon())
        assert await reader.wait_for_events(timeout=5) is True
        await writing


async def test_the_log_is_append_only(engine: AsyncEngine) -> None:
    from sqlalchemy.exc import DBAPIError

    async with engine.connect() as conn:
        for statement in (
            "UPDATE event_log SET event_type = 'x'",
            "DELETE FROM event_log",
            "TRUNCATE event_log",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                await conn.execute(text(statement))
            await conn.rollback()


async def test_a_command_whose_stream_version_was_taken_meanwhile_runs_again(engine: AsyncEngine) -> None:
    """Streams without a locked row (a customer's) compute their next version; a racer may take it."""
    from dataclasses import dataclass

    from write_side.contracts.commands import Actor
    from write_side.service_layer import results as res
    from write_side.service_layer.messagebus import MessageBus

    stream = f"race-{uuid.uuid4().hex[:8]}"
    attempts = []

    @dataclass(frozen=True)
    class Touch:
        pass

    async def touch(cmd: Touch, uow, ctx) -> res.Outcome:
        conn = await uow.session.begin()
        pending = await event_log.next_in_stream(conn, stream, _event(stream, 0).event)
        attempts.append(pending.stream_version)
        if len(attempts) == 1:  # another command takes this version first, and commits
            async with engine.begin() as other:
                await event_log.append(PgSession(other), [pending], META)
        uow.extra_events.append(pending)
        return res.Outcome(200, res.ErasureResult(stream, "x"))

    reply = await MessageBus(engine, handlers={Touch: touch}).handle(Touch(), Actor("admin", "admin"))
    assert reply.status == 200 and attempts == [1, 2]
