"""JSON request bodies read by the document's types: ``0`` is not ``false`` and ``"5"`` is not ``5``.

Litestar converts a body into its handler's struct with msgspec's lax rules
(``strict=False``), which also take numbers as booleans and numeric strings as
numbers: a body the OpenAPI document calls invalid would be accepted. Before
the handler runs, this reads the body once more the way JSON Schema does
(``2.0`` is an integer, ``"2"`` and ``0``-for-``false`` are not) and refuses it
(400) with msgspec's own words when it does not match.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_STRUCTS: dict[Any, bool] = {}


def _is_struct(annotation: Any) -> bool:
    if annotation not in _STRUCTS:
        _STRUCTS[annotation] = isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)
    return _STRUCTS[annotation]


def _as_json_schema_reads(value: Any) -> Any:
    """``value`` with every float that has no fractional part as an int, as JSON Schema counts them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_as_json_schema_reads(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_json_schema_reads(v) for k, v in value.items()}
    return value


async def refuse_lax_bodies(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: 400 when a JSON body holds a value of another type than the document's."""
    field = request.route_handler.parsed_data_field
    if field is None or not _is_struct(field.annotation):
        return
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return
    try:
        raw = msgspec.json.decode(await request.body())
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's own reading answers that
    try:
        msgspec.convert(_as_json_schema_reads(raw), field.annotation, strict=True)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$")
        issue = {"message": message, "key": where.rstrip("`").lstrip("."), "source": "body"}
        raise ValidationException("the request body does not match its schema", extra=[issue]) from None
