"""The admins' list of every order (``GET /api/v1/admin/orders``), from the order list read model.

Served by the query side like every other list: the command side keeps the
orders' state for its rules and answers each command, and architecture.md puts
queries on projected read models, never on the write tables.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import QueryParameter

from ecolaura.http.openapi import stored
from projections.projectors.order_list import NAME as ORDER_LIST
from projections.projectors.order_list import sortable_time
from read_side.api.answers import answer
from read_side.api.controllers import MinPosition, _read_your_writes
from read_side.order_list import LIST_CURSOR_FORMAT, OrderFilter, list_orders
from read_side.queries import InvalidCursorError, ReadModels
from read_side.views import OrderRowPage, OrderStatus
from write_side.identity.guards import requires_role

ListCursor = Annotated[
    str | None,
    QueryParameter(
        description="next_cursor from the previous page (with the same filters): an opaque token only this API issues",
        max_length=128,
        schema_extra={"format": LIST_CURSOR_FORMAT},
    ),
]
# RFC 3339, as JSON Schema's date-time means it: with a time zone. Parsed here rather than by
# Litestar, whose lax conversion reads the text "null" as no value, and Python's fromisoformat as
# more forms than RFC 3339 has.
RFC3339 = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_PARTS = re.compile(r"([0-9-]{10})[Tt]([0-9:]{8})(?:\.([0-9]{1,9}))?([Zz]|[+-][0-9]{2}:[0-9]{2})")
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(UUID_PATTERN)
# A text, not a UUID | None: Litestar would read the text "null" as no customer at all.
CustomerId = Annotated[
    str | None,
    QueryParameter(
        description="only this customer's orders",
        max_length=36,
        schema_extra={"format": "uuid", "pattern": UUID_PATTERN},
    ),
]
Moment = Annotated[
    str | None,
    QueryParameter(
        description="an RFC 3339 date-time with its time zone",
        max_length=40,
        schema_extra={"format": "date-time", "pattern": RFC3339},
    ),
]


def _customer(text: str | None) -> str | None:
    if text is None:
        return None
    if not _UUID.fullmatch(text):
        raise ClientException(detail=f"customer_id '{text[:40]}' is not a UUID")
    return str(UUID(text))  # the stored form: lower case


def _moment(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    parts = _PARTS.fullmatch(text)
    try:
        if parts is None:
            raise ValueError(text)  # noqa: TRY301 - one answer for both ways of being wrong
        day, time, fraction, zone = parts.groups()
        # Python keeps microseconds: a finer fraction is cut, not refused.
        micro = f".{fraction[:6]:0<6}" if fraction else ""
        return datetime.fromisoformat(f"{day}T{time}{micro}{'+00:00' if zone in 'Zz' else zone}")
    except ValueError:
        raise ClientException(
            detail=f"{name} '{text[:40]}' is not an RFC 3339 date-time with a time zone"
        ) from None


class AdminOrderController(Controller):
    path = "/api/v1/admin/orders"
    tags = ["admin"]  # noqa: RUF012
    guards = [requires_role("admin")]  # noqa: RUF012

    @get(
        "/",
        operation_id="ListOrders",
        summary="Every order, newest first, filtered, a page at a time",
        description=(
            "Newest first by the time placed (then by order id, so the order is total and stable). "
            "`placed_from` is inclusive and `placed_to` exclusive. Pages are keyset pages: "
            "`next_cursor` names the last order of this page, and orders placed meanwhile never shift "
            "the next page. A page of one customer's orders of one status looks at up to 1,000 of the "
            "customer's orders; when it stops there it may hold fewer than `limit` items, and its "
            "`next_cursor` continues. `next_cursor` is null on the last page."
        ),
        responses=stored(OrderRowPage, "A page of orders"),
    )
    async def list(  # noqa: PLR0913 - the filters
        self,
        request: Request[Any, Any, Any],
        models: NamedDependency[ReadModels],
        status: Annotated[OrderStatus | None, QueryParameter(description="only orders in this state")] = None,
        customer_id: CustomerId = None,
        placed_from: Moment = None,
        placed_to: Moment = None,
        cursor: ListCursor = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100, description="items per page")] = 50,
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        start, end = _moment("placed_from", placed_from), _moment("placed_to", placed_to)
        if start and end and sortable_time(start) >= sortable_time(end):
            raise ClientException(detail="placed_from must be before placed_to")
        await _read_your_writes(models, ORDER_LIST, min_position)
        wanted = OrderFilter(
            status=status,
            customer_id=_customer(customer_id),
            placed_from=start,
            placed_to=end,
            cursor=cursor,
            limit=limit,
        )
        try:
            page = await list_orders(models, wanted)
        except InvalidCursorError as exc:
            raise ClientException(detail=str(exc)) from None
        following = b"null" if page.next_cursor is None else b'"' + page.next_cursor.encode() + b'"'
        body = b'{"items":[' + b",".join(page.rows) + b'],"next_cursor":' + following + b"}"
        return answer(request, body, page.position, cache="private, no-cache")
