"""Invariants PostgreSQL enforces on its own: balanced journals, stock bounds, schema in sync."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from litestar.testing import AsyncTestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.settings import sqlalchemy_url
from tests.factories import create_product
from write_side.adapters.tables import metadata


async def _post(engine: AsyncEngine, entries: list[tuple[str, str, int]]) -> int:
    """Post a journal with ``entries`` and commit; returns its transaction id."""
    async with engine.connect() as conn:
        tx = (
            await conn.execute(
                text("INSERT INTO journal_transactions (kind) VALUES ('test') RETURNING transaction_id")
            )
        ).scalar_one()
        for account, currency, amount in entries:
            await conn.execute(
                text(
                    "INSERT INTO journal_entries (transaction_id, account, currency, amount_minor) "
                    "VALUES (:t, :a, :c, :m)"
                ),
                {"t": tx, "a": account, "c": currency, "m": amount},
            )
        await conn.commit()
    return int(tx)


async def _committed(engine: AsyncEngine, transaction_id: int) -> list[tuple[str, str, int]]:
    """The journal's entries as another connection sees them: only what was committed."""
    query = "SELECT account, currency, amount_minor FROM journal_entries WHERE transaction_id = :t ORDER BY account"
    async with engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(text(query), {"t": transaction_id})]  # type: ignore[misc]


async def test_a_balanced_journal_commits(engine: AsyncEngine) -> None:
    entries = [("payment_clearing", "EUR", 500), ("revenue", "EUR", -500)]
    assert await _committed(engine, await _post(engine, entries)) == entries


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("payment_clearing", "EUR", 500), ("revenue", "EUR", -499)], "does not balance: EUR 1"),
        ([("payment_clearing", "EUR", 500), ("revenue", "GBP", -500)], "does not balance"),
        ([("payment_clearing", "EUR", 500)], "at least 2"),
        ([], "at least 2"),
        ([("eco_points_reserve", "EUR", 5), ("eco_points_outstanding", "EUR", -5)], "mixes eco points"),
        ([("payment_clearing", "ECO", 5), ("revenue", "ECO", -5)], "mixes eco points"),
    ],
)
async def test_the_database_rejects_unbalanced_journals_at_commit(
    engine: AsyncEngine, entries: list[tuple[str, str, int]], message: str
) -> None:
    with pytest.raises(DBAPIError, match=message):
        await _post(engine, entries)


async def test_eco_points_balance_in_their_own_asset_class(engine: AsyncEngine) -> None:
    entries = [("eco_points_outstanding", "ECO", -50), ("eco_points_reserve", "ECO", 50)]
    assert await _committed(engine, await _post(engine, entries)) == entries


async def test_journals_are_append_only(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            await conn.execute(text("UPDATE journal_entries SET amount_minor = 1"))


async def test_stock_cannot_be_oversold_even_by_raw_sql(
    client: AsyncTestClient,
    engine: AsyncEngine,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client, initial_stock=3)
    async with engine.connect() as conn:
        with pytest.raises(IntegrityError, match="never_oversold"):
            await conn.execute(
                text("UPDATE stock_items SET reserved = on_hand + 1 WHERE product_id = :p"),
                {"p": product["id"]},
            )


def test_migrations_match_the_tables_the_code_queries(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == [], f"write a migration for: {diff}"
