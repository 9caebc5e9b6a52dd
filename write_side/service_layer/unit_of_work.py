"""The unit of work: one transaction, its repositories, and the outbox flush.

Nothing is written unless ``commit()`` is called; leaving the block otherwise
rolls back. ``commit()`` appends every event the seen aggregates recorded and
posts their journals in the same transaction, so state, ledger and log change
together or not at all.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from write_side.adapters import event_log, journal
from write_side.adapters.repositories import (
    CustomerRepository,
    OrderRepository,
    ProductRepository,
    StockRepository,
)
from write_side.contracts.events import EventMetadata, LogCursor
from write_side.domain.ledger import JournalTransaction


class SqlAlchemyUnitOfWork:
    def __init__(self, engine: AsyncEngine, metadata: EventMetadata) -> None:
        self._engine = engine
        self.metadata = metadata
        self.cursor: LogCursor | None = None
        self.extra_events: list[event_log.PendingEvent] = []

    async def __aenter__(self) -> Self:
        self.conn: AsyncConnection = await self._engine.connect()
        await self.conn.begin()
        self.products = ProductRepository(self.conn)
        self.stock = StockRepository(self.conn)
        self.orders = OrderRepository(self.conn)
        self.customers = CustomerRepository(self.conn)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            await self.conn.close()

    async def flush_outbox(self) -> None:
        """Write pending events and journals; call before storing the response."""
        pending = list(self.extra_events)
        journals: list[JournalTransaction] = []
        for stream, aggregates, key in (
            ("product", self.products.seen, "product_id"),
            ("order", self.orders.seen, "order_id"),
            ("stock", self.stock.seen, "product_id"),
        ):
            for aggregate in aggregates:
                events = aggregate.events
                first = aggregate.version - len(events) + 1
                stream_id = f"{stream}-{getattr(aggregate, key)}"
                pending.extend(event_log.PendingEvent(stream_id, first + i, e) for i, e in enumerate(events))
                events.clear()
                journals.extend(getattr(aggregate, "journal", ()))
                getattr(aggregate, "journal", []).clear()
        self.extra_events.clear()
        for transaction in journals:
            await journal.post(self.conn, transaction)
        cursor = await event_log.append(self.conn, pending, self.metadata)
        self.cursor = cursor or self.cursor

    async def commit(self) -> None:
        await self.flush_outbox()
        await self.conn.commit()
