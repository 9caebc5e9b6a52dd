"""From an HTTP request to the message bus and back, shared by every command route."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from litestar import Request, Response

from write_side.adapters.idempotency import IdempotencyClaim
from write_side.contracts.commands import Actor, Command
from write_side.domain.errors import InvalidInputError
from write_side.identity.guards import provide_actor
from write_side.service_layer.messagebus import MessageBus

IDEMPOTENCY_HEADER = "idempotency-key"
_MAX_KEY = 255

# Where the app keeps its bus. Routes look it up here rather than through
# Litestar's dependency injection, which resolves two dependencies (bus and
# actor) in an anyio task group: two tasks per request (measured in
# ``benchmarks/commands.py``).
BUS_STATE_KEY = "command_bus"


def bus_of(request: Request[Any, Any, Any]) -> MessageBus:
    """The bus the app's lifespan put in the app's state."""
    return request.app.state[BUS_STATE_KEY]  # type: ignore[no-any-return]


def idempotency_claim(request: Request[Any, Any, Any], actor: Actor, body: object) -> IdempotencyClaim | None:
    """The claim for a request carrying ``Idempotency-Key``, hashed over what it asks."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= _MAX_KEY or not key.isprintable():
        raise InvalidInputError(f"Idempotency-Key must be 1-{_MAX_KEY} printable characters")
    digest = hashlib.sha256()
    # The decoded body, re-encoded, so whitespace or key order do not matter.
    for part in (request.method, request.url.path, msgspec.json.encode(body)):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return IdempotencyClaim(principal=actor.actor_id, key=key, request_hash=digest.digest())


async def dispatch(
    request: Request[Any, Any, Any],
    command: Command,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    """Run ``command`` for the caller and answer with the stored JSON bytes, as they were first sent."""
    actor = await provide_actor(request)
    claim = idempotency_claim(request, actor, body)
    reply = await bus_of(request).handle(
        command, actor, correlation_id=request.scope["state"].get("request_id"), claim=claim
    )
    out = dict(headers or {})
    if reply.cursor is not None:
        out["X-Event-Log-Position"] = f"{reply.cursor.causal_tx}:{reply.cursor.position}"
    if reply.replayed:
        out["Idempotent-Replayed"] = "true"
    media = "application/problem+json" if reply.status >= 400 else "application/json"
    return Response(content=reply.body, status_code=reply.status, media_type=media, headers=out)
