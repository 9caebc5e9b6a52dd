"""Which provider refunds were paid out: each settles once."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import refund_settlements


async def claim_settlement(conn: AsyncConnection, refund_reference: str, order_id: str) -> bool:
    """False when this refund was settled before."""
    claimed = await conn.scalar(
        pg_insert(refund_settlements)
        .values(refund_reference=refund_reference, order_id=order_id)
        .on_conflict_do_nothing(index_elements=["refund_reference"])
        .returning(refund_settlements.c.refund_reference)
    )
    return claimed is not None
