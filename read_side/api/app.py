"""The query API's Litestar app factory.

It serves the read models the projector keeps in Redis (``read_side.queries``)
and never touches PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from arq.connections import ArqRedis
from litestar import Litestar
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from ecolaura.http.appkit import NotReadyError, ReadinessCheck, make_litestar
from ecolaura.http.frontend import Frontend
from ecolaura.pool_metrics import watch_redis
from ecolaura.settings import Settings, get_settings, libpq_url
from projections import redis_client
from projections.jobs import arq_pool
from projections.metrics import refresh_projection_metrics
from projections.status import platform_status, serving_problems
from read_side.advisor import ChatModel, LanguageModelConfig
from read_side.api.admin_orders import AdminOrderController
from read_side.api.advisor import AdvisorController
from read_side.api.badges import BadgeIssuer, BadgeIssuerController, MyBadgeController
from read_side.api.controllers import (
    MODELS_STATE_KEY,
    AdminOperationsController,
    AdminProjectionController,
    CatalogController,
    MeController,
)
from read_side.api.impact import AdminAnalyticsController, ImpactController, LeaderboardController
from read_side.api.rewards import (
    ChallengeQueryController,
    LiveLeaderboardController,
    RewardsController,
    list_challenges,
)
from read_side.api.search import SearchController
from read_side.api.storefront import storefront_controller
from read_side.queries import LogReader, ReadModels
from read_side.search.cache import SearchAnswers
from read_side.search.port import SearchEngine
from write_side.adapters.event_log import EventLogReader
from write_side.identity.badge_key import load_or_create_badge_key
from write_side.identity.setup import make_verifier


@dataclass
class ReadSide:
    settings: Settings
    redis: aioredis.Redis | None = None
    models: ReadModels | None = None
    jobs: ArqRedis | None = None
    search_engine: SearchEngine | None = None
    searcher: SearchAnswers | None = None
    log_reader: LogReader = field(default_factory=lambda: LogReader(None))
    badge_issuer: BadgeIssuer | None = None
    language_model: ChatModel | None = None

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        if not self.settings.redis_url:
            raise RuntimeError("REDIS_URL is not set; `ecolaura up` starts a local Redis")
        self.redis = watch_redis(redis_client.connect(self.settings.redis_url), "read_models")
        self.models = app.state[MODELS_STATE_KEY] = ReadModels(self.redis)
        self.jobs = await arq_pool(self.settings.redis_url)
        self.search_engine = self.search_engine or self.settings.search.engine()
        self.badge_issuer = BadgeIssuer(
            load_or_create_badge_key(self.settings.badge_key_file), self.settings.public_url
        )
        self.searcher = SearchAnswers(self.search_engine, self.settings.search_cache_mb * 1024 * 1024)
        if self.settings.database_url:
            self.log_reader = LogReader(EventLogReader(libpq_url(self.settings.database_url)))
        if self.settings.advisor_llm_url and self.settings.advisor_llm_model:
            self.language_model = ChatModel(
                LanguageModelConfig(
                    self.settings.advisor_llm_url,
                    self.settings.advisor_llm_model,
                    self.settings.advisor_llm_api_key,
                    self.settings.advisor_llm_timeout,
                )
            )
        try:
            yield
        finally:
            if self.language_model is not None:
                await self.language_model.aclose()
            if self.log_reader.reader is not None:
                await self.log_reader.reader.close()
            await self.search_engine.close()
            await self.jobs.aclose()
            await self.redis.aclose()

    async def check_redis(self) -> None:
        assert self.redis is not None  # noqa: S101
        await self.redis.ping()

    async def check_projections(self) -> None:
        """Not ready while a read model is failed, unattended (its projector gone) or far behind the log."""
        assert self.redis is not None  # noqa: S101
        status = await platform_status(self.redis, self.log_reader.reader)
        problems = serving_problems(status, self.settings.ready_max_lag_seconds)
        if problems:
            raise NotReadyError("; ".join(problems))

    def provide_models(self) -> ReadModels:
        assert self.models is not None, "the app's lifespan has not started"  # noqa: S101
        return self.models

    def provide_jobs(self) -> ArqRedis:
        assert self.jobs is not None, "the app's lifespan has not started"  # noqa: S101
        return self.jobs

    def provide_badge_issuer(self) -> BadgeIssuer:
        assert self.badge_issuer is not None, "the app's lifespan has not started"  # noqa: S101
        return self.badge_issuer

    def provide_log_reader(self) -> LogReader:
        return self.log_reader

    def provide_searcher(self) -> SearchAnswers:
        assert self.searcher is not None, "the app's lifespan has not started"  # noqa: S101
        return self.searcher

    def provide_language_model(self) -> ChatModel | None:
        return self.language_model

    def route_handlers(self) -> Sequence[ControllerRouterHandler]:
        return [
            CatalogController,
            SearchController,
            MeController,
            AdminProjectionController,
            AdminOperationsController,
            AdminOrderController,
            ImpactController,
            LeaderboardController,
            RewardsController,
            ChallengeQueryController,
            LiveLeaderboardController,
            MyBadgeController,
            BadgeIssuerController,
            list_challenges,  # a function: it joins the command side's POST of its path (see its comment)
            AdminAnalyticsController,
            AdvisorController,
            storefront_controller(self.settings),
        ]

    def frontend(self) -> Frontend:
        """The web app, served by the query API (its pages only read; commands go to /api/v1 as ever)."""
        return Frontend(self.settings.frontend_dist)

    def dependencies(self) -> dict[str, Provide]:
        return {
            "models": Provide(self.provide_models, sync_to_thread=False),
            "jobs": Provide(self.provide_jobs, sync_to_thread=False),
            "searcher": Provide(self.provide_searcher, sync_to_thread=False),
            "log_reader": Provide(self.provide_log_reader, sync_to_thread=False),
            "badge_issuer": Provide(self.provide_badge_issuer, sync_to_thread=False),
            "language_model": Provide(self.provide_language_model, sync_to_thread=False),
        }

    def readiness(self) -> dict[str, ReadinessCheck]:
        checks: dict[str, ReadinessCheck] = {"redis": self.check_redis}
        if self.settings.ready_checks_background:
            checks["projections"] = self.check_projections
        return checks

    async def refresh_metrics(self) -> None:
        assert self.redis is not None  # noqa: S101
        refresh_projection_metrics(await platform_status(self.redis, self.log_reader.reader))


def create_app(settings: Settings | None = None) -> Litestar:
    """The query API alone (``ecolaura serve read``)."""
    side = ReadSide(settings or get_settings())
    return make_litestar(
        title="Ecolaura query API",
        route_handlers=side.route_handlers(),
        dependencies=side.dependencies(),
        lifespan=[side.lifespan],
        readiness=side.readiness(),
        max_body_bytes=side.settings.max_body_bytes,
        identity=make_verifier(side.settings),
        metrics=[side.refresh_metrics],
        frontend=side.frontend(),
    )
