"""The local identity provider's flows: sign-in, refresh with rotation, sign-out.

Passwords are argon2id hashes (argon2-cffi's RFC 9106 defaults), hashed and
checked in a worker thread because each costs tens of milliseconds of CPU. An
unknown email is checked against a dummy hash, so a response's timing does not
tell which emails have accounts. Access tokens live 15 minutes and are
verified without a database read; refresh tokens live 30 days, are used once,
and a second use revokes the whole session.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from write_side.adapters.accounts import AccountStore, Rotation
from write_side.identity.signing import Signer
from write_side.identity.tokens import InvalidTokenError, Principal, SignInThrottledError
from write_side.service_layer.metrics import SIGNIN_FAILURES

ACCESS_TTL = 900
REFRESH_TTL = timedelta(days=30)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str
    roles: list[str]


def _digest(refresh_token: str) -> bytes:
    return hashlib.sha256(refresh_token.encode()).digest()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class LocalSessions:
    def __init__(self, store: AccountStore, signer: Signer) -> None:
        self.store = store
        self.signer = signer

    async def sign_in(self, email: str, password: str, client: str) -> Tokens:
        since = datetime.now(UTC) - FAILURE_WINDOW
        by_email, by_client = await self.store.failures_since(email, client, since)
        if by_email >= MAX_FAILURES_PER_EMAIL or by_client >= MAX_FAILURES_PER_CLIENT:
            SIGNIN_FAILURES.labels("throttled").inc()
            raise SignInThrottledError(int(FAILURE_WINDOW.total_seconds()))
        account = await self.store.find(email)
        matched = await asyncio.to_thread(
            _matches, account.password_hash if account else _DUMMY_HASH, password
        )
        if account is None or not matched:
            await self.store.record_failure(email, client)
            SIGNIN_FAILURES.labels("credentials").inc()
            raise InvalidTokenError("the email or the password is wrong")
        return await self.start(account.user_id, account.roles, email)

    async def start(self, user_id: str, roles: list[str], email: str) -> Tokens:
        """Open a session for an account whose password was just checked (or just set)."""
        refresh_token = secrets.token_urlsafe(32)
        handle = str(uuid.uuid4())
        await self.store.open_session(
            handle, user_id, _digest(refresh_token), datetime.now(UTC) + REFRESH_TTL, email
        )
        return self._tokens(user_id, roles, handle, refresh_token)

    async def refresh(self, refresh_token: str) -> Tokens:
        new_token = secrets.token_urlsafe(32)
        result = await self.store.rotate(_digest(refresh_token), _digest(new_token), REFRESH_TTL)
        messages = {
            Rotation.UNKNOWN: "the refresh token is not valid",
            Rotation.EXPIRED: "the refresh token has expired: sign in again",
            Rotation.REVOKED: "this session has ended: sign in again",
            Rotation.REUSED: "this refresh token was used before, so the session has been revoked: sign in again",
        }
        if isinstance(result, Rotation):
            raise InvalidTokenError(messages[result])
        return self._tokens(result.user_id, result.roles, result.session_handle, new_token, refresh_token)

    async def sign_out(self, principal: Principal) -> None:
        await self.store.revoke(principal.session_handle, principal.user_id, "signed out")

    def _tokens(
        self, user_id: str, roles: list[str], handle: str, refresh_token: str, parent: str | None = None
    ) -> Tokens:
        access = self.signer.access_token(
            user_id,
            roles,
            handle,
            hashlib.sha256(refresh_token.encode()).hexdigest(),
            hashlib.sha256(parent.encode()).hexdigest() if parent else None,
            ttl=ACCESS_TTL,
        )
        return Tokens(access, refresh_token, ACCESS_TTL, user_id, roles)
