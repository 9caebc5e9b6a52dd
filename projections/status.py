"""The projections' status as it is now, not as a process last said it was.

A projector writes a report into each projection's status hash every second
(generation, checkpoint, the process that reported), and beats from a thread
(``projections.heartbeats``). A report alone outlives its writer: after a
SIGKILL it would go on saying "lag 0". So the status is assembled at read time:

- the checkpoint of a Redis projection is read from its live generation, and
  the head and lag are counted from the log now;
- the search index and the lake keep their checkpoint themselves, so their
  reported checkpoint is used (the committed one once their projector is gone,
  because that is where a new one resumes);
- ``stalled``: the process that reported is not beating any more, or it is
  beating but has not reported for ``REPORT_STALE_AFTER`` seconds (stuck);
  ``failed``: stopped at a poison event; ``never run``: no report yet.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal

import msgspec
import redis.asyncio as aioredis

from projections import keys
from projections.heartbeats import ProcessBeat, beats
from projections.registry import ALL_NAMES, LAKE, OWN_GENERATION
from projections.runner import dead_letters_key, live_generation
from projections.store import as_text, decode_cursor, encode_cursor
from write_side.adapters.event_log import EventLogReader
from write_side.adapters.horizon import OpenTransaction
from write_side.contracts.events import LogCursor

REPORT_STALE_AFTER = 30.0
LAG_COUNT_CAP = 1_000_000  # counting further costs more than the figure is worth

State = Literal["live", "stalled", "failed", "never run"]


class ProjectionStatus(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    generation: int
    state: State
    checkpoint: str | None
    head: str | None
    lag_events: int
    lag_seconds: float
    reported_by: str | None
    reported_at: float | None
    heartbeat_age_seconds: float | None
    failed_position: int | None = None
    error: str | None = None
    rebuilding_generation: int | None = None
    rebuild_done: int | None = None
    rebuild_total: int | None = None
    dead_letters: int = 0


class ProcessStatus(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: str
    name: str
    alive: bool
    heartbeat_age_seconds: float
    started_at: float
    detail: str


class PlatformStatus(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    checked_at: float
    head: str | None
    projections: list[ProjectionStatus]
    processes: list[ProcessStatus]
    # The oldest open transaction holding a transaction id and the oldest holding only a snapshot,
    # anywhere on the PostgreSQL cluster, oldest first: the first kind holds every event committed
    # after it out of the read models, unseen by the lag (write_side.adapters.horizon).
    oldest_transactions: list[OpenTransaction]


def _int(raw: dict[str, str], field: str) -> int | None:
    return int(raw[field]) if raw.get(field) else None


def _state(raw: dict[str, str], beat: ProcessBeat | None, checkpoint: LogCursor, now: float) -> State:
    if raw.get("state") == "failed":
        return "failed"
    if not raw.get("reported_by") and checkpoint == LogCursor():
        return "never run"
    if beat is None or not beat.live:
        return "stalled"
    reported_at = float(raw.get("updated_at", 0))
    return "stalled" if now - reported_at > REPORT_STALE_AFTER else "live"


async def _checkpoint(redis: aioredis.Redis, name: str, raw: dict[str, str], alive: bool) -> LogCursor:
    if name not in OWN_GENERATION:
        generation = await live_generation(redis, name)
        return decode_cursor(await redis.get(keys.checkpoint(name, generation)))
    reported = raw.get("checkpoint") if alive else raw.get("committed") or raw.get("checkpoint")
    return decode_cursor(reported)


async def projection_status(  # noqa: PLR0913 - one projection's sources
    redis: aioredis.Redis,
    reader: EventLogReader | None,
    name: str,
    by_name: dict[str, ProcessBeat],
    head: LogCursor | None,
    now: float,
) -> ProjectionStatus:
    raw = {as_text(k): as_text(v) for k, v in (await redis.hgetall(keys.status(name))).items()}
    reporter = raw.get("reported_by")
    beat = by_name.get(reporter) if reporter else None
    alive = beat is not None and beat.live
    checkpoint = await _checkpoint(redis, name, raw, alive)
    state = _state(raw, beat, checkpoint, now)
    if reader is not None:
        lag_events, lag_seconds = await reader.lag(checkpoint, cap=LAG_COUNT_CAP)
    else:  # no database to ask: the last report is all there is
        lag_events, lag_seconds = int(raw.get("lag_events", 0)), float(raw.get("lag_seconds", 0))
    failed = state == "failed"
    return ProjectionStatus(
        name=name,
        generation=int(raw.get("generation", 1))
        if name in OWN_GENERATION
        else await live_generation(redis, name),
        state=state,
        checkpoint=encode_cursor(checkpoint) if checkpoint != LogCursor() else raw.get("checkpoint"),
        head=encode_cursor(head) if head is not None else raw.get("head"),
        lag_events=lag_events,
        lag_seconds=round(lag_seconds, 3),
        reported_by=reporter,
        reported_at=float(raw["updated_at"]) if raw.get("updated_at") else None,
        heartbeat_age_seconds=round(beat.age(now), 3) if beat is not None else None,
        failed_position=_int(raw, "failed_position") if failed else None,
        error=raw.get("error") if failed else None,
        rebuilding_generation=_int(raw, "rebuilding_generation"),
        rebuild_done=_int(raw, "rebuild_done"),
        rebuild_total=_int(raw, "rebuild_total"),
        dead_letters=await redis.scard(dead_letters_key(name)),
    )


async def platform_status(
    redis: aioredis.Redis, reader: EventLogReader | None, names: tuple[str, ...] = ALL_NAMES
) -> PlatformStatus:
    """Every projection's status and every background process's heartbeat, as of now."""
    now = time.time()
    processes = await beats(redis)
    by_name = {b.name: b for b in processes if b.kind == "projector"}
    head = await reader.head() if reader is not None else None
    holders = await reader.horizon_holders() if reader is not None else []
    return PlatformStatus(
        checked_at=now,
        head=encode_cursor(head) if head is not None else None,
        # Side by side: readiness is asked under load, and load balancers give up after a second or two.
        projections=list(
            await asyncio.gather(
                *(projection_status(redis, reader, name, by_name, head, now) for name in sorted(names))
            )
        ),
        processes=[
            ProcessStatus(
                kind=b.kind,
                name=b.name,
                alive=b.live,
                heartbeat_age_seconds=round(b.age(now), 3),
                started_at=b.started_at,
                detail=b.detail,
            )
            for b in processes
        ],
        oldest_transactions=holders,
    )


# The read models the APIs answer from; the lake feeds analysts in batches and may lag by design.
SERVING: tuple[str, ...] = tuple(n for n in ALL_NAMES if n != LAKE)


def serving_problems(status: PlatformStatus, max_lag_seconds: float) -> list[str]:
    """Why the read models cannot be trusted right now, in words an operator can act on."""
    problems: list[str] = []
    stalled: dict[str, list[str]] = {}  # by the projector that left them
    for p in status.projections:
        if p.name not in SERVING:
            continue
        if p.state == "failed":
            problems.append(f"{p.name} stopped at event {p.failed_position} ({p.error})")
        elif p.state == "stalled":
            stalled.setdefault(p.reported_by or "no process", []).append(p.name)
        elif p.state == "never run":
            problems.append(f"{p.name} has never been projected: start `ecolaura project`")
        elif p.lag_seconds > max_lag_seconds:
            problems.append(f"{p.name} is {p.lag_seconds:.1f} s ({p.lag_events} events) behind the log")
    beat_ages = {b.name: b.heartbeat_age_seconds for b in status.processes}
    for reporter, names in stalled.items():
        age = beat_ages.get(reporter)
        last = f"{reporter} last beat {age:.1f} s ago" if age is not None else f"{reporter} is gone"
        problems.append(f"no projector is running ({last}): {', '.join(names)} not being projected")
    held = horizon_problem(status, max_lag_seconds)
    return [*problems, held] if held else problems


def horizon_problem(status: PlatformStatus, max_lag_seconds: float) -> str | None:
    """A transaction holding a transaction id for longer than the lag allowed: the read models wait.

    The lag cannot show it (the events it holds back are above the horizon, not yet readable), so
    this is the readiness check's only sight of it.
    """
    holder = next((t for t in status.oldest_transactions if t.holds_xid), None)
    if holder is None or holder.age_seconds is None or holder.age_seconds <= max_lag_seconds:
        return None
    return (
        f"PostgreSQL transaction {holder.describe()} holds a transaction id, so no event committed "
        "since it took one reaches the read models until it ends"
    )


def worker_problem(processes: list[ProcessBeat], now: float) -> str | None:
    """Why background jobs (Stripe events, rebuilds) are not being run, or None when a worker is alive."""
    workers = [b for b in processes if b.kind == "worker"]
    if any(b.live for b in workers):
        return None
    if workers:
        last = workers[0]
        return f"no background worker is running: the last one ({last.name}) beat {last.age(now):.1f} s ago"
    return "no background worker is running: start `ecolaura worker`"
