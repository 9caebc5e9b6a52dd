"""OpenAPI links: what a client (and the stateful contract test) can do with what an answer names.

Keyed by the producing operation and status. ``min_position`` carries the command's
``X-Event-Log-Position`` to the query, which then waits (at most 2 s) for the read
model to catch up: read-your-writes, as a client would do it.
"""

from __future__ import annotations

from typing import Any, Final

_PRODUCT_ID = "$response.body#/id"
_ORDER_ID = "$response.body#/id"
_WRITTEN_AT = "$response.header.X-Event-Log-Position"


def _link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


_ORDER_COMMANDS: Final = {
    name: _link(name, f"{name} the order just answered", order_id=_ORDER_ID)
    for name in ("PayOrder", "MarkOrderPaid", "CancelOrder", "ShipOrder", "DeliverOrder", "RefundOrder")
}

_JOB = {
    "GetJob": _link("GetJob", "the job's progress", job_id="$response.body#/job_id"),
    "CancelJob": _link("CancelJob", "cancel the job", job_id="$response.body#/job_id"),
}

LINKS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "CreateProduct": {
        "201": {
            "GetProduct": _link(
                "GetProduct",
                "the product's card, once projected",
                product_id=_PRODUCT_ID,
                min_position=_WRITTEN_AT,
            ),
            "UpdateProduct": {
                **_link("UpdateProduct", "change the product at this version", product_id=_PRODUCT_ID),
                "parameters": {"product_id": _PRODUCT_ID, "header.If-Match": "$response.body#/version"},
            },
            "AdjustStock": _link("AdjustStock", "receive or write off stock", product_id=_PRODUCT_ID),
        }
    },
    "UpdateProduct": {
        "200": {
            "GetProduct": _link(
                "GetProduct",
                "the changed card, once projected",
                product_id=_PRODUCT_ID,
                min_position=_WRITTEN_AT,
            ),
        }
    },
    "PlaceOrder": {"201": _ORDER_COMMANDS},
    "MarkOrderPaid": {"200": _ORDER_COMMANDS},
    "ShipOrder": {"200": _ORDER_COMMANDS},
    "RebuildProjection": {"202": _JOB},
    "RunAnalytics": {"202": _JOB},
}
