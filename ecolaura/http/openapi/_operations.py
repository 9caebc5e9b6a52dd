"""What an operation's shape implies, read off its route handler: errors, security and headers.

One rule per cause, for every operation alike:

- parameters or a body: 400 (the schema's checks, as msgspec and Litestar apply them);
- a body: 413 (``request_max_body_size``);
- an id in the path: 404;
- a role guard: bearer security, 401 and 403; a caller without a guard (``actor``): 401;
- ``If-Match``: required, 412 when stale and 428 when missing;
- every operation but liveness: 503 when PostgreSQL or Redis cannot be reached;
- ``opt={"idempotent": True}`` (routes that dispatch a command): the ``Idempotency-Key`` header and
  422 when a key is reused for another request.

Routes add what their rules answer beyond this with ``responses=problems(...)``.
"""

from __future__ import annotations

from typing import Any, Final

from litestar.handlers import HTTPRouteHandler

from ecolaura.http.openapi._responses import PROBLEM_DESCRIPTIONS
from ecolaura.http.problems import PROBLEM_JSON
from write_side.identity.guards import RoleGuard, provide_actor

BEARER: Final = "bearerAuth"
SECURITY_SCHEMES: Final = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from `POST /api/v1/auth/signin` (or SuperTokens): RS256, 15 minutes.",
    }
}

# A printable key (str.isprintable on the header's latin-1 text) without the blanks an HTTP server
# trims from either end, so the key the server reads is the key that was sent.
_KEY_CHAR = r"\x21-\x7e\xa1-\xac\xae-\xff"
IDEMPOTENCY_KEY: Final = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Replays the first answer to the same request (same caller, method, path and decoded "
    "body) with `Idempotent-Replayed: true`; the same key with another request is a 422.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": f"^[{_KEY_CHAR}]([{_KEY_CHAR} ]*[{_KEY_CHAR}])?$",
    },
}
IF_MATCH_PATTERN: Final = r'^(W/)?"?[0-9]{1,9}"?$'
IF_NONE_MATCH: Final = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "the ETag of a copy the client holds: 304 while it is current",
    "schema": {"type": "string"},
}

# Operations that answer without PostgreSQL or Redis.
_NEEDS_NOTHING: Final = frozenset({"Live", "Jwks"})

_HEADERS_BY_STATUS: Final = {
    401: {"WWW-Authenticate": {"description": '`Bearer realm="ecolaura"`', "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}},
}


def problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": PROBLEM_DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in _HEADERS_BY_STATUS:
        response["headers"] = _HEADERS_BY_STATUS[status]
    return response


def _absent_not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A text parameter's ``str | None`` is its absence: no query string or header says null.

    Numbers keep their ``null``: Litestar reads the text ``null`` as None for them (msgspec's lax
    conversion), so ``price_min=null`` is accepted and the document must say so.
    """
    variants = schema.get("oneOf", [])
    kept = [v for v in variants if v != {"type": "null"}]
    if len(kept) != 1 or len(variants) != 2 or kept[0].get("type") != "string":
        return schema
    rest = {k: v for k, v in schema.items() if k != "oneOf"}
    return {**kept[0], **rest}


def roles_of(handler: HTTPRouteHandler) -> tuple[str, ...]:
    return tuple(
        role
        for layer in handler.ownership_layers
        for guard in layer.guards or ()
        if isinstance(guard, RoleGuard)
        for role in guard.roles
    )


def needs_caller(handler: HTTPRouteHandler) -> bool:
    """A role guard, or the ``actor`` dependency (which answers 401 without a valid token)."""
    return bool(roles_of(handler)) or any(
        provider.dependency is provide_actor for provider in handler.resolve_dependencies().values()
    )


def describe_operation(operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    """Add the errors, security and headers ``handler``'s shape implies to its ``operation``."""
    statuses = _inputs(operation, handler) | _caller(operation, handler)
    if operation["operationId"] not in _NEEDS_NOTHING:
        statuses.add(503)  # PostgreSQL or Redis unreachable (ecolaura.http.problems), with Retry-After
    responses: dict[str, Any] = operation["responses"]
    # Litestar documents its own validation error body; ours is a problem.
    responses.pop("400", None)
    for status in sorted(statuses):
        responses.setdefault(str(status), problem_response(status))
    for code, response in responses.items():  # routes' own problems too (429 from SignIn)
        if code.isdigit() and int(code) in _HEADERS_BY_STATUS:
            response["headers"] = _HEADERS_BY_STATUS[int(code)]


def _inputs(operation: dict[str, Any], handler: HTTPRouteHandler) -> set[int]:
    """Parameters and body: the headers the route reads itself, and what their checks answer."""
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    statuses: set[int] = set()
    if handler.opt.get("idempotent"):
        parameters.append(dict(IDEMPOTENCY_KEY))
        statuses.add(422)
    if "304" in operation["responses"]:
        parameters.append(IF_NONE_MATCH)
    for parameter in parameters:
        parameter["schema"] = _absent_not_null(parameter["schema"])
        if parameter["in"] == "path":
            statuses.add(404)
        if parameter["name"].lower() == "if-match":
            parameter.update(
                required=True,
                description="the product's version, as its ETag gives it",
                schema={"type": "string", "pattern": IF_MATCH_PATTERN},
            )
            statuses |= {412, 428}
    if "requestBody" in operation:
        statuses |= {400, 413}
        data = handler.parsed_fn_signature.parameters.get("data")
        if data is not None and (data.is_optional or data.has_default):
            operation["requestBody"]["required"] = False
    if parameters:
        statuses.add(400)
    else:
        del operation["parameters"]
    return statuses


def _caller(operation: dict[str, Any], handler: HTTPRouteHandler) -> set[int]:
    """Who may call: bearer security and the roles, or an explicitly public operation."""
    statuses: set[int] = set()
    if needs_caller(handler):
        operation["security"] = [{BEARER: []}]
        statuses.add(401)
    else:
        operation["security"] = []  # public: said, not left to a default
    if roles := roles_of(handler):
        operation["x-roles"] = list(roles)
        statuses.add(403)
    return statuses
