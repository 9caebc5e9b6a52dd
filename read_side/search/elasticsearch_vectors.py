"""The vector side of hybrid search on Elasticsearch, computed from the documents' stored vectors.

Documents carry the same int8 vectors as on Tantivy (a ``binary`` field: kept in
``_source``, not indexed), so both engines rank by the very same numbers. The API
process loads them into a ``VectorTable`` when the live index's position moves and
searches it by brute force, as the Tantivy adapter does; the cluster then checks
the candidates against the filters. This keeps one ranking for both engines and
needs no vector index on the cluster; a catalog that outgrows a process's memory
would move this to the cluster's own ``dense_vector`` kNN search instead.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt
from elasticsearch import AsyncElasticsearch

from read_side.search.embedding import decode_many
from read_side.search.port import SearchRequest
from read_side.search.vectors import VectorTable

MAX_CANDIDATES = 5_000  # nearest products checked against the filters in one search
_PAGE = 1_000


class LiveVectors:
    """The live index's vectors, loaded again whenever its position moves."""

    def __init__(
        self, client: AsyncElasticsearch, alias: str, build_query: Callable[[SearchRequest], dict[str, Any]]
    ) -> None:
        self.client = client
        self.alias = alias
        self.build_query = build_query  # the adapter's, so both sides filter alike
        self._table = VectorTable()
        self._position: str | None = None

    async def table(self, position: str) -> VectorTable:
        if position != self._position:
            self._table, self._position = await self._load(), position
        return self._table

    async def _load(self) -> VectorTable:
        table = VectorTable()
        after: list[Any] | None = None
        while True:
            page = await self.client.search(
                index=self.alias,
                query={"term": {"kind": "product"}},
                sort=[{"id": "asc"}],
                source_includes=["vector"],
                size=_PAGE,
                search_after=after,
            )
            hits = page["hits"]["hits"]
            stored = [(h["_id"], h["_source"].get("vector")) for h in hits]
            with_vector = [(i, base64.b64decode(v)) for i, v in stored if v]
            table.apply([i for i, _ in with_vector], decode_many([b for _, b in with_vector]))
            if len(hits) < _PAGE:
                return table
            after = hits[-1]["sort"]

    async def nearest(
        self, position: str, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        """Up to ``limit`` products within ``request``'s filters (its words unread) nearest ``vector``."""
        table = await self.table(position)
        if not len(table) or limit <= 0:
            return []
        filters = msgspec.structs.replace(request, q="", ids=())
        kept = int((await self.client.count(index=self.alias, query=self.build_query(filters)))["count"])
        if not kept:
            return []
        wanted = min(MAX_CANDIDATES, max(2 * limit, math.ceil(1.5 * limit * len(table) / kept)))
        candidates = table.nearest(vector, wanted)
        check = self.build_query(msgspec.structs.replace(filters, ids=tuple(i for i, _, _ in candidates)))
        found = await self.client.search(index=self.alias, query=check, size=len(candidates), source=False)
        live = {hit["_id"] for hit in found["hits"]["hits"]}
        return [(i, score) for i, _, score in candidates if i in live][:limit]
