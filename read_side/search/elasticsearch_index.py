"""The Elasticsearch adapter of the search port, for running search on its own cluster.

Generation ``n`` is the index ``{prefix}-g{n}``, created from the composable
index template ``{prefix}`` (strict mappings); readers search the alias
``{prefix}``, which a swap moves in one ``_aliases`` call. The checkpoint is a
document in the same index, sent in the same bulk request as the documents it
covers. A bulk request is not atomic, but replaying it is harmless: documents
are whole snapshots and deleting an absent id is allowed, so a crash between
the documents and the checkpoint only makes the projector write the same
snapshots again.

Relevance is the engine's BM25 over name, brand, materials and description,
with the same boosts as the Tantivy adapter; typo tolerance is ``fuzziness:
AUTO`` on each word.
"""

from __future__ import annotations

import base64
import time
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import async_bulk

from projections.store import decode_cursor, encode_cursor
from read_side.search.elasticsearch_vectors import LiveVectors
from read_side.search.hybrid import hybrid_search
from read_side.search.port import (
    ECO_BANDS,
    PRICE_BANDS,
    FacetCount,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchRequest,
    SearchResult,
    band_label,
    band_ranges,
)
from write_side.contracts.events import LogCursor

CHECKPOINT_ID = "__checkpoint__"
_TEXT_FIELDS = ["name^3", "brand_text^2", "materials^1.5", "description"]
_CHECKPOINT_TTL = 0.5  # seconds a reader trusts its cached checkpoint, as Tantivy readers reload
_MAX_WORDS = 12

_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        # The document id again, as a field: the tie-breaker of every sort. Elasticsearch 8 and
        # later refuse to sort on `_id` (its field data is off by default).
        "id": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "name": {"type": "text"},
        "description": {"type": "text"},
        "brand_text": {"type": "text"},
        "materials": {"type": "text"},
        "brand": {"type": "keyword"},
        "category": {"type": "keyword"},
        "certifications": {"type": "keyword"},
        "currency": {"type": "keyword", "index": False},
        "price_minor": {"type": "long"},
        "created": {"type": "long"},
        "eco_score": {"type": "integer"},  # null (no footprint): matches no eco filter, sorts last
        "checkpoint": {"type": "keyword", "index": False},
        "vector": {"type": "binary"},  # read_side/search/elasticsearch_vectors.py
    },
}


def _source(doc: SearchDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "kind": "product",
        "name": doc.name,
        "description": doc.description,
        "brand_text": doc.brand,
        "materials": " ".join(doc.materials),
        "brand": doc.brand,
        "category": doc.category,
        "certifications": list(doc.certifications),
        "currency": doc.currency,
        "price_minor": doc.price_minor,
        "created": doc.created,
        "eco_score": doc.eco_score,
        "vector": base64.b64encode(doc.vector).decode() if doc.vector else None,
    }


def build_query(request: SearchRequest) -> dict[str, Any]:
    """Every word must match some text field (fuzzily); filters narrow without scoring."""
    words = request.q.split()[:_MAX_WORDS]
    must = [{"multi_match": {"query": word, "fields": _TEXT_FIELDS, "fuzziness": "AUTO"}} for word in words]
    filters: list[dict[str, Any]] = [{"term": {"kind": "product"}}]
    if request.ids:
        filters.append({"terms": {"id": list(request.ids)}})
    for field, value in (
        ("category", request.category),
        ("brand", request.brand),
        ("certifications", request.certification),
    ):
        if value:
            filters.append({"term": {field: value}})
    if request.price_min is not None or request.price_max is not None:
        bounds = {"gte": request.price_min, "lte": request.price_max}
        filters.append({"range": {"price_minor": {k: v for k, v in bounds.items() if v is not None}}})
    if request.eco_min is not None:  # a document without a score has no value in the range
        filters.append({"range": {"eco_score": {"gte": request.eco_min}}})
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}
    if request.exclude_materials:
        query["bool"]["must_not"] = [{"match": {"materials": m}} for m in request.exclude_materials]
    return query


def build_sort(request: SearchRequest) -> list[Any]:
    """The id breaks ties, so pages never overlap or skip."""
    sorts: dict[str, dict[str, Any]] = {
        "relevance": {"_score": "desc"},
        "price": {"price_minor": "asc"},
        "-price": {"price_minor": "desc"},
        "newest": {"created": "desc"},
        # No score sorts last, as in Tantivy; an index the projector has not yet given the field
        # (made from an older template) sorts as if no product had a score, instead of failing.
        "eco": {"eco_score": {"order": "desc", "missing": "_last", "unmapped_type": "integer"}},
    }
    # Documents indexed before the id field existed have none and sort after the others among ties
    # until the next rebuild; the field is mapped when a writer opens the index.
    return [sorts[request.sort], {"id": {"order": "asc", "unmapped_type": "keyword"}}]


