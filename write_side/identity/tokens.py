"""The identity port: access tokens in, principals out.

Both providers issue access tokens with SuperTokens' v5 claim shape, so the
rest of the code cannot tell them apart: ``sub`` is the user id,
``sessionHandle`` the session family, and the roles ride in the UserRoles
claim ``st-role`` as ``{"v": [...], "t": <ms>}``.
"""

from __future__ import annotations

from typing import Protocol

import msgspec

ROLES = ("customer", "supplier", "analyst", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}


class RoleClaim(msgspec.Struct, frozen=True):
    v: list[str]
    t: int  # when the claim was fetched, epoch ms


class AccessClaims(msgspec.Struct, frozen=True, rename={"st_role": "st-role", "st_perm": "st-perm"}):
    """SuperTokens v5 access-token payload (the fields we rely on)."""

    sub: str
    iat: int
    exp: int
    sessionHandle: str  # noqa: N815 - the wire name
    refreshTokenHash1: str  # noqa: N815
    iss: str
    rsub: str | None = None
    tId: str = "public"  # noqa: N815
    parentRefreshTokenHash1: str | None = None  # noqa: N815
    antiCsrfToken: str | None = None  # noqa: N815
    st_role: RoleClaim | None = None
    st_perm: RoleClaim | None = None


class Principal(msgspec.Struct, frozen=True):
    """A verified caller."""

    user_id: str
    roles: tuple[str, ...]
    session_handle: str
    expires_at: int  # epoch seconds

    @property
    def role(self) -> str:
        """The most privileged known role, ``customer`` when none is granted."""
        known = [r for r in self.roles if r in _RANK]
        return max(known, key=_RANK.__getitem__) if known else "customer"


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, or not signed by a trusted key: answer 401."""


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal: ...

    async def close(self) -> None: ...


def principal_from(claims: AccessClaims) -> Principal:
    """A user with no roles granted is a customer."""
    roles = tuple(claims.st_role.v) if claims.st_role and claims.st_role.v else ("customer",)
    return Principal(claims.sub, roles, claims.sessionHandle, claims.exp)


class SignInThrottledError(Exception):
    """Too many failed sign-ins for this email or from this client: answer 429."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after
