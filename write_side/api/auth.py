"""``/api/v1/auth``: the local identity provider's sign-up, sign-in, refresh and sign-out.

Mounted only when no SuperTokens core is configured (with a core, sessions
come from SuperTokens). Tokens travel in the JSON body: the storefront keeps
the access token in memory and sends it as ``Authorization: Bearer``.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from msgspec import Meta

from ecolaura.http.identity import principal_of, requires_role
from ecolaura.http.openapi import problems
from ecolaura.identity.signing import Signer
from write_side.api.dispatch import bus_of
from write_side.api.schemas import NOT_BLANK, Base, Country, Email
from write_side.contracts import commands as c
from write_side.domain.ids import new_id
from write_side.service_layer.local_sessions import LocalSessions, Tokens, hash_password

SESSIONS_STATE_KEY = "local_sessions"
SIGNER_STATE_KEY = "local_signer"

Password = Annotated[str, Meta(min_length=10, max_length=256, description="at least 10 characters")]


class SignUpIn(Base):
    email: Email
    password: Password
    display_name: Annotated[str, Meta(min_length=1, max_length=80, pattern=NOT_BLANK)]
    country: Country


class SignInIn(Base):
    email: Email
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class RefreshIn(Base):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=200)]


class TokensOut(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str
    roles: list[str]
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


def _out(tokens: Tokens) -> TokensOut:
    return TokensOut(
        tokens.access_token, tokens.refresh_token, tokens.expires_in, tokens.user_id, tokens.roles
    )


def sessions_of(state: State) -> LocalSessions:
    return state[SESSIONS_STATE_KEY]  # type: ignore[no-any-return]


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]  # noqa: RUF012

    @post(
        "/signup",
        operation_id="SignUp",
        status_code=201,
        summary="Open a customer account and sign in",
        responses=problems(409, 422),
    )
    async def sign_up(self, request: Request[Any, Any, Any], data: JSONBody[SignUpIn]) -> TokensOut:
        customer_id = new_id()
        command = c.SignUp(
            data.email.lower(),
            data.display_name,
            data.country,
            await hash_password(data.password),
            customer_id,
        )
        await bus_of(request).handle(
            command, c.Actor(customer_id, "customer"), request.headers.get("x-request-id")
        )
        return _out(await sessions_of(request.app.state).start(customer_id, ["customer"], data.email))

    @post(
        "/signin",
        operation_id="SignIn",
        status_code=200,
        summary="Sign in with email and password",
        responses=problems(401, 429),
    )
    async def sign_in(self, request: Request[Any, Any, Any], data: JSONBody[SignInIn]) -> TokensOut:
        return _out(await sessions_of(request.app.state).sign_in(data.email, data.password, _client(request)))

    @post(
        "/refresh",
        operation_id="RefreshSession",
        status_code=200,
        summary="Trade a refresh token for new tokens (each refresh token works once)",
        responses=problems(401),
    )
    async def refresh(self, request: Request[Any, Any, Any], data: JSONBody[RefreshIn]) -> TokensOut:
        return _out(await sessions_of(request.app.state).refresh(data.refresh_token))

    @post(
        "/signout",
        operation_id="SignOut",
        status_code=204,
        guards=[requires_role("customer", "supplier", "analyst", "admin")],
        summary="End this session: its refresh tokens stop working",
    )
    async def sign_out(self, request: Request[Any, Any, Any]) -> None:
        await sessions_of(request.app.state).sign_out(await principal_of(request))


class JwksController(Controller):
    path = "/.well-known/jwks.json"
    tags = ["auth"]  # noqa: RUF012

    @get(operation_id="Jwks", summary="The public keys that verify access tokens")
    async def jwks(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        signer: Signer = request.app.state[SIGNER_STATE_KEY]
        return Response(signer.jwks(), headers={"Cache-Control": "public, max-age=300"})
