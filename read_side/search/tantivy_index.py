"""The Tantivy adapter of the search port: an embedded index on local disk.

One writer (the projector) and many readers (the query API). The checkpoint
is a document in the index itself, replaced in the same commit as the
documents it covers, so the index and its position can never disagree.
Relevance is BM25 over name, brand, materials and description. Typo
tolerance works as in Algolia: a word the index has never seen is matched
fuzzily (edit distance by Elasticsearch's AUTO rule, on one combined text
field, at a lower weight); a word it knows is matched exactly, which keeps
common queries fast and their ranking pure BM25.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tantivy

from projections.store import decode_cursor, encode_cursor
from read_side.search.port import (
    PRICE_BANDS,
    FacetCount,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchRequest,
    SearchResult,
    auto_fuzziness,
)
from write_side.contracts.events import LogCursor

CHECKPOINT_ID = "__checkpoint__"
_WORDS = re.compile(r"[\w]+", re.UNICODE)
_TEXT_FIELDS = (("name", 3.0), ("brand_text", 2.0), ("materials", 1.5), ("description", 1.0))
_WRITER_HEAP = 64 * 1024 * 1024


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
    return builder.build()


class TantivyIndex:
    def __init__(self, path: Path, *, writer: bool = False) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._writer = self.index.writer(_WRITER_HEAP, 1) if writer else None
        self._checkpoint: LogCursor | None = None

    # ------------------------------------------------------------------ writing

    def upsert(self, documents: list[SearchDocument]) -> None:
        writer = self._require_writer()
        for doc in documents:
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(
                tantivy.Document(
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
                )
            )

    def delete(self, ids: list[str]) -> None:
        writer = self._require_writer()
        for doc_id in ids:
            writer.delete_documents_by_term("id", doc_id)

    def commit(self, checkpoint: LogCursor) -> None:
        writer = self._require_writer()
        writer.delete_documents_by_term("id", CHECKPOINT_ID)
        writer.add_document(
            tantivy.Document(id=CHECKPOINT_ID, kind="checkpoint", checkpoint=encode_cursor(checkpoint))
        )
        writer.commit()
        self.index.reload()
        self._checkpoint = checkpoint

    def _require_writer(self) -> Any:
        if self._writer is None:
            raise SearchError("this index was opened read-only")
        return self._writer

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        self.index.reload()
        self._checkpoint = None

    def created_of(self, product_id: str) -> int | None:
        """When an indexed product was created (kept across updates)."""
        searcher = self.index.searcher()
        found = searcher.search(tantivy.Query.term_query(self.schema, "id", product_id), 1).hits
        return int(searcher.doc(found[0][1])["created"][0]) if found else None

    def checkpoint(self) -> LogCursor:
        """The log position the index reflects (cached until the next reload or commit)."""
        if self._checkpoint is None:
            searcher = self.index.searcher()
            found = searcher.search(tantivy.Query.term_query(self.schema, "id", CHECKPOINT_ID), 1).hits
            self._checkpoint = (
                decode_cursor(searcher.doc(found[0][1])["checkpoint"][0]) if found else LogCursor()
            )
        return self._checkpoint

    def search(self, request: SearchRequest) -> SearchResult:
        searcher = self.index.searcher()
        query = self._query(request, searcher)
        offset = (request.page - 1) * request.size
        kwargs: dict[str, Any] = {"limit": request.size, "offset": offset, "count": True}
        if request.sort in ("price", "-price"):
            kwargs.update(
                order_by_field="price_minor",
                order=tantivy.Order.Asc if request.sort == "price" else tantivy.Order.Desc,
            )
        elif request.sort == "newest":
            kwargs.update(order_by_field="created", order=tantivy.Order.Desc)
        try:
            result = searcher.search(query, **kwargs)
            facets = self._facets(searcher, query)
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
                )
            )
        return SearchResult(
            hits=hits,
            total=int(getattr(result, "count", 0) or 0),
            facets=facets,
            position=encode_cursor(self.checkpoint()),
        )

    def _query(self, request: SearchRequest, searcher: Any) -> tantivy.Query:
        occur = tantivy.Occur
        clauses: list[tuple[Any, tantivy.Query]] = [
            (occur.Must, tantivy.Query.term_query(self.schema, "kind", "product")),
        ]
        for word in _WORDS.findall(request.q.lower())[:12]:
            options = [
                (
                    occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, field, word), boost),
                )
                for field, boost in _TEXT_FIELDS
            ]
            distance = auto_fuzziness(word)
            if distance and not searcher.doc_freq("all_text", word):
                # A word the index has never seen: a typo, so match it fuzzily.
                fuzzy = tantivy.Query.fuzzy_term_query(self.schema, "all_text", word, distance=distance)
                options.append((occur.Should, tantivy.Query.boost_query(fuzzy, 0.5)))
            clauses.append((occur.Must, tantivy.Query.boolean_query(options)))
        for field, value in (
            ("category", request.category),
            ("brand", request.brand),
            ("certifications", request.certification),
        ):
            if value:
                clauses.append((occur.Must, tantivy.Query.term_query(self.schema, field, value)))
        if request.price_min is not None or request.price_max is not None:
            clauses.append(
                (
                    occur.Must,
                    tantivy.Query.range_query(
                        self.schema,
                        "price_minor",
                        tantivy.FieldType.Integer,
                        request.price_min if request.price_min is not None else -(2**62),
                        request.price_max if request.price_max is not None else 2**62,
                    ),
                )
            )
        return tantivy.Query.boolean_query(clauses)

    def _facets(self, searcher: Any, query: tantivy.Query) -> dict[str, list[FacetCount]]:
        ranges = [{k: v for k, v in (("from", lo), ("to", hi)) if v is not None} for lo, hi in PRICE_BANDS]
        spec = {
            "category": {"terms": {"field": "category", "size": 50}},
            "brand": {"terms": {"field": "brand", "size": 20}},
            "certification": {"terms": {"field": "certifications", "size": 20}},
            "price": {"range": {"field": "price_minor", "ranges": ranges}},
        }
        raw = searcher.aggregate(query, spec)
        out = {
            name: [FacetCount(str(b["key"]), int(b["doc_count"])) for b in raw[name]["buckets"]]
            for name in ("category", "brand", "certification")
        }
        out["price"] = [
            FacetCount(_band_label(lo, hi), int(b["doc_count"]))
            for (lo, hi), b in zip(PRICE_BANDS, raw["price"]["buckets"], strict=True)
        ]
        return out


def _band_label(lo: int | None, hi: int | None) -> str:
    return f"{'' if lo is None else lo}-{'' if hi is None else hi}"
