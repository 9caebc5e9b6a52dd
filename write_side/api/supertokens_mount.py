"""``/auth/*`` in SuperTokens mode: the SDK's own routes, mounted as an ASGI app.

``supertokens-python`` has no Litestar integration, so its FastAPI app serves
sign-up, sign-in, refresh and sign-out, and Litestar hands it every request under
``/auth`` with the path as the browser sent it.
"""

from __future__ import annotations

from typing import Any

from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Receive, Scope, Send


def supertokens_mount(sdk_app: Any) -> ASGIRouteHandler:
    @asgi("/auth", is_mount=True, copy_scope=True, include_in_schema=False)
    async def auth_routes(scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar strips the mount prefix; the SDK routes on the full path (api_base_path="/auth").
        scope["path"] = "/auth" + (scope["path"] if scope["path"] != "/" else "")
        scope["raw_path"] = scope["path"].encode()
        await sdk_app(scope, receive, send)

    return auth_routes
