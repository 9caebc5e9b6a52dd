"""Rewards: my points, level, badges, streak and challenges; the challenge list; live leaderboards.

Everything is read from the ``rewards`` projection. The streak and a challenge's
status depend on today, so they are worked out here, at read time, with the
rules of ``write_side.domain``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from ecolaura.http.openapi import stored
from projections.projectors.rewards import BOARD_DECIMALS, board_key, empty_rewards, facts_of, period_keys_at
from read_side.api.answers import answer
from read_side.api.controllers import (
    REWARDS,
    Cursor,
    Limit,
    MinPosition,
    _offset,
    _read_your_writes,
    models_of,
)
from read_side.queries import ReadModels, encode_offset_cursor
from read_side.views import (
    BadgeView,
    ChallengePage,
    ChallengeProgress,
    ChallengeView,
    LevelView,
    LiveEntry,
    LiveLeaderboard,
    MyRank,
    MyRewards,
    StreakView,
)
from write_side.adapters.privacy import pseudonym
from write_side.contracts.challenges import Goal
from write_side.contracts.commands import Actor
from write_side.domain import badges
from write_side.domain.challenges import Window, zone
from write_side.domain.streaks import Streak, monday, weekly_streak
from write_side.identity.guards import actor_of, provide_actor, requires_role

BOARD_SIZE = 100
_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


def _today() -> datetime:
    return datetime.now(UTC)


def _window(doc: dict[str, Any]) -> Window:
    return Window(date.fromisoformat(doc["starts_on"]), date.fromisoformat(doc["ends_on"]), doc["time_zone"])


def _streak_message(streak: Streak) -> str:
    if streak.status == "none":
        return "Place an order this week to start a streak."
    if streak.status == "active":
        return f"{streak.current} week{'s' * (streak.current != 1)} in a row. Lovely."
    if streak.status == "at_risk":
        return f"{streak.current} weeks and counting: an order before Sunday keeps it going."
    return (
        f"Your best run was {streak.best} week{'s' * (streak.best != 1)}. "
        "Streaks take breaks too: any order this week starts a new one."
    )


def streak_view(doc: dict[str, Any], facts: dict[str, Any] | None, now: datetime) -> StreakView:
    local = zone(doc["time_zone"])
    days = [f.placed_at.astimezone(local).date() for f in facts_of(facts)]
    today = now.astimezone(local).date()
    streak = weekly_streak(days, today)
    month = (today.year, today.month)
    return StreakView(
        current=streak.current,
        best=streak.best,
        status=streak.status,
        time_zone=doc["time_zone"],
        this_week=monday(today).isoformat(),
        active_weeks=[w.isoformat() for w in streak.active_weeks],
        frozen_weeks=[w.isoformat() for w in streak.frozen_weeks],
        freeze_available=not any((w.year, w.month) == month for w in streak.frozen_weeks),
        message=_streak_message(streak),
    )


def rewards_view(doc: dict[str, Any], facts: dict[str, Any] | None, now: datetime) -> MyRewards:
    earned = [
        BadgeView(
            id=badge_id,
            name=badges.BADGES[badge_id].name,
            description=badges.BADGES[badge_id].description,
            criteria=badges.criteria(badges.BADGES[badge_id]),
            earned_at=at,
            credential_url=f"/api/v1/me/badges/{badge_id}/credential",
        )
        for badge_id, at in sorted(doc["badges"].items(), key=lambda item: item[1])
        if badge_id in badges.BADGES
    ]
    level, following = badges.level_of(doc["lifetime"])
    return MyRewards(
        customer_id=doc["customer_id"],
        balance=doc["balance"],
        lifetime=doc["lifetime"],
        order_points=doc["order_points"],
        challenge_points=doc["challenge_points"],
        level=LevelView(level.name, level.min_points),
        next_level=None if following is None else LevelView(following.name, following.min_points),
        badges=earned,
        streak=streak_view(doc, facts, now),
        challenges=[
            ChallengeProgress(
                id=challenge_id,
                title=entry["title"],
                goal=msgspec.convert(entry["goal"], Goal),
                starts_on=entry["starts_on"],
                ends_on=entry["ends_on"],
                time_zone=entry["time_zone"],
                reward_points=entry["reward_points"],
                status=_window(entry).status(now),  # type: ignore[arg-type]
                progress=entry.get("progress", 0.0),
                reached=entry.get("reached", False),
                joined_at=entry["joined_at"],
                completed_at=entry["completed_at"],
                rewarded_points=entry["rewarded_points"],
            )
            for challenge_id, entry in sorted(
                doc["challenges"].items(), key=lambda item: item[1]["joined_at"]
            )
            if "goal" in entry
        ],
        leaderboard_visible=doc["visible"],
    )


def _challenge_view(raw: bytes, now: datetime) -> dict[str, Any]:
    doc: dict[str, Any] = _decoder.decode(raw)
    doc["status"] = _window(doc).status(now)
    return doc


class RewardsController(Controller):
    path = "/api/v1/me"
    tags = ["rewards"]  # noqa: RUF012
    guards = [requires_role("customer")]  # noqa: RUF012
    dependencies = {"actor": Provide(provide_actor)}  # noqa: RUF012

    @get(
        "/rewards",
        operation_id="MyRewards",
        summary="My eco points (my ledger balance), level, badges, streak and challenges",
        responses=stored(MyRewards, "My rewards, live"),
    )
    async def rewards(
        self,
        request: Request[Any, Any, Any],
        models: NamedDependency[ReadModels],
        actor: NamedDependency[Actor],
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        await _read_your_writes(models, REWARDS, min_position)
        found = await models.documents(REWARDS, f"customer:{actor.actor_id}", f"facts:{actor.actor_id}")
        raw, raw_facts = found.documents
        doc = {**empty_rewards(actor.actor_id), **(_decoder.decode(raw) if raw else {})}
        facts = _decoder.decode(raw_facts) if raw_facts else None
        body = _encoder.encode(rewards_view(doc, facts, _today()))
        return answer(request, body, found.position, cache="private, no-cache")


# A function, not a controller route: ``POST`` of this path is the command side's, and a second
# controller on one path brings a second OPTIONS handler, which Litestar 2 refuses.
@get(
    "/api/v1/challenges",
    operation_id="Challenges",
    tags=["rewards"],
    summary="Challenges, latest first, with how many joined and completed each",
    responses=stored(ChallengePage, "A page of challenges"),
)
async def list_challenges(
    request: Request[Any, Any, Any],
    models: NamedDependency[ReadModels],
    cursor: Cursor = None,
    limit: Limit = 20,
    min_position: MinPosition = None,
) -> Response[bytes]:
    await _read_your_writes(models, REWARDS, min_position)
    page = await models.page(REWARDS, "challenges", "challenge:", _offset(cursor), limit, descending=True)
    now = _today()
    body = {
        "items": [_challenge_view(raw, now) for raw in page.items],
        "total": page.total,
        "next_cursor": None if page.next_offset is None else encode_offset_cursor(page.next_offset),
    }
    return answer(request, _encoder.encode(body), page.position, cache="public, max-age=5")


class ChallengeQueryController(Controller):
    path = "/api/v1/challenges"
    tags = ["rewards"]  # noqa: RUF012

    @get(
        "/{challenge_id:uuid}",
        operation_id="Challenge",
        summary="One challenge",
        responses=stored(ChallengeView, "The challenge"),
    )
    async def challenge(
        self,
        request: Request[Any, Any, Any],
        challenge_id: FromPath[UUID],
        models: NamedDependency[ReadModels],
        min_position: MinPosition = None,
    ) -> Response[bytes]:
        await _read_your_writes(models, REWARDS, min_position)
        found = await models.documents(REWARDS, f"challenge:{challenge_id}")
        if found.documents[0] is None:
            raise NotFoundException(f"challenge {challenge_id} does not exist")
        body = _encoder.encode(_challenge_view(found.documents[0], _today()))
        return answer(request, body, found.position, cache="public, max-age=5")


class LiveLeaderboardController(Controller):
    path = "/api/v1/leaderboards"
    tags = ["rewards"]  # noqa: RUF012

    @get(
        "/{board:str}",
        operation_id="Leaderboard",
        summary="Live top 100 by kg CO2e saved or eco points, this week, this month or all time (UTC)",
        description=(
            "Orders count in the ISO week and month (UTC) they were placed in: kg saved once paid, "
            "points once delivered, less refunds. Names are pseudonyms; people who opted out are on no "
            "board. With a customer's token, `you` gives their own rank even outside the top 100."
        ),
        responses=stored(LiveLeaderboard, "The board, live"),
    )
    async def board(
        self,
        request: Request[Any, Any, Any],
        board: FromPath[Literal["co2e-saved", "eco-points"]],
        period: Annotated[Literal["week", "month", "all"], QueryParameter()] = "week",
    ) -> Response[bytes]:
        models = models_of(request)
        me = await _customer_or_none(request)
        period_key = period_keys_at(_today())[period]

        def render(total: int, top: list[tuple[str, float]]) -> bytes:
            """The answer without ``you`` (its closing ``null}`` stands for it): the same for every caller."""
            entries = [
                LiveEntry(rank=n, name=pseudonym(member), value=_value(score))
                for n, (member, score) in enumerate(top, start=1)
            ]
            return _encoder.encode(LiveLeaderboard(board, period, period_key, "UTC", total, entries, None))

        found = await models.rendered_board(
            REWARDS, board_key(board, period_key), BOARD_SIZE, me, f"LiveLeaderboard:{period}", render
        )
        if me is None:
            return answer(request, found.body, found.position, cache="public, max-age=5")
        if found.rank is not None:
            you = MyRank(visible=True, rank=found.rank + 1, value=_value(found.score or 0.0))
        else:
            you = MyRank(visible=await _visible(models, me), rank=None, value=None)
        body = found.body[: -len(_NO_YOU)] + _encoder.encode(you) + b"}"
        return answer(request, body, found.position, cache="private, no-cache")


_NO_YOU = b"null}"


def _value(score: float) -> float:
    return round(-score, BOARD_DECIMALS) + 0.0


async def _customer_or_none(request: Request[Any, Any, Any]) -> str | None:
    """The caller's customer id when they sent a customer's token; anonymous readers get the board only."""
    # Off the raw ASGI headers: building Litestar's Headers object costs more than the board's answer.
    if not any(name == b"authorization" for name, _ in request.scope["headers"]):
        return None
    actor = await actor_of(request)
    return actor.actor_id if actor.role == "customer" else None


async def _visible(models: ReadModels, customer_id: str) -> bool:
    raw = (await models.documents(REWARDS, f"customer:{customer_id}")).documents[0]
    return True if raw is None else bool(_decoder.decode(raw).get("visible", True))
