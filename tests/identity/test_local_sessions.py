"""The local provider's sessions against real PostgreSQL: rotation, reuse detection, throttling."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from write_side.adapters.accounts import AccountStore
from write_side.identity import local_sessions
from write_side.identity.jwks import JwksVerifier, StaticKeySet
from write_side.identity.local_sessions import LocalSessions, hash_password
from write_side.identity.signing import ISSUER, Signer
from write_side.identity.tokens import InvalidTokenError, SignInThrottledError

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture
def sessions(engine: AsyncEngine, signer: Signer) -> LocalSessions:
    return LocalSessions(AccountStore(engine), signer)


async def _account(sessions: LocalSessions, role: str = "customer") -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    await sessions.store.upsert_staff(str(uuid.uuid4()), email, await hash_password(PASSWORD), role)
    return email


async def test_sign_in_issues_tokens_the_verifier_accepts(sessions: LocalSessions, signer: Signer) -> None:
    email = await _account(sessions, "analyst")
    tokens = await sessions.sign_in(email.upper(), PASSWORD, "10.0.0.1")  # emails are case-insensitive
    principal = await JwksVerifier(StaticKeySet(signer.jwks()), issuer=ISSUER).verify(tokens.access_token)
    assert principal.user_id == tokens.user_id and principal.role == "analyst"
    assert tokens.expires_in == local_sessions.ACCESS_TTL


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(sessions: LocalSessions) -> None:
    email = await _account(sessions)
    with pytest.raises(InvalidTokenError) as wrong:
        await sessions.sign_in(email, "not the password", "10.0.0.2")
    with pytest.raises(InvalidTokenError) as unknown:
        await sessions.sign_in("nobody@example.com", PASSWORD, "10.0.0.2")
    assert str(wrong.value) == str(unknown.value)


async def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(sessions: LocalSessions) -> None:
    email = await _account(sessions)
    first = await sessions.sign_in(email, PASSWORD, "10.0.0.3")
    second = await sessions.refresh(first.refresh_token)
    third = await sessions.refresh(second.refresh_token)
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3

    with pytest.raises(InvalidTokenError, match="used before"):
        await sessions.refresh(first.refresh_token)  # a thief replays a stolen token
    with pytest.raises(InvalidTokenError, match="ended"):
        await sessions.refresh(third.refresh_token)  # the whole family is gone, the newest token too


async def test_two_concurrent_refreshes_with_one_token_let_at_most_one_win(sessions: LocalSessions) -> None:
    email = await _account(sessions)
    tokens = await sessions.sign_in(email, PASSWORD, "10.0.0.4")
    results = await asyncio.gather(
        *(sessions.refresh(tokens.refresh_token) for _ in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, InvalidTokenError) for r in results if isinstance(r, BaseException))


async def test_sign_out_ends_the_session(sessions: LocalSessions, signer: Signer) -> None:
    email = await _account(sessions)
    tokens = await sessions.sign_in(email, PASSWORD, "10.0.0.5")
    principal = await JwksVerifier(StaticKeySet(signer.jwks())).verify(tokens.access_token)
    await sessions.sign_out(principal)
    with pytest.raises(InvalidTokenError, match="ended"):
        await sessions.refresh(tokens.refresh_token)


async def test_repeated_failures_throttle_sign_in_per_email_and_per_client(
    sessions: LocalSessions, engine: AsyncEngine
) -> None:
    email = await _account(sessions)
    for _ in range(local_sessions.MAX_FAILURES_PER_EMAIL):
        with pytest.raises(InvalidTokenError):
            await sessions.sign_in(email, "guess", "10.0.1.1")
    with pytest.raises(SignInThrottledError):
        await sessions.sign_in(email, PASSWORD, "10.0.1.2")  # even the right password, from elsewhere

    client = "10.0.2.1"
    for n in range(local_sessions.MAX_FAILURES_PER_CLIENT):
        with pytest.raises(InvalidTokenError):
            await sessions.sign_in(f"spray-{n}@example.com", "guess", client)
    with pytest.raises(SignInThrottledError):
        await sessions.sign_in(await _account(sessions), PASSWORD, client)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM signin_failures"))  # leave no throttle to other tests


async def test_a_successful_sign_in_clears_the_email_failures(sessions: LocalSessions) -> None:
    email = await _account(sessions)
    for _ in range(local_sessions.MAX_FAILURES_PER_EMAIL - 1):
        with pytest.raises(InvalidTokenError):
            await sessions.sign_in(email, "guess", "10.0.3.1")
    await sessions.sign_in(email, PASSWORD, "10.0.3.1")
    with pytest.raises(InvalidTokenError):
        await sessions.sign_in(email, "guess", "10.0.3.1")
    await sessions.sign_in(email, PASSWORD, "10.0.3.1")  # not throttled: the count started again
