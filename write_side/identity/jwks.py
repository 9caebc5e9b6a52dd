"""Verify access tokens against a JSON Web Key Set: the local provider's keys, or any JWKS URL.

Only RS256 with a ``kid`` the key set knows is accepted: ``alg=none``, HMAC
algorithms (the classic public-key-as-HMAC-secret confusion) and unknown keys
are refused before any signature check. A remote key set is fetched once and
again when a token names a key it does not hold (key rotation), at most every
``refetch_every`` seconds so garbage tokens cannot hammer the key server.
Verified tokens are remembered until they expire: a client sends the same token
with every request, and an RSA check costs far more than a dictionary lookup.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Protocol

import httpx
import jwt
import msgspec
from jwt.algorithms import RSAAlgorithm

from write_side.identity.tokens import AccessClaims, InvalidTokenError, Principal, principal_from

_ALGORITHM = "RS256"
_LEEWAY = 5  # seconds of clock skew tolerated on exp and iat


class KeySet(Protocol):
    async def key(self, kid: str) -> Any | None:
        """The public key for ``kid``, or None when the set does not hold it."""
        ...

    async def close(self) -> None: ...


def parse_jwks(document: dict[str, Any]) -> dict[str, Any]:
    """kid -> public key, for the RSA signing keys of a JWKS document."""
    keys = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "RSA" and jwk.get("kid") and jwk.get("use", "sig") == "sig":
            keys[jwk["kid"]] = RSAAlgorithm.from_jwk(jwk)
    return keys


class StaticKeySet:
    def __init__(self, document: dict[str, Any]) -> None:
        self._keys = parse_jwks(document)

    async def key(self, kid: str) -> Any | None:
        return self._keys.get(kid)

    async def close(self) -> None:
        return None


class RemoteKeySet:
    def __init__(self, url: str, refetch_every: float = 30.0, timeout: float = 5.0) -> None:
        self.url = url
        self.refetch_every = refetch_every
        self._client = httpx.AsyncClient(timeout=timeout)
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")

    async def key(self, kid: str) -> Any | None:
        if kid not in self._keys and time.monotonic() - self._fetched_at >= self.refetch_every:
            await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._client.get(self.url)
            response.raise_for_status()
            self._keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            # Keep the keys we had: a key server hiccup must not sign everybody out.
            raise InvalidTokenError(f"the signing keys could not be fetched from {self.url}: {exc}") from None

    async def close(self) -> None:
        await self._client.aclose()


class JwksVerifier:
    def __init__(self, keys: KeySet, issuer: str | None = None, cache_size: int = 10_000) -> None:
        self.keys = keys
        self.issuer = issuer
        self.cache_size = cache_size
        self._verified: OrderedDict[str, Principal] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            if cached.expires_at + _LEEWAY > now:
                return cached
            del self._verified[token]
        principal = await self._check(token)
        if self.cache_size > 0:
            self._verified[token] = principal
            if len(self._verified) > self.cache_size:
                self._verified.popitem(last=False)
        return principal

    async def _check(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidTokenError("the access token is not a JWT") from None
        if header.get("alg") != _ALGORITHM:
            raise InvalidTokenError(f"access tokens must be signed with {_ALGORITHM}")
        kid = header.get("kid")
        key = await self.keys.key(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidTokenError("the access token was not signed by a known key")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[_ALGORITHM],
                issuer=self.issuer,
                leeway=_LEEWAY,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("the access token has expired: refresh the session") from None
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(f"the access token is invalid: {exc}") from None
        try:
            claims = msgspec.convert(payload, AccessClaims)
        except msgspec.ValidationError as exc:
            raise InvalidTokenError(f"the access token lacks session claims: {exc}") from None
        return principal_from(claims)

    async def close(self) -> None:
        await self.keys.close()
