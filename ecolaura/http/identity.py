"""The identity seam: who is calling. Replaced by real sessions in the identity issue.

Until then a trusted proxy sets ``X-User-Id`` (a UUID) and ``X-User-Role``.
Everything else asks for an :class:`Actor` through :func:`provide_actor` and
never reads the headers itself, so swapping the seam touches only this module.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from write_side.contracts.commands import Actor

ROLES = frozenset({"customer", "supplier", "analyst", "admin"})


def actor_from_headers(headers: Any) -> Actor:
    """Read the caller from the trusted headers, or raise 401."""
    user_id = headers.get("x-user-id")
    role = headers.get("x-user-role", "customer")
    if not user_id:
        raise NotAuthorizedException("sign in first: this endpoint needs a caller (X-User-Id)")
    try:
        user_id = str(uuid.UUID(user_id))
    except ValueError:
        raise NotAuthorizedException("X-User-Id must be a UUID") from None
    if role not in ROLES:
        raise NotAuthorizedException(f"unknown role '{role}'; roles: {', '.join(sorted(ROLES))}")
    return Actor(user_id, role)


def _actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The caller, read once per request and kept in the scope's state."""
    state = connection.scope.setdefault("state", {})
    actor = state.get("actor")
    if actor is None:
        actor = state["actor"] = actor_from_headers(connection.headers)
    return actor  # type: ignore[no-any-return]


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return _actor(request)


def requires_role(*roles: str) -> Any:
    """A Litestar guard allowing only ``roles``."""

    # Async on purpose: Litestar runs sync guards in a worker thread.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = _actor(connection)
        if actor.role not in roles:
            raise PermissionDeniedException(
                f"this endpoint needs the {' or '.join(roles)} role; you are {actor.role}"
            )

    return guard
