"""Where the advisor reads: the caller's order views, product cards and footprints, and the search index.

A port with one real adapter over the read models (``ReadModels``) and the search
engine; tests and the benchmark pass an in-memory one with the same shape. Orders
are read by customer id only (``order:{customer}:{order}`` keys): there is no call
that could reach another customer's orders.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import msgspec

from read_side.queries import ReadModels
from read_side.search.port import SearchRequest, SearchResult

CATALOG = "product_cards"
ORDERS = "order_views"
_MAX_ORDERS = 200
_decode = msgspec.json.Decoder().decode


class AdvisorSources(Protocol):
    async def card(self, product_id: str) -> dict[str, Any] | None: ...

    async def footprint(self, product_id: str) -> dict[str, Any] | None: ...

    async def orders(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's order views, newest first."""
        ...

    async def search(self, request: SearchRequest) -> SearchResult: ...


class ReadModelSources:
    def __init__(
        self, models: ReadModels, search: Callable[[SearchRequest], Awaitable[SearchResult]]
    ) -> None:
        self.models = models
        self._search = search

    async def card(self, product_id: str) -> dict[str, Any] | None:
        doc = (await self.models.documents(CATALOG, f"product:{product_id}")).documents[0]
        return _decode(doc) if doc else None

    async def footprint(self, product_id: str) -> dict[str, Any] | None:
        doc = (await self.models.documents(CATALOG, f"footprint:{product_id}")).documents[0]
        return _decode(doc) if doc else None

    async def orders(self, customer_id: str) -> list[dict[str, Any]]:
        page = await self.models.page(
            ORDERS, f"orders:{customer_id}", f"order:{customer_id}:", 0, _MAX_ORDERS, descending=True
        )
        return [_decode(item) for item in page.items]

    async def search(self, request: SearchRequest) -> SearchResult:
        return await self._search(request)
