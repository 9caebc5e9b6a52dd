"""The search quality set over the demo catalog: nDCG@10 and latency of BM25 and hybrid search.

The catalog is ``ecolaura.demo_catalog`` (the seed's size and seed, see
``queries.json``), indexed in a real Tantivy index with the projection's own
vectors (``projections.search_projection.with_vectors``); product ids are SKUs.
Both modes answer the same queries in the same run.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecolaura.demo_catalog import generate_products
from projections.search_projection import with_vectors
from read_side.search.hybrid import Fusion, hybrid_search
from read_side.search.port import SearchDocument, SearchRequest
from read_side.search.relax import relaxed_search
from read_side.search.tantivy_index import TantivyEngine
from write_side.contracts.events import LogCursor

QUERIES = Path(__file__).with_name("queries.json")
CLASSES = ("exact", "typo", "synonym", "descriptive")
K = 10


def load_set() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(QUERIES.read_text())
    return data


def catalog_documents(count: int, seed: int) -> list[SearchDocument]:
    """The demo catalog's active products as search documents, with their vectors."""
    documents = [
        SearchDocument(
            id=p.sku,
            name=p.name,
            description=p.description,
            brand=p.brand,
            category=p.category,
            materials=[m for m, _ in p.materials],
            certifications=list(p.certifications),
            price_minor=p.price_minor,
            currency=p.currency,
            created=i,
        )
        for i, p in enumerate(generate_products(count, seed))
        if p.status == "active"
    ]
    return with_vectors(documents)


async def build_index(directory: Path, count: int, seed: int) -> TantivyEngine:
    engine = TantivyEngine(directory)
    index = await engine.open(1)
    documents = catalog_documents(count, seed)
    for start in range(0, len(documents), 5000):
        index.upsert(documents[start : start + 5000])
        await index.commit(LogCursor(position=start + 1))
    await index.close()
    await engine.swap(1)
    return engine


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain at ``k`` with graded gains ``2^g - 1``."""
    gains = [2 ** relevant.get(product_id, 0) - 1 for product_id in ranked[:k]]
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


@dataclass
class Run:
    mode: str
    scores: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CLASSES})
    latencies_ms: list[float] = field(default_factory=list)

    def mean(self, kind: str | None = None) -> float:
        values = [v for c, vs in self.scores.items() if kind in (None, c) for v in vs]
        return statistics.fmean(values) if values else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def evaluate(engine: TantivyEngine, mode: str, fusion: Fusion = "rrf", rounds: int = 1) -> Run:
    """nDCG@10 per query class of ``mode`` ("bm25" or "hybrid"), and its latency over ``rounds``."""
    run = Run(mode)
    for round_ in range(rounds):
        for query in load_set()["queries"]:
            request = SearchRequest(q=query["q"], size=K, mode="hybrid" if mode == "hybrid" else "bm25")
            started = time.perf_counter()
            if mode == "hybrid":
                result = await hybrid_search(engine, request, fusion)
            else:
                result = await relaxed_search(engine.search, request)
            run.latencies_ms.append((time.perf_counter() - started) * 1000)
            if round_ == 0:
                run.scores[query["class"]].append(ndcg([h.id for h in result.hits], query["relevant"]))
    return run
