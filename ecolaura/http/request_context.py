"""Request ids and access logs: each request gets an id that flows into logs and events."""

from __future__ import annotations

import functools
import re
import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ecolaura import tracing
from ecolaura.http.metrics import LATENCY, REQUESTS

log = structlog.get_logger("ecolaura.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HEADER = b"x-request-id"


def request_id_of(scope: Scope) -> str:
    """The id given by the caller (if sane) or a new one; kept in the scope's state."""
    state = scope.setdefault("state", {})
    if "request_id" not in state:
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == HEADER), "")
        state["request_id"] = given if _VALID_ID.match(given) else str(uuid.uuid4())
    return str(state["request_id"])


def _route_template(scope: Scope) -> str:
    """The matched route's path template (ids would explode label counts), or 'unmatched'."""
    return str(scope.get("path_template") or "unmatched")


@functools.cache
def _children(method: str, route: str, status: int) -> tuple[Any, Any]:
    """The metric children of one (method, route template, status): labels() takes a lock each call."""
    return REQUESTS.labels(method, route, status), LATENCY.labels(method, route)


class RequestContextMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = request_id_of(scope)
        started = time.perf_counter()
        status = 500
        structlog.contextvars.bind_contextvars(request_id=request_id)
        if tracing.enabled():
            # The router has matched by now; the server span opened before it knew the route.
            tracing.name_server_span(str(scope.get("method", "")), _route_template(scope))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        try:
            await next_app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "")
            route = _route_template(scope)
            _children(method, route, status)[0].inc()
            _children(method, route, status)[1].observe(elapsed)
            log.info(
                "request", method=method, path=scope.get("path"), status=status, ms=round(elapsed * 1000, 2)
            )
            structlog.contextvars.unbind_contextvars("request_id")
