"""SuperTokens mode: what runs without a core, against the core stub.

With ``SUPERTOKENS_CONNECTION_URI`` set, the APIs verify SuperTokens access tokens with the SDK and
the write API serves the SDK's own ``/auth/*`` routes instead of the local provider's. No core can
run here: the stub serves the JWKS, the API version, the public tenant and an empty user lookup,
and records the rest, so these tests show the routes reach the SDK and the SDK asks the core to
sign the user up. Against a real core (set ``SUPERTOKENS_CONNECTION_URI``),
``test_sign_up_through_a_real_core`` runs the whole flow; it is skipped otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from ecolaura.settings import Settings
from tests.conftest import make_test_app
from tests.identity.jwks_stub import JwksStub
from write_side.identity.signing import Signer

Client = AsyncTestClient  # type: ignore[type-arg]
REAL_CORE = os.environ.get("SUPERTOKENS_CONNECTION_URI")
NO_CORE = "SUPERTOKENS_CONNECTION_URI is not set: no real SuperTokens core here, only the stub"
FORM = {"formFields": [{"id": "email", "value": ""}, {"id": "password", "value": "a long password 1"}]}


@pytest.fixture
async def supertokens_client(settings: Settings, stub: JwksStub) -> AsyncIterator[Client]:
    configured = dataclasses.replace(
        settings, supertokens_connection_uri=REAL_CORE or stub.url, api_domain="http://127.0.0.1:8000"
    )
    # The stub is no core: the SDK fails once it gets a 404. The tests look at what it asked.
    app = make_test_app(configured)
    async with AsyncTestClient(app=app, timeout=30, raise_server_exceptions=False) as client:
        yield client


def _form(email: str) -> dict[str, object]:
    return {"formFields": [{"id": "email", "value": email}, FORM["formFields"][1]]}


@pytest.mark.skipif(REAL_CORE is not None, reason="a real core signs its own tokens, not the stub's")
async def test_supertokens_sessions_open_the_apis_and_the_local_routes_are_gone(
    supertokens_client: Client, signer: Signer
) -> None:
    token = signer.access_token(str(uuid.uuid4()), ["customer"], "handle", "f" * 64)
    mine = await supertokens_client.get("/api/v1/me/orders", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200, mine.text
    local = await supertokens_client.post(
        "/api/v1/auth/signin", json={"email": "a@b.cd", "password": "x" * 10}
    )
    assert local.status_code in (404, 405)


@pytest.mark.skipif(REAL_CORE is not None, reason="covered by the real-core test")
async def test_the_sdks_auth_routes_ask_the_core_to_sign_up(
    supertokens_client: Client, stub: JwksStub
) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    since, bodies_since = len(stub.requests), len(stub.bodies)
    await supertokens_client.post("/auth/signup", json=_form(email), headers={"rid": "emailpassword"})
    asked = stub.requests[since:]
    assert any(
        r.startswith("GET /public/users/by-accountinfo") and email.replace("@", "%40") in r for r in asked
    )
    assert "POST /public/recipe/signup" in asked, asked
    assert any(email.encode() in body for body in stub.bodies[bodies_since:])


@pytest.mark.skipif(REAL_CORE is None, reason=NO_CORE)
async def test_sign_up_through_a_real_core(supertokens_client: Client) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    signed_up = await supertokens_client.post(
        "/auth/signup", json=_form(email), headers={"rid": "emailpassword", "st-auth-mode": "header"}
    )
    assert signed_up.status_code == 200 and signed_up.json()["status"] == "OK", signed_up.text
    token = signed_up.headers["st-access-token"]
    mine = await supertokens_client.get("/api/v1/me/orders", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200
