"""Which search engine to use: a plain value that processes and job contexts can carry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from read_side.search.port import SearchEngine


@dataclass(frozen=True, slots=True)
class SearchConfig:
    directory: Path
    """Where the embedded Tantivy index keeps its generations."""

    elasticsearch_url: str | None = None
    """When set, search runs on this Elasticsearch cluster instead."""

    elasticsearch_alias: str = "ecolaura-products"

    def engine(self) -> SearchEngine:
        """A new engine; its owner closes it."""
        if self.elasticsearch_url:
            # Imported here so the embedded default never loads the Elasticsearch client.
            from elasticsearch import AsyncElasticsearch  # noqa: PLC0415

            from read_side.search.elasticsearch_index import ElasticsearchEngine  # noqa: PLC0415

            return ElasticsearchEngine(AsyncElasticsearch(self.elasticsearch_url), self.elasticsearch_alias)
        from read_side.search.tantivy_index import TantivyEngine  # noqa: PLC0415

        return TantivyEngine(self.directory)
