"""``GET /api/v1/search``: full-text product search, answered from the search answers cache."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ServiceUnavailableException
from litestar.params import QueryParameter, SkipValidation

from ecolaura.http.openapi import stored
from read_side.search.cache import SearchAnswers
from read_side.search.port import SearchError, SearchRequest, SearchResult

JSON = "application/json"
# Litestar 2 leaves a bound of 0 out of the document (it tests the bound's truth); say it ourselves.
_AT_LEAST_0 = {"minimum": 0}


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["catalog"]  # noqa: RUF012

    @get(
        "/",
        operation_id="SearchProducts",
        summary="Full-text product search with filters, facets and sorts",
        responses=stored(SearchResult, "Hits, the total and facet counts", 503, etag=False),
    )
    async def search(  # noqa: PLR0913 - the search form's fields
        self,
        # A protocol cannot be checked with isinstance: the engine is ours, so it is not validated.
        searcher: NamedDependency[SkipValidation[SearchAnswers]],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        category: Annotated[str | None, QueryParameter(max_length=80)] = None,
        brand: Annotated[str | None, QueryParameter(max_length=120)] = None,
        certification: Annotated[str | None, QueryParameter(max_length=60)] = None,
        price_min: Annotated[
            int | None, QueryParameter(ge=0, le=100_000_000, schema_extra=_AT_LEAST_0)
        ] = None,
        price_max: Annotated[
            int | None, QueryParameter(ge=0, le=100_000_000, schema_extra=_AT_LEAST_0)
        ] = None,
        eco_min: Annotated[int | None, QueryParameter(ge=0, le=100, schema_extra=_AT_LEAST_0)] = None,
        sort: Annotated[
            Literal["relevance", "price", "-price", "newest", "eco"], QueryParameter()
        ] = "relevance",
        page: Annotated[int, QueryParameter(ge=1, le=500)] = 1,
        size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        mode: Annotated[
            Literal["bm25", "hybrid"],
            QueryParameter(
                description="bm25: every word must match (relaxed when that finds little); hybrid: "
                "blended with the products nearest in meaning, total and facets counting the blended list"
            ),
        ] = "bm25",
    ) -> Response[bytes]:
        if price_min is not None and price_max is not None and price_min > price_max:
            raise ClientException(detail="price_min must not be above price_max")
        request = SearchRequest(
            q=q,
            category=category,
            brand=brand,
            certification=certification,
            price_min=price_min,
            price_max=price_max,
            eco_min=eco_min,
            sort=sort,
            page=page,
            size=size,
            mode=mode,
        )
        try:
            answer = await searcher.answer(request)
        except SearchError as exc:
            raise ServiceUnavailableException(str(exc)) from None
        return Response(
            content=answer.body,
            media_type=JSON,
            headers={"X-Read-Position": answer.position, "Cache-Control": "public, max-age=5"},
        )
