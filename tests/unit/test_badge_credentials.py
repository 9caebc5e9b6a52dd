"""Badges as Open Badges 3.0 VC-JWTs: their shape, their signature, and every forgery we refuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from ecolaura.cli import app as cli
from ecolaura.settings import get_settings
from read_side.badges import (
    OB_CONTEXT,
    VC_CONTEXT,
    AwardedBadge,
    CredentialError,
    Issuer,
    issuer_profile,
    open_badge_credential,
    sign_credential,
    verify_credential,
)
from write_side.identity.badge_key import key_id, load_or_create_badge_key, public_jwks

ISSUER = Issuer(base_url="http://127.0.0.1:8000")
RECIPIENT = "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f4a6b"
AWARDED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
BADGE = AwardedBadge(
    badge_id="first-slow-green-order",
    name="First slow-green order",
    description="Chose slow-green shipping for an order.",
    criteria="Place an order with **slow-green** shipping and receive it.",
    awarded_at="2026-04-01T09:30:00Z",
    image_url="http://127.0.0.1:8000/badges/first-slow-green-order.svg",
)
LATER = AWARDED + timedelta(days=30)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def segment(document: dict[str, Any]) -> str:
    return b64(json.dumps(document, separators=(",", ":")).encode())


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def credential() -> dict[str, Any]:
    return open_badge_credential(BADGE, RECIPIENT, ISSUER)


@pytest.fixture
def token(credential: dict[str, Any], key: Ed25519PrivateKey) -> str:
    return sign_credential(credential, key, key_id(key))


def test_round_trip_returns_the_credential(credential, key, token) -> None:
    assert verify_credential(token, public_jwks(key), now=LATER) == credential


def test_the_jwt_maps_the_credential_fields_to_its_claims(credential, key, token) -> None:
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": key_id(key), "typ": "JWT"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["iss"] == "http://127.0.0.1:8000/api/v1/badges/issuer" == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == f"urn:uuid:{RECIPIENT}"
    assert payload["nbf"] == int(AWARDED.timestamp())
    assert "exp" not in payload  # badges do not expire
    assert "vc" not in payload  # OB 3.0 on VCDM 2.0: the payload is the credential
    assert {k: v for k, v in payload.items() if k not in {"iss", "jti", "sub", "nbf"}} == credential


def test_the_credential_has_the_fields_open_badges_3_requires(credential) -> None:
    assert credential["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert VC_CONTEXT == "https://www.w3.org/ns/credentials/v2"
    assert OB_CONTEXT == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2026-04-01T09:30:00Z"
    assert credential["issuer"] == {
        "id": "http://127.0.0.1:8000/api/v1/badges/issuer",
        "type": ["Profile"],
        "name": "Ecolaura",
        "url": "http://127.0.0.1:8000",
    }
    subject = credential["credentialSubject"]
    assert subject["id"] == f"urn:uuid:{RECIPIENT}"
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["id"] == "http://127.0.0.1:8000/api/v1/badges/achievements/first-slow-green-order"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == BADGE.name
    assert achievement["description"] == BADGE.description
    assert achievement["criteria"] == {"narrative": BADGE.criteria}
    assert achievement["image"] == {"id": BADGE.image_url, "type": "Image"}
    assert credential["credentialSchema"] == [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]


def test_ids_are_deterministic_per_recipient_and_badge(credential) -> None:
    again = open_badge_credential(BADGE, RECIPIENT.upper(), ISSUER)
    assert again == credential
    assert credential["id"].startswith("urn:uuid:")
    uuid.UUID(credential["id"].removeprefix("urn:uuid:"))
    other = open_badge_credential(BADGE, str(uuid.uuid4()), ISSUER)
    assert other["id"] != credential["id"]


def test_awarded_at_becomes_utc_whole_seconds() -> None:
    badge = AwardedBadge(
        **{**_fields(BADGE), "awarded_at": "2026-04-01T11:30:00.750+02:00", "image_url": None}
    )
    made = open_badge_credential(badge, RECIPIENT, ISSUER)
    assert made["validFrom"] == "2026-04-01T09:30:00Z"
    assert "image" not in made["credentialSubject"]["achievement"]


@pytest.mark.parametrize(
    ("changes", "recipient"),
    [
        ({"badge_id": "Not A Slug"}, RECIPIENT),
        ({"awarded_at": "2026-04-01T09:30:00"}, RECIPIENT),  # no zone: which instant?
        ({}, "customer-7"),
    ],
)
def test_an_award_that_cannot_become_a_credential_is_refused(changes, recipient) -> None:
    with pytest.raises(ValueError):
        open_badge_credential(AwardedBadge(**{**_fields(BADGE), **changes}), recipient, ISSUER)


def _fields(badge: AwardedBadge) -> dict[str, Any]:
    return {name: getattr(badge, name) for name in badge.__dataclass_fields__}


def test_issuer_profile_is_the_document_the_issuer_id_names() -> None:
    profile = issuer_profile(ISSUER, "http://127.0.0.1:8000/api/v1/badges/jwks")
    assert profile["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert profile["id"] == ISSUER.id
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Ecolaura"
    assert profile["url"] == "http://127.0.0.1:8000"
    assert profile["jwks_uri"] == "http://127.0.0.1:8000/api/v1/badges/jwks"


def test_a_tampered_payload_is_refused(key, token) -> None:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Carbon-neutral hero"
    with pytest.raises(CredentialError, match="signature does not match"):
        verify_credential(f"{header}.{segment(claims)}.{signature}", public_jwks(key), now=LATER)


def test_another_key_under_the_same_kid_is_refused(key, token) -> None:
    impostor = public_jwks(Ed25519PrivateKey.generate())
    impostor["keys"][0]["kid"] = key_id(key)
    with pytest.raises(CredentialError, match="signature does not match"):
        verify_credential(token, impostor, now=LATER)


def test_a_kid_the_key_set_does_not_hold_is_refused(token) -> None:
    with pytest.raises(CredentialError, match="key the key set does not hold"):
        verify_credential(token, public_jwks(Ed25519PrivateKey.generate()), now=LATER)


def test_alg_none_is_refused(credential, key) -> None:
    claims = jwt.decode(sign_credential(credential, key, key_id(key)), options={"verify_signature": False})
    unsigned = f"{segment({'alg': 'none', 'kid': key_id(key), 'typ': 'JWT'})}.{segment(claims)}."
    with pytest.raises(CredentialError, match="signed with EdDSA, not 'none'"):
        verify_credential(unsigned, public_jwks(key), now=LATER)


def test_hs256_keyed_with_the_public_key_is_refused(credential, key) -> None:
    jwks = public_jwks(key)
    claims = jwt.decode(sign_credential(credential, key, key_id(key)), options={"verify_signature": False})
    signing_input = f"{segment({'alg': 'HS256', 'kid': key_id(key), 'typ': 'JWT'})}.{segment(claims)}"
    for secret in (jwks["keys"][0]["x"].encode(), json.dumps(jwks["keys"][0]).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        with pytest.raises(CredentialError, match="signed with EdDSA, not 'HS256'"):
            verify_credential(f"{signing_input}.{b64(mac)}", jwks, now=LATER)


def test_a_credential_is_not_valid_before_its_valid_from(key, token) -> None:
    with pytest.raises(CredentialError, match="not valid yet"):
        verify_credential(token, public_jwks(key), now=AWARDED - timedelta(hours=1))
    assert verify_credential(token, public_jwks(key), now=AWARDED)


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "https://evil.example/issuer"),
        ("jti", "urn:uuid:00000000-0000-0000-0000-000000000000"),
        ("sub", "urn:uuid:11111111-1111-1111-1111-111111111111"),
        ("nbf", int(AWARDED.timestamp()) - 3600),
    ],
)
def test_claims_that_disagree_with_the_credential_are_refused(credential, key, claim, value) -> None:
    claims = jwt.decode(sign_credential(credential, key, key_id(key)), options={"verify_signature": False})
    forged = jwt.encode({**claims, claim: value}, key, algorithm="EdDSA", headers={"kid": key_id(key)})
    with pytest.raises(CredentialError, match=f"claim '{claim}' does not match"):
        verify_credential(forged, public_jwks(key), now=LATER)


def test_an_expired_credential_is_refused(credential, key) -> None:
    expiring = {**credential, "validUntil": "2026-04-15T00:00:00Z"}
    token = sign_credential(expiring, key, key_id(key))
    assert jwt.decode(token, options={"verify_signature": False})["exp"] == int(
        datetime(2026, 4, 15, tzinfo=UTC).timestamp()
    )
    assert verify_credential(token, public_jwks(key), now=AWARDED) == expiring
    with pytest.raises(CredentialError, match="expired"):
        verify_credential(token, public_jwks(key), now=LATER)


@pytest.mark.parametrize(
    "garbage",
    ["", "not a jwt", "a.b.c", f"{segment({'alg': 'EdDSA'})}.{b64(b'[1, 2]')}.", "eyJ.eyJ.eyJ"],
)
def test_malformed_input_is_refused_with_a_credential_error(key, garbage) -> None:
    with pytest.raises(CredentialError):
        verify_credential(garbage, public_jwks(key), now=LATER)


def test_a_vc_data_model_1_1_token_is_refused(credential, key) -> None:
    # The pre-2024 OB 3.0 drafts wrapped the credential in a "vc" claim; the current text keeps that
    # for VCDM 1.1 credentials only (issuanceDate, not validFrom). We do not issue it, nor take it.
    claims = jwt.decode(sign_credential(credential, key, key_id(key)), options={"verify_signature": False})
    legacy = {name: claims[name] for name in ("iss", "jti", "sub", "nbf")} | {"vc": credential}
    wrapped = jwt.encode(legacy, key, algorithm="EdDSA", headers={"kid": key_id(key)})
    with pytest.raises(CredentialError, match="'vc' claim"):
        verify_credential(wrapped, public_jwks(key), now=LATER)


def test_a_malformed_key_set_is_refused(token) -> None:
    with pytest.raises(CredentialError, match="not a JWKS"):
        verify_credential(token, {"keys": "nope"}, now=LATER)


def test_a_signed_jwt_that_is_not_a_badge_is_refused(key) -> None:
    claims = {"iss": "x", "jti": "y", "sub": "z", "nbf": 0, "name": "just a JWT"}
    stray = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": key_id(key)})
    with pytest.raises(CredentialError, match="@context"):
        verify_credential(stray, public_jwks(key), now=LATER)


@pytest.mark.skipif(
    not os.environ.get("OB3_CREDENTIAL_SCHEMA"),
    reason="set OB3_CREDENTIAL_SCHEMA to a local copy of the 1EdTech JSON Schema (not redistributable)",
)
def test_the_credential_validates_against_the_official_json_schema(credential) -> None:
    """The schema is ``credentialSchema[0].id``; 1EdTech's licence does not let us ship a copy.

    Download it from
    https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json
    and point ``OB3_CREDENTIAL_SCHEMA`` at the file to run this check.
    """
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(Path(os.environ["OB3_CREDENTIAL_SCHEMA"]).read_text())
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(credential)] == []
    assert list(validator.iter_errors({**credential, "credentialSubject": {"type": ["AchievementSubject"]}}))


def test_the_key_set_holds_only_the_public_key(key) -> None:
    jwks = public_jwks(key)
    assert len(jwks["keys"]) == 1
    jwk = jwks["keys"][0]
    assert jwk.keys() == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")


def test_kid_is_the_rfc_7638_thumbprint() -> None:
    # The Ed25519 key of RFC 8037 appendix A.1, whose thumbprint appendix A.3 gives.
    d = base64.urlsafe_b64decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
    rfc_key = Ed25519PrivateKey.from_private_bytes(d)
    assert public_jwks(rfc_key)["keys"][0]["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert key_id(rfc_key) == key_id(rfc_key.public_key()) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_the_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "identity" / "badge-key.pem"
    first = load_or_create_badge_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_bytes()
    again = load_or_create_badge_key(path)
    assert path.read_bytes() == pem
    assert key_id(again) == key_id(first)


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ECOLAURA_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_cli_verifies_a_good_credential_and_refuses_a_tampered_one(
    var_dir: Path, tmp_path: Path, credential
) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["badges", "jwks"])
    assert shown.exit_code == 0, shown.output
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(shown.stdout)
    assert (var_dir / "identity" / "badge-key.pem").exists()

    key = load_or_create_badge_key(var_dir / "identity" / "badge-key.pem")
    good = tmp_path / "badge.jwt"
    good.write_text(sign_credential(credential, key, key_id(key)) + "\n")
    accepted = runner.invoke(cli, ["badges", "verify", str(good), "--jwks", str(jwks_file)])
    assert accepted.exit_code == 0, accepted.output
    assert "First slow-green order" in accepted.stdout
    assert f"urn:uuid:{RECIPIENT}" in accepted.stdout
    assert "http://127.0.0.1:8000/api/v1/badges/issuer" in accepted.stdout
    assert "2026-04-01T09:30:00Z" in accepted.stdout
    assert accepted.stdout.strip().endswith("valid")

    header, payload, signature = good.read_text().strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["id"] = f"urn:uuid:{uuid.uuid4()}"  # someone else claims the badge
    tampered = tmp_path / "tampered.jwt"
    tampered.write_text(f"{header}.{segment(claims)}.{signature}")
    refused = runner.invoke(cli, ["badges", "verify", str(tampered), "--jwks", str(jwks_file)])
    assert refused.exit_code == 1
    assert "not valid" in refused.output and "signature does not match" in refused.output
    assert "valid\n" not in refused.stdout
