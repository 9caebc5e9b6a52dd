"""Awarded badges as Open Badges 3.0 credentials, signed as VC-JWTs that verify offline.

Pure functions, no I/O: the caller loads the key and the key set.

Shape (Open Badges 3.0, on the W3C VC Data Model 2.0): an ``OpenBadgeCredential`` whose
``issuer`` is a ``Profile`` and whose ``credentialSubject`` is an ``AchievementSubject``
holding the ``Achievement`` and its ``criteria``. Every id is derived from the badge and
the recipient, so the same award always yields the same credential.

Proof (OB 3.0 "JSON Web Token Proof Format"): a compact JWS whose payload is the
credential itself, with the registered claims ``iss`` (``issuer.id``), ``jti`` (``id``),
``sub`` (``credentialSubject.id``), ``nbf`` (``validFrom``) and ``exp`` (``validUntil``,
only when there is one) added at the top level. The ``vc`` claim wrapper belongs to VC
Data Model 1.1 credentials, which the current OB 3.0 text only mentions for verifiers of
old tokens; we neither issue nor accept it. The JOSE header holds ``alg`` (always
``EdDSA``), ``kid`` (the key's RFC 7638 thumbprint) and ``typ`` ``JWT``, nothing else.

Errors: ``CredentialError(ValueError)`` for every credential that does not verify, with
a message saying which check failed; ``ValueError`` for an ``AwardedBadge`` that cannot
become a credential.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ALGORITHM = "EdDSA"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OB_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json")
# Registered JWT claim names (RFC 7519 section 4.1): they wrap the credential, they are not part of it.
_JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
_LEEWAY = timedelta(seconds=5)  # clock skew between the issuer and an offline verifier
# uuid5 namespace of credential ids: the id depends on the recipient and the badge only.
_CREDENTIALS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ecolaura:badge-credentials")


class CredentialError(ValueError):
    """The credential is not a valid, authentic Open Badge signed by a key of the key set."""


@dataclass(frozen=True, slots=True)
class AwardedBadge:
    badge_id: str
    """Slug (``first-slow-green-order``); it names the achievement in its URL."""
    name: str
    description: str
    criteria: str
    """What earns the badge, as a narrative (Markdown allowed)."""
    awarded_at: str
    """ISO 8601 with a UTC offset or ``Z``; becomes ``validFrom`` (whole seconds, as ``nbf``)."""
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class Issuer:
    base_url: str
    """Where the platform's API is served (``http://127.0.0.1:8000``); every id hangs off it."""
    name: str = "Ecolaura"

    @property
    def id(self) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1/badges/issuer"

    def achievement_id(self, badge_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1/badges/achievements/{badge_id}"


def _utc(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise CredentialError(f"{what} is not an ISO 8601 date-time: {text!r}") from None
    if moment.tzinfo is None:
        raise CredentialError(f"{what} has no time zone: {text!r}")
    return moment.astimezone(UTC)


def _zulu(moment: datetime) -> str:
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(issuer: Issuer, jwks_url: str) -> dict[str, Any]:
    """The ``Profile`` the issuer id resolves to, so a verifier can see who signed and find the keys.

    OB 3.0 has no property for a key set; ``jwks_uri`` (the OAuth metadata name) falls under
    the VC 2.0 context's issuer-dependent vocabulary.
    """
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        **_profile(issuer),
        "jwks_uri": jwks_url,
    }


def _profile(issuer: Issuer) -> dict[str, Any]:
    return {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.base_url.rstrip("/")}


def open_badge_credential(badge: AwardedBadge, recipient_id: str, issuer: Issuer) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` for one award; the same award always gives the same document.

    Raises:
        ValueError: the badge id is not a slug, the recipient not a UUID, or ``awarded_at`` has no zone.
    """
    if not _SLUG.fullmatch(badge.badge_id):
        raise ValueError(f"badge ids are lower-case slugs, not {badge.badge_id!r}")
    recipient = str(uuid.UUID(recipient_id))  # the canonical spelling, so the id is stable
    valid_from = _zulu(_utc(badge.awarded_at, "awarded_at"))
    achievement: dict[str, Any] = {
        "id": issuer.achievement_id(badge.badge_id),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria},
    }
    if badge.image_url:
        achievement["image"] = {"id": badge.image_url, "type": "Image"}
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid5(_CREDENTIALS, f'{recipient}/{badge.badge_id}')}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge.name,
        "description": badge.description,
        "issuer": _profile(issuer),
        "validFrom": valid_from,
        "awardedDate": valid_from,
        "credentialSubject": {
            "id": f"urn:uuid:{recipient}",
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def _claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims OB 3.0 maps from the credential's own fields."""
    try:
        issuer = credential["issuer"]
        claims: dict[str, Any] = {
            "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
            "jti": credential["id"],
            "sub": credential["credentialSubject"]["id"],
            "nbf": int(_utc(credential["validFrom"], "validFrom").timestamp()),
        }
        if "validUntil" in credential:
            claims["exp"] = int(_utc(credential["validUntil"], "validUntil").timestamp())
    except (KeyError, TypeError):
        raise CredentialError(
            "a credential needs id, issuer.id, credentialSubject.id and validFrom"
        ) from None
    return claims


def sign_credential(credential: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The credential as a compact JWS (VC-JWT): what a shopper downloads and anyone can verify offline.

    Raises:
        CredentialError: the credential lacks a field a claim maps from, or already holds a JWT claim.
    """
    for name in _JWT_CLAIMS:
        if name in credential:
            raise CredentialError(f"the credential must not carry the JWT claim {name!r} itself")
    return jwt.encode({**credential, **_claims(credential)}, key, algorithm=ALGORITHM, headers={"kid": kid})


def _keys(jwks: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    """kid -> public key, for the Ed25519 signing keys of a JWKS document."""
    keys = {}
    try:
        for jwk in jwks["keys"]:
            usable = jwk.get("use", "sig") == "sig" and jwk.get("alg", ALGORITHM) == ALGORITHM
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and usable and "kid" in jwk:
                found = OKPAlgorithm.from_jwk(jwk)
                public = found.public_key() if isinstance(found, Ed25519PrivateKey) else found
                if isinstance(public, Ed25519PublicKey):
                    keys[str(jwk["kid"])] = public
    except (KeyError, TypeError, AttributeError, ValueError, jwt.PyJWTError):
        raise CredentialError("the key set is not a JWKS document") from None
    return keys


def _decode(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """The signed payload, once the header names EdDSA and a key of the set, and that key's signature holds."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise CredentialError("the credential is not a compact JWS") from None
    if header.get("alg") != ALGORITHM:
        # Before any key is touched: no "none", no HMAC keyed with the public key.
        raise CredentialError(f"badge credentials are signed with {ALGORITHM}, not {header.get('alg')!r}")
    kid = header.get("kid")
    key = _keys(jwks).get(kid) if isinstance(kid, str) else None
    if key is None:
        raise CredentialError(f"the credential was signed by a key the key set does not hold (kid {kid!r})")
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            # The time claims are checked against the caller's clock below, to the second.
            options={"require": ["iss", "jti", "sub", "nbf"], "verify_exp": False, "verify_nbf": False},
        )
    except jwt.InvalidSignatureError:
        raise CredentialError(
            "the signature does not match: the credential was altered or not signed by this key"
        ) from None
    except jwt.PyJWTError as exc:
        raise CredentialError(f"the credential's JWT is invalid: {exc}") from None


def verify_credential(token: str, jwks: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The credential inside ``token``, once its signature, its claims and its validity period all check out.

    Follows OB 3.0 "Verify a Credential": each registered claim must equal the credential
    field it maps, and the credential must be valid at ``now`` (default: the current time).

    Raises:
        CredentialError: with the reason, for any credential that must not be trusted.
        ValueError: ``now`` has no time zone.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    payload = _decode(token.strip(), jwks)
    if "vc" in payload:
        raise CredentialError(
            "a VC Data Model 1.1 credential (the 'vc' claim) is not an OB 3.0 badge of ours"
        )
    credential = {k: v for k, v in payload.items() if k not in _JWT_CLAIMS}
    _check_shape(credential)
    expected = _claims(credential)
    for claim in ("iss", "jti", "sub", "nbf", "exp"):
        if payload.get(claim) != expected.get(claim):
            raise CredentialError(f"the JWT claim {claim!r} does not match the credential it signs")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if moment + _LEEWAY < datetime.fromtimestamp(expected["nbf"], UTC):
        raise CredentialError(f"the credential is not valid yet: it is valid from {credential['validFrom']}")
    if "exp" in expected and moment - _LEEWAY >= datetime.fromtimestamp(expected["exp"], UTC):
        raise CredentialError(f"the credential expired at {credential['validUntil']}")
    return credential


def _check_shape(credential: dict[str, Any]) -> None:
    """The OB 3.0 conformance checks a verifier can make without fetching anything."""
    context = credential.get("@context")
    if not (
        isinstance(context, list)
        and len(context) >= 2
        and context[0] == VC_CONTEXT
        and isinstance(context[1], str)
        and _OB_CONTEXT.fullmatch(context[1])
    ):
        raise CredentialError(f"the @context must start with {VC_CONTEXT} and an OB 3.0 context")
    types = credential.get("type")
    if not (
        isinstance(types, list)
        and "VerifiableCredential" in types
        and any(name in types for name in ("OpenBadgeCredential", "AchievementCredential"))
    ):
        raise CredentialError("the credential is not of type VerifiableCredential and OpenBadgeCredential")
    subject = credential.get("credentialSubject")
    if not (isinstance(subject, dict) and isinstance(subject.get("achievement"), dict)):
        raise CredentialError("the credentialSubject holds no achievement")
