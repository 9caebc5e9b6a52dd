"""Who is calling: the bearer access token, verified by the app's ``TokenVerifier``.

Both APIs use this one module. Routes ask for an :class:`Actor` through
:func:`provide_actor` (or guard themselves with :func:`requires_role`) and never
read the ``Authorization`` header themselves. The verifier (the local
provider's keys, or SuperTokens) is chosen once per app and kept in its state.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from write_side.contracts.commands import Actor
from write_side.identity.tokens import InvalidTokenError, Principal, TokenVerifier

IDENTITY_STATE_KEY = "identity"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ecolaura"'}


def _unauthorized(detail: str, error: str | None = None) -> NotAuthorizedException:
    challenge = f'Bearer realm="ecolaura", error="{error}"' if error else _CHALLENGE["WWW-Authenticate"]
    return NotAuthorizedException(detail, headers={"WWW-Authenticate": challenge})


def _authorization(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    # Straight from the ASGI scope: building Litestar's Headers object for one header costs more
    # than the cached token check it guards.
    for name, value in connection.scope["headers"]:
        if name == b"authorization":
            return bytes(value).decode("latin-1")
    return None


def bearer_token(value: str | None) -> str:
    if not value:
        raise _unauthorized("sign in first: send the access token as 'Authorization: Bearer <token>'")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <access token>'", "invalid_request")
    return token.strip()


def verifier_of(connection: ASGIConnection[Any, Any, Any, Any]) -> TokenVerifier:
    return connection.app.state[IDENTITY_STATE_KEY]  # type: ignore[no-any-return]


async def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The verified caller, checked once per request and kept in the scope's state."""
    state = connection.scope.setdefault("state", {})
    principal = state.get("principal")
    if principal is None:
        token = bearer_token(_authorization(connection))
        try:
            principal = state["principal"] = await verifier_of(connection).verify(token)
        except InvalidTokenError as exc:
            raise _unauthorized(str(exc), "invalid_token") from None
    return principal  # type: ignore[no-any-return]


async def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The caller as commands name it: the user id and their most privileged role."""
    principal = await principal_of(connection)
    return Actor(principal.user_id, principal.role)


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return await actor_of(request)


class RoleGuard:
    """A Litestar guard allowing callers who hold any of ``roles``; the OpenAPI document reads ``roles``."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        self.roles = roles
        self._wanted = frozenset(roles)

    # Async on purpose: Litestar runs sync guards in a worker thread.
    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = await principal_of(connection)
        if self._wanted.isdisjoint(principal.roles):
            raise PermissionDeniedException(
                f"this endpoint needs the {' or '.join(self.roles)} role; you have {', '.join(principal.roles)}"
            )


def requires_role(*roles: str) -> RoleGuard:
    """A Litestar guard allowing callers who hold any of ``roles``."""
    return RoleGuard(roles)
