"""Sign-up, sign-in, refresh and sign-out through the HTTP API, and what a session may reach."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from ecolaura.cli import app as cli
from tests.factories import create_product, signer
from write_side.identity import local_sessions
from write_side.identity.jwks import JwksVerifier, StaticKeySet

Client = AsyncTestClient  # type: ignore[type-arg]
PASSWORD = "a long enough secret"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "extra"}
ORDER_DATA = ("total_minor", "lines", "shipping", "customer_id")


def _email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _sign_up(client: Client, email: str | None = None) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/auth/signup",
        json={"email": email or _email(), "password": PASSWORD, "display_name": "Ada", "country": "NL"},
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_a_shopper_signs_up_orders_and_sees_only_their_orders(client: Client) -> None:
    tokens = await _sign_up(client)
    assert tokens["token_type"] == "Bearer" and tokens["roles"] == ["customer"]
    product = await create_product(client)
    placed = await client.post(
        "/api/v1/orders",
        headers=_bearer(tokens),
        json={"lines": [{"product_id": product["id"], "quantity": 1}], "shipping": {"country": "NL"}},
    )
    assert placed.status_code == 201, placed.text
    assert placed.json()["customer_id"] == tokens["user_id"]

    other = await _sign_up(client)
    order_id = placed.json()["id"]
    for attempt in (
        client.get(f"/api/v1/me/orders/{order_id}", headers=_bearer(other)),
        client.post(f"/api/v1/orders/{order_id}/cancel", headers=_bearer(other)),
        client.post(f"/api/v1/orders/{order_id}/pay", headers=_bearer(other)),
    ):
        r = await attempt
        assert r.status_code == 404, r.text
        assert set(r.json()) <= PROBLEM_FIELDS  # a problem, never the order's data
        assert not any(field in r.text for field in ORDER_DATA)
    for admin_only in (
        client.get("/api/v1/admin/projections", headers=_bearer(other)),
        client.post("/api/v1/admin/projections/product_cards/rebuild", headers=_bearer(other)),
        client.post(f"/api/v1/orders/{order_id}/ship", headers=_bearer(tokens)),
        client.post("/api/v1/products", headers=_bearer(tokens), json={}),
    ):
        r = await admin_only
        assert r.status_code == 403, r.text
        assert set(r.json()) <= PROBLEM_FIELDS


async def test_an_email_opens_one_account(client: Client) -> None:
    email = _email()
    await _sign_up(client, email)
    again = await client.post(
        "/api/v1/auth/signup",
        json={"email": email.upper(), "password": PASSWORD, "display_name": "B", "country": "NL"},
    )
    assert again.status_code == 409 and "exists" in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "display_name": "A", "country": "NL"}, "email"),
        ({"email": "a@example.com", "password": "short", "display_name": "A", "country": "NL"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "display_name": "A", "country": "nl"}, "country"),
        ({"email": "a@example.com", "password": PASSWORD, "display_name": "A", "country": "NL", "x": 1}, "x"),
    ],
)
async def test_bad_sign_ups_are_400_and_create_nothing(
    client: Client, engine: AsyncEngine, body: dict[str, Any], needle: str
) -> None:
    async with engine.connect() as conn:
        before = await conn.scalar(text("SELECT count(*) FROM credentials"))
    r = await client.post("/api/v1/auth/signup", json=body)
    assert r.status_code == 400 and needle in r.json()["detail"], r.text
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM credentials")) == before


async def test_refresh_rotates_and_reuse_revokes_the_session(client: Client) -> None:
    email = _email()
    await _sign_up(client, email)
    signed_in = await client.post("/api/v1/auth/signin", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    first = signed_in.json()
    second = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    claims = jwt.decode(second.json()["access_token"], options={"verify_signature": False})
    assert claims["parentRefreshTokenHash1"] and claims["sessionHandle"]

    replayed = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replayed.status_code == 401 and "revoked" in replayed.json()["detail"]
    newest = await client.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert newest.status_code == 401


async def test_sign_out_ends_the_session(client: Client) -> None:
    tokens = await _sign_up(client)
    assert (await client.post("/api/v1/auth/signout", headers=_bearer(tokens))).status_code == 204
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


COOKIE_MODE = {"X-Ecolaura-Session": "cookie"}


def _refresh_cookie(response: Any) -> tuple[str, str]:
    """The refresh token a response set as a cookie, and the whole Set-Cookie line."""
    lines = [
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith("ecolaura_refresh=")
    ]
    assert len(lines) == 1, response.headers
    return lines[0].split(";", 1)[0].removeprefix("ecolaura_refresh="), lines[0]


async def _cookie_refresh(client: Client, token: str, **headers: str) -> Any:
    # Sent by hand: the test client's cookie jar keeps Secure cookies off http://testserver.
    return await client.post(
        "/api/v1/auth/refresh", headers={"Cookie": f"ecolaura_refresh={token}", **headers}
    )


async def test_browsers_hold_the_refresh_token_in_an_http_only_cookie(client: Client) -> None:
    email = _email()
    signed_up = await client.post(
        "/api/v1/auth/signup",
        headers=COOKIE_MODE,
        json={"email": email, "password": PASSWORD, "display_name": "Ada", "country": "NL"},
    )
    assert signed_up.status_code == 201 and signed_up.json()["refresh_token"] is None
    signed_in = await client.post(
        "/api/v1/auth/signin", headers=COOKIE_MODE, json={"email": email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200 and signed_in.json()["refresh_token"] is None
    assert signed_in.headers["cache-control"] == "no-store"
    first, line = _refresh_cookie(signed_in)
    attributes = {part.strip().lower() for part in line.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/api/v1/auth/refresh"} <= attributes
    assert f"max-age={30 * 24 * 3600}" in attributes

    # Without the custom header a cookie-borne refresh is refused: a cross-site form cannot add it.
    refused = await _cookie_refresh(client, first)
    assert refused.status_code == 403 and "X-Ecolaura-Session" in refused.json()["detail"]
    second = await _cookie_refresh(client, first, **COOKIE_MODE)
    assert second.status_code == 200 and second.json()["refresh_token"] is None
    rotated, _ = _refresh_cookie(second)
    assert rotated != first
    # Reuse detection holds for cookies: the old one revokes the session, the newest with it.
    replayed = await _cookie_refresh(client, first, **COOKIE_MODE)
    assert replayed.status_code == 401 and "revoked" in replayed.json()["detail"]
    assert (await _cookie_refresh(client, rotated, **COOKIE_MODE)).status_code == 401
    nothing = await client.post("/api/v1/auth/refresh", headers=COOKIE_MODE)
    assert nothing.status_code == 401 and "no refresh token" in nothing.json()["detail"]


async def test_sign_out_clears_the_refresh_cookie(client: Client) -> None:
    email = _email()
    await _sign_up(client, email)
    signed_in = await client.post(
        "/api/v1/auth/signin", headers=COOKIE_MODE, json={"email": email, "password": PASSWORD}
    )
    token, _ = _refresh_cookie(signed_in)
    out = await client.post("/api/v1/auth/signout", headers=_bearer(signed_in.json()))
    assert out.status_code == 204
    cleared, line = _refresh_cookie(out)
    assert (
        cleared in ("", '""') and "max-age=0" in line.lower() and "path=/api/v1/auth/refresh" in line.lower()
    )
    assert (await _cookie_refresh(client, token, **COOKIE_MODE)).status_code == 401


async def test_wrong_passwords_are_401_then_429(client: Client, engine: AsyncEngine) -> None:
    email = _email()
    await _sign_up(client, email)
    for _ in range(local_sessions.MAX_FAILURES_PER_EMAIL):
        r = await client.post("/api/v1/auth/signin", json={"email": email, "password": "wrong password"})
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = await client.post("/api/v1/auth/signin", json={"email": email, "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM signin_failures"))


async def test_the_jwks_endpoint_publishes_the_key_that_verifies_sessions(client: Client) -> None:
    tokens = await _sign_up(client)
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [signer().kid]
    principal = await JwksVerifier(StaticKeySet(jwks)).verify(tokens["access_token"])
    assert principal.user_id == tokens["user_id"]


def _forged(**overrides: Any) -> str:
    token = signer().access_token(str(uuid.uuid4()), ["admin"], "h", "0" * 64)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(overrides)
    return jwt.encode(claims, signer().key, algorithm="RS256", headers={"kid": signer().kid})


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: _forged(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda: _forged()[:-6] + "AAAAAA", id="tampered"),
        pytest.param(
            lambda: jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, None, algorithm="none"),
            id="alg-none",
        ),
        pytest.param(
            lambda: jwt.encode({"sub": "x"}, "secret-key-of-at-least-32-bytes!!", algorithm="HS256"),
            id="hs256",
        ),
    ],
)
async def test_bad_tokens_are_401_on_every_api(client: Client, token: Any) -> None:
    headers = {"Authorization": f"Bearer {token()}"}
    for r in (
        await client.get("/api/v1/admin/projections", headers=headers),
        await client.get("/api/v1/me/orders", headers=headers),
        await client.post("/api/v1/products", headers=headers, json={}),
    ):
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"].startswith("Bearer")


async def test_ecolaura_admin_create_makes_an_admin_who_can_sign_in(
    client: Client, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    from ecolaura.settings import get_settings

    get_settings.cache_clear()
    email = _email()
    # The CLI runs its own event loop: give it a thread, as a terminal would give it a process.
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["admin", "create", email], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    tokens = (await client.post("/api/v1/auth/signin", json={"email": email, "password": PASSWORD})).json()
    assert tokens["roles"] == ["admin"]
    assert (await client.get("/api/v1/admin/projections", headers=_bearer(tokens))).status_code == 200
    weak = await asyncio.to_thread(
        CliRunner().invoke, cli, ["admin", "create", _email(), "--password", "short"]
    )
    assert weak.exit_code != 0 and "10 characters" in weak.output
