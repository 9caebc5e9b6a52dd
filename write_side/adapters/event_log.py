"""The event log: written in the command's transaction, read without ever skipping, in stream order.

Why (causal_tx, position) and the snapshot horizon. ``position`` comes from an
identity sequence when the row is inserted, but transactions commit in any
order, so position 9 can become visible after position 10: a reader that
remembered "10" would skip 9 forever. Every row stores its transaction id
(xid8), and a reader returns only rows below ``pg_snapshot_xmin`` of its
snapshot: every transaction below that id has finished, and every transaction
still to write gets a larger id. That horizon never skips an event.

Transaction-id order is not stream order, though. A transaction gets its id at
its first write (an idempotency claim, the first row it locks), then may queue
for a stock or order row's lock behind a younger transaction, and write the
stream's next version with the older id. So each row also stores ``causal_tx``,
the newest transaction id among the event itself and its stream's earlier
events (a trigger sets it, migration 0007). A stream's versions have
non-decreasing ``causal_tx``, and equal ones were inserted later with a higher
position, so reading in (causal_tx, position) order delivers every stream in
stream order. The horizon still holds: an event not yet visible belongs to a
transaction at or above the horizon, so its ``causal_tx`` is too. Reading up to
the horizon in that order returns a prefix of one final order that never
changes, the same on every read and every rebuild, without serialising writers
behind a table lock (which would cap throughput at one commit flush at a time).

Across streams the order follows causality only so far. Every ``causal_tx`` a
transaction writes is an id handed out before it committed, so a transaction
that gets its own id after another has committed has a larger id than any
``causal_tx`` that one wrote, and its events come after that one's. A
transaction that got its id earlier (at its first write, before the other
committed) can still read the other's events in a later statement (commands
run in read committed, a new snapshot per statement), and its own events, with the
smaller id, may then come before events it read, unless both are in one
stream, whose order ``causal_tx`` keeps.

``tests/integration/test_event_log.py`` (no event skipped) and
``test_stream_order.py`` (stream order) prove it under load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import msgspec
import psycopg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.horizon import OpenTransaction, horizon_holders
from write_side.adapters.pg import PgSession
from write_side.adapters.tables import event_log
from write_side.contracts.events import (
    Event,
    EventMetadata,
    LogCursor,
    RecordedEvent,
    decode_event,
    encode_event,
    event_type,
)

NOTIFY_CHANNEL = "ecolaura_events"

# One JSON document per batch: encoding it is nearly free, and one parameter
# costs the driver far less than five arrays.
_APPEND = """
    INSERT INTO event_log (stream_id, stream_version, event_type, schema_version, payload, metadata)
    SELECT e.s, e.v, e.t, e.sv, e.p, %(metadata)s::jsonb
    FROM jsonb_to_recordset(%(events)s::jsonb) AS e(s text, v int, t text, sv smallint, p jsonb)
    RETURNING causal_tx, position
"""

_READ = """
    SELECT position, tx_id, causal_tx, stream_id, stream_version, event_type, schema_version,
           payload::text, metadata::text, recorded_at
    FROM event_log
    WHERE (causal_tx, position) > (%(causal_tx)s, %(position)s)
      AND causal_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY causal_tx, position
    LIMIT %(limit)s
"""

_HEAD = """
    SELECT causal_tx, position FROM event_log
    WHERE causal_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY causal_tx DESC, position DESC LIMIT 1
"""

_LAG = """
    SELECT count(*), extract(epoch FROM now() - min(recorded_at))
    FROM (SELECT recorded_at FROM event_log
          WHERE (causal_tx, position) > (%(causal_tx)s, %(position)s)
            AND causal_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          ORDER BY causal_tx, position
          LIMIT %(cap)s) pending
"""

_metadata_decoder = msgspec.json.Decoder(EventMetadata)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An event with the stream place it will take."""

    stream_id: str
    stream_version: int
    event: Event


async def append(
    session: PgSession, events: Sequence[PendingEvent], metadata: EventMetadata, *, commit: bool = False
) -> LogCursor | None:
    """Flush the session's queued writes and append ``events``, all in one pipeline.

    Returns the cursor of the last event, or None when there were none.
    """
    if not events:
        await session.flush(commit=commit)
        return None
    batch = {"events": _encode_batch(events), "metadata": msgspec.json.encode(metadata).decode()}
    rows = await session.flush((_APPEND, batch), commit=commit)
    return max(LogCursor(causal_tx, position) for causal_tx, position in rows)


