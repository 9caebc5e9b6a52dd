"""RFC 9457 problem details for every error, mapped in one place.

Domain errors map by class (404, 409, 412, 422, 403, 402); framework HTTP errors
keep their status; anything else is a 500 that is logged with its traceback and
answered without internals.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.types import ExceptionHandlersMap
from psycopg import OperationalError as PgOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError as SqlOperationalError

from write_side.domain import errors as domain
from write_side.identity.tokens import InvalidTokenError, SignInThrottledError

log = structlog.get_logger("ecolaura.http")

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://ecolaura.dev/problems/"

_STATUS_BY_ERROR: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.NotFoundError, 404),
    (domain.ConflictError, 409),
    (domain.VersionMismatchError, 412),
    (domain.ForbiddenError, 403),
    (domain.PaymentDeclinedError, 402),
    (domain.InvalidInputError, 422),
)


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem details body."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
    extra: dict[str, Any] | None = None


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def domain_error_handler(request: Request[Any, Any, Any], exc: domain.DomainError) -> Response[bytes]:
    status = next((code for cls, code in _STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    return problem_response(
        Problem(
            type=_TYPE_BASE + _slug(exc.title),
            title=exc.title,
            status=status,
            detail=exc.detail,
            instance=request.url.path,
            extra=exc.extra or None,
        )
    )


def validation_error_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    issues = exc.extra if isinstance(exc.extra, list) else []
    messages = [
        f"{i['key']}: {i['message']}" if i.get("key") else str(i["message"])
        for i in issues
        if isinstance(i, dict) and i.get("message")
    ]
    detail = "; ".join(messages) if messages else str(exc.detail)
    return problem_response(
        Problem(
            type=_TYPE_BASE + "invalid-request",
            title="Invalid request",
            status=exc.status_code,
            detail=detail,
            instance=request.url.path,
            errors=[i for i in issues if isinstance(i, dict)] or None,
        )
    )


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
}


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    title = _TITLES.get(status, "HTTP error")
    detail = str(exc.detail)
    if isinstance(exc.__cause__, SerializationException):
        title, detail = "Malformed JSON", f"the request body is not valid JSON: {detail}"
    if status == 404 and detail == "Not Found":
        detail = f"no resource at {request.method} {request.url.path}"
    extra = exc.extra if isinstance(exc.extra, dict) else None
    return problem_response(
        Problem(
            type="about:blank",
            title=title,
            status=status,
            detail=detail,
            instance=request.url.path,
            extra=extra,
        ),
        headers=exc.headers,
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.error("request.failed", path=request.url.path, error=type(exc).__name__, exc_info=exc)
    return problem_response(
        Problem(
            type="about:blank",
            title="Internal server error",
            status=500,
            detail="the server failed to handle this request; it has been logged with its request id",
            instance=request.url.path,
        )
    )


def unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Redis or PostgreSQL unreachable for a moment (restarting, paused, overloaded): 503, try again shortly."""
    log.warning("request.unavailable", path=request.url.path, error=f"{type(exc).__name__}: {exc}")
    return problem_response(
        Problem(
            type=_TYPE_BASE + "service-unavailable",
            title="Service unavailable",
            status=503,
            detail="a data store did not answer in time; try again (a retry with the same Idempotency-Key is safe)",
            instance=request.url.path,
        ),
        headers={"Retry-After": "2"},
    )


def invalid_token_handler(request: Request[Any, Any, Any], exc: InvalidTokenError) -> Response[bytes]:
    """A failed sign-in or refresh: 401, with the reason."""
    return problem_response(
        Problem(
            type="about:blank", title="Unauthorized", status=401, detail=str(exc), instance=request.url.path
        ),
        headers={"WWW-Authenticate": 'Bearer realm="ecolaura"'},
    )


def throttled_handler(request: Request[Any, Any, Any], exc: SignInThrottledError) -> Response[bytes]:
    return problem_response(
        Problem(
            type=_TYPE_BASE + "sign-in-throttled",
            title="Too many requests",
            status=429,
            detail=str(exc),
            instance=request.url.path,
        ),
        headers={"Retry-After": str(exc.retry_after)},
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    InvalidTokenError: invalid_token_handler,
    SignInThrottledError: throttled_handler,
    domain.DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    RedisConnectionError: unavailable_handler,
    RedisTimeoutError: unavailable_handler,
    PgOperationalError: unavailable_handler,  # lost connection, restart, timeouts, retries exhausted
    SqlOperationalError: unavailable_handler,
    Exception: unexpected_error_handler,
}
