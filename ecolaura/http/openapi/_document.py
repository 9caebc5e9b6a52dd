"""The API's OpenAPI document: Litestar's, finished on its way out.

Litestar builds paths, parameters and operation ids from the route handlers, lazily,
on the first request for ``/schema``. :class:`ContractConfig` hands Litestar a
document whose ``to_schema`` then finishes it, once, from the registered routes:

- every msgspec struct's schema is msgspec's own JSON Schema, the exact rules the
  server validates with (Litestar's translation drops some: bounds inside lists,
  ``exclusiveMinimum`` next to ``UNSET``, ``additionalProperties: false``);
- every operation gets the errors, security and headers its shape implies
  (:mod:`ecolaura.http.openapi._operations`) and its links (``_links``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any, Final

import msgspec
from litestar import Litestar, Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI
from litestar.routes import HTTPRoute

from ecolaura.http.openapi._links import LINKS
from ecolaura.http.openapi._operations import SECURITY_SCHEMES, describe_operation, problem_response

_REF = "#/components/schemas/{name}"

# Answers of handlers whose bodies belong to other modules (``health_handlers``), declared here.
_EXTRA_RESPONSES: Final[dict[str, dict[str, Any]]] = {
    "Ready": {
        "200": {
            "description": "Every dependency answers",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["status", "checks"],
                        "properties": {
                            "status": {"const": "ready"},
                            "checks": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                }
            },
        },
        "503": problem_response(503),
    },
}

# ``POST /webhooks/stripe`` reads its body raw (the signature covers the bytes), so no handler
# parameter tells Litestar what it is.
_REQUEST_BODIES: Final[dict[str, dict[str, Any]]] = {
    "StripeWebhook": {
        "required": True,
        "description": "A Stripe event, exactly as Stripe signed it",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["id", "type", "data"],
                    "properties": {
                        "id": {"type": "string"},
                        "type": {"type": "string"},
                        "data": {"type": "object"},
                    },
                }
            }
        },
    }
}


class ContractConfig(OpenAPIConfig):
    """``OpenAPIConfig`` whose document is finished from the app's routes (``attach`` the app)."""

    app: Litestar | None = None

    def attach(self, app: Litestar) -> None:
        self.app = app

    def to_openapi_schema(self) -> OpenAPI:
        base = super().to_openapi_schema()
        document = FinishedOpenAPI(**{f.name: getattr(base, f.name) for f in fields(base)})
        document.config = self
        return document


class FinishedOpenAPI(OpenAPI):
    config: ContractConfig | None = None

    def to_schema(self) -> dict[str, Any]:
        schema = super().to_schema()
        if self.config is not None and self.config.app is not None:
            finish(schema, self.config.app)
        return schema


def handlers_by_operation(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    """Each documented (path, method) with its handler, keyed as the document's paths are."""
    return {
        (route.path_format or "/", method.lower()): handler
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method, (handler, _) in route.route_handler_map.items()
    }


def finish(schema: dict[str, Any], app: Litestar) -> None:
    handlers = handlers_by_operation(app)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(msgspec_components(handlers.values()))
    components["securitySchemes"] = SECURITY_SCHEMES
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            handler = handlers.get((path, method))
            if handler is None or not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation_id = operation["operationId"]
            if operation_id in _REQUEST_BODIES:
                operation["requestBody"] = _REQUEST_BODIES[operation_id]
            describe_operation(operation, handler)
            operation["responses"].update(_EXTRA_RESPONSES.get(operation_id, {}))
            for status, links in LINKS.get(operation_id, {}).items():
                operation["responses"][status]["links"] = links


def msgspec_components(handlers: Iterable[HTTPRouteHandler]) -> dict[str, Any]:
    """msgspec's JSON Schema of every struct the handlers take or answer, by component name."""
    types = [t for handler in handlers for t in _types(handler) if _describable(t)]
    _, components = msgspec.json.schema_components(types, ref_template=_REF)
    return components


def _types(handler: HTTPRouteHandler) -> Iterator[Any]:
    signature = handler.parsed_fn_signature
    if (data := signature.parameters.get("data")) is not None:
        yield data.annotation
    returned = signature.return_type
    if returned.is_subclass_of(Response) and returned.inner_types:
        yield returned.inner_types[0].annotation
    else:
        yield returned.annotation
    for spec in (handler.responses or {}).values():
        if spec.data_container is not None:
            yield spec.data_container


def _describable(annotation: Any) -> bool:
    try:
        msgspec.json.schema(annotation)
    except (TypeError, ValueError):
        return False
    return True
