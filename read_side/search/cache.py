"""Encoded answers to recent searches, kept while the live index stays at one log position.

Shoppers' queries follow a Zipf curve: a few thousand distinct searches make up
most of the traffic, and each costs the engine a scoring pass, facet counts and
document reads. The answer to a repeated search is served from here instead.
When the live index moves to a new log position (the projector committed, or a
rebuild swapped generations) the whole cache is dropped, so an answer is never
staler than the index it came from.
"""

from __future__ import annotations

from collections import OrderedDict

import msgspec
from prometheus_client import Counter

from read_side.search.port import SearchEngine, SearchRequest
from read_side.search.relax import relaxed_search

_LOOKUPS = Counter(
    "ecolaura_search_cache_total", "Searches answered from the cache or the engine", ["result"]
)
_HIT, _MISS = _LOOKUPS.labels("hit"), _LOOKUPS.labels("miss")
_encode = msgspec.json.Encoder().encode


class Answer(msgspec.Struct, frozen=True):
    body: bytes  # the JSON of a SearchResult
    position: str  # the log position it reflects


class SearchAnswers:
    """At most ``budget_bytes`` of answers (their JSON), least recently used first out."""

    def __init__(self, engine: SearchEngine, budget_bytes: int = 64 * 1024 * 1024) -> None:
        self.engine = engine
        self.budget_bytes = budget_bytes
        self._answers: OrderedDict[SearchRequest, Answer] = OrderedDict()
        self._bytes = 0
        self._position = ""

    def __len__(self) -> int:
        return len(self._answers)

    async def answer(self, request: SearchRequest) -> Answer:
        position = await self.engine.live_position()
        if position != self._position:
            self._answers.clear()
            self._bytes = 0
            self._position = position
        cached = self._answers.get(request)
        if cached is not None:
            self._answers.move_to_end(request)
            _HIT.inc()
            return cached
        _MISS.inc()
        if request.mode == "hybrid":  # relaxes its words' side itself
            result = await self.engine.search(request)
        else:
            result = await relaxed_search(self.engine.search, request)
        answer = Answer(_encode(result), result.position)
        if len(answer.body) <= self.budget_bytes and result.position == position:  # not if the index moved
            self._answers[request] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.budget_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._bytes -= len(evicted.body)
        return answer
