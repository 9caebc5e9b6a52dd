"""Inserting a row unless its unique key is taken: the claim behind every "once" in the command side."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_once(conn: AsyncConnection, table: Table, values: Mapping[str, object], key: str) -> bool:
    """Insert ``values``; False, and nothing written, when a row with the same ``key`` exists.

    Concurrent inserts of one key serialise on its unique index, so exactly one of them wins.
    """
    claimed = await conn.scalar(
        pg_insert(table).values(**values).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
    )
    return claimed is not None
