"""The Tantivy adapter of the search port: an embedded index on local disk.

Each generation is a folder ``{root}/g{n}``; the file ``{root}/live`` names the
live one and is replaced atomically (``os.replace``) by a swap. One writer (the
projector) and many readers (the query API), which reload at most every half
second, so a search may be that much behind the projector's last commit. The checkpoint
is a document in the index itself, replaced in the same commit as the
documents it covers, so the index and its position can never disagree.
Relevance is BM25 over name, brand, materials and description. Typo
tolerance works as in Algolia: a word the index has never seen is matched
fuzzily (edit distance by Elasticsearch's AUTO rule, on one combined text
field, at a lower weight); a word it knows is matched exactly, which keeps
common queries fast and their ranking pure BM25. Facets and the total are
counted with a cheaper query that finds the same documents (one posting list per
word, in the combined field), and for a broad search on a second thread, beside
the ranking.

A generation written with another schema (an older version of this module)
cannot be opened: its writer starts it again empty, so the projector refills it
from the start of the log, and readers answer with a ``SearchError`` until it has.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import tantivy

from projections.store import decode_cursor, encode_cursor
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
    auto_fuzziness,
    band_label,
    band_ranges,
)
from read_side.search.tantivy_vectors import TantivyVectors
from read_side.search.vectors import VectorTable, product_key
from write_side.contracts.events import LogCursor

CHECKPOINT_ID = "__checkpoint__"
_WORDS = re.compile(r"[\w]+", re.UNICODE)
_TEXT_FIELDS = (("name", 3.0), ("brand_text", 2.0), ("materials", 1.5), ("description", 1.0))
_WRITER_HEAP = 64 * 1024 * 1024
_RELOAD_EVERY = 0.5  # seconds: how stale a search may be behind the projector's last commit
# From how many possible matches a search counts its facets on a second thread, beside the ranking:
# below it, the hand-over costs more than the overlap saves.
_PARALLEL_FROM = 20_000
_pools: dict[int, ThreadPoolExecutor] = {}


def _facets_pool() -> ThreadPoolExecutor:
    """This process's facet thread (per process id: a forked child inherits the pool, not its thread)."""
    pid = os.getpid()
    if pid not in _pools:
        _pools[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-facets")
    return _pools[pid]


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_text_field("name", stored=True)
    builder.add_text_field("description")
    builder.add_text_field("brand_text")
    builder.add_text_field("materials")
    builder.add_text_field("all_text")  # name, brand, materials and description, for fuzzy matching
    builder.add_text_field("brand", stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("category", stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("certifications", stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("currency", stored=True, tokenizer_name="raw")
    builder.add_text_field("checkpoint", stored=True, tokenizer_name="raw")
    builder.add_integer_field("price_minor", stored=True, indexed=True, fast=True)
    builder.add_integer_field("created", stored=True, indexed=True, fast=True)
    builder.add_integer_field("eco_score", stored=True, indexed=True, fast=True)  # absent: no footprint
    builder.add_bytes_field("vector", stored=True)  # read_side/search/embedding.py; absent: none
    builder.add_integer_field("key", fast=True)  # vectors.product_key(id): read without the document
    # The commit that wrote the document (the checkpoint carries the latest): readers load the vectors
    # of newer commits only.
    builder.add_integer_field("seq", stored=True, indexed=True, fast=True)
    return builder.build()


class TantivyIndex:
    def __init__(self, path: Path, *, writer: bool = False) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = _open_index(self.schema, path, writer=writer)
        self._writer = self.index.writer(_WRITER_HEAP, 1) if writer else None
        self._checkpoint: LogCursor | None = None
        self._pending: dict[str, SearchDocument | None] = {}  # the last change per id wins
        self._seq: int | None = None  # the last commit's number, read from the index when first needed
        self._vectors = TantivyVectors()

    # ------------------------------------------------------------------ writing

    def upsert(self, documents: list[SearchDocument]) -> None:
        self._require_writer()
        self._pending.update((doc.id, doc) for doc in documents)

    def delete(self, ids: list[str]) -> None:
        self._require_writer()
        self._pending.update((doc_id, None) for doc_id in ids)

    async def commit(self, checkpoint: LogCursor) -> None:
        pending, self._pending = self._pending, {}
        # Tantivy's commit fsyncs segments: off the event loop.
        await asyncio.to_thread(self._commit, pending, checkpoint)

    def _commit(self, pending: dict[str, SearchDocument | None], checkpoint: LogCursor) -> None:
        writer = self._require_writer()
        seq = self._last_seq() + 1
        for doc_id, doc in pending.items():
            writer.delete_documents_by_term("id", doc_id)
            if doc is not None:
                writer.add_document(_tantivy_document(doc, seq))
        writer.delete_documents_by_term("id", CHECKPOINT_ID)
        writer.add_document(
            tantivy.Document(
                id=CHECKPOINT_ID, kind="checkpoint", checkpoint=encode_cursor(checkpoint), seq=seq
            )
        )
        writer.commit()
        self._seq = seq
        self.index.reload()
        self._checkpoint = checkpoint

    def _require_writer(self) -> Any:
        if self._writer is None:
            raise SearchError("this index was opened read-only")
        return self._writer

    async def close(self) -> None:
        self._writer = None  # dropping the writer releases the folder's lock

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        self.index.reload()
        self._checkpoint = None

    def _last_seq(self) -> int:
        if self._seq is None:
            searcher = self.index.searcher()
            found = searcher.search(tantivy.Query.term_query(self.schema, "id", CHECKPOINT_ID), 1).hits
            self._seq = int(searcher.doc(found[0][1]).get_first("seq") or 0) if found else 0
        return self._seq

    def vectors(self) -> VectorTable:
        """The vector table, brought up to the committed index (``tantivy_vectors``)."""
        return self._vectors.table(self)

    def nearest_now(
        self, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        """The products nearest ``vector`` among those ``request``'s filters keep (``tantivy_vectors``)."""
        return self._vectors.nearest(self, vector, request, limit)

    async def created_of(self, ids: list[str]) -> dict[str, int]:
        searcher = self.index.searcher()
        created = {}
        for product_id in ids:
            found = searcher.search(tantivy.Query.term_query(self.schema, "id", product_id), 1).hits
            if found:
                created[product_id] = int(searcher.doc(found[0][1])["created"][0])
        return created

    async def checkpoint(self) -> LogCursor:
        return self.current_checkpoint()

    def current_checkpoint(self) -> LogCursor:
        """The log position the index reflects (cached until the next reload or commit)."""
        if self._checkpoint is None:
            searcher = self.index.searcher()
            found = searcher.search(tantivy.Query.term_query(self.schema, "id", CHECKPOINT_ID), 1).hits
            self._checkpoint = (
                decode_cursor(searcher.doc(found[0][1])["checkpoint"][0]) if found else LogCursor()
            )
        return self._checkpoint

    async def search(self, request: SearchRequest) -> SearchResult:
        # Sub-millisecond and CPU-bound: a thread hop would cost more than it frees.
        return self.search_now(request)

    def search_now(self, request: SearchRequest) -> SearchResult:
        searcher = self.index.searcher()
        ranked, matching, breadth = self._queries(request, searcher)
        offset = (request.page - 1) * request.size
        # No count here: the price facet counts every match (see _facets), and without a count
        # the engine can skip documents that cannot reach the top of a relevance sort.
        kwargs: dict[str, Any] = {"limit": request.size, "offset": offset, "count": False}
        if request.sort in ("price", "-price"):
            kwargs.update(
                order_by_field="price_minor",
                order=tantivy.Order.Asc if request.sort == "price" else tantivy.Order.Desc,
            )
        elif request.sort == "newest":
            kwargs.update(order_by_field="created", order=tantivy.Order.Desc)
        elif request.sort == "eco":  # documents without a score come last
            kwargs.update(order_by_field="eco_score", order=tantivy.Order.Desc)
        try:
            if not request.facets:  # the total alone: one counted pass, no aggregation
                result = searcher.search(ranked, **{**kwargs, "count": True})
                facets: dict[str, list[FacetCount]] = {}
                total = int(result.count or 0)  # type: ignore[attr-defined]  # not in the stub
            elif breadth >= _PARALLEL_FROM:
                # Tantivy releases the GIL: count the facets on the other core while this one ranks.
                pending = _facets_pool().submit(self._facets, searcher, matching)
                result = searcher.search(ranked, **kwargs)
                facets, total = pending.result()
            else:
                result = searcher.search(ranked, **kwargs)
                facets, total = self._facets(searcher, matching)
        except BaseException as exc:  # pyo3's PanicException is a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise SearchError(f"the search engine failed: {exc}") from None
        hits = []
        for key, address in result.hits:
            stored = searcher.doc(address)
            hits.append(
                SearchHit(
                    id=stored["id"][0],
                    name=stored["name"][0],
                    brand=stored["brand"][0],
                    category=stored["category"][0],
                    price_minor=int(stored["price_minor"][0]),
                    currency=stored["currency"][0],
                    certifications=list(stored.get_all("certifications")),
                    score=float(key) if request.sort == "relevance" else None,
                    eco_score=stored.get_first("eco_score"),
                )
            )
        return SearchResult(
            hits=hits,
            total=total,
            facets=facets,
            position=encode_cursor(self.current_checkpoint()),
        )

    def _queries(self, request: SearchRequest, searcher: Any) -> tuple[tantivy.Query, tantivy.Query, int]:
        """The ranking query, the matching query (the same documents, unscored) and how many it may match.

        Ranking scores each word in every text field with its weight. Matching
        only has to find the same documents, and ``all_text`` holds every text
        field's tokens: one posting list per word instead of a union of four,
        which is what makes facets over a common word cheap. The breadth is the
        document frequency of the rarest word (an upper bound of the matches).
        """
        occur = tantivy.Occur
        ranked: list[tuple[Any, tantivy.Query]] = []
        matching: list[tuple[Any, tantivy.Query]] = []
        breadth = searcher.num_docs
        for word in _WORDS.findall(request.q.lower())[:12]:
            options = [
                (
                    occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, field, word), boost),
                )
                for field, boost in _TEXT_FIELDS
            ]
            seen = searcher.doc_freq("all_text", word)
            distance = auto_fuzziness(word)
            if distance and not seen:
                # A word the index has never seen: a typo, so match it fuzzily.
                fuzzy = tantivy.Query.fuzzy_term_query(self.schema, "all_text", word, distance=distance)
                options.append((occur.Should, tantivy.Query.boost_query(fuzzy, 0.5)))
                matching.append((occur.Must, fuzzy))
            else:
                matching.append((occur.Must, tantivy.Query.term_query(self.schema, "all_text", word)))
                breadth = min(breadth, seen)
            ranked.append((occur.Must, tantivy.Query.boolean_query(options)))
        filters = self.filter_clauses(request)
        if not ranked and not filters:
            # Only products carry a kind of "product" (the checkpoint is a document too); any word
            # or filter already rules the checkpoint out, and an extra clause costs a posting list.
            filters.append((occur.Must, tantivy.Query.term_query(self.schema, "kind", "product")))
        # Exclusions come after the test above: a query of exclusions alone matches nothing.
        filters.extend(self.exclusion_clauses(request))
        return (
            tantivy.Query.boolean_query(ranked + filters),
            tantivy.Query.boolean_query(matching + filters),
            breadth,
        )

    def filter_clauses(self, request: SearchRequest) -> list[tuple[Any, tantivy.Query]]:
        """The request's filters that keep documents (exclusions are apart: ``_exclusions``)."""
        occur = tantivy.Occur
        filters: list[tuple[Any, tantivy.Query]] = []
        if request.ids:
            filters.append((occur.Must, tantivy.Query.term_set_query(self.schema, "id", list(request.ids))))
        for field, value in (
            ("category", request.category),
            ("brand", request.brand),
            ("certifications", request.certification),
        ):
            if value:
                filters.append((occur.Must, tantivy.Query.term_query(self.schema, field, value)))
        if request.price_min is not None or request.price_max is not None:
            filters.append((occur.Must, self.between("price_minor", request.price_min, request.price_max)))
        if request.eco_min is not None:  # a document without a score has no value in the range
            filters.append((occur.Must, self.between("eco_score", request.eco_min)))
        return filters

    def exclusion_clauses(self, request: SearchRequest) -> list[tuple[Any, tantivy.Query]]:
        return [
            (tantivy.Occur.MustNot, tantivy.Query.term_query(self.schema, "materials", word))
            for material in request.exclude_materials
            for word in _WORDS.findall(material.lower())
        ]

    def between(self, field: str, lo: int | None, hi: int | None = None) -> tantivy.Query:
        """``lo <= field <= hi``, either bound optional."""
        return tantivy.Query.range_query(
            self.schema,
            field,
            tantivy.FieldType.Integer,
            lo if lo is not None else -(2**62),
            hi if hi is not None else 2**62,
        )

    def _facets(self, searcher: Any, query: tantivy.Query) -> tuple[dict[str, list[FacetCount]], int]:
        """The facet counts of ``query``'s matches, and how many matches there are.

        Every product has one price and the price bands cover every value, so the
        bands' counts add up to the number of matches (the checkpoint has no price).
        """
        spec = {
            "category": {"terms": {"field": "category", "size": 50}},
            "brand": {"terms": {"field": "brand", "size": 20}},
            "certification": {"terms": {"field": "certifications", "size": 20}},
            "price": {"range": {"field": "price_minor", "ranges": band_ranges(PRICE_BANDS)}},
            "eco": {"range": {"field": "eco_score", "ranges": band_ranges(ECO_BANDS)}},
        }
        raw = searcher.aggregate(query, spec)
        out = {
            name: [FacetCount(str(b["key"]), int(b["doc_count"])) for b in raw[name]["buckets"]]
            for name in ("category", "brand", "certification")
        }
        # The bands cover every value, so the engine adds no bucket of its own: one bucket per band.
        # An index with no segment yet (nothing committed before the projector's first batch) has no
        # buckets at all: every band counts zero.
        for name, bands in (("price", PRICE_BANDS), ("eco", ECO_BANDS)):
            buckets = raw[name]["buckets"] or [{"doc_count": 0}] * len(bands)
            out[name] = [
                FacetCount(band_label(lo, hi), int(b["doc_count"]))
                for (lo, hi), b in zip(bands, buckets, strict=True)
            ]
        return out, sum(band.count for band in out["price"])


def _open_index(schema: tantivy.Schema, path: Path, *, writer: bool) -> tantivy.Index:
    try:
        return tantivy.Index(schema, path=str(path), reuse=True)
    except ValueError as exc:
        if "schema does not match" not in str(exc):
            raise
        if not writer:
            raise SearchError(
                f"the search index in {path} was written with another schema; the projector rebuilds it"
            ) from None
    # Derived data: start this generation again, empty. Its checkpoint goes with it, so the
    # projector refills it from the start of the log.
    shutil.rmtree(path)
    path.mkdir(parents=True)
    return tantivy.Index(schema, path=str(path), reuse=True)


def _tantivy_document(doc: SearchDocument, seq: int) -> tantivy.Document:
    return tantivy.Document(
        id=doc.id,
        kind="product",
        name=doc.name,
        description=doc.description,
        brand_text=doc.brand,
        materials=" ".join(doc.materials),
        all_text=" ".join((doc.name, doc.brand, *doc.materials, doc.description)),
        brand=doc.brand,
        category=doc.category,
        certifications=doc.certifications or [],
        currency=doc.currency,
        price_minor=doc.price_minor,
        created=doc.created,
        **({} if doc.eco_score is None else {"eco_score": doc.eco_score}),  # no value: no score
        **({"vector": doc.vector} if doc.vector else {}),
        key=product_key(doc.id),
        seq=seq,
    )


class TantivyEngine:
    """Generations as folders under ``root``, the live one named by the ``live`` file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reader: TantivyIndex | None = None
        self._reader_generation = 0
        self._reloaded = 0.0

    def generation_dir(self, generation: int) -> Path:
        return self.root / f"g{generation}"

    def live_generation_now(self) -> int:
        pointer = self.root / "live"
        if not pointer.exists():
            return 1
        return int(pointer.read_text().strip() or 1)

    async def live_generation(self) -> int:
        return self.live_generation_now()

    async def open(self, generation: int) -> TantivyIndex:
        return TantivyIndex(self.generation_dir(generation), writer=True)

    async def swap(self, generation: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / "live.tmp"
        tmp.write_text(str(generation))
        tmp.replace(self.root / "live")
        self._reloaded = float("-inf")  # this process sees its own swap at once

    async def drop(self, generation: int) -> None:
        if generation == self.live_generation_now():
            raise SearchError(f"generation {generation} is live and cannot be dropped")
        shutil.rmtree(self.generation_dir(generation), ignore_errors=True)

    async def search(self, request: SearchRequest) -> SearchResult:
        if request.mode == "hybrid":
            return await hybrid_search(self, request)
        return self._live_reader().search_now(request)

    async def live_position(self) -> str:
        return encode_cursor(self._live_reader().current_checkpoint())

    async def nearest(
        self, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        # Off the event loop: a process's first hybrid search loads the whole table (2.4 s at 95k
        # products here), and the product itself is milliseconds of numpy and Tantivy, both of which
        # release the GIL.
        return await asyncio.to_thread(self._live_reader().nearest_now, vector, request, limit)

    def _live_reader(self) -> TantivyIndex:
        # The pointer file is read with each reload, not with each search: a swapped-out
        # generation stays on disk for the rebuild's grace period, longer than _RELOAD_EVERY.
        now = time.monotonic()
        if self._reader is not None and now - self._reloaded <= _RELOAD_EVERY:
            return self._reader
        generation = self.live_generation_now()
        if self._reader is None or generation != self._reader_generation:
            self._reader = TantivyIndex(self.generation_dir(generation))
            self._reader_generation = generation
        else:
            self._reader.reload()
        self._reloaded = now
        return self._reader

    async def close(self) -> None:
        self._reader = None
