"""Verify SuperTokens access tokens with the official SDK (production identity).

``supertokens-python`` supports FastAPI, Flask and Django but not Litestar, so
the SDK is initialised without a framework integration and sessions are read
with ``get_session_without_request_response``: the SDK checks the signature
against the core's JWKS (cached, refetched when the core rotates keys), the
expiry, and the claim shape, and needs the core itself only for refreshes.
"""

from __future__ import annotations

from typing import Any

import msgspec

from write_side.identity.tokens import AccessClaims, InvalidTokenError, Principal, principal_from

_initialised: str | None = None  # the SDK is process-wide; remember which core it points at


def _init_sdk(connection_uri: str, api_domain: str, api_key: str | None) -> None:
    global _initialised  # noqa: PLW0603 - the SDK's own state is global too
    if _initialised == connection_uri:
        return
    from supertokens_python import InputAppInfo, SupertokensConfig, init  # noqa: PLC0415
    from supertokens_python.recipe import emailpassword, session, userroles  # noqa: PLC0415

    init(
        app_info=InputAppInfo(
            app_name="ecolaura", api_domain=api_domain, website_domain=api_domain, api_base_path="/auth"
        ),
        supertokens_config=SupertokensConfig(connection_uri=connection_uri, api_key=api_key),
        framework="fastapi",  # the SDK's /auth routes run as a FastAPI app mounted in the write API
        mode="asgi",
        recipe_list=[emailpassword.init(), session.init(), userroles.init()],
    )
    _initialised = connection_uri


class SuperTokensVerifier:
    def __init__(self, connection_uri: str, api_domain: str, api_key: str | None = None) -> None:
        _init_sdk(connection_uri, api_domain, api_key)

    async def verify(self, token: str) -> Principal:
        from supertokens_python.recipe.session.asyncio import (  # noqa: PLC0415
            get_session_without_request_response,
        )
        from supertokens_python.recipe.session.exceptions import SuperTokensSessionError  # noqa: PLC0415

        try:
            session = await get_session_without_request_response(token, anti_csrf_check=False)
        except SuperTokensSessionError as exc:
            raise InvalidTokenError(f"the access token is invalid: {exc}") from None
        if session is None:
            raise InvalidTokenError("no session")
        payload: dict[str, Any] = session.get_access_token_payload()
        try:
            return principal_from(msgspec.convert(payload, AccessClaims))
        except msgspec.ValidationError as exc:
            raise InvalidTokenError(f"the access token lacks session claims: {exc}") from None

    async def close(self) -> None:
        return None


def auth_routes(connection_uri: str, api_domain: str, api_key: str | None = None) -> Any:
    """The SDK's own ``/auth/*`` routes (sign-up, sign-in, refresh, sign-out) as an ASGI app.

    They talk to the core; the write API mounts them at ``/auth``.
    """
    from fastapi import FastAPI  # noqa: PLC0415 - the optional SuperTokens extra
    from supertokens_python.framework.fastapi import get_middleware  # noqa: PLC0415

    _init_sdk(connection_uri, api_domain, api_key)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(get_middleware())  # type: ignore[no-untyped-call]
    return app
