"""Hybrid search: the BM25 ranking blended with the products nearest in meaning.

Shoppers describe what they want ("something to carry lunch without plastic",
"keep my drinks cold on a hike") in words the catalog does not use. Every
engine answers the same way, through the port:

1. **Filters first.** Category, brand, certification, price, eco score and the
   materials a negation excludes (read_side/search/relax.py: embeddings ignore
   "not", so "a bottle that is not plastic" must stay a filter) bound both sides.
2. **Two rankings.** The words' BM25 ranking (relaxed when strict matching finds
   little) and the products whose vectors are nearest the query's
   (read_side/search/embedding.py), ``CANDIDATES`` of each.
3. **Fusion.** Reciprocal rank fusion (each side adds ``1 / (RRF_K + rank)``):
   measured against a weighted sum of normalised scores on the labelled set
   (benchmarks/search_quality.py), RRF is the default. Ties break on the id.

The rule for totals and facets: a hybrid answer's result set is the fused list
(at most ``CANDIDATES`` BM25 matches and ``CANDIDATES`` nearest products, all
within the filters); ``total`` and every facet count exactly that set, and pages
walk it. A sort other than relevance, or a query with no words, has no meaning to
blend: it is answered as BM25 answers it.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from read_side.search.embedding import embed_query
from read_side.search.port import SearchEngine, SearchRequest, SearchResult
from read_side.search.relax import parse_query, relaxed_search

Fusion = Literal["rrf", "weighted"]
CANDIDATES = 100  # from each side
RRF_K = 60  # the constant of Cormack et al. (2009); it damps the weight of the very top ranks
WEIGHT_BM25 = 0.5  # the weighted sum's share of the normalised BM25 score


async def hybrid_search(engine: SearchEngine, request: SearchRequest, fusion: Fusion = "rrf") -> SearchResult:
    """``request`` answered by blending its BM25 ranking with its nearest products (see above)."""
    parsed = parse_query(request.q)
    if request.sort != "relevance" or not parsed.words:  # nothing to blend (engines send mode=hybrid here)
        return await relaxed_search(engine.search, msgspec.structs.replace(request, mode="bm25"))
    side = msgspec.structs.replace(request, page=1, size=CANDIDATES, mode="bm25", ids=(), facets=False)
    words = await relaxed_search(engine.search, side)
    meaning = msgspec.structs.replace(
        side, q="", exclude_materials=tuple(dict.fromkeys((*request.exclude_materials, *parsed.negated)))
    )
    query_vector = await embed_query(" ".join(parsed.words))
    near = await engine.nearest(query_vector, meaning, CANDIDATES) if query_vector.any() else []
    lexical = [(hit.id, hit.score or 0.0) for hit in words.hits]
    fused = fuse(lexical, near, fusion)
    if not fused:  # nothing either way: the plain answer, with its (empty) facets
        return await relaxed_search(engine.search, msgspec.structs.replace(request, mode="bm25"))
    # The fused set's total and facets, then the page's hits (the nearest side knows only ids); the
    # index leaves out any product that went away since the vectors were read.
    counted = await engine.search(
        msgspec.structs.replace(meaning, ids=tuple(fused), size=1, facets=request.facets)
    )
    start = (request.page - 1) * request.size
    window = list(fused)[start : start + request.size]
    hits = []
    if window:
        found = await engine.search(msgspec.structs.replace(meaning, ids=tuple(window), size=len(window)))
        by_id = {hit.id: hit for hit in found.hits}
        hits = [msgspec.structs.replace(by_id[i], score=round(fused[i], 6)) for i in window if i in by_id]
    return msgspec.structs.replace(
        words, hits=hits, total=counted.total, facets=counted.facets, position=counted.position
    )


def fuse(lexical: list[tuple[str, float]], near: list[tuple[str, float]], fusion: Fusion) -> dict[str, float]:
    """Both rankings (best first, with their scores) as one: id to fused score, best first."""
    fused: dict[str, float] = {}
    if fusion == "rrf":
        for ranking in (lexical, near):
            for rank, (product_id, _) in enumerate(ranking, start=1):
                fused[product_id] = fused.get(product_id, 0.0) + 1.0 / (RRF_K + rank)
    else:
        for ranking, weight in ((lexical, WEIGHT_BM25), (near, 1.0 - WEIGHT_BM25)):
            if not ranking:
                continue
            top = max(score for _, score in ranking)
            low = min(score for _, score in ranking)
            span = (top - low) or 1.0
            for product_id, score in ranking:
                fused[product_id] = fused.get(product_id, 0.0) + weight * (score - low) / span
    return dict(sorted(fused.items(), key=lambda item: (-item[1], item[0])))