def build_aggregations() -> dict[str, Any]:
    return {
        "category": {"terms": {"field": "category", "size": 50}},
        "brand": {"terms": {"field": "brand", "size": 20}},
        "certification": {"terms": {"field": "certifications", "size": 20}},
        "price": {"range": {"field": "price_minor", "ranges": band_ranges(PRICE_BANDS)}},
        "eco": {"range": {"field": "eco_score", "ranges": band_ranges(ECO_BANDS)}},
    }


_NO_AGGREGATIONS: dict[str, Any] = {
    "category": {"buckets": []},
    "brand": {"buckets": []},
    "certification": {"buckets": []},
    "price": {"buckets": [{"doc_count": 0}] * len(PRICE_BANDS)},
    "eco": {"buckets": [{"doc_count": 0}] * len(ECO_BANDS)},
}


def _facets(aggregations: dict[str, Any]) -> dict[str, list[FacetCount]]:
    out = {
        name: [FacetCount(str(b["key"]), int(b["doc_count"])) for b in aggregations[name]["buckets"]]
        for name in ("category", "brand", "certification")
    }
    # Range buckets come back in the order asked; the labels are ours, not the engine's.
    for name, bands in (("price", PRICE_BANDS), ("eco", ECO_BANDS)):
        out[name] = [
            FacetCount(band_label(lo, hi), int(b["doc_count"]))
            for (lo, hi), b in zip(bands, aggregations[name]["buckets"], strict=True)
        ]
    return out


def _hit(raw: dict[str, Any], scored: bool) -> SearchHit:
    source = raw["_source"]
    return SearchHit(
        id=raw["_id"],
        name=source["name"],
        brand=source["brand"],
        category=source["category"],
        price_minor=int(source["price_minor"]),
        currency=source["currency"],
        certifications=list(source.get("certifications") or []),
        score=float(raw["_score"]) if scored and raw.get("_score") is not None else None,
        eco_score=source.get("eco_score"),
    )


async def _search(client: AsyncElasticsearch, index: str, request: SearchRequest) -> dict[str, Any]:
    try:
        response = await client.search(  # the body as keyword arguments, as the 9.x client wants
            index=index,
            query=build_query(request),
            sort=build_sort(request),
            aggs=build_aggregations() if request.facets else None,
            from_=(request.page - 1) * request.size,
            size=request.size,
            track_total_hits=True,
        )
    except NotFoundError:
        raise  # the index does not exist yet: the caller decides what that means
    except ApiError as exc:
        raise SearchError(f"the search engine refused the search: {exc}") from None
    except TransportError as exc:
        raise SearchError(f"the search engine is unreachable: {exc}") from None
    return dict(response.body)