class _Row(msgspec.Struct):
    s: str
    v: int
    t: str
    sv: int
    p: msgspec.Raw


def _encode_batch(events: Sequence[PendingEvent]) -> str:
    return msgspec.json.encode(
        [
            _Row(
                e.stream_id,
                e.stream_version,
                event_type(e.event),
                getattr(e.event, "version", 1),
                msgspec.Raw(encode_event(e.event)),
            )
            for e in events
        ]
    ).decode()


def _to_recorded(row: tuple[object, ...]) -> RecordedEvent:
    position, tx_id, causal_tx, stream_id, version, etype, schema, payload, meta, recorded_at = row
    return RecordedEvent(
        position=int(position),  # type: ignore[call-overload]
        tx_id=int(tx_id),  # type: ignore[call-overload]
        causal_tx=int(causal_tx),  # type: ignore[call-overload]
        stream_id=str(stream_id),
        stream_version=int(version),  # type: ignore[call-overload]
        event_type=str(etype),
        schema_version=int(schema),  # type: ignore[call-overload]
        event=decode_event(str(payload)),
        metadata=_metadata_decoder.decode(str(meta)),
        recorded_at=recorded_at.isoformat(),  # type: ignore[attr-defined]
    )


class EventLogReader:
    """Reads committed events in log order and waits for new ones.

    Uses psycopg directly: reading is a hot loop for projectors and LISTEN needs
    a dedicated autocommit connection anyway.
    """

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._listener: psycopg.AsyncConnection[tuple[object, ...]] | None = None

    async def _connection(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        return self._conn

    async def read_from(self, after: LogCursor, limit: int = 500) -> list[RecordedEvent]:
        """Committed events after ``after``, in log order, at most ``limit``."""
        conn = await self._connection()
        cur = await conn.execute(
            _READ, {"causal_tx": after.causal_tx, "position": after.position, "limit": limit}
        )
        return [_to_recorded(row) for row in await cur.fetchall()]

    async def head(self) -> LogCursor:
        """The cursor of the newest event a reader may see now."""
        conn = await self._connection()
        cur = await conn.execute(_HEAD)
        row = await cur.fetchone()
        return LogCursor(int(row[0]), int(row[1])) if row else LogCursor()  # type: ignore[call-overload]

    async def lag(self, after: LogCursor, cap: int | None = None) -> tuple[int, float]:
        """Events visible after ``after`` (counted up to ``cap``), and the age in seconds of the oldest."""
        conn = await self._connection()
        cur = await conn.execute(_LAG, {"causal_tx": after.causal_tx, "position": after.position, "cap": cap})
        row = await cur.fetchone()
        count, age = row or (0, None)
        return int(count or 0), float(age or 0.0)  # type: ignore[call-overload,arg-type]

    async def horizon_holders(self) -> list[OpenTransaction]:
        """The open transactions holding the horizon back longest (see ``write_side.adapters.horizon``)."""
        return await horizon_holders(await self._connection())

    async def listen(self) -> None:
        """Start listening now, so no wake-up between now and the first wait is missed."""
        if self._listener is None or self._listener.closed:
            self._listener = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            await self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    async def wait_for_events(self, timeout: float) -> bool:  # noqa: ASYNC109 - a poll interval, not a deadline
        """Block until a NOTIFY arrives or ``timeout`` passes; True if woken."""
        await self.listen()
        assert self._listener is not None  # noqa: S101
        async for _ in self._listener.notifies(timeout=timeout, stop_after=1):
            return True
        return False

    async def close(self) -> None:
        for conn in (self._conn, self._listener):
            if conn is not None and not conn.closed:
                await conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def next_in_stream(conn: AsyncConnection, stream_id: str, event: Event) -> PendingEvent:
    """``event`` as the next of ``stream_id`` (the unique key catches a concurrent writer)."""
    current = await conn.scalar(
        select(func.coalesce(func.max(event_log.c.stream_version), 0)).where(
            event_log.c.stream_id == stream_id
        )
    )
    return PendingEvent(stream_id, int(current or 0) + 1, event)
