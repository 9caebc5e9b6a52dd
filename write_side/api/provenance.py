"""``/api/v1/provenance``: record EPCIS events in the transparency log; read timelines and proofs.

The log is the command side's own state (like a Certificate Transparency log, it
is the record, not a projection of one), so its proofs are read here, from
PostgreSQL. ``/01/{gtin}/…`` resolves a product's GS1 Digital Link to its passport.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Redirect

from ecolaura.http.openapi import problems
from write_side.adapters import provenance as store
from write_side.api.dispatch import bus_of, dispatch
from write_side.contracts import commands as c
from write_side.contracts.epcis import Capture
from write_side.domain.errors import InvalidInputError
from write_side.domain.provenance import link, parse_link
from write_side.identity.badge_key import public_jwks
from write_side.identity.guards import requires_role
from write_side.service_layer import provenance as log
from write_side.service_layer import results as r

LOG_KEY_STATE_KEY = "provenance_log_key"
MAX_SIZE = 2**53 - 1  # tree sizes stay exact in every JSON reader


@dataclass(frozen=True, slots=True)
class LogKey:
    key: Ed25519PrivateKey
    resolver: str | None  # GS1 Digital Link resolver base (else the request's own address)


def _log_key(request: Request[Any, Any, Any]) -> LogKey:
    found: LogKey = request.app.state[LOG_KEY_STATE_KEY]
    return found


def _resolver(request: Request[Any, Any, Any]) -> str:
    return (_log_key(request).resolver or str(request.base_url)).rstrip("/")


class ProvenanceController(Controller):
    path = "/api/v1/provenance"
    tags = ["provenance"]  # noqa: RUF012

    @post(
        "/events",
        operation_id="RecordProvenance",
        guards=[requires_role("admin", "supplier")],
        status_code=201,
        opt={"idempotent": True},
        summary="Record GS1 EPCIS 2.0 events (one, or an EPCISDocument) in the append-only provenance log",
        description=(
            "ObjectEvent and TransformationEvent, products named by GS1 Digital Link URIs. Each event is "
            "canonicalised (RFC 8785), hashed as an RFC 9162 leaf and appended with the Merkle subtrees it "
            "completes. Suppliers record events for their own products only."
        ),
        responses=problems(403, 422),
    )
    async def record(
        self, request: Request[Any, Any, Any], data: JSONBody[Capture]
    ) -> Response[r.ProvenanceAppended]:
        return await dispatch(request, c.RecordProvenance(data), data)  # type: ignore[return-value]

    @get(
        "/tree-head",
        operation_id="ProvenanceTreeHead",
        summary="The latest signed tree head of the log",
        responses=problems(404),
    )
    async def tree_head(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        head = await _fresh_head(request)
        if head is None:
            raise NotFoundException("the provenance log is empty: no tree head yet")
        return log.head_json(head)

    @get(
        "/consistency",
        operation_id="ProvenanceConsistency",
        summary="Proof (RFC 9162) that the log of size `to` extends the one of size `from`, with both signed heads",
        responses=problems(404, 422),
    )
    async def consistency(
        self,
        request: Request[Any, Any, Any],
        from_: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_SIZE)],
        to: Annotated[int, QueryParameter(ge=1, le=MAX_SIZE)],
    ) -> dict[str, Any]:
        if from_ > to:
            raise InvalidInputError("from must not exceed to", field="from")
        async with bus_of(request).engine.connect() as conn:
            found = await log.consistency(conn, from_, to)
        if found is None:
            raise NotFoundException(f"no signed tree head of size {from_} or {to}")
        return found

    @get(
        "/entries",
        operation_id="ProvenanceEntries",
        summary="The log's entries from `start` (at most 1,000): what a monitor replays to audit the whole log",
    )
    async def entries(
        self,
        request: Request[Any, Any, Any],
        start: Annotated[int, QueryParameter(ge=0, le=MAX_SIZE)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 1000,
    ) -> dict[str, Any]:
        async with bus_of(request).engine.connect() as conn:
            found = await store.entries_between(conn, start, start + limit)
        return {"entries": [log.event_json(e) for e in found]}

    @get("/keys", operation_id="ProvenanceKeys", summary="The public keys tree heads are signed with (JWKS)")
    async def keys(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        return public_jwks(_log_key(request).key)

    @get(
        "/{product_id:uuid}",
        operation_id="ProductProvenance",
        summary="A product's provenance timeline, each event with its inclusion proof against the signed tree head",
        responses=problems(404),
    )
    async def product(self, request: Request[Any, Any, Any], product_id: FromPath[UUID]) -> dict[str, Any]:
        await _fresh_head(request)
        async with bus_of(request).engine.connect() as conn:
            found = await store.product(conn, str(product_id))
            if found is None:
                raise NotFoundException(f"product {product_id} does not exist")
            return await log.timeline(conn, found, _resolver(request), public_jwks(_log_key(request).key))

    @get(
        "/{product_id:uuid}/qr.svg",
        operation_id="ProductDigitalLinkQr",
        summary="The product's GS1 Digital Link as a QR code (SVG): scanning it opens the passport",
        media_type="image/svg+xml",
        responses=problems(404),
    )
    async def qr(self, request: Request[Any, Any, Any], product_id: FromPath[UUID]) -> Response[bytes]:
        async with bus_of(request).engine.connect() as conn:
            found = await store.product(conn, str(product_id))
        if found is None:
            raise NotFoundException(f"product {product_id} does not exist")
        out = io.BytesIO()
        uri = link(_resolver(request), found.gtin)
        segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, title=uri)
        return Response(
            out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
        )


_next_issue = 0.0  # monotonic time this process next tries to issue a head (the worker does it too)


async def _fresh_head(request: Request[Any, Any, Any]) -> store.TreeHead | None:
    """The latest head, after issuing one if the log outgrew it a while ago (at most once per
    ``HEAD_EVERY`` per process: readers must not queue on the signing lock)."""
    global _next_issue  # noqa: PLW0603 - a per-process throttle
    async with bus_of(request).engine.connect() as conn:
        if time.monotonic() >= _next_issue:
            _next_issue = time.monotonic() + log.HEAD_EVERY.total_seconds()
            await log.issue_head(conn, _log_key(request).key, datetime.now(UTC), log.HEAD_EVERY)
        return await store.latest_head(conn)


@get(
    "/01/{path:path}",
    tags=["provenance"],
    operation_id="ResolveDigitalLink",
    include_in_schema=True,
    summary="A GS1 Digital Link of a product: redirects to its provenance passport",
    responses=problems(404),
)
async def resolve_digital_link(request: Request[Any, Any, Any], path: FromPath[str]) -> Redirect:
    try:
        code = parse_link(f"https://resolver/01{path}").gtin
    except InvalidInputError:
        raise NotFoundException("not a GS1 Digital Link of this shop") from None
    async with bus_of(request).engine.connect() as conn:
        product_id = await store.product_of_gtin(conn, code)
    if product_id is None:
        raise NotFoundException(f"no product has GTIN {code}")
    return Redirect(path=f"/passport/{product_id}", status_code=302)
