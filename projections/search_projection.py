"""The product search projection: events into a Tantivy index, with generations on disk.

Each generation is a folder ``{root}/g{n}``; the file ``{root}/live`` names the
live one and is replaced atomically (``os.replace``) when a rebuild finishes.
The index keeps its own checkpoint and commits it with the documents, so a
crash at any point resumes exactly after the last commit. The projector is the
index's only writer.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import redis.asyncio as aioredis

from projections import keys
from projections.rebuild import Progress
from projections.store import encode_cursor
from read_side.search.port import SearchDocument
from read_side.search.tantivy_index import TantivyIndex
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import events as ev

NAME = "product_search"


def live_generation(root: Path) -> int:
    pointer = root / "live"
    if not pointer.exists():
        return 1
    return int(pointer.read_text().strip() or 1)


def generation_dir(root: Path, generation: int) -> Path:
    return root / f"g{generation}"


def swap_generation(root: Path, generation: int) -> None:
    """Point readers at ``generation`` in one atomic rename."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / "live.tmp"
    tmp.write_text(str(generation))
    tmp.replace(root / "live")


def _document(product: ev.ProductSnapshot, created: int) -> SearchDocument:
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
    )


class SearchProjectionRunner:
    name = NAME

    def __init__(
        self,
        reader: EventLogReader,
        root: Path,
        batch_size: int = 1000,
        generation: int | None = None,
        redis: aioredis.Redis | None = None,
    ) -> None:
        self.redis = redis  # where status is reported for admins and metrics (optional)
        self.reader = reader
        self.root = root
        self.batch_size = batch_size
        self.fixed_generation = generation
        self._index: TantivyIndex | None = None
        self._index_generation = 0
        self.applied = 0

    def index(self) -> TantivyIndex:
        generation = self.fixed_generation or live_generation(self.root)
        if self._index is None or generation != self._index_generation:
            self._index = None  # release the previous writer's lock first
            self._index = TantivyIndex(generation_dir(self.root, generation), writer=True)
            self._index_generation = generation
        return self._index

    async def step(self) -> int:
        index = self.index()
        events = await self.reader.read_from(index.checkpoint(), self.batch_size)
        if not events:
            return 0
        upserts: dict[str, SearchDocument] = {}
        deletes: set[str] = set()
        created: dict[str, int] = {}
        for event in events:
            e = event.event
            if not isinstance(e, ev.ProductCreated | ev.ProductUpdated):
                continue
            pid = e.product.product_id
            if isinstance(e, ev.ProductCreated):
                created[pid] = int(datetime.fromisoformat(event.recorded_at).timestamp())
            elif pid not in created:  # created in an earlier batch: the index remembers when
                created[pid] = index.created_of(pid) or 0
            if e.product.status == "active":
                upserts[pid] = _document(e.product, created[pid])
                deletes.discard(pid)
            else:
                upserts.pop(pid, None)
                deletes.add(pid)
        await asyncio.to_thread(
            self._write, index, list(upserts.values()), sorted(deletes), events[-1].cursor
        )
        self.applied += len(events)
        return len(events)

    @staticmethod
    def _write(
        index: TantivyIndex, upserts: list[SearchDocument], deletes: list[str], cursor: ev.LogCursor
    ) -> None:
        index.upsert(upserts)
        index.delete(deletes)
        index.commit(cursor)

    async def report(self) -> None:
        """Generation, checkpoint, head and lag, in the same status hash the Redis projections use."""
        if self.redis is None:
            return
        checkpoint = self.index().checkpoint()
        lag_events, lag_seconds = await self.reader.lag(checkpoint)
        await self.redis.hset(
            keys.status(NAME),
            mapping={
                "state": "live",
                "generation": self._index_generation,
                "checkpoint": encode_cursor(checkpoint),
                "head": encode_cursor(await self.reader.head()),
                "lag_events": lag_events,
                "lag_seconds": round(lag_seconds, 3),
                "updated_at": time.time(),
            },
        )

    async def run(self, stop: asyncio.Event, idle_wait: float = 1.0) -> None:
        await self.reader.listen()
        last_report = 0.0
        while not stop.is_set():
            applied = await self.step()
            if time.monotonic() - last_report > 1.0:
                await self.report()
                last_report = time.monotonic()
            if applied < self.batch_size:
                await self.reader.wait_for_events(timeout=idle_wait)

    def close(self) -> None:
        self._index = None


async def rebuild_search(
    reader: EventLogReader,
    root: Path,
    batch_size: int = 2000,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: asyncio.Event | None = None,
) -> int:
    """Build the next generation from position zero, swap it in, drop the old one."""
    live = live_generation(root)
    target = live + 1
    shutil.rmtree(generation_dir(root, target), ignore_errors=True)
    runner = SearchProjectionRunner(reader, root, batch_size=batch_size, generation=target)
    started = time.monotonic()
    while await runner.step():
        if cancel is not None and cancel.is_set():
            runner.close()
            raise asyncio.CancelledError("search rebuild cancelled")
        if on_progress is not None:
            remaining, _ = await reader.lag(runner.index().checkpoint())
            rate = runner.applied / max(time.monotonic() - started, 1e-6)
            on_progress(
                Progress(runner.applied, runner.applied + remaining, rate, remaining / rate if rate else None)
            )
    runner.close()
    swap_generation(root, target)
    await asyncio.sleep(1.0)  # readers in flight finish on the old folder
    shutil.rmtree(generation_dir(root, live), ignore_errors=True)
    return target
