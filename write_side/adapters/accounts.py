"""The local identity provider's tables: credentials, sessions and refresh tokens.

Refresh tokens are stored as SHA-256 hashes and used once. ``rotate`` runs in
one transaction under a row lock, so of two concurrent uses of one token
exactly one wins and the other is treated as a reuse, which revokes the family.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from write_side.adapters.pg import PgSession
from write_side.adapters.tables import credentials, refresh_tokens, sessions, signin_failures
from write_side.adapters.unique import insert_once
from write_side.domain.errors import DuplicateEmailError


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    email: str
    password_hash: str
    roles: list[str]


class Rotation(enum.Enum):
    """Why a refresh token was refused."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REUSED = "reused"


@dataclass(frozen=True, slots=True)
class Rotated:
    session_handle: str
    user_id: str
    roles: list[str]


class AccountRepository:
    """Accounts written inside a command's transaction (sign-up)."""

    def __init__(self, session: PgSession) -> None:
        self._session = session

    async def add(self, user_id: str, email: str, password_hash: str, roles: list[str]) -> None:
        values = {"user_id": user_id, "email": email.lower(), "password_hash": password_hash, "roles": roles}
        if not await insert_once(await self._session.begin(), credentials, values, "email"):
            raise DuplicateEmailError("an account with this email exists already", field="email")


class AccountStore:
    """Sign-in, refresh and sign-out: short transactions of their own, outside the command bus."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def find(self, email: str) -> Account | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(credentials).where(credentials.c.email == email.lower()))
            ).first()
        return None if row is None else Account(row.user_id, row.email, row.password_hash, list(row.roles))

    async def upsert_staff(self, user_id: str, email: str, password_hash: str, role: str) -> str:
        """Create the account, or add ``role`` to an existing one; its user id either way."""
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    pg_insert(credentials)
                    .values(user_id=user_id, email=email.lower(), password_hash=password_hash, roles=[role])
                    .on_conflict_do_update(
                        index_elements=["email"],
                        set_={"roles": func.array_append(func.array_remove(credentials.c.roles, role), role)},
                    )
                    .returning(credentials.c.user_id)
                )
            ).one()
        return str(row.user_id)

    async def set_password(self, email: str, password_hash: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(credentials)
                .where(credentials.c.email == email.lower())
                .values(password_hash=password_hash)
            )

    async def failures_since(self, email: str, client: str, since: datetime) -> tuple[int, int]:
        """Failed sign-ins since ``since``: for this email, and from this client."""
        count = func.count().filter
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        count(signin_failures.c.email == email.lower()),
                        count(signin_failures.c.client == client),
                    ).where(
                        signin_failures.c.failed_at >= since,
                        (signin_failures.c.email == email.lower()) | (signin_failures.c.client == client),
                    )
                )
            ).one()
        return int(row[0]), int(row[1])

    async def record_failure(self, email: str, client: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(signin_failures).values(email=email.lower(), client=client))

    async def open_session(
        self, handle: str, user_id: str, token_hash: bytes, expires_at: datetime, email: str
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(sessions).values(session_handle=handle, user_id=user_id))
            await conn.execute(
                insert(refresh_tokens).values(
                    token_hash=token_hash, session_handle=handle, expires_at=expires_at
                )
            )
            # A successful sign-in clears the email's failure count.
            await conn.execute(delete(signin_failures).where(signin_failures.c.email == email.lower()))

    async def rotate(self, token_hash: bytes, new_hash: bytes, lifetime: timedelta) -> Rotated | Rotation:
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    select(
                        refresh_tokens.c.session_handle,
                        refresh_tokens.c.used_at,
                        refresh_tokens.c.expires_at < func.now(),
                        sessions.c.revoked_at,
                        sessions.c.user_id,
                        credentials.c.roles,
                    )
                    .join(sessions, sessions.c.session_handle == refresh_tokens.c.session_handle)
                    .join(credentials, credentials.c.user_id == sessions.c.user_id)
                    .where(refresh_tokens.c.token_hash == token_hash)
                    .with_for_update(of=refresh_tokens)
                )
            ).first()
            if row is None:
                return Rotation.UNKNOWN
            handle, used_at, expired, revoked_at, user_id, roles = row
            if revoked_at is not None:
                return Rotation.REVOKED
            if used_at is not None:
                await conn.execute(
                    update(sessions)
                    .where(sessions.c.session_handle == handle)
                    .values(revoked_at=func.now(), revoked_reason="refresh token reused")
                )
                return Rotation.REUSED
            if expired:
                return Rotation.EXPIRED
            await conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == token_hash)
                .values(used_at=func.now())
            )
            await conn.execute(
                insert(refresh_tokens).values(
                    token_hash=new_hash,
                    session_handle=handle,
                    parent_hash=token_hash,
                    expires_at=func.now() + lifetime,
                )
            )
        return Rotated(str(handle), str(user_id), list(roles))

    async def revoke(self, handle: str, user_id: str, reason: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(sessions)
                .where(
                    sessions.c.session_handle == handle,
                    sessions.c.user_id == user_id,
                    sessions.c.revoked_at.is_(None),
                )
                .values(revoked_at=func.now(), revoked_reason=reason)
            )

    async def session_revoked(self, handle: str) -> bool:
        async with self.engine.connect() as conn:
            revoked = await conn.scalar(
                select(sessions.c.revoked_at).where(sessions.c.session_handle == handle)
            )
        return revoked is not None
