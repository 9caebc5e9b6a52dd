"""The product search projection: events into the search engine, with generations.

The engine (Tantivy on local disk, or Elasticsearch) keeps the projection's
checkpoint in the index itself and commits it with the documents, so a crash at
any point resumes exactly after the last commit. The projector is the index's
only writer. A rebuild fills the next generation beside the live one, swaps it
in atomically and drops the old one. Each document carries the product's
embedding (read_side/search/embedding.py) for hybrid search, computed here, so
the vectors are committed, and rebuilt, with the documents they belong to.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime

import msgspec
import redis.asyncio as aioredis

from projections.following import follow, report_status
from projections.rebuild import Progress
from read_side.search.embedding import document_text, embed, encode
from read_side.search.port import SearchDocument, SearchEngine, SearchIndex
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import events as ev

NAME = "product_search"
# A batch with no product in it moves the checkpoint in memory only, committed at most this often:
# every commit changes the index's position, which empties the API's search answers cache, and a
# busy shop's orders would otherwise do that twice a second. Re-reading up to this much of the log
# after a crash is harmless (no product changed in it).
CHECKPOINT_EVERY = 30.0
SWAP_GRACE = 1.0  # seconds: searches in flight on a swapped-out generation finish before it goes


def search_document(product: ev.ProductSnapshot, created: int) -> SearchDocument:
    return SearchDocument(
        id=product.product_id,
        name=product.name,
        description=product.description,
        brand=product.brand,
        category=product.category,
        materials=[m.material for m in product.materials],
        certifications=list(product.certifications),
        price_minor=product.price.amount_minor,
        currency=product.price.currency,
        created=created,
        # Products recorded before footprints existed have none, hence no eco score.
        eco_score=product.footprint.eco_score.score if product.footprint is not None else None,
    )


def with_vectors(documents: list[SearchDocument]) -> list[SearchDocument]:
    """The documents with their embeddings, computed in one batch (the model is deterministic, so a
    rebuild gives every product the same vector again)."""
    vectors = embed([document_text(doc) for doc in documents])
    return [msgspec.structs.replace(doc, vector=encode(v)) for doc, v in zip(documents, vectors, strict=True)]


class SearchProjectionRunner:
    name = NAME

    def __init__(
        self,
        reader: EventLogReader,
        engine: SearchEngine,
        batch_size: int = 1000,
        generation: int | None = None,
        redis: aioredis.Redis | None = None,
    ) -> None:
        self.redis = redis  # where status is reported for admins and metrics (optional)
        self.reader = reader
        self.engine = engine
        self.batch_size = batch_size
        self.fixed_generation = generation
        self._index: SearchIndex | None = None
        self._index_generation = 0
        # Both set from the index when it opens: how far the runner has read, and how far the index
        # holds. The first runs ahead of the second between commits.
        self._cursor = ev.LogCursor()
        self._committed = ev.LogCursor()
        self._committed_at = time.monotonic()
        self.applied = 0

    async def index(self) -> SearchIndex:
        generation = self.fixed_generation or await self.engine.live_generation()
        if self._index is None or generation != self._index_generation:
            await self.close()  # release the previous writer's lock first
            self._index = await self.engine.open(generation)
            self._index_generation = generation
            self._cursor = self._committed = await self._index.checkpoint()
        return self._index

    async def step(self) -> int:
        index = await self.index()
        events = await self.reader.read_from(self._cursor, self.batch_size)
        if not events:
            return 0
        self._cursor = events[-1].cursor
        changes: dict[str, tuple[ev.ProductSnapshot, int | None]] = {}
        for event in events:
            e = event.event
            if not isinstance(e, ev.ProductCreated | ev.ProductUpdated):
                continue
            pid = e.product.product_id
            created = (
                int(datetime.fromisoformat(event.recorded_at).timestamp())
                if isinstance(e, ev.ProductCreated)
                else changes[pid][1]
                if pid in changes
                else None
            )
            changes[pid] = (e.product, created)
        # Products created in an earlier batch: the index remembers when.
        remembered = await index.created_of([pid for pid, (_, created) in changes.items() if created is None])
        documents = []
        for pid, (product, created) in changes.items():
            if product.status == "active":
                documents.append(search_document(product, created or remembered.get(pid, 0)))
            else:
                index.delete([pid])
        if documents:
            # Embedding a batch takes a fraction of a second: on a thread, so the other projections this
            # process runs keep going.
            index.upsert(await asyncio.to_thread(with_vectors, documents))
        if changes or time.monotonic() - self._committed_at > CHECKPOINT_EVERY:
            await self._commit(index)
        self.applied += len(events)
        return len(events)

    def position(self) -> ev.LogCursor:
        """How far the runner has read (the index may be committed a little behind)."""
        return self._cursor

    async def _commit(self, index: SearchIndex) -> None:
        await index.commit(self._cursor)
        self._committed, self._committed_at = self._cursor, time.monotonic()

    async def report(self) -> None:
        """Generation, checkpoint, head and lag, in the same status hash the Redis projections use."""
        if self.redis is not None:
            await self.index()
            await report_status(
                self.redis, self.reader, NAME, self._index_generation, self._cursor, self._committed
            )

    async def run(self, stop: asyncio.Event, idle_wait: float = 1.0) -> None:
        try:
            await follow(self.reader, self.step, self.report, stop, self.batch_size, idle_wait, name=NAME)
        finally:
            await self.close()

    async def close(self) -> None:
        """Commit what was read but not committed, then let the writer go."""
        if self._index is not None:
            index, self._index = self._index, None
            if self._cursor != self._committed:
                await self._commit(index)
            await index.close()


async def rebuild_search(
    reader: EventLogReader,
    engine: SearchEngine,
    batch_size: int = 2000,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: asyncio.Event | None = None,
) -> int:
    """Build the next generation from position zero, swap it in, drop the old one."""
    live = await engine.live_generation()
    target = live + 1
    await engine.drop(target)  # leftovers of a crashed or cancelled rebuild
    runner = SearchProjectionRunner(reader, engine, batch_size=batch_size, generation=target)
    started = time.monotonic()
    try:
        while await runner.step():
            if cancel is not None and cancel.is_set():
                raise asyncio.CancelledError("search rebuild cancelled")
            if on_progress is not None:
                remaining, _ = await reader.lag(runner.position())
                rate = runner.applied / max(time.monotonic() - started, 1e-6)
                on_progress(
                    Progress(
                        runner.applied, runner.applied + remaining, rate, remaining / rate if rate else None
                    )
                )
        # An empty log still gets an (empty) generation to swap in.
        await runner.index()
    finally:
        await runner.close()
    await engine.swap(target)
    await asyncio.sleep(SWAP_GRACE)
    await engine.drop(live)
    return target
