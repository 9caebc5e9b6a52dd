"""Challenges: a goal over a customer's settled orders placed inside a window.

The rules shoppers are told:

- An order counts for a challenge when it was **placed** inside the window
  (dates inclusive, in the challenge's time zone) and has been **delivered**;
  it may be delivered after the window ends. A fully refunded order does not
  count; a partly refunded one counts its kept share of kg saved and points.
- Joining late is fine: orders placed in the window before joining count.
- The reward is granted once, when the goal is first reached; a refund that
  takes the customer back below the goal takes the reward back too, and
  reaching it again grants it again (never more than once held).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from write_side.contracts.challenges import Goal, OrderFilter
from write_side.domain.errors import InvalidInputError

MAX_REWARD_POINTS = 100_000
MAX_DAYS = 366


@lru_cache(maxsize=1024)  # more than tzdata has
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` of an IANA name, loaded once per process.

    ``ZoneInfo`` keeps only a few zones strongly cached; the rewards rules ask for one on every
    event, which otherwise reloaded the tz file each time.
    """
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class OrderFact:
    """A delivered order as rewards see it: what it saved and earned, less any refunded share."""

    order_id: str
    placed_at: datetime  # aware
    delivered_at: datetime  # aware
    shipping_method: str
    kg_saved: float
    certified_units: int
    certified_brands: frozenset[str]
    points: int


@dataclass(frozen=True, slots=True)
class Window:
    starts_on: date
    ends_on: date  # inclusive
    time_zone: str

    def contains(self, moment: datetime) -> bool:
        return self.starts_on <= moment.astimezone(zone(self.time_zone)).date() <= self.ends_on

    def status(self, now: datetime) -> str:
        """``upcoming``, ``active`` or ``ended`` at ``now``, in the window's time zone."""
        today = now.astimezone(zone(self.time_zone)).date()
        if today < self.starts_on:
            return "upcoming"
        return "active" if today <= self.ends_on else "ended"


def check_window(window: Window) -> None:
    """Raise ``InvalidInputError`` naming the field when the window cannot be a challenge's."""
    if window.time_zone not in _zones():
        raise InvalidInputError(f"unknown time zone '{window.time_zone}' (an IANA name)", field="time_zone")
    if window.ends_on < window.starts_on:
        raise InvalidInputError("ends_on is before starts_on", field="ends_on")
    if (window.ends_on - window.starts_on).days >= MAX_DAYS:
        raise InvalidInputError(f"a challenge lasts at most {MAX_DAYS} days", field="ends_on")


_ZONES: frozenset[str] = frozenset()


def _zones() -> frozenset[str]:
    global _ZONES  # noqa: PLW0603 - computed once: listing the zones reads the whole database
    if not _ZONES:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def matches(order_filter: OrderFilter, fact: OrderFact) -> bool:
    if order_filter.shipping_method is not None and fact.shipping_method != order_filter.shipping_method:
        return False
    return not (order_filter.certified_only and fact.certified_units <= 0)


def measure(goal: Goal, facts: Iterable[OrderFact]) -> float:
    """The goal's measure over ``facts`` that pass its filter."""
    counted = [f for f in facts if matches(goal.filter, f)]
    if goal.measure == "orders":
        return float(len(counted))
    if goal.measure == "kg_co2e_saved":
        return round(sum(max(f.kg_saved, 0.0) for f in counted), 4)
    if goal.measure == "certified_units":
        return float(sum(f.certified_units for f in counted))
    if goal.measure == "certified_brands":
        return float(len(frozenset().union(*(f.certified_brands for f in counted))))
    return float(sum(f.points for f in counted))


def progress(goal: Goal, window: Window, facts: Iterable[OrderFact]) -> float:
    """The measure over the delivered orders placed inside ``window``."""
    return measure(goal, (f for f in facts if window.contains(f.placed_at)))


def reached(goal: Goal, value: float) -> bool:
    return value >= goal.threshold


def kept_share(value: float, refund: tuple[int, int]) -> float:
    """``value`` less the refunded share of the order, ``refund`` being (total, refunded) in minor units."""
    total, refunded = refund
    if total <= 0:
        return value
    return value * (total - min(refunded, total)) / total


def kept_fact(  # noqa: PLR0913 - a fact is all of these
    order_id: str,
    placed_at: datetime,
    delivered_at: datetime,
    shipping_method: str,
    savings_kg_co2e: float,
    certified_units: int,
    certified_brands: Iterable[str],
    kept_points: int,
    refund: tuple[int, int],
) -> OrderFact | None:
    """A delivered order as challenges count it, or None when it was refunded in full."""
    total, refunded = refund
    if total > 0 and refunded >= total:
        return None
    return OrderFact(
        order_id,
        placed_at,
        delivered_at,
        shipping_method,
        round(kept_share(savings_kg_co2e, refund), 6),
        certified_units,
        frozenset(certified_brands),
        kept_points,
    )
