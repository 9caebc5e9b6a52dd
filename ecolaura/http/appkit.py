"""What every Ecolaura Litestar app shares: problems, request ids, OpenAPI, health."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.response import Response
from litestar.types import ControllerRouterHandler

from ecolaura import tracing
from ecolaura.http.allow import answer_options_with_every_method
from ecolaura.http.frontend import Frontend
from ecolaura.http.metrics import MetricsRefresh, metrics_controller
from ecolaura.http.openapi import ContractConfig
from ecolaura.http.problems import EXCEPTION_HANDLERS, Problem, problem_response
from ecolaura.http.request_context import RequestContextMiddleware
from ecolaura.http.strict_bodies import refuse_lax_bodies
from ecolaura.runtime import tune_gc
from write_side.identity.guards import IDENTITY_STATE_KEY
from write_side.identity.tokens import TokenVerifier

ReadinessCheck = Callable[[], Awaitable[None]]
CHECK_TIMEOUT = 2.0  # seconds: a dependency that answers slower than this is not ready (Redis paused, say)


class NotReadyError(RuntimeError):
    """A readiness check found the service unable to serve what it promises; the message says why."""


async def _failure(check: ReadinessCheck) -> str | None:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g} s"
    except NotReadyError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure
        return f"{type(exc).__name__}: {exc}"
    return None


def health_handlers(checks: dict[str, ReadinessCheck]) -> list[ControllerRouterHandler]:
    """``/health/live`` (the process answers) and ``/health/ready`` (its dependencies and workers do)."""

    @get("/health/live", operation_id="Live", tags=["operations"], include_in_schema=True)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @get("/health/ready", operation_id="Ready", tags=["operations"])
    async def ready() -> Response[Any]:
        results = await asyncio.gather(*(_failure(check) for check in checks.values()))
        failures = {name: why for name, why in zip(checks, results, strict=True) if why}
        if failures:
            return problem_response(
                Problem(
                    type="about:blank",
                    title="Not ready",
                    status=503,
                    detail="; ".join(f"{k}: {v}" for k, v in failures.items()),
                    extra={"checks": failures},
                )
            )
        return Response({"status": "ready", "checks": sorted(checks)})

    return [live, ready]


def make_litestar(  # noqa: PLR0913 - an app factory's parts
    *,
    title: str,
    route_handlers: Sequence[ControllerRouterHandler],
    dependencies: dict[str, Provide],
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]],
    readiness: dict[str, ReadinessCheck],
    max_body_bytes: int,
    identity: TokenVerifier,
    metrics: list[MetricsRefresh] | None = None,
    frontend: Frontend | None = None,
) -> Litestar:
    contract = ContractConfig(
        title=title,
        version="1.0.0",
        path="/schema",
        description="Ecolaura: sustainable commerce. Errors are RFC 9457 problem details "
        "(`application/problem+json`); `/metrics` is Prometheus text.",
        render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
    )
    app = Litestar(
        state=State({IDENTITY_STATE_KEY: identity}),
        on_shutdown=[identity.close, tracing.shutdown_tracing],
        route_handlers=[
            *route_handlers,
            *health_handlers(readiness),
            metrics_controller(metrics or []),
            *(frontend.route_handlers() if frontend else []),
        ],
        dependencies=dependencies,
        lifespan=list(lifespan),
        on_startup=[tune_gc],
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: frontend.not_found}
        if frontend
        else EXCEPTION_HANDLERS,
        middleware=[RequestContextMiddleware()],
        plugins=tracing.litestar_plugins(),  # none unless OTEL_TRACES_EXPORTER asks (ecolaura.tracing)
        before_request=refuse_lax_bodies,
        request_max_body_size=max_body_bytes,
        openapi_config=contract,
        debug=False,
        logging_config=None,  # ecolaura.logs owns logging
    )
    contract.attach(app)
    answer_options_with_every_method(app)
    return app
