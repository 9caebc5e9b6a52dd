"""Badges as Open Badges 3.0 credentials: mine to download, and what a verifier needs to check them.

A credential is signed when it is asked for, from the badge the ``rewards``
projection says the customer earned; Ed25519 signatures are deterministic, so
asking again gives the same bytes. Verifiers fetch the issuer profile and its
key set here, or check offline with ``ecolaura badges verify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from ecolaura.http.openapi import problems
from read_side.api.controllers import REWARDS
from read_side.badges import AwardedBadge, Issuer, issuer_profile, open_badge_credential, sign_credential
from read_side.queries import ReadModels
from write_side.contracts.commands import Actor
from write_side.domain import badges
from write_side.identity.badge_key import key_id, public_jwks
from write_side.identity.guards import provide_actor, requires_role

JWKS_PATH = "/api/v1/badges/jwks.json"
VC_JWT = "application/vc+jwt"  # the media type of a credential secured as a JWT (VC-JOSE-COSE)
_decoder = msgspec.json.Decoder()


@dataclass(frozen=True, slots=True)
class BadgeIssuer:
    """The platform as the issuer of badges: its key, and where it says it lives."""

    key: Ed25519PrivateKey
    public_url: str | None

    def issuer(self, request: Request[Any, Any, Any]) -> Issuer:
        return Issuer(base_url=(self.public_url or str(request.base_url)).rstrip("/"))

    @property
    def kid(self) -> str:
        return key_id(self.key)


class MyBadgeController(Controller):
    path = "/api/v1/me/badges"
    tags = ["rewards"]  # noqa: RUF012
    guards = [requires_role("customer")]  # noqa: RUF012
    dependencies = {"actor": Provide(provide_actor)}  # noqa: RUF012

    @get(
        "/{badge_id:str}/credential",
        operation_id="MyBadgeCredential",
        summary="One of my badges as an Open Badges 3.0 credential, signed (VC-JWT), to keep or share",
        media_type=VC_JWT,
        responses=problems(404),
    )
    async def credential(
        self,
        request: Request[Any, Any, Any],
        badge_id: FromPath[str],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
        badge_issuer: NamedDependency[BadgeIssuer],
    ) -> Response[bytes]:
        rule = badges.BADGES.get(badge_id)
        raw = (await models.documents(REWARDS, f"customer:{actor.actor_id}")).documents[0]
        earned_at = _decoder.decode(raw).get("badges", {}).get(badge_id) if raw and rule else None
        if rule is None or earned_at is None:
            raise NotFoundException(f"you have not earned a badge '{badge_id}'")
        badge = AwardedBadge(badge_id, rule.name, rule.description, badges.criteria(rule), earned_at)
        credential = open_badge_credential(badge, actor.actor_id, badge_issuer.issuer(request))
        token = sign_credential(credential, badge_issuer.key, badge_issuer.kid)
        return Response(
            token.encode(),
            media_type=VC_JWT,
            headers={
                "Content-Disposition": f'attachment; filename="ecolaura-{badge_id}.jwt"',
                "Cache-Control": "private, no-store",
            },
        )


class BadgeIssuerController(Controller):
    path = "/api/v1/badges"
    tags = ["rewards"]  # noqa: RUF012

    @get("/issuer", operation_id="BadgeIssuer", summary="The issuer profile badge credentials name")
    async def issuer(
        self, request: Request[Any, Any, Any], badge_issuer: NamedDependency[BadgeIssuer]
    ) -> dict[str, Any]:
        issuer = badge_issuer.issuer(request)
        return issuer_profile(issuer, issuer.base_url + JWKS_PATH)

    @get("/jwks.json", operation_id="BadgeKeys", summary="The public keys badge credentials are signed with")
    async def jwks(self, badge_issuer: NamedDependency[BadgeIssuer]) -> dict[str, Any]:
        return public_jwks(badge_issuer.key)

    @get(
        "/achievements/{badge_id:str}",
        operation_id="BadgeAchievement",
        summary="What a badge stands for: its name, description and criteria",
        responses=problems(404),
    )
    async def achievement(self, badge_id: FromPath[str]) -> dict[str, Any]:
        rule = badges.BADGES.get(badge_id)
        if rule is None:
            raise NotFoundException(f"no badge '{badge_id}'; badges: {', '.join(sorted(badges.BADGES))}")
        return {
            "id": rule.id,
            "type": ["Achievement"],
            "name": rule.name,
            "description": rule.description,
            "criteria": {"narrative": badges.criteria(rule)},
        }
