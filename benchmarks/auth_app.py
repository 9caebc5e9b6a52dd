"""The app ``benchmarks/auth.py`` loads: one small answer, served open and behind the identity guard.

Both routes run on the platform's own stack (``make_litestar``: request ids, access log, metrics,
problem details), so the only difference between them is verifying the caller's access token.
"""

from __future__ import annotations

from litestar import Litestar, get

from ecolaura.http.appkit import make_litestar
from ecolaura.settings import get_settings
from write_side.identity.guards import requires_role
from write_side.identity.setup import make_verifier

ANSWER = {"status": "ok", "items": [1, 2, 3]}


@get("/open", operation_id="Open")
async def open_route() -> dict[str, object]:
    return ANSWER


@get("/protected", operation_id="Protected", guards=[requires_role("customer")])
async def protected_route() -> dict[str, object]:
    return ANSWER


def app() -> Litestar:
    settings = get_settings()
    return make_litestar(
        title="auth benchmark",
        route_handlers=[open_route, protected_route],
        dependencies={},
        lifespan=[],
        readiness={},
        max_body_bytes=1024,
        identity=make_verifier(settings),
    )
