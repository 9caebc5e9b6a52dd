"""``/api/v1/me/export`` and ``/api/v1/me/erase``: the caller's own personal data (GDPR art. 15, 17, 20)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import JSONBody
from msgspec import Meta

from ecolaura.http.openapi import problems
from write_side.adapters import privacy
from write_side.api.dispatch import bus_of, dispatch
from write_side.api.schemas import Base
from write_side.contracts import commands as c
from write_side.identity.guards import actor_of, requires_role
from write_side.service_layer import results as r

CONFIRMATION = "erase my personal data"


class EraseIn(Base):
    """Erasure cannot be undone: the caller must say so."""

    confirm: Annotated[
        str,
        Meta(
            max_length=100,
            description=f"exactly '{CONFIRMATION}'",
            extra_json_schema={"enum": [CONFIRMATION]},
        ),
    ]


class PrivacyController(Controller):
    path = "/api/v1/me"
    tags = ["privacy"]  # noqa: RUF012
    guards = [requires_role("customer")]  # noqa: RUF012

    @get(
        "/export",
        operation_id="ExportMyData",
        summary="Everything the platform holds about me, as JSON (personal fields decrypted)",
        responses=problems(404),
    )
    async def export(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        actor = await actor_of(request)
        async with bus_of(request).engine.connect() as conn:
            data = await privacy.export(conn, actor.actor_id)
        if data is None:
            raise NotFoundException("no customer profile belongs to this account")
        return Response(
            data,
            headers={
                "Content-Disposition": f'attachment; filename="ecolaura-export-{actor.actor_id}.json"',
                "Cache-Control": "no-store",
            },
        )

    @post(
        "/erase",
        operation_id="EraseMyData",
        status_code=200,
        summary="Forget me: pseudonymize my profile, shred my key, end my sessions (amounts stay for the law)",
        opt={"idempotent": True},
        responses=problems(404),
    )
    async def erase(
        self, request: Request[Any, Any, Any], data: JSONBody[EraseIn]
    ) -> Response[r.ErasureResult]:
        if data.confirm != CONFIRMATION:
            raise ClientException(
                f'erasure cannot be undone: to go ahead, send {{"confirm": "{CONFIRMATION}"}}'
            )
        actor = await actor_of(request)
        return await dispatch(request, c.EraseCustomer(actor.actor_id), data)  # type: ignore[return-value]
