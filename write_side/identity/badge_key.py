"""The platform's badge signing key: one Ed25519 key that signs Open Badges credentials.

It is kept apart from the access-token key (``signing.py``, RSA) on purpose: a badge
outlives every session, so its key is rotated on a different clock, and a leak of one
key must not let anybody forge the other kind of token. The key lives in a PEM file
(``<var dir>/identity/badge-key.pem``), created on first use with mode 0600, so every
process of one machine signs with the same key.

Its key id is the RFC 7638 JWK thumbprint of the public key: anyone holding the public
key can recompute it, and a new key can never reuse an old key's id.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from write_side.identity.key_files import load_or_create_pem

ALGORITHM = "EdDSA"
"""The JOSE ``alg`` of badge credentials (RFC 8037): Ed25519 signatures."""


def load_or_create_badge_key(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``, generated and written there (mode 0600) if the file does not exist yet.

    Written as the access-token key is (``key_files``): two processes starting at once get one key.
    """
    loaded = load_or_create_pem(path, Ed25519PrivateKey.generate)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise TypeError(f"{path} must hold an Ed25519 private key")
    return loaded


def _public_jwk(key: Ed25519PrivateKey | Ed25519PublicKey) -> dict[str, Any]:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    # Only the public half: a JWK built from the private key would carry "d".
    return dict(OKPAlgorithm.to_jwk(public, as_dict=True))


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of the key: base64url(SHA-256) of its required JWK members, sorted.

    For an OKP key those members are ``crv``, ``kty`` and ``x`` (RFC 8037 section 2).
    """
    jwk = _public_jwk(key)
    canonical = json.dumps({m: jwk[m] for m in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def public_jwks(key: Ed25519PrivateKey | Ed25519PublicKey) -> dict[str, Any]:
    """The JSON Web Key Set verifiers need: the public key alone, with its ``kid``, ``alg`` and ``use``."""
    return {"keys": [{**_public_jwk(key), "kid": key_id(key), "alg": ALGORITHM, "use": "sig"}]}
