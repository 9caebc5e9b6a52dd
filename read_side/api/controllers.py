"""Query routes: stored bytes out of Redis, with ETags, read positions and read-your-writes."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from arq.connections import ArqRedis
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, QueryParameter, SkipValidation

from analytics.read_model import NAME as ANALYTICS
from ecolaura.http.openapi import problems, stored
from projections.dead_letters import DeadLetterNotFoundError, DeadLetterStateError, list_dead_letters
from projections.dead_letters import retry as retry_letter
from projections.dead_letters import skip as skip_letter
from projections.jobs import FINISHED, JobConflictError, enqueue_rebuild, job_key, request_cancel
from projections.projectors.orders import empty_dashboard
from projections.registry import UnknownProjectionError, check_known
from projections.status import PlatformStatus, platform_status
from projections.store import as_text
from read_side.api.answers import answer as _answer
from read_side.queries import (
    CURSOR_FORMAT,
    POSITION_FORMAT,
    POSITION_PATTERN,
    InvalidCursorError,
    LogReader,
    ReadModels,
    decode_offset_cursor,
    encode_offset_cursor,
    parse_position,
)
from read_side.views import Dashboard, OrderPage, OrderView, ProductCard, ProductPage
from write_side.contracts.commands import Actor
from write_side.identity.guards import provide_actor, requires_role

CATALOG = "product_cards"
ORDERS = "order_views"
DASHBOARDS = "customer_dashboards"
REWARDS = "rewards"
JSON = "application/json"
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="items per page")]
MinPosition = Annotated[
    str | None,
    QueryParameter(
        description="wait (up to 2 s) until the read model has applied this X-Event-Log-Position",
        # parse_position checks the pattern and names the parameter in its 400.
        schema_extra={"format": POSITION_FORMAT, "pattern": POSITION_PATTERN},
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        description="next_cursor from the previous page: an opaque token only this API issues",
        max_length=64,
        schema_extra={"format": CURSOR_FORMAT},
    ),
]

_SORTS = {
    "price": ("price", False),
    "-price": ("price", True),
    "popularity": ("popularity", True),
    "newest": ("newest", True),
    "eco": ("eco", True),  # best eco score first
}


def _page_body(items: list[bytes], total: int, next_offset: int | None) -> bytes:
    cursor = b"null" if next_offset is None else b'"' + encode_offset_cursor(next_offset).encode() + b'"'
    return (
        b'{"items":['
        + b",".join(items)
        + b'],"total":'
        + str(total).encode()
        + b',"next_cursor":'
        + cursor
        + b"}"
    )


async def _read_your_writes(models: ReadModels, projection: str, min_position: str | None) -> None:
    if min_position is None:
        return
    try:
        target = parse_position(min_position)
    except InvalidCursorError as exc:
        raise ClientException(detail=str(exc)) from None
    await models.wait_for(projection, target)


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        return decode_offset_cursor(cursor)
    except InvalidCursorError as exc:
        raise ClientException(detail=str(exc)) from None


MODELS_STATE_KEY = "read_models"


def models_of(request: Request[Any, Any, Any]) -> ReadModels:
    """The read models the app's lifespan put in its state.

    The catalog's hot routes read them here rather than through Litestar's dependency injection,
    which costs a resolution step on every request (as on the order path).
    """
    return request.app.state[MODELS_STATE_KEY]  # type: ignore[no-any-return]


class CatalogController(Controller):
    path = "/api/v1/catalog"
    tags = ["catalog"]  # noqa: RUF012

    @get(
        "/products/{product_id:uuid}",
        operation_id="GetProduct",
        summary="A product card",
        responses=stored(ProductCard, "The product's card, as projected"),
    )
    async def product(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[UUID],
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        models = models_of(request)
        if min_position is not None:
            await _read_your_writes(models, CATALOG, min_position)
        found = await models.documents(CATALOG, f"product:{product_id}")
        card = found.documents[0]
        if card is None:
            raise NotFoundException(f"product {product_id} does not exist (or is not projected yet)")
        return _answer(request, card, found.position, cache="public, max-age=5, stale-while-revalidate=30")

    @get(
        "/products",
        operation_id="ListProducts",
        summary="Active products, by category, sorted, paginated",
        responses=stored(ProductPage, "A page of product cards"),
    )
    async def listing(  # noqa: PLR0913 - query parameters
        self,
        request: Request[Any, Any, Any],
        category: Annotated[str | None, QueryParameter(max_length=80)] = None,
        sort: Annotated[
            Literal["price", "-price", "popularity", "newest", "eco"], QueryParameter()
        ] = "popularity",
        cursor: Cursor = None,
        limit: Limit = 24,
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        models = models_of(request)
        await _read_your_writes(models, CATALOG, min_position)
        index, descending = _SORTS[sort]
        page = await models.page(
            CATALOG,
            f"listing:{category or 'all'}:{index}",
            "product:",
            _offset(cursor),
            limit,
            descending=descending,
        )
        return _answer(
            request,
            _page_body(page.items, page.total, page.next_offset),
            page.position,
            cache="public, max-age=5, stale-while-revalidate=30",
        )


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["account"]  # noqa: RUF012
    dependencies = {"actor": Provide(provide_actor)}  # noqa: RUF012

    @get(
        "/orders",
        operation_id="MyOrders",
        summary="My orders, newest first",
        responses=stored(OrderPage, "A page of my orders"),
    )
    async def orders(  # noqa: PLR0913
        self,
        request: Request[Any, Any, Any],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
        cursor: Cursor = None,
        limit: Limit = 20,
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        await _read_your_writes(models, ORDERS, min_position)
        page = await models.page(
            ORDERS,
            f"orders:{actor.actor_id}",
            f"order:{actor.actor_id}:",
            _offset(cursor),
            limit,
            descending=True,
        )
        return _answer(
            request,
            _page_body(page.items, page.total, page.next_offset),
            page.position,
            cache="private, no-cache",
        )

    @get(
        "/orders/{order_id:uuid}",
        operation_id="MyOrder",
        summary="One of my orders",
        responses=stored(OrderView, "The order's view, with its history and footprint"),
    )
    async def order(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[UUID],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        await _read_your_writes(models, ORDERS, min_position)
        # Keyed by customer: another customer's order id simply is not there.
        found = await models.documents(ORDERS, f"order:{actor.actor_id}:{order_id}")
        if found.documents[0] is None:
            raise NotFoundException(f"order {order_id} does not exist")
        return _answer(request, found.documents[0], found.position, cache="private, no-cache")

    @get(
        "/dashboard",
        operation_id="MyDashboard",
        summary="My orders, spend and refunds at a glance",
        responses=stored(Dashboard, "My totals, live, with the latest analytics run's view of me"),
    )
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        await _read_your_writes(models, DASHBOARDS, min_position)
        found = await models.documents(DASHBOARDS, f"dashboard:{actor.actor_id}")
        board = _json.decode(found.documents[0]) if found.documents[0] else empty_dashboard(actor.actor_id)
        # Live totals come from the dashboard projection, eco points (the ledger balance) from the
        # rewards projection, and the analytics view of the customer from the latest run (or null).
        impact = (await models.documents(ANALYTICS, f"impact:customer:{actor.actor_id}")).documents[0]
        rewards = (await models.documents(REWARDS, f"customer:{actor.actor_id}")).documents[0]
        board["impact"] = _json.decode(impact) if impact else None
        board["eco_points"] = _json.decode(rewards)["balance"] if rewards else 0
        return _answer(request, _encoder.encode(board), found.position, cache="private, no-cache")


_json = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


class AdminProjectionController(Controller):
    path = "/api/v1/admin/projections"
    tags = ["admin"]  # noqa: RUF012
    guards = [requires_role("admin")]  # noqa: RUF012

    @get(
        "/",
        operation_id="ProjectionStatus",
        summary="Every projection's generation, checkpoint, lag and state, and the background processes",
        description=(
            "Assembled when asked: checkpoints are read from the read models, head and lag are counted "
            "from the event log now, and a projection whose projector stopped beating is `stalled`, "
            "whatever it last reported. `processes` lists the projector and worker heartbeats. "
            "`oldest_transactions` names the oldest open PostgreSQL transaction holding a transaction id "
            "(no event committed after it is projected until it ends, and the lag cannot show those "
            "events) and the oldest holding only a snapshot, anywhere on the cluster."
        ),
    )
    async def status(
        self, models: NamedDependency[ReadModels], log_reader: NamedDependency[SkipValidation[LogReader]]
    ) -> PlatformStatus:
        return await platform_status(models.redis, log_reader.reader)


class AdminOperationsController(Controller):
    """Rebuilds as jobs and decisions about parked events: writes to Redis only, never to PostgreSQL."""

    path = "/api/v1/admin"
    tags = ["admin"]  # noqa: RUF012
    guards = [requires_role("admin")]  # noqa: RUF012
    dependencies = {"actor": Provide(provide_actor)}  # noqa: RUF012

    @post(
        "/projections/{name:str}/rebuild",
        operation_id="RebuildProjection",
        status_code=202,
        summary="Rebuild a projection beside the live one (an arq job); poll the job for progress",
        responses=problems(409),
    )
    async def rebuild(
        self,
        name: FromPath[str],
        models: NamedDependency[ReadModels],
        jobs: NamedDependency[ArqRedis],
        actor: NamedDependency[Actor],
    ) -> dict[str, str]:
        try:
            job_id = await enqueue_rebuild(models.redis, jobs, name, actor.actor_id)
        except UnknownProjectionError as exc:
            raise NotFoundException(str(exc)) from None
        except JobConflictError as exc:
            raise ClientException(status_code=409, detail=str(exc)) from None
        return {"job_id": job_id, "status_url": f"/api/v1/admin/jobs/{job_id}"}

    @get("/jobs/{job_id:str}", operation_id="GetJob", summary="A job's state and progress")
    async def job(self, job_id: FromPath[str], models: NamedDependency[ReadModels]) -> dict[str, str]:
        raw = await models.redis.hgetall(job_key(job_id))
        if not raw:
            raise NotFoundException(f"no job {job_id}")
        return {as_text(k): as_text(v) for k, v in raw.items()}

    @delete(
        "/jobs/{job_id:str}",
        operation_id="CancelJob",
        status_code=202,
        summary="Cancel a job; a cancelled rebuild resumes where it stopped when started again",
        responses=problems(409),
    )
    async def cancel(self, job_id: FromPath[str], models: NamedDependency[ReadModels]) -> dict[str, str]:
        state = await request_cancel(models.redis, job_id)
        if state is None:
            raise NotFoundException(f"no job {job_id}")
        if state in FINISHED:
            raise ClientException(status_code=409, detail=f"job {job_id} has already finished ({state})")
        return {"job_id": job_id, "state": "cancelling"}

    @get(
        "/projections/{name:str}/dead-letters",
        operation_id="DeadLetters",
        summary="Events a projection parked",
    )
    async def dead_letters(
        self, name: FromPath[str], models: NamedDependency[ReadModels]
    ) -> list[dict[str, Any]]:
        _known(name)
        return await list_dead_letters(models.redis, name)

    @post(
        "/projections/{name:str}/dead-letters/{position:int}/retry",
        operation_id="RetryDeadLetter",
        status_code=200,
        summary="Try the parked event again (after a fix)",
        responses=problems(409),
    )
    async def retry(
        self,
        name: FromPath[str],
        position: FromPath[int],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
    ) -> dict[str, str]:
        _known(name)
        await _decide(retry_letter(models.redis, name, position, actor.actor_id))
        return {"projection": name, "position": str(position), "resolution": "retried"}

    @post(
        "/projections/{name:str}/dead-letters/{position:int}/skip",
        operation_id="SkipDeadLetter",
        status_code=200,
        summary="Skip the parked event for good; who skipped it is recorded",
        responses=problems(409),
    )
    async def skip(
        self,
        name: FromPath[str],
        position: FromPath[int],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
    ) -> dict[str, str]:
        _known(name)
        await _decide(skip_letter(models.redis, name, position, actor.actor_id))
        return {"projection": name, "position": str(position), "resolution": "skipped"}


def _known(name: str) -> None:
    try:
        check_known(name)
    except UnknownProjectionError as exc:
        raise NotFoundException(str(exc)) from None


async def _decide(decision: Awaitable[None]) -> None:
    try:
        await decision
    except DeadLetterNotFoundError as exc:
        raise NotFoundException(str(exc)) from None
    except DeadLetterStateError as exc:
        raise ClientException(status_code=409, detail=str(exc)) from None
