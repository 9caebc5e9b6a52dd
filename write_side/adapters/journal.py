"""Posting journal transactions. The database re-checks the balance at commit."""

from __future__ import annotations

import msgspec

from write_side.adapters.pg import PgSession
from write_side.domain.ledger import JournalTransaction

_POST = """
    WITH t AS (
        INSERT INTO journal_transactions (kind, order_id) VALUES (%(kind)s, %(order_id)s::uuid)
        RETURNING transaction_id
    )
    INSERT INTO journal_entries (transaction_id, account, currency, amount_minor, party_id)
    SELECT t.transaction_id, e.account, e.currency, e.amount_minor, e.party_id
    FROM t, jsonb_to_recordset(%(entries)s::jsonb)
        AS e(account text, currency text, amount_minor bigint, party_id uuid)
"""


def post(session: PgSession, journal: JournalTransaction) -> None:
    """Queue ``journal`` and its entries for the session's flush."""
    session.defer(
        _POST,
        {
            "kind": journal.kind,
            "order_id": journal.order_id,
            "entries": msgspec.json.encode(journal.entries).decode(),
        },
    )
