"""Challenge commands: admins create them, shoppers join; and leaderboard visibility."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import available_timezones

from litestar import Controller, Request, Response, post, put
from litestar.params import FromPath, JSONBody
from msgspec import Meta

from ecolaura.http.openapi import problems
from write_side.api.dispatch import dispatch
from write_side.api.schemas import NOT_BLANK, Base, Text80
from write_side.contracts import commands as c
from write_side.contracts.challenges import Goal
from write_side.domain.challenges import MAX_REWARD_POINTS
from write_side.identity.guards import requires_role
from write_side.service_layer import results as r

TimeZone = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        description="an IANA time zone name, e.g. Europe/Paris",
        # For the document: the domain checks the name and says which field (422).
        extra_json_schema={"enum": sorted(available_timezones())},
    ),
]


class ChallengeCreate(Base):
    title: Text80
    description: Annotated[str, Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]
    goal: Goal
    starts_on: Annotated[date, Meta(description="the first day, in time_zone")]
    ends_on: Annotated[
        date, Meta(description="the last day, in time_zone (at most 366 days after starts_on)")
    ]
    time_zone: TimeZone
    reward_points: Annotated[int, Meta(ge=1, le=MAX_REWARD_POINTS)]


class VisibilityIn(Base):
    visible: Annotated[bool, Meta(description="false removes me from every leaderboard at once")]


class ChallengeController(Controller):
    path = "/api/v1/challenges"
    tags = ["rewards"]  # noqa: RUF012
    opt = {"idempotent": True}  # noqa: RUF012 - every route dispatches a command

    @post(
        "/",
        operation_id="CreateChallenge",
        guards=[requires_role("admin")],
        status_code=201,
        summary="Create a challenge: a goal over shoppers' settled orders placed inside a window",
        responses=problems(422),
    )
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ChallengeCreate]
    ) -> Response[r.ChallengeResult]:
        command = c.CreateChallenge(
            title=data.title,
            description=data.description,
            goal=data.goal,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            time_zone=data.time_zone,
            reward_points=data.reward_points,
        )
        return await dispatch(request, command, data)  # type: ignore[return-value]

    @post(
        "/{challenge_id:uuid}/join",
        operation_id="JoinChallenge",
        guards=[requires_role("customer")],
        status_code=200,
        summary="Join a challenge (again is harmless); orders already placed in its window count",
        responses=problems(404, 409),
    )
    async def join(
        self, request: Request[Any, Any, Any], challenge_id: FromPath[UUID]
    ) -> Response[r.ChallengeEntryResult]:
        return await dispatch(request, c.JoinChallenge(str(challenge_id)), None)  # type: ignore[return-value]


class LeaderboardVisibilityController(Controller):
    path = "/api/v1/me/leaderboard-visibility"
    tags = ["rewards"]  # noqa: RUF012
    guards = [requires_role("customer")]  # noqa: RUF012
    opt = {"idempotent": True}  # noqa: RUF012

    @put(
        "/",
        operation_id="SetLeaderboardVisibility",
        summary="Appear on the leaderboards under my pseudonym, or on none of them",
        responses=problems(404),
    )
    async def set(
        self, request: Request[Any, Any, Any], data: JSONBody[VisibilityIn]
    ) -> Response[r.LeaderboardVisibility]:
        return await dispatch(request, c.SetLeaderboardVisibility(data.visible), data)  # type: ignore[return-value]
