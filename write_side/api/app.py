"""The command API's Litestar app factory."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from arq.connections import ArqRedis
from litestar import Litestar
from litestar.di import Provide
from litestar.types import ControllerRouterHandler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.database import make_command_engine, make_engine
from ecolaura.http.appkit import NotReadyError, ReadinessCheck, make_litestar
from ecolaura.settings import Settings, get_settings
from projections.heartbeats import beats
from projections.jobs import arq_pool
from projections.status import worker_problem
from write_side.adapters.accounts import AccountStore
from write_side.adapters.stripe_gateway import StripeGateway, make_client
from write_side.adapters.stripe_inbox import StripeInbox
from write_side.api.auth import SESSIONS_STATE_KEY, SIGNER_STATE_KEY, AuthController, JwksController
from write_side.api.challenges import ChallengeController, LeaderboardVisibilityController
from write_side.api.controllers import CustomerController, OrderController, ProductController
from write_side.api.dispatch import BUS_STATE_KEY
from write_side.api.payments import GATEWAY_STATE_KEY
from write_side.api.privacy import PrivacyController
from write_side.api.provenance import LOG_KEY_STATE_KEY, LogKey, ProvenanceController, resolve_digital_link
from write_side.api.subscriptions import SubscriptionController
from write_side.api.supertokens_mount import supertokens_mount
from write_side.api.webhooks import WEBHOOKS_STATE_KEY, StripeWebhookController, StripeWebhooks
from write_side.identity.badge_key import load_or_create_badge_key
from write_side.identity.local_sessions import LocalSessions
from write_side.identity.setup import local_signer, make_verifier
from write_side.service_layer.messagebus import MessageBus
from write_side.service_layer.payments import PaymentGateway


@dataclass
class WriteSide:
    """The command side's parts, built at startup and shared by every request."""

    settings: Settings
    payments: PaymentGateway | None = None
    queue: ArqRedis | None = None
    engine: AsyncEngine | None = None
    command_engine: AsyncEngine | None = None
    bus: MessageBus | None = field(default=None)

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        if not self.settings.database_url:
            raise RuntimeError("DATABASE_URL is not set; `ecolaura up` starts an embedded PostgreSQL")
        self.engine = make_engine(self.settings.database_url, self.settings.db_pool_size)
        self.command_engine = make_command_engine(self.settings.database_url, self.settings.db_pool_size)
        self.bus = app.state[BUS_STATE_KEY] = MessageBus(self.engine, command_engine=self.command_engine)
        app.state[GATEWAY_STATE_KEY] = self.payments or self._stripe()
        if self.settings.redis_url:
            self.queue = await arq_pool(self.settings.redis_url)
        app.state[WEBHOOKS_STATE_KEY] = StripeWebhooks(
            self.settings.stripe_webhook_secret,
            self.settings.stripe_webhook_tolerance,
            StripeInbox(self.engine),
            self.queue,
        )
        app.state[LOG_KEY_STATE_KEY] = LogKey(
            load_or_create_badge_key(self.settings.provenance_key_file),
            self.settings.digital_link_resolver or self.settings.public_url,
        )
        if self.local_identity:
            signer = app.state[SIGNER_STATE_KEY] = local_signer(self.settings)
            app.state[SESSIONS_STATE_KEY] = LocalSessions(AccountStore(self.engine), signer)
        try:
            yield
        finally:
            if self.queue is not None:
                await self.queue.aclose()
            await self.command_engine.dispose()
            await self.engine.dispose()

    def _supertokens_routes(self) -> ControllerRouterHandler:
        from write_side.identity.supertokens import auth_routes  # noqa: PLC0415 - the optional extra

        assert self.settings.supertokens_connection_uri is not None  # noqa: S101 - checked by the caller
        return supertokens_mount(
            auth_routes(
                self.settings.supertokens_connection_uri,
                self.settings.api_domain,
                self.settings.supertokens_api_key,
            )
        )

    def _stripe(self) -> PaymentGateway | None:
        if not self.settings.stripe_api_key:
            return None
        return StripeGateway(make_client(self.settings.stripe_api_key, self.settings.stripe_api_base))

    async def check_database(self) -> None:
        assert self.engine is not None  # noqa: S101
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    @property
    def local_identity(self) -> bool:
        """The built-in provider signs sessions unless a SuperTokens core is configured."""
        return not self.settings.supertokens_connection_uri

    def route_handlers(self) -> Sequence[ControllerRouterHandler]:
        auth = [AuthController, JwksController] if self.local_identity else [self._supertokens_routes()]
        return [
            ProductController,
            CustomerController,
            OrderController,
            PrivacyController,
            StripeWebhookController,
            SubscriptionController,
            ChallengeController,
            LeaderboardVisibilityController,
            ProvenanceController,
            resolve_digital_link,
            *auth,
        ]

    def dependencies(self) -> dict[str, Provide]:
        """None: routes find the bus in the app's state (see ``write_side.api.dispatch.bus_of``)."""
        return {}

    async def check_worker(self) -> None:
        """Not ready while no background worker is alive: Stripe's events would wait, unapplied."""
        if self.queue is None:
            raise NotReadyError("REDIS_URL is not set: background jobs cannot be queued")
        problem = worker_problem(await beats(self.queue, "worker"), time.time())
        if problem:
            raise NotReadyError(problem)

    def readiness(self) -> dict[str, ReadinessCheck]:
        checks: dict[str, ReadinessCheck] = {"postgres": self.check_database}
        if self.settings.ready_checks_background:
            checks["worker"] = self.check_worker
        return checks


def create_app(settings: Settings | None = None, payments: PaymentGateway | None = None) -> Litestar:
    """The command API alone (``ecolaura serve write``)."""
    side = WriteSide(settings or get_settings(), payments)
    return make_litestar(
        title="Ecolaura command API",
        route_handlers=side.route_handlers(),
        dependencies=side.dependencies(),
        lifespan=[side.lifespan],
        readiness=side.readiness(),
        max_body_bytes=side.settings.max_body_bytes,
        identity=make_verifier(side.settings),
    )