class ElasticsearchIndex:
    """One generation (one concrete index); the projector is its only writer."""

    def __init__(self, client: AsyncElasticsearch, name: str) -> None:
        self.client = client
        self.name = name
        self._pending: dict[str, SearchDocument | None] = {}  # the last change per id wins

    def upsert(self, documents: list[SearchDocument]) -> None:
        self._pending.update((doc.id, doc) for doc in documents)

    def delete(self, ids: list[str]) -> None:
        self._pending.update((doc_id, None) for doc_id in ids)

    async def commit(self, checkpoint: LogCursor) -> None:
        pending, self._pending = self._pending, {}
        actions: list[dict[str, Any]] = [
            {"_op_type": "delete", "_index": self.name, "_id": doc_id}
            if doc is None
            else {"_op_type": "index", "_index": self.name, "_id": doc_id, "_source": _source(doc)}
            for doc_id, doc in pending.items()
        ]
        actions.append(
            {
                "_op_type": "index",
                "_index": self.name,
                "_id": CHECKPOINT_ID,
                "_source": {"kind": "checkpoint", "checkpoint": encode_cursor(checkpoint)},
            }
        )
        _, errors = await async_bulk(
            self.client, actions, refresh=True, raise_on_error=False, chunk_size=2000, stats_only=False
        )
        failures = [e for e in cast("list[dict[str, Any]]", errors) if not _is_absent_delete(e)]
        if failures:
            raise SearchError(f"{len(failures)} search documents were refused, first: {failures[0]}")

    async def checkpoint(self) -> LogCursor:
        try:
            found = await self.client.get(index=self.name, id=CHECKPOINT_ID)
        except NotFoundError:
            return LogCursor()
        return decode_cursor(found["_source"]["checkpoint"])

    async def created_of(self, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        found = await self.client.mget(index=self.name, ids=ids, source_includes=["created"])
        return {d["_id"]: int(d["_source"]["created"]) for d in found["docs"] if d.get("found")}

    async def search(self, request: SearchRequest) -> SearchResult:
        body = await _search(self.client, self.name, request)
        return _result(body, request, await self.checkpoint())

    async def close(self) -> None:
        """The client belongs to the engine, which closes it."""


def _is_absent_delete(error: dict[str, Any]) -> bool:
    delete = error.get("delete")
    return delete is not None and delete.get("status") == 404


def _result(body: dict[str, Any], request: SearchRequest, checkpoint: LogCursor) -> SearchResult:
    return SearchResult(
        hits=[_hit(raw, request.sort == "relevance") for raw in body["hits"]["hits"]],
        total=int(body["hits"]["total"]["value"]),
        facets=_facets(body["aggregations"]) if request.facets else {},
        position=encode_cursor(checkpoint),
    )


class ElasticsearchEngine:
    """Generations as indices ``{prefix}-g{n}``; readers search the alias ``{prefix}``."""

    def __init__(self, client: AsyncElasticsearch, prefix: str = "ecolaura-products") -> None:
        self.client = client
        self.alias = prefix
        self._template_ready = False
        self._checkpoint: tuple[float, LogCursor] | None = None
        self._vectors = LiveVectors(client, prefix, build_query)

    def index_name(self, generation: int) -> str:
        return f"{self.alias}-g{generation}"

    async def live_generation(self) -> int:
        try:
            aliases = await self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return 1
        (index,) = aliases.body
        return int(index.rsplit("-g", 1)[1])

    async def open(self, generation: int) -> ElasticsearchIndex:
        name = self.index_name(generation)
        await self._ensure_template()
        if not await self.client.indices.exists(index=name):
            await self.client.indices.create(index=name)
        else:
            # An index made from an older template: fields added since are added to it (mappings
            # may grow, never change), so the strict mapping does not refuse today's documents.
            await self.client.indices.put_mapping(index=name, properties=_MAPPINGS["properties"])
        if not await self.client.indices.exists_alias(name=self.alias):
            # The very first generation becomes live at once: there is nothing to rebuild beside.
            await self.client.indices.put_alias(index=name, name=self.alias)
        return ElasticsearchIndex(self.client, name)

    async def _ensure_template(self) -> None:
        if not self._template_ready:
            await self.client.indices.put_index_template(
                name=self.alias,
                index_patterns=[f"{self.alias}-g*"],
                template={"settings": {"number_of_shards": 1}, "mappings": _MAPPINGS},
            )
            self._template_ready = True

    async def swap(self, generation: int) -> None:
        try:
            current = list((await self.client.indices.get_alias(name=self.alias)).body)
        except NotFoundError:
            current = []
        # One _aliases call: readers see the old index or the new one, never neither.
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in current]
        actions.append({"add": {"index": self.index_name(generation), "alias": self.alias}})
        await self.client.indices.update_aliases(actions=actions)
        self._checkpoint = None

    async def drop(self, generation: int) -> None:
        if generation == await self.live_generation():
            raise SearchError(f"generation {generation} is live and cannot be dropped")
        await self.client.indices.delete(index=self.index_name(generation), ignore_unavailable=True)

    async def search(self, request: SearchRequest) -> SearchResult:
        if request.mode == "hybrid":
            return await hybrid_search(self, request)
        try:
            body = await _search(self.client, self.alias, request)
        except NotFoundError:  # nothing indexed yet
            return SearchResult(
                hits=[], total=0, facets=_facets(_NO_AGGREGATIONS), position=encode_cursor(LogCursor())
            )
        return _result(body, request, await self._live_checkpoint())

    async def live_position(self) -> str:
        try:
            return encode_cursor(await self._live_checkpoint())
        except NotFoundError:  # nothing indexed yet
            return encode_cursor(LogCursor())

    async def nearest(
        self, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        try:
            return await self._vectors.nearest(await self.live_position(), vector, request, limit)
        except NotFoundError:  # nothing indexed yet
            return []
        except (ApiError, TransportError) as exc:
            raise SearchError(f"the search engine refused the vector side: {exc}") from None

    async def _live_checkpoint(self) -> LogCursor:
        now = time.monotonic()
        if self._checkpoint is None or now - self._checkpoint[0] > _CHECKPOINT_TTL:
            live = ElasticsearchIndex(self.client, self.alias)
            self._checkpoint = (now, await live.checkpoint())
        return self._checkpoint[1]

    async def close(self) -> None:
        await self.client.close()
