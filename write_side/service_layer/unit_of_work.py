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
from write_side.adapters.accounts import AccountRepository
from write_side.adapters.pg import PgSession
from write_side.adapters.repositories import (
    CustomerRepository,
    OrderRepository,
    ProductRepository,
    StockRepository,
)
from write_side.contracts.events import EventMetadata, LogCursor
from write_side.domain.ledger import JournalTransaction
from write_side.service_layer.metrics import count_committed


class SqlAlchemyUnitOfWork:
    def __init__(self, engine: AsyncEngine, metadata: EventMetadata) -> None:
        self._engine = engine
        self.metadata = metadata
        self.cursor: LogCursor | None = None
        self.extra_events: list[event_log.PendingEvent] = []
        self.extra_journals: list[JournalTransaction] = []  # postings outside an order's own

    async def __aenter__(self) -> Self:
        self.conn: AsyncConnection = await self._engine.connect()
        self.session = PgSession(self.conn)
        self.products = ProductRepository(self.session)
        self.stock = StockRepository(self.session)
        self.orders = OrderRepository(self.session)
        self.customers = CustomerRepository(self.session)
        self.accounts = AccountRepository(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self.session.committed:
                await self.session.rollback()
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            await self.conn.close()

    async def flush_outbox(self, *, commit: bool = False) -> None:
        """Send every queued write, the journals and the events in one pipeline."""
        pending = list(self.extra_events)
        journals: list[JournalTransaction] = list(self.extra_journals)
        self.extra_journals.clear()
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
                posted = getattr(aggregate, "journal", None)  # only orders keep journals
                if posted:
                    journals.extend(posted)
                    posted.clear()
        self.extra_events.clear()
        for transaction in journals:
            journal.post(self.session, transaction)
        cursor = await event_log.append(self.session, pending, self.metadata, commit=commit)
        self.cursor = cursor or self.cursor
        if commit:
            count_committed(p.event for p in pending)

    async def commit(self) -> None:
        """Flush everything and commit in the same pipeline."""
        await self.flush_outbox(commit=True)
        if self.conn.in_transaction():
            # The driver has committed; this only resets SQLAlchemy's view (psycopg skips an idle COMMIT).
            await self.conn.commit()
