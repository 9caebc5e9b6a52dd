"""Dispatch a command to its handler inside one unit of work, with idempotency and retries."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
import psycopg
import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.tracing import current_trace_id
from write_side.adapters import idempotency
from write_side.adapters.pg import Statement
from write_side.contracts.commands import Actor, Command
from write_side.contracts.events import EventMetadata, LogCursor
from write_side.domain.errors import InvalidInputError
from write_side.domain.ids import new_id
from write_side.service_layer.context import Context
from write_side.service_layer.handlers import HANDLERS, READ_AHEAD, Handler
from write_side.service_layer.metrics import IDEMPOTENT_REPLAYS
from write_side.service_layer.unit_of_work import SqlAlchemyUnitOfWork

log = structlog.get_logger("ecolaura.commands")

# Serialization failures and deadlocks are safe to retry: the transaction left nothing behind.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# A stream's next version taken by a concurrent command (streams whose version is computed
# without a row lock, such as a customer's): run again, from the state that command left.
_STREAM_VERSION_KEY = "uq_event_log_stream_id"


def _retryable(exc: Exception) -> bool:
    error = getattr(exc, "orig", exc)
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    diag = getattr(error, "diag", None)
    return sqlstate == "23505" and getattr(diag, "constraint_name", None) == _STREAM_VERSION_KEY


_MAX_ATTEMPTS = 3
_encoder = msgspec.json.Encoder()


class IdempotencyKeyReusedError(InvalidInputError):
    title = "Idempotency key reused"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    replayed: bool = False
    cursor: LogCursor | None = None


def _nothing(_: object) -> list[Statement]:
    return []


def utc_now() -> str:
    return datetime.now(UTC).isoformat()


class MessageBus:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Callable[[], str] = utc_now,
        handlers: dict[type, Handler] | None = None,
        command_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        # The command path drives BEGIN/COMMIT itself (see write_side.adapters.pg), so its
        # connections are in autocommit mode: an engine of its own keeps them so (no switching on
        # each checkout), or else this engine's connections are switched while the bus holds them.
        self._command_engine = command_engine or engine.execution_options(isolation_level="AUTOCOMMIT")
        self.clock = clock
        self.handlers = handlers or HANDLERS

    async def handle(
        self,
        command: Command,
        actor: Actor,
        correlation_id: str | None = None,
        claim: idempotency.IdempotencyClaim | None = None,
    ) -> Reply:
        """Run ``command`` once; replay the stored reply for a repeated idempotency key."""
        for attempt in range(1, _MAX_ATTEMPTS + 1):
            try:
                return await self._run(command, actor, correlation_id or new_id(), claim)
            except (DBAPIError, psycopg.Error) as exc:
                sqlstate = getattr(getattr(exc, "orig", exc), "sqlstate", None)
                if not _retryable(exc) or attempt == _MAX_ATTEMPTS:
                    raise
                log.warning("command.retry", command=type(command).__name__, sqlstate=sqlstate)
                await asyncio.sleep(0.005 * attempt)
        raise AssertionError("unreachable")

    async def _run(
        self,
        command: Command,
        actor: Actor,
        correlation_id: str,
        claim: idempotency.IdempotencyClaim | None,
    ) -> Reply:
        handler = self.handlers[type(command)]
        metadata = EventMetadata(
            correlation_id=correlation_id,
            causation_id=new_id(),
            actor_id=actor.actor_id,
            actor_role=actor.role,
            trace_id=current_trace_id(),
        )
        async with SqlAlchemyUnitOfWork(self._command_engine, metadata) as uow:
            ahead = [idempotency.claim_statement(claim)] if claim is not None else []
            ahead += READ_AHEAD.get(type(command), _nothing)(command)
            await uow.session.prefetch(ahead)  # BEGIN, the claim and the first read: one round trip
            if claim is not None:
                stored = await idempotency.claim(uow.session, claim)
                if stored is not None:
                    return self._replay(stored, claim)
            outcome = await handler(command, uow, Context(actor, self.clock()))
            body = _encoder.encode(outcome.body)
            if claim is not None:
                idempotency.complete(uow.session, claim, outcome.status, body)
            await uow.commit()
        return Reply(outcome.status, body, cursor=uow.cursor)

    @staticmethod
    def _replay(stored: idempotency.StoredResponse, claim: idempotency.IdempotencyClaim) -> Reply:
        if stored.request_hash != claim.request_hash:
            raise IdempotencyKeyReusedError(
                f"Idempotency-Key '{claim.key}' was already used with a different request; "
                "use a new key for a new request"
            )
        IDEMPOTENT_REPLAYS.inc()
        return Reply(stored.status, stored.body, replayed=True)
