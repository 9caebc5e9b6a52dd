"""Stored responses for ``Idempotency-Key`` retries.

The claim row is inserted in the same transaction as the command's effect. A
concurrent duplicate blocks on the primary key until the first transaction
ends: if it committed, the duplicate sees the stored response; if it rolled
back, the duplicate's insert goes through and it runs the command itself. So
an effect happens at most once per key, and a stored response always belongs
to a committed effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import idempotency_keys


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    principal: str  # who sent it: keys are scoped per caller
    key: str
    request_hash: bytes  # of method, path and body


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_hash: bytes
    status: int
    body: bytes


async def claim(conn: AsyncConnection, c: IdempotencyClaim) -> StoredResponse | None:
    """Claim the key for this transaction, or return the response stored for it."""
    inserted = await conn.execute(
        pg_insert(idempotency_keys)
        .values(principal=c.principal, key=c.key, request_hash=c.request_hash)
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.key)
    )
    if inserted.first() is not None:
        return None
    row = (
        await conn.execute(
            select(
                idempotency_keys.c.request_hash,
                idempotency_keys.c.response_status,
                idempotency_keys.c.response_body,
            ).where(idempotency_keys.c.principal == c.principal, idempotency_keys.c.key == c.key)
        )
    ).one()
    return StoredResponse(bytes(row[0]), int(row[1]), bytes(row[2]))


async def complete(conn: AsyncConnection, c: IdempotencyClaim, status: int, body: bytes) -> None:
    """Store the response beside the effect, before commit."""
    await conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.principal == c.principal, idempotency_keys.c.key == c.key)
        .values(response_status=status, response_body=body)
    )
