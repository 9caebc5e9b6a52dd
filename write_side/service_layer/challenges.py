"""Challenge commands, and settling a customer's challenges when their orders settle.

Settling runs in the transaction of the command that changed the facts (a join,
a delivery, a refund), with the customer's row locked, so two deliveries of one
customer cannot both miss the goal they reach together, nor both grant it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from write_side.adapters import challenges as store
from write_side.adapters import event_log
from write_side.contracts import commands as cmds
from write_side.contracts import events as ev
from write_side.domain import ledger
from write_side.domain.challenges import MAX_REWARD_POINTS, Window, check_window, progress, reached
from write_side.domain.errors import (
    ChallengeEndedError,
    ChallengeNotFoundError,
    CustomerNotFoundError,
    InvalidInputError,
)
from write_side.domain.ids import new_id
from write_side.domain.orders import Order
from write_side.service_layer import results as res
from write_side.service_layer.context import Context, require_role
from write_side.service_layer.unit_of_work import SqlAlchemyUnitOfWork


def _stream(challenge_id: str, customer_id: str) -> str:
    return f"challenge-{challenge_id}-{customer_id}"


async def create_challenge(cmd: cmds.CreateChallenge, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    require_role(ctx, "admin")
    window = Window(cmd.starts_on, cmd.ends_on, cmd.time_zone)
    check_window(window)
    if not 1 <= cmd.reward_points <= MAX_REWARD_POINTS:
        raise InvalidInputError(f"reward_points is between 1 and {MAX_REWARD_POINTS}", field="reward_points")
    challenge_id = new_id()
    created = ev.ChallengeCreated(
        challenge_id=challenge_id,
        title=cmd.title,
        description=cmd.description,
        goal=cmd.goal,
        starts_on=cmd.starts_on.isoformat(),
        ends_on=cmd.ends_on.isoformat(),
        time_zone=cmd.time_zone,
        reward_points=cmd.reward_points,
        created_at=ctx.now,
    )
    conn = await uow.session.begin()
    await store.add(
        conn,
        {
            "challenge_id": challenge_id,
            "title": cmd.title,
            "description": cmd.description,
            "goal": msgspec.to_builtins(cmd.goal),
            "starts_on": cmd.starts_on,
            "ends_on": cmd.ends_on,
            "time_zone": cmd.time_zone,
            "reward_points": cmd.reward_points,
            "created_at": ctx.now,
        },
    )
    uow.extra_events.append(event_log.PendingEvent(f"challenge-{challenge_id}", 1, created))
    return res.Outcome(201, challenge_result(created))


def challenge_result(e: ev.ChallengeCreated) -> res.ChallengeResult:
    return res.ChallengeResult(
        e.challenge_id, e.title, e.description, e.goal, e.starts_on, e.ends_on, e.time_zone, e.reward_points
    )


async def join_challenge(cmd: cmds.JoinChallenge, uow: SqlAlchemyUnitOfWork, ctx: Context) -> res.Outcome:
    """Join (again: a no-op answering the same); orders already placed in the window count."""
    require_role(ctx, "customer")
    customer_id = ctx.actor.actor_id
    conn = await uow.session.begin()
    challenge = await store.get(conn, cmd.challenge_id)
    if challenge is None:
        raise ChallengeNotFoundError(f"challenge {cmd.challenge_id} does not exist")
    if not await store.lock_customer(conn, customer_id):
        raise CustomerNotFoundError("no customer profile belongs to this account")
    if await store.join(conn, challenge.challenge_id, customer_id, ctx.now):
        if challenge.window.status(datetime.fromisoformat(ctx.now)) == "ended":
            raise ChallengeEndedError(f"challenge '{challenge.title}' ended on {challenge.window.ends_on}")
        joined = ev.ChallengeJoined(
            challenge_id=challenge.challenge_id, customer_id=customer_id, joined_at=ctx.now
        )
        uow.extra_events.append(
            event_log.PendingEvent(_stream(challenge.challenge_id, customer_id), 1, joined)
        )
    (entry,) = await store.entries(conn, customer_id, challenge.challenge_id)
    facts = await store.facts(conn, customer_id)
    value = progress(challenge.goal, challenge.window, facts)
    rewarded = await _settle(uow, entry, value, ctx.now)
    return res.Outcome(
        200,
        res.ChallengeEntryResult(
            challenge.challenge_id,
            customer_id,
            value,
            challenge.goal.threshold,
            reached(challenge.goal, value),
            rewarded,
        ),
    )


async def settle_for_order(uow: SqlAlchemyUnitOfWork, order: Order, now: str) -> None:
    """After ``order`` was delivered or refunded (its new state queued): settle the challenges it counts for."""
    conn = await uow.session.begin()
    await store.lock_customer(conn, order.customer_id)
    placed = datetime.fromisoformat(order.placed_at)
    joined = [e for e in await store.entries(conn, order.customer_id) if e.challenge.window.contains(placed)]
    if not joined:
        return
    await uow.session.flush()  # the order's queued change must be in what the facts are read from
    facts = await store.facts(conn, order.customer_id)
    for entry in joined:
        await _settle(uow, entry, progress(entry.challenge.goal, entry.challenge.window, facts), now)


async def _settle(uow: SqlAlchemyUnitOfWork, entry: store.EntryRow, value: float, now: str) -> int:
    """Grant or take back the entry's reward so it matches ``value``; returns the reward held."""
    challenge = entry.challenge
    due = challenge.reward_points if reached(challenge.goal, value) else 0
    if due == entry.rewarded_points:
        return due
    conn = await uow.session.begin()
    version = await store.settle(conn, entry, due, now if due else None)
    event: ev.Event
    if due:
        event = ev.ChallengeCompleted(
            challenge_id=challenge.challenge_id,
            customer_id=entry.customer_id,
            points=due,
            progress=value,
            completed_at=now,
        )
        uow.extra_journals.append(ledger.challenge_rewarded(entry.customer_id, due))
    else:
        event = ev.ChallengeRewardReversed(
            challenge_id=challenge.challenge_id,
            customer_id=entry.customer_id,
            points=entry.rewarded_points,
            progress=value,
            reversed_at=now,
        )
        uow.extra_journals.append(ledger.challenge_reward_reversed(entry.customer_id, entry.rewarded_points))
    uow.extra_events.append(
        event_log.PendingEvent(_stream(challenge.challenge_id, entry.customer_id), version, event)
    )
    return due


async def set_leaderboard_visibility(
    cmd: cmds.SetLeaderboardVisibility, uow: SqlAlchemyUnitOfWork, ctx: Context
) -> res.Outcome:
    require_role(ctx, "customer")
    customer_id = ctx.actor.actor_id
    conn = await uow.session.begin()
    before = await store.set_visibility(conn, customer_id, cmd.visible)
    if before is None:
        raise CustomerNotFoundError("no customer profile belongs to this account")
    if before != cmd.visible:
        changed = ev.LeaderboardVisibilityChanged(
            customer_id=customer_id, visible=cmd.visible, changed_at=ctx.now
        )
        uow.extra_events.append(await event_log.next_in_stream(conn, f"customer-{customer_id}", changed))
    return res.Outcome(200, res.LeaderboardVisibility(cmd.visible))
