"""The query API's view of the search index: the live generation, reloaded as the projector commits."""

from __future__ import annotations

import time
from pathlib import Path

from projections.search_projection import generation_dir, live_generation
from read_side.search.port import SearchRequest, SearchResult
from read_side.search.tantivy_index import TantivyIndex

_RELOAD_EVERY = 0.5  # seconds: how stale a search may be behind the projector's last commit


class SearchReader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: TantivyIndex | None = None
        self._generation = 0
        self._reloaded = 0.0

    def _current(self) -> TantivyIndex:
        generation = live_generation(self.root)
        now = time.monotonic()
        if self._index is None or generation != self._generation:
            self._index = TantivyIndex(generation_dir(self.root, generation))
            self._generation, self._reloaded = generation, now
        elif now - self._reloaded > _RELOAD_EVERY:
            self._index.reload()
            self._reloaded = now
        return self._index

    def search(self, request: SearchRequest) -> SearchResult:
        return self._current().search(request)
