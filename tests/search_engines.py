"""Search engines for tests: Tantivy on disk, Elasticsearch through osmem, a real cluster when given.

No Elasticsearch server can be installed on these machines. ``osmem-server``
(an in-memory OpenSearch-compatible engine, one clone per test) stands in for
it. It answers the 9.x client's ``compatible-with=9`` media types with 406, so
the tests, and only the tests, give the unchanged client a node class that
sends plain ``application/json``. Production code builds the client with no
such class.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

from elastic_transport import AiohttpHttpNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import AsyncElasticsearch

from read_side.search.elasticsearch_index import ElasticsearchEngine

REAL_CLUSTER = os.environ.get("ELASTICSEARCH_URL")
NO_REAL_CLUSTER = "ELASTICSEARCH_URL is not set: the Elasticsearch adapter ran against osmem-server only, not a real cluster"


def _plain(value: str) -> str:
    if "compatible-with" not in value:
        return value
    return "application/x-ndjson" if "ndjson" in value else "application/json"


class PlainJsonNode(AiohttpHttpNode):
    """The client's own aiohttp node, with media types osmem accepts (tests only)."""

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        **kwargs: Any,
    ) -> NodeApiResponse:
        plain = HttpHeaders({name: _plain(value) for name, value in (headers or {}).items()})
        return await super().perform_request(method, target, body, plain, **kwargs)


async def osmem_engine(url: str) -> AsyncIterator[ElasticsearchEngine]:
    engine = ElasticsearchEngine(AsyncElasticsearch(url, node_class=PlainJsonNode), "test-products")
    yield engine
    await engine.close()


async def real_cluster_engine(url: str) -> AsyncIterator[ElasticsearchEngine]:
    """A fresh alias and indices per test, deleted afterwards."""
    prefix = f"ecolaura-test-{uuid.uuid4().hex[:8]}"
    client = AsyncElasticsearch(url)
    engine = ElasticsearchEngine(client, prefix)
    yield engine
    await client.options(ignore_status=404).indices.delete(index=f"{prefix}-g*")
    await client.options(ignore_status=404).indices.delete_index_template(name=prefix)
    await engine.close()
