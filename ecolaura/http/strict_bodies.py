"""JSON request bodies read by the document's types: ``0`` is not ``false`` and ``"5"`` is not ``5``.

Litestar converts a body into its handler's struct with msgspec's lax rules
(``strict=False``), which also take numbers as booleans and numeric strings as
numbers: a body the OpenAPI document calls invalid would be accepted. Before
the handler runs, this decodes the body once more, strictly, and refuses it
(400) with msgspec's own words when the two readings would differ.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(annotation: Any) -> msgspec.json.Decoder[Any] | None:
    if annotation not in _DECODERS:
        is_struct = isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)
        _DECODERS[annotation] = msgspec.json.Decoder(annotation) if is_struct else None  # type: ignore[assignment]
    return _DECODERS[annotation]


async def refuse_lax_bodies(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: 400 when a JSON body holds a value of another type than the document's."""
    field = request.route_handler.parsed_data_field
    if field is None or request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return
    decoder = _decoder(field.annotation)
    if decoder is None:
        return
    body = await request.body()
    try:
        decoder.decode(body)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$")
        issue = {"message": message, "key": where.rstrip("`").lstrip("."), "source": "body"}
        raise ValidationException("the request body does not match its schema", extra=[issue]) from None
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's own reading answers that
