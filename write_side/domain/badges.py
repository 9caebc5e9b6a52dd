"""Badges and levels, declared in ``rewards.toml`` and evaluated over a customer's settled orders.

A badge is earned at the delivery of the order that first made its rule hold;
facts are taken in the order they were delivered, so replaying the log gives
the same badges at the same moments. A refund can take a badge back (the rule
is evaluated again over what the customer kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Final, Literal

import msgspec

from write_side.contracts.challenges import Goal, OrderFilter
from write_side.domain.challenges import OrderFact, matches, measure, reached, zone
from write_side.domain.streaks import weekly_streak


class BadgeRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    name: str
    description: str
    kind: Literal["first", "threshold", "within", "streak"]
    goal: Goal
    days: int | None = None  # for "within"
    weeks: int | None = None  # for "streak"


class Level(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    min_points: int


class RewardRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    levels: list[Level]
    badges: list[BadgeRule]


RULES: Final[RewardRules] = msgspec.toml.decode(
    (Path(__file__).with_name("rewards.toml")).read_bytes(), type=RewardRules
)
BADGES: Final[dict[str, BadgeRule]] = {b.id: b for b in RULES.badges}
# Whether points alone can earn a badge: if not, an order's points arriving changes no badge.
POINTS_MATTER: Final = any(b.goal.measure == "eco_points" for b in RULES.badges)
_LEVELS: Final[list[Level]] = sorted(RULES.levels, key=lambda lv: lv.min_points)


def level_of(lifetime_points: int) -> tuple[Level, Level | None]:
    """The level ``lifetime_points`` reach, and the next one (None at the top)."""
    levels = _LEVELS
    index = max((i for i, lv in enumerate(levels) if lifetime_points >= lv.min_points), default=0)
    return levels[index], levels[index + 1] if index + 1 < len(levels) else None


def criteria(rule: BadgeRule) -> str:
    """What a shopper did to earn the badge, in words (the credential's criteria narrative)."""
    if rule.kind == "streak":
        return f"Placed an order, later delivered, in {rule.weeks} consecutive weeks."
    if rule.kind == "within":
        return f"{rule.description} (measured as {rule.goal.measure} >= {rule.goal.threshold:g} in {rule.days} days)"
    return f"{rule.description} (measured as {rule.goal.measure} >= {rule.goal.threshold:g})"


def holds(
    rule: BadgeRule, facts: Sequence[OrderFact], time_zone: str, streaks: dict[OrderFilter, int] | None = None
) -> bool:
    """Whether ``rule`` holds over ``facts`` (delivered orders, not fully refunded).

    ``streaks`` keeps the best streak per order filter across the rules of one evaluation, so
    several streak badges walk the weeks once.
    """
    if not facts:
        return False
    if rule.kind in ("first", "threshold"):
        return reached(rule.goal, measure(rule.goal, facts))
    if rule.kind == "within":
        return _within(rule, facts)
    known = {} if streaks is None else streaks
    if rule.goal.filter not in known:
        local = zone(time_zone)
        days = [f.placed_at.astimezone(local).date() for f in facts if matches(rule.goal.filter, f)]
        known[rule.goal.filter] = weekly_streak(days, max(days)).best if days else 0
    return known[rule.goal.filter] >= (rule.weeks or 1)


def _within(rule: BadgeRule, facts: Sequence[OrderFact]) -> bool:
    span = timedelta(days=rule.days or 1)
    ordered = sorted(facts, key=lambda f: f.placed_at)
    first = 0  # ordered by time, the facts less than ``span`` before the last are a run ending at it
    for index, last in enumerate(ordered):
        while last.placed_at - ordered[first].placed_at >= span:
            first += 1
        if reached(rule.goal, measure(rule.goal, ordered[first : index + 1])):
            return True
    return False


def newly_earned(earned: dict[str, str], facts: Sequence[OrderFact], time_zone: str) -> dict[str, str]:
    """``earned`` plus every badge that now holds, earned at the last fact's delivery."""
    if not facts:
        return dict(earned)
    at = facts[-1].delivered_at.isoformat()
    streaks: dict[OrderFilter, int] = {}
    more = {b.id: at for b in RULES.badges if b.id not in earned and holds(b, facts, time_zone, streaks)}
    return {**earned, **more}


def replay(facts: Sequence[OrderFact], time_zone: str) -> dict[str, str]:
    """Badges earned over ``facts`` in delivery order, each at the delivery that first made it hold."""
    earned: dict[str, str] = {}
    for end in range(1, len(facts) + 1):
        earned = newly_earned(earned, facts[:end], time_zone)
    return earned
