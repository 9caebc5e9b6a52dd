"""Posting journal transactions. The database re-checks the balance at commit."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.domain.ledger import JournalTransaction

_POST = text(
    """
    WITH t AS (
        INSERT INTO journal_transactions (kind, order_id) VALUES (:kind, CAST(:order_id AS uuid))
        RETURNING transaction_id
    )
    INSERT INTO journal_entries (transaction_id, account, currency, amount_minor, party_id)
    SELECT t.transaction_id, e.account, e.currency, e.amount, e.party
    FROM t, unnest(CAST(:accounts AS text[]), CAST(:currencies AS text[]),
                   CAST(:amounts AS bigint[]), CAST(:parties AS uuid[]))
            AS e(account, currency, amount, party)
    """
)


async def post(conn: AsyncConnection, journal: JournalTransaction) -> None:
    """Insert ``journal`` and its entries in the caller's transaction."""
    await conn.execute(
        _POST,
        {
            "kind": journal.kind,
            "order_id": journal.order_id,
            "accounts": [e.account for e in journal.entries],
            "currencies": [e.currency for e in journal.entries],
            "amounts": [e.amount_minor for e in journal.entries],
            "parties": [e.party_id for e in journal.entries],
        },
    )
