"""Which provider refunds were paid out: each settles once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import refund_settlements
from write_side.adapters.unique import insert_once


async def claim_settlement(conn: AsyncConnection, refund_reference: str, order_id: str) -> bool:
    """False when this refund was settled before."""
    values = {"refund_reference": refund_reference, "order_id": order_id}
    return await insert_once(conn, refund_settlements, values, "refund_reference")
