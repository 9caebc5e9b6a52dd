"""What routes declare about their answers: read models served as stored bytes, and business errors.

Errors that follow from an operation's shape (a body, parameters, a path id, a
guard) are added to every operation by :mod:`ecolaura.http.openapi._operations`;
routes declare only what their rules add (a conflict, a refusal).
"""

from __future__ import annotations

from typing import Final

import msgspec
from litestar.openapi.datastructures import ResponseSpec

from ecolaura.http.problems import PROBLEM_JSON, Problem

PROBLEM_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "The request does not fit this schema: malformed JSON, a wrong type, a value out of range, "
    "an unknown field, or a bad parameter or header (named in `detail`).",
    401: "No valid access token: send `Authorization: Bearer <access token>`.",
    402: "The payment was declined.",
    403: "The caller's roles do not allow this operation.",
    404: "Nothing exists at this address, or it is not the caller's to see.",
    409: "The request conflicts with the current state (named in `detail`).",
    412: "`If-Match` names an older version than the current one.",
    413: "The body is larger than the server accepts (64 KiB unless configured otherwise).",
    422: "A business rule refused the request (named in `detail`).",
    428: "`If-Match` is missing: send the version this change is based on.",
    429: "Too many failed sign-ins; retry after `Retry-After` seconds.",
    503: "A service this operation needs is unavailable or not configured (named in `detail`); "
    "retry later (after `Retry-After` seconds when given).",
}


def problem_spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_JSON,
        description=PROBLEM_DESCRIPTIONS[status],
        generate_examples=False,
    )


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """RFC 9457 problem answers a route's own rules add to those its shape implies."""
    return {status: problem_spec(status) for status in statuses}


def stored(
    view: type[msgspec.Struct], description: str, *errors: int, etag: bool = True
) -> dict[int, ResponseSpec]:
    """A 200 of a read model's stored JSON bytes, described by the struct they decode to.

    The route keeps answering ``Response[bytes]`` (no decoding, no re-encoding); only
    the document learns the shape. ``etag`` routes also answer 304 to ``If-None-Match``.
    """
    answers = {200: ResponseSpec(data_container=view, description=description, generate_examples=False)}
    if etag:
        answers[304] = ResponseSpec(data_container=None, description="Not modified: `If-None-Match` names it")
    return {**answers, **problems(*errors)}
