"""``/api/v1/auth``: the local identity provider's sign-up, sign-in, refresh and sign-out.

Mounted only when no SuperTokens core is configured (with a core, sessions
come from SuperTokens). The access token travels in the JSON body; callers keep
it in memory and send it as ``Authorization: Bearer``. The refresh token travels
one of two ways:

- in the body (``refresh_token``), for programs: what they were given, they send;
- in an ``HttpOnly; Secure; SameSite=Strict`` cookie scoped to the refresh path, for
  browsers, which ask for it with ``X-Ecolaura-Session: cookie``. The body then
  carries no refresh token, so no script ever holds one. A refresh from the
  cookie needs that header too: a custom header is something a cross-site form
  cannot send and a cross-origin script cannot send without a CORS preflight this
  API never grants, on top of SameSite=Strict, which keeps the cookie off
  cross-site requests (CSRF).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import CookieParameter, HeaderParameter, JSONBody
from msgspec import Meta

from ecolaura.http.openapi import problems
from write_side.api.dispatch import bus_of
from write_side.api.schemas import NOT_BLANK, Base, Country, Email
from write_side.contracts import commands as c
from write_side.domain.ids import new_id
from write_side.identity.guards import principal_of, requires_role
from write_side.identity.local_sessions import REFRESH_TTL, LocalSessions, Tokens, hash_password
from write_side.identity.signing import Signer

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


# The refresh cookie: only the refresh path ever receives it.
REFRESH_COOKIE = "ecolaura_refresh"
REFRESH_PATH = "/api/v1/auth/refresh"
SESSION_HEADER = "X-Ecolaura-Session"
CookieMode = Annotated[
    Literal["cookie"] | None,
    HeaderParameter(
        name=SESSION_HEADER,
        description=(
            "`cookie`: the refresh token goes in an HttpOnly cookie (on the refresh path only), not in "
            "the body; a refresh from that cookie must send this header too"
        ),
        required=False,
    ),
]
RefreshCookie = Annotated[
    str | None,
    CookieParameter(
        name=REFRESH_COOKIE,
        description="the refresh token a browser was given as a cookie",
        max_length=200,
        required=False,
    ),
]
_SET_COOKIE = [
    Cookie(
        key=REFRESH_COOKIE,
        path=REFRESH_PATH,
        httponly=True,
        secure=True,
        samesite="strict",
        description=f"with `{SESSION_HEADER}: cookie`: the refresh token (HttpOnly, Secure, SameSite=Strict)",
        documentation_only=True,
    )
]


class RefreshIn(Base):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=200)] | None = None


class TokensOut(msgspec.Struct):
    access_token: str
    refresh_token: str | None  # None: it went into the HttpOnly cookie
    expires_in: int
    user_id: str
    roles: list[str]
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


def _out(tokens: Tokens, mode: str | None, status: int = 200) -> Response[TokensOut]:
    """The tokens, with the refresh token in the body, or (``mode`` cookie) in the cookie only."""
    in_cookie = mode == "cookie"
    body = TokensOut(
        tokens.access_token,
        None if in_cookie else tokens.refresh_token,
        tokens.expires_in,
        tokens.user_id,
        tokens.roles,
    )
    cookies = [_refresh_cookie(tokens.refresh_token, int(REFRESH_TTL.total_seconds()))] if in_cookie else []
    return Response(body, status_code=status, cookies=cookies, headers={"Cache-Control": "no-store"})


def _refresh_cookie(value: str, max_age: int) -> Cookie:
    return Cookie(
        key=REFRESH_COOKIE,
        value=value,
        path=REFRESH_PATH,
        # Max-Age only (0 clears): an Expires date would be computed now, and would change the
        # OpenAPI document, which shows this cookie as an example, every second.
        max_age=max_age,
        httponly=True,
        secure=True,
        samesite="strict",
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
        response_cookies=_SET_COOKIE,
    )
    async def sign_up(
        self, request: Request[Any, Any, Any], data: JSONBody[SignUpIn], mode: CookieMode = None
    ) -> Response[TokensOut]:
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
        tokens = await sessions_of(request.app.state).start(customer_id, ["customer"], data.email)
        return _out(tokens, mode, 201)

    @post(
        "/signin",
        operation_id="SignIn",
        status_code=200,
        summary="Sign in with email and password",
        responses=problems(401, 429),
        response_cookies=_SET_COOKIE,
    )
    async def sign_in(
        self, request: Request[Any, Any, Any], data: JSONBody[SignInIn], mode: CookieMode = None
    ) -> Response[TokensOut]:
        tokens = await sessions_of(request.app.state).sign_in(data.email, data.password, _client(request))
        return _out(tokens, mode)

    @post(
        "/refresh",
        operation_id="RefreshSession",
        status_code=200,
        summary="Trade a refresh token for new tokens (each refresh token works once)",
        description=(
            "The refresh token comes in the body (`refresh_token`) or, from a browser, in the "
            f"`{REFRESH_COOKIE}` cookie with `{SESSION_HEADER}: cookie` (403 without that header: "
            "a cross-site request cannot send it). Using a refresh token twice ends its session."
        ),
        responses=problems(401, 403),
        response_cookies=_SET_COOKIE,
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        mode: CookieMode = None,
        cookie: RefreshCookie = None,
        data: JSONBody[RefreshIn | None] = None,
    ) -> Response[TokensOut]:
        given = data.refresh_token if data is not None else None
        if given is None:
            if cookie is not None and mode != "cookie":
                raise PermissionDeniedException(
                    detail=f"a refresh from the cookie needs the header {SESSION_HEADER}: cookie"
                )
            if cookie is None:
                raise NotAuthorizedException(
                    detail="no refresh token: send it in the body, or sign in again",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            given = cookie
        return _out(await sessions_of(request.app.state).refresh(given), mode)

    @post(
        "/signout",
        operation_id="SignOut",
        status_code=204,
        guards=[requires_role("customer", "supplier", "analyst", "admin")],
        summary="End this session: its refresh tokens stop working, and the refresh cookie is cleared",
        # Static, so declared here: a 204 built by hand would be documented with a JSON body.
        response_cookies=[_refresh_cookie("", 0)],
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
