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

from write_side.adapters.pg import PgSession, Statement

_CLAIM = """
    INSERT INTO idempotency_keys (principal, key, request_hash) VALUES (%(p)s, %(k)s, %(h)s)
    ON CONFLICT DO NOTHING RETURNING 1
"""
_STORED = """
    SELECT request_hash, response_status, response_body FROM idempotency_keys
    WHERE principal = %(p)s AND key = %(k)s
"""
_COMPLETE = """
    UPDATE idempotency_keys SET response_status = %(s)s, response_body = %(b)s
    WHERE principal = %(p)s AND key = %(k)s
"""


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


def claim_statement(c: IdempotencyClaim) -> Statement:
    """The claim, so the bus can send it together with BEGIN and the first read."""
    return _CLAIM, {"p": c.principal, "k": c.key, "h": c.request_hash}


async def claim(session: PgSession, c: IdempotencyClaim) -> StoredResponse | None:
    """Claim the key for this transaction, or return the response stored for it."""
    sql, params = claim_statement(c)
    if await session.fetchone(sql, params) is not None:
        return None
    row = await session.fetchone(_STORED, params)
    assert row is not None  # noqa: S101 - the conflicting row has committed
    return StoredResponse(bytes(row[0]), int(row[1]), bytes(row[2]))


def complete(session: PgSession, c: IdempotencyClaim, status: int, body: bytes) -> None:
    """Queue the response beside the effect, to be written before commit."""
    session.defer(_COMPLETE, {"p": c.principal, "k": c.key, "s": status, "b": body})
