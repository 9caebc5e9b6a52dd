"""Answering with stored JSON bytes: ETag, Cache-Control, the read position and 304."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, Response

from projections.store import encode_cursor
from write_side.contracts.events import LogCursor

JSON = "application/json"


def etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'


def _if_none_match(request: Request[Any, Any, Any]) -> set[str]:
    """The tags in If-None-Match (every line of it), read off the raw ASGI headers: on the hottest
    routes, building Litestar's Headers object costs more than the rest of the answer."""
    return {
        given.strip().removeprefix("W/")
        for name, value in request.scope["headers"]
        if name == b"if-none-match"
        for given in value.decode("latin-1").split(",")
    }


def answer(
    request: Request[Any, Any, Any], body: bytes, position: LogCursor, *, cache: str
) -> Response[bytes]:
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": cache, "X-Read-Position": encode_cursor(position)}
    if tag in _if_none_match(request):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=body, media_type=JSON, headers=headers)
