"""The local provider's signing key and the access tokens it issues.

One RSA key in a PEM file (``IDENTITY_KEY_FILE``, default
``var/identity/signing-key.pem``), created on first use with mode 0600. The
API processes of one machine share it; a read API elsewhere verifies against
the write API's ``/.well-known/jwks.json`` instead. Key ids start with ``d-``,
as SuperTokens' dynamic keys do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from write_side.identity.key_files import load_or_create_pem

ISSUER = "ecolaura"


def load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    loaded = load_or_create_pem(path, lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError(f"{path} must hold an RSA private key")
    return loaded


class Signer:
    def __init__(self, key: rsa.RSAPrivateKey, issuer: str = ISSUER) -> None:
        self.key = key
        self.issuer = issuer
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = "d-" + base64.urlsafe_b64encode(hashlib.sha256(public).digest()[:12]).decode().rstrip("=")

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def access_token(  # noqa: PLR0913 - the session's claims
        self,
        user_id: str,
        roles: list[str],
        session_handle: str,
        refresh_token_hash: str,
        parent_refresh_token_hash: str | None = None,
        ttl: int = 900,
        now: float | None = None,
    ) -> str:
        issued = int(now if now is not None else time.time())
        claims: dict[str, Any] = {
            "sub": user_id,
            "rsub": user_id,
            "tId": "public",
            "iat": issued,
            "exp": issued + ttl,
            "sessionHandle": session_handle,
            "refreshTokenHash1": refresh_token_hash,
            "antiCsrfToken": None,
            "iss": self.issuer,
            "st-role": {"v": roles, "t": issued * 1000},
            "st-perm": {"v": [], "t": issued * 1000},
        }
        if parent_refresh_token_hash:
            claims["parentRefreshTokenHash1"] = parent_refresh_token_hash
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid, "version": "5"})
