"""The search port: what the storefront asks and what it gets, whatever the engine.

Adapters (Tantivy on local disk, Elasticsearch when scaled out) implement
``SearchEngine`` and ``SearchIndex`` and must pass the same contract tests.
An engine holds numbered generations of the index: the projector writes one,
readers search the live one, and a rebuild fills the next generation beside it
and swaps it in atomically (a pointer file for Tantivy, an alias for
Elasticsearch).
"""

from __future__ import annotations

from typing import Literal, Protocol

import msgspec
import numpy as np
import numpy.typing as npt

from write_side.contracts.events import LogCursor

Sort = Literal["relevance", "price", "-price", "newest", "eco"]  # eco: best eco score first
# bm25: words must match (relaxed when that finds little); hybrid: blends that ranking with the
# products nearest in meaning (read_side/search/hybrid.py).
Mode = Literal["bm25", "hybrid"]

Bands = tuple[tuple[int | None, int | None], ...]  # a range facet's bands: [from, to), None for open

# Price bands for the price facet, in minor units: [from, to).
PRICE_BANDS: Bands = (
    (None, 1000),
    (1000, 2500),
    (2500, 5000),
    (5000, 10000),
    (10000, None),
)

# Eco score bands for the eco facet (the score is 0-100): [from, to), labelled as the price bands are.
# Products without a footprint have no score and are in no band.
ECO_BANDS: Bands = (
    (None, 40),
    (40, 60),
    (60, 80),
    (80, None),
)


def band_label(lo: int | None, hi: int | None) -> str:
    """A facet band's value: ``"1000-2500"``, open ends left empty (``"-1000"``, ``"10000-"``)."""
    return f"{'' if lo is None else lo}-{'' if hi is None else hi}"


def band_ranges(bands: Bands) -> list[dict[str, int]]:
    """The bands as a ``range`` aggregation's ``ranges``, which both engines take."""
    return [{k: v for k, v in (("from", lo), ("to", hi)) if v is not None} for lo, hi in bands]


class SearchDocument(msgspec.Struct, frozen=True):
    """What the index holds for a product (active products only)."""

    id: str
    name: str
    description: str
    brand: str
    category: str
    materials: list[str]
    certifications: list[str]
    price_minor: int
    currency: str
    created: int  # epoch seconds, for "newest"
    # 0-100 (analytics/eco_score.py); None for a product without a footprint: an eco filter leaves
    # it out, the eco sort puts it last and it is in no eco band.
    eco_score: int | None = None
    # The product's embedding (read_side/search/embedding.py ``encode``); empty: no vector, so the
    # product is found by its words only.
    vector: bytes = b""


class SearchRequest(msgspec.Struct, frozen=True):
    q: str = ""
    category: str | None = None
    brand: str | None = None
    certification: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    eco_min: int | None = None  # eco_score >= eco_min; products without a score never match
    sort: Sort = "relevance"
    page: int = 1
    size: int = 20
    # Leave out products whose materials name any of these words ("without plastic" becomes "plastic").
    exclude_materials: tuple[str, ...] = ()
    mode: Mode = "bm25"
    # Only these products (a filter like the others): how hybrid search counts the facets of its
    # fused list. Not a storefront parameter.
    ids: tuple[str, ...] = ()
    # False: the answer's facets are empty (the total is still counted). For searches whose facets
    # nobody reads (relaxing's word counts, hybrid's rankings): the aggregation is most of their cost.
    facets: bool = True


class SearchHit(msgspec.Struct, frozen=True):
    id: str
    name: str
    brand: str
    category: str
    price_minor: int
    currency: str
    certifications: list[str]
    score: float | None = None
    eco_score: int | None = None


class FacetCount(msgspec.Struct, frozen=True):
    value: str
    count: int


class SearchResult(msgspec.Struct, frozen=True, omit_defaults=True):
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetCount]]
    position: str  # the log position the index reflects
    # Set when the query was read more loosely than "every word must match" (read_side/search/relax.py):
    # the words that counted, the words dropped, and the materials a negation turned into a filter.
    # Absent from a strict answer.
    relaxed: bool = False
    counted_words: list[str] = msgspec.field(default_factory=list)
    dropped_words: list[str] = msgspec.field(default_factory=list)
    excluded_materials: list[str] = msgspec.field(default_factory=list)


class SearchError(RuntimeError):
    """The engine could not answer (a bad aggregation, a broken index): a clear error, never a crash."""


class SearchIndex(Protocol):
    """One generation of the index, as its single writer (the projector) sees it."""

    def upsert(self, documents: list[SearchDocument]) -> None:
        """Queue documents to add or replace; they become visible at ``commit``."""
        ...

    def delete(self, ids: list[str]) -> None:
        """Queue ids to remove; removing an absent id is not an error."""
        ...

    async def commit(self, checkpoint: LogCursor) -> None:
        """Make the queued changes and the checkpoint visible together."""
        ...

    async def checkpoint(self) -> LogCursor:
        """The log position the committed documents reflect."""
        ...

    async def created_of(self, ids: list[str]) -> dict[str, int]:
        """When indexed products were created (kept across updates); absent ids are left out."""
        ...

    async def search(self, request: SearchRequest) -> SearchResult: ...

    async def close(self) -> None: ...


class SearchEngine(Protocol):
    """The generations of an index and what readers see."""

    async def live_generation(self) -> int: ...

    async def open(self, generation: int) -> SearchIndex:
        """A writer on ``generation``, created empty if it does not exist."""
        ...

    async def swap(self, generation: int) -> None:
        """Point readers at ``generation`` atomically."""
        ...

    async def drop(self, generation: int) -> None: ...

    async def search(self, request: SearchRequest) -> SearchResult:
        """Search the live generation; ``mode="hybrid"`` answers with ``hybrid.hybrid_search``.

        A bm25 request is matched strictly here; relaxing it is the caller's (``relax.py``).
        """
        ...

    async def nearest(
        self, vector: npt.NDArray[np.float32], request: SearchRequest, limit: int
    ) -> list[tuple[str, float]]:
        """Up to ``limit`` live products passing ``request``'s filters (its words are not read),
        most similar to ``vector`` first, with their cosine similarity."""
        ...

    async def live_position(self) -> str:
        """The log position the live generation reflects, as ``SearchResult.position`` gives it."""
        ...

    async def close(self) -> None: ...


def auto_fuzziness(term: str) -> int:
    """Elasticsearch's AUTO rule: exact up to 2 characters, 1 edit up to 5, else 2."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2
