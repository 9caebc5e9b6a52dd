"""The vector side of hybrid search on Tantivy: the reader's vector table and nearest products.

Each product document stores its vector, the commit that wrote it (``seq``) and a
63-bit key of its id (a fast field; read_side/search/vectors.py). A reader loads
the vectors of commits newer than its table's (all of them the first time, on a
thread: TantivyEngine.nearest), and answers nearest-product searches within a
request's filters. A removed product's row stays in the table; every answer is
checked against the index, so a removed product is never answered.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import tantivy

from read_side.search.embedding import decode_many
from read_side.search.port import SearchRequest
from read_side.search.vectors import VectorTable

if TYPE_CHECKING:
    from read_side.search.tantivy_index import TantivyIndex
    from write_side.contracts.events import LogCursor

# At most this many nearest products are checked against the filters for one hybrid search.
_MAX_CANDIDATES = 5_000


class TantivyVectors:
    """One reader's vector table and the checkpoint it follows."""

    def __init__(self) -> None:
        self._table = VectorTable()
        self._at: LogCursor | None = None
        self._lock = threading.Lock()  # hybrid searches run on threads (TantivyEngine.nearest)

    def table(self, index: TantivyIndex) -> VectorTable:
        """The vector table, brought up to the committed index: the vectors of newer commits only."""
        with self._lock:
            return self._refreshed(index)

    def _refreshed(self, index: TantivyIndex) -> VectorTable:
        checkpoint = index.current_checkpoint()
        if self._at == checkpoint:
            return self._table
        searcher = index.index.searcher()
        newer = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "kind", "product")),
                (tantivy.Occur.Must, index.between("seq", self._table.seq + 1)),
            ]
        )
        found = searcher.search(newer, max(searcher.num_docs, 1), count=False).hits
        ids, blobs, newest = [], [], self._table.seq
        for _, address in found:
            stored = searcher.doc(address)
            blob = stored.get_first("vector")
            newest = max(newest, int(stored.get_first("seq") or 0))
            if blob:
                ids.append(stored["id"][0])
                blobs.append(bytes(blob))
        self._table.apply(ids, decode_many(blobs))
        self._table.seq = newest
        self._at = checkpoint
        return self._table

    def nearest(
        self, index: TantivyIndex, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        """The products nearest ``vector`` among those ``request``'s filters keep (its words unread).

        A filter that keeps at most ``_MAX_CANDIDATES`` products is exact: their keys
        come from the index's fast field (no document is read) and only their rows are
        scored. Otherwise (no filter, or a broad one) the table is searched for more
        candidates than asked, in proportion to how few products the filters keep, plus
        the rows of products removed since the table was built, and the index keeps
        those that pass the filters and are still live.
        """
        table = self.table(index)
        if not len(table) or limit <= 0:
            return []
        searcher = index.index.searcher()
        narrowing = [*index.filter_clauses(request), *index.exclusion_clauses(request)]
        filters = [
            (tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "kind", "product")),
            *narrowing,
        ]
        live_products = max(searcher.num_docs - 1, 1)  # the checkpoint is a document too
        kept = live_products
        if narrowing:
            counted = searcher.search(tantivy.Query.boolean_query(filters), 1, count=True)
            kept = int(counted.count or 0)  # type: ignore[attr-defined]  # the stub leaves count out
            if not kept:
                return []
            if kept <= _MAX_CANDIDATES:
                within = searcher.search(
                    tantivy.Query.boolean_query(filters), kept, count=False, order_by_field="key"
                ).hits
                rows = [row for key, _ in within if (row := table.keys.get(key)) is not None]
                return [(i, score) for i, _, score in table.nearest(vector, limit, rows)]
        stale = max(0, len(table) - live_products)
        wanted = min(_MAX_CANDIDATES, math.ceil(1.5 * limit * live_products / kept) + stale)
        candidates = table.nearest(vector, wanted)
        check = tantivy.Query.boolean_query(
            [
                *filters,
                (
                    tantivy.Occur.Must,
                    tantivy.Query.term_set_query(index.schema, "id", [i for i, _, _ in candidates]),
                ),
            ]
        )
        found = searcher.search(check, len(candidates), count=False).hits
        live = set(searcher.fast_field_values("key", [address for _, address in found]))
        return [(i, score) for i, key, score in candidates if key in live][:limit]
