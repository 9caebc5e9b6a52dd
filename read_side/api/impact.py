"""Impact and leaderboards: what the analytics runs published, and each product's footprint method.

``impact/summary`` and ``leaderboards`` serve the documents of the latest
analytics run (``analytics.publish``) as stored bytes; ``impact/products/{id}``
serves the product's stage-by-stage footprint, kept live by the product cards
projection, with what the latest run counted for it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from arq.connections import ArqRedis
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter

from analytics.read_model import NAME as ANALYTICS
from ecolaura.http.openapi import problems, stored
from projections.jobs import JobConflictError, enqueue_analytics
from read_side.api.answers import answer
from read_side.queries import ReadModels
from read_side.views import ImpactSummary, Leaderboard, ProductImpact
from write_side.contracts.commands import Actor
from write_side.identity.guards import provide_actor, requires_role

CATALOG = "product_cards"
_NOT_RUN = (
    "no analytics run has been published yet; an admin starts one with POST /api/v1/admin/analytics/run "
    "(it also runs nightly)"
)
_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


class ImpactController(Controller):
    path = "/api/v1/impact"
    tags = ["impact"]  # noqa: RUF012

    @get(
        "/summary",
        operation_id="ImpactSummary",
        summary="Platform footprint and savings, by month, country and category",
        responses=stored(ImpactSummary, "The latest analytics run's platform totals", 404),
    )
    async def summary(
        self, request: Request[Any, Any, Any], models: NamedDependency[ReadModels]
    ) -> Response[bytes]:
        found = await models.documents(ANALYTICS, "impact:summary")
        if found.documents[0] is None:
            raise NotFoundException(_NOT_RUN)
        return answer(request, found.documents[0], found.position, cache="public, max-age=60")

    @get(
        "/products/{product_id:uuid}",
        operation_id="ProductImpact",
        summary="A product's footprint stage by stage, with factors, sources and ranges",
        responses=stored(ProductImpact, "The product's footprint and what customers bought of it"),
    )
    async def product(
        self, request: Request[Any, Any, Any], product_id: FromPath[UUID], models: NamedDependency[ReadModels]
    ) -> Response[bytes]:
        found = await models.documents(CATALOG, f"footprint:{product_id}")
        breakdown = found.documents[0]
        if breakdown is None:
            raise NotFoundException(f"product {product_id} has no footprint (unknown, or not projected yet)")
        counted = (await models.documents(ANALYTICS, f"impact:product:{product_id}")).documents[0]
        body = _decoder.decode(breakdown)
        body["purchases"] = _decoder.decode(counted) if counted else None
        return answer(request, _encoder.encode(body), found.position, cache="public, max-age=60")


class LeaderboardController(Controller):
    path = "/api/v1/analytics/leaderboards"
    tags = ["impact"]  # noqa: RUF012

    @get(
        "/{board:str}",
        operation_id="AnalyticsLeaderboard",
        summary="The latest analytics run's boards: the batch cross-check of the live leaderboards",
        responses=stored(Leaderboard, "The board's top 100 under pseudonyms"),
    )
    async def board(
        self,
        request: Request[Any, Any, Any],
        board: FromPath[Literal["co2e-saved", "eco-points"]],
        models: NamedDependency[ReadModels],
        period: Annotated[Literal["week", "month", "all"], QueryParameter()] = "week",
    ) -> Response[bytes]:
        found = await models.documents(ANALYTICS, f"leaderboard:{board}:{period}")
        if found.documents[0] is None:
            raise NotFoundException(_NOT_RUN)
        return answer(request, found.documents[0], found.position, cache="public, max-age=60")


class AnalyticsRunRequest(msgspec.Struct, forbid_unknown_fields=True):
    engine: Literal["polars", "duckdb"] = "polars"


class AdminAnalyticsController(Controller):
    path = "/api/v1/admin/analytics"
    tags = ["admin"]  # noqa: RUF012
    guards = [requires_role("admin")]  # noqa: RUF012
    dependencies = {"actor": Provide(provide_actor)}  # noqa: RUF012

    @post(
        "/run",
        operation_id="RunAnalytics",
        status_code=202,
        summary="Recompute footprints, impact and leaderboards from the lake (an arq job); poll the job",
        responses=problems(409),
    )
    async def run(
        self,
        models: NamedDependency[ReadModels],
        jobs: NamedDependency[ArqRedis],
        actor: NamedDependency[Actor],
        data: JSONBody[AnalyticsRunRequest | None] = None,
    ) -> dict[str, str]:
        engine = (data or AnalyticsRunRequest()).engine
        try:
            job_id = await enqueue_analytics(models.redis, jobs, actor.actor_id, engine)
        except JobConflictError as exc:
            raise ClientException(status_code=409, detail=str(exc)) from None
        return {"job_id": job_id, "status_url": f"/api/v1/admin/jobs/{job_id}"}
