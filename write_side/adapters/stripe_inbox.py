"""The inbox of Stripe webhook events: stored once by id, processed later, each attempt recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from write_side.adapters.tables import stripe_events
from write_side.adapters.unique import insert_once


@dataclass(frozen=True, slots=True)
class InboxEvent:
    event_id: str
    type: str
    payload: dict[str, Any]
    processed: bool
    attempts: int


class StripeInbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def store(self, event_id: str, event_type: str, payload: dict[str, Any]) -> bool:
        """Keep the event; False when it was delivered before."""
        async with self.engine.begin() as conn:
            values = {"event_id": event_id, "type": event_type, "payload": payload}
            return await insert_once(conn, stripe_events, values, "event_id")

    async def get(self, event_id: str) -> InboxEvent | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(stripe_events).where(stripe_events.c.event_id == event_id))
            ).first()
        if row is None:
            return None
        return InboxEvent(row.event_id, row.type, row.payload, row.processed_at is not None, row.attempts)

    async def done(self, event_id: str, outcome: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(stripe_events)
                .where(stripe_events.c.event_id == event_id)
                .values(processed_at=func.now(), outcome=outcome, attempts=stripe_events.c.attempts + 1)
            )

    async def failed(self, event_id: str, error: str) -> int:
        """Record a failed attempt; the number of attempts so far."""
        async with self.engine.begin() as conn:
            attempts = await conn.scalar(
                update(stripe_events)
                .where(stripe_events.c.event_id == event_id)
                .values(attempts=stripe_events.c.attempts + 1, last_error=error[:2000])
                .returning(stripe_events.c.attempts)
            )
        return int(attempts or 0)

    async def stale(self, older_than: timedelta, limit: int = 500) -> list[str]:
        """Unprocessed events no job picked up (the queue was down when they came): their ids."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(stripe_events.c.event_id)
                .where(
                    stripe_events.c.processed_at.is_(None),
                    stripe_events.c.received_at < func.now() - older_than,
                )
                .order_by(stripe_events.c.received_at)
                .limit(limit)
            )
        return [r.event_id for r in rows]
