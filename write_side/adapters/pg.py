"""A command's transaction at the driver level: few round trips, one transaction.

SQLAlchemy's asyncio engine owns the pool; the command path borrows its psycopg
connection in autocommit mode and drives the transaction itself, so it can
put BEGIN in the same message as the first reads and COMMIT in the same
message as the writes:

* ``prefetch`` sends BEGIN and any reads known up front (the idempotency
  claim, the stock lock) as one message; ``fetch`` of the same statement later
  returns the kept rows without a round trip;
* ``defer`` queues writes; ``flush`` sends them, the event append and COMMIT
  as one message.

An order therefore costs two round trips instead of one per statement
(measured in ``benchmarks/commands.py``). Multi-statement messages use
psycopg's client-side binding (``AsyncClientCursor``). psycopg's pipeline mode
would allow server-side binding, but under asyncio it waits for read-or-write
readiness and spins on the always-writable socket while the server works,
burning the CPU the API needs. Given a connection that is not in autocommit
mode (tests, tools), the session leaves BEGIN to psycopg. Driver errors that
mean something to the domain are translated here, once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import msgspec
import psycopg
from psycopg import errors as pg_errors
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.domain.errors import CustomerNotFoundError, DomainError

Params = Mapping[str, Any]
Statement = tuple[str, Params]
Rows = list[tuple[Any, ...]]
_PARAM = re.compile(r"%\((\w+)\)s")
_TUPLES_OK = psycopg.pq.ExecStatus.TUPLES_OK

# Foreign keys whose violation is a caller's mistake rather than a bug.
_FOREIGN_KEY_ERRORS: dict[str, tuple[type[DomainError], str]] = {
    "fk_orders_customer_id_customers": (CustomerNotFoundError, "the ordering customer does not exist"),
}


def _key(statement: Statement) -> tuple[str, bytes]:
    return statement[0], msgspec.json.encode(statement[1])


@lru_cache(maxsize=256)
def _numbered(sql: str, n: int) -> str:
    return _PARAM.sub(rf"%(p{n}_\1)s", sql)


def _returns_rows(cur: psycopg.AsyncCursor[Any]) -> bool:
    """Whether the current result has rows to fetch.

    Not ``cur.description``: that builds a ``Column`` per column on every call
    (18 for the stock lock), and only its emptiness is wanted here.
    """
    result = cur.pgresult
    return result is not None and result.status == _TUPLES_OK


def _merge(statements: Sequence[Statement]) -> tuple[list[str], dict[str, Any]]:
    """Number each statement's parameters so they can share one message."""
    parts: list[str] = []
    merged: dict[str, Any] = {}
    for n, (sql, params) in enumerate(statements):
        parts.append(_numbered(sql, n))
        merged.update({f"p{n}_{k}": v for k, v in params.items()})
    return parts, merged


class PgSession:
    def __init__(self, conn: AsyncConnection) -> None:
        self.sa = conn
        self._pg: psycopg.AsyncConnection[Any] | None = None
        self._writes: list[Statement] = []
        self._kept: dict[tuple[str, bytes], Rows] = {}
        self.in_transaction = False
        self.committed = False

    async def _driver(self) -> psycopg.AsyncConnection[Any]:
        if self._pg is None:
            raw = await self.sa.get_raw_connection()
            self._pg = raw.driver_connection  # type: ignore[assignment]
        assert self._pg is not None  # noqa: S101
        return self._pg

    async def _needs_begin(self) -> bool:
        return (await self._driver()).autocommit and not self.in_transaction

    async def prefetch(self, statements: Sequence[Statement]) -> list[Rows]:
        """Open the transaction and run ``statements`` in one message; keep their rows for ``fetch``."""
        begin = await self._needs_begin()
        parts, merged = _merge(statements)
        if begin:
            parts.insert(0, "BEGIN")
        if not parts:
            return []
        results: list[Rows] = []
        async with psycopg.AsyncClientCursor(await self._driver()) as cur:
            await cur.execute(";\n".join(parts), merged)
            self.in_transaction = True
            for n, statement in enumerate(statements):
                if n or begin:
                    cur.nextset()
                rows = await cur.fetchall() if _returns_rows(cur) else []
                self._kept[_key(statement)] = rows
                results.append(rows)
        return results

    async def begin(self) -> AsyncConnection:
        """Make sure the transaction is open; returns the SQLAlchemy connection for Core statements."""
        if await self._needs_begin():
            await self.prefetch([])
        return self.sa

    async def fetch(self, sql: str, params: Params | None = None) -> Rows:
        """Rows of a statement: kept from ``prefetch``, or run now (prepared after a few uses)."""
        statement = (sql, params or {})
        kept = self._kept.pop(_key(statement), None)
        if kept is not None:
            return kept
        if await self._needs_begin():
            return (await self.prefetch([statement]))[0]
        cur = await (await self._driver()).execute(sql, params)  # type: ignore[arg-type]
        self.in_transaction = True
        return await cur.fetchall() if _returns_rows(cur) else []

    async def fetchone(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    def defer(self, sql: str, params: Params) -> None:
        """Queue a write for the flush; its errors surface there."""
        self._writes.append((sql, params))

    async def flush(self, last: Statement | None = None, *, commit: bool = False) -> Rows:
        """Send the queued writes, then ``last`` and COMMIT, as one message; return ``last``'s rows."""
        writes, self._writes = self._writes, []
        begin = await self._needs_begin()
        parts, merged = _merge([*writes, *([last] if last else [])])
        if begin:
            parts.insert(0, "BEGIN")
        if commit:
            parts.append("COMMIT")
        if not parts:
            return []
        try:
            async with psycopg.AsyncClientCursor(await self._driver()) as cur:
                await cur.execute(";\n".join(parts), merged)
                rows: Rows = []
                if last is not None:
                    for _ in range(len(writes) + begin):
                        cur.nextset()
                    rows = await cur.fetchall()
        except pg_errors.ForeignKeyViolation as exc:
            known = _FOREIGN_KEY_ERRORS.get(exc.diag.constraint_name or "")
            if known is None:
                raise
            error, detail = known
            raise error(detail) from None
        self.in_transaction = not commit
        self.committed = commit
        return rows

    async def rollback(self) -> None:
        """End an unfinished transaction this session opened itself."""
        pg = self._pg
        if (
            pg is not None
            and pg.autocommit
            and pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        ):
            await pg.execute("ROLLBACK")
        self.in_transaction = False
