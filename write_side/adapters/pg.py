"""A command's transaction at the driver level: prepared reads now, writes pipelined with the commit.

SQLAlchemy's asyncio engine owns the pool and the transaction; the hot command
statements run as plain SQL on the same psycopg connection, inside that
transaction. The first read carries the implicit BEGIN in the same round trip;
writes are queued and sent together with COMMIT in one pipeline. A command
therefore costs a handful of round trips instead of one per statement
(measured in ``benchmarks/commands.py``). Driver errors that mean something to
the domain are translated here, once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.domain.errors import CustomerNotFoundError, DomainError

Params = Mapping[str, Any]
_PARAM = re.compile(r"%\((\w+)\)s")

# Foreign keys whose violation is a caller's mistake rather than a bug.
_FOREIGN_KEY_ERRORS: dict[str, tuple[type[DomainError], str]] = {
    "fk_orders_customer_id_customers": (CustomerNotFoundError, "the ordering customer does not exist"),
}


class PgSession:
    def __init__(self, conn: AsyncConnection) -> None:
        self.sa = conn
        self._pg: psycopg.AsyncConnection[Any] | None = None
        self._writes: list[tuple[str, Params]] = []
        self.committed = False

    async def _driver(self) -> psycopg.AsyncConnection[Any]:
        if self._pg is None:
            raw = await self.sa.get_raw_connection()
            self._pg = raw.driver_connection  # type: ignore[assignment]
        assert self._pg is not None  # noqa: S101
        return self._pg

    async def fetch(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Run a statement now and return its rows."""
        pg = await self._driver()
        cur = await pg.execute(sql, params)  # type: ignore[arg-type]
        return await cur.fetchall() if cur.description else []

    async def fetchone(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    def defer(self, sql: str, params: Params) -> None:
        """Queue a write for the flush; its errors surface there."""
        self._writes.append((sql, params))

    async def flush(
        self, last: tuple[str, Params] | None = None, *, commit: bool = False
    ) -> Sequence[tuple[Any, ...]]:
        """Send the queued writes, then ``last`` (and COMMIT) as one message; return ``last``'s rows.

        Why one multi-statement message rather than psycopg's pipeline mode: on
        an asyncio connection the pipeline waits for read-or-write readiness and
        spins while the server works, burning the CPU the API needs (measured).
        Parameters are bound client-side by psycopg's ``ClientCursor``.
        """
        writes, self._writes = self._writes, []
        statements = [*writes, *([last] if last else [])]
        if not statements and not commit:
            return []
        parts: list[str] = []
        merged: dict[str, Any] = {}
        for n, (sql, params) in enumerate(statements):
            parts.append(_PARAM.sub(rf"%(p{n}_\1)s", sql))
            merged.update({f"p{n}_{k}": v for k, v in params.items()})
        if commit:
            parts.append("COMMIT")
        pg = await self._driver()
        try:
            async with psycopg.AsyncClientCursor(pg) as cur:
                await cur.execute(";\n".join(parts), merged)
                rows: Sequence[tuple[Any, ...]] = []
                if last is not None:
                    for _ in range(len(writes)):
                        cur.nextset()
                    rows = await cur.fetchall()
        except pg_errors.ForeignKeyViolation as exc:
            known = _FOREIGN_KEY_ERRORS.get(exc.diag.constraint_name or "")
            if known is None:
                raise
            error, detail = known
            raise error(detail) from None
        if commit:
            self.committed = True
        return rows
