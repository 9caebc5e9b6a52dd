"""Weekly streaks: consecutive weeks with a settled order, in the customer's time zone.

The rules shoppers are told:

- A week runs Monday to Sunday in the customer's time zone; it is **active**
  when a delivered order (not fully refunded) was placed in it.
- **Grace day**: an order placed on a Monday counts for the week before when
  that week had none (a Sunday-night order that slipped past midnight).
- **Freeze**: one missed week per calendar month is bridged automatically; the
  streak goes on but the missed week does not add to it.
- The current week never breaks a streak: it is not over yet ("at risk").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Literal

_WEEK = timedelta(days=7)

StreakStatus = Literal["none", "active", "at_risk", "broken"]


@dataclass(frozen=True, slots=True)
class Streak:
    current: int  # active weeks in the run still alive (0 when none or broken)
    best: int
    status: StreakStatus
    active_weeks: tuple[date, ...]  # Mondays, oldest first
    frozen_weeks: tuple[date, ...]  # missed weeks a freeze bridged
    broken_week: date | None = None  # the missed week that ended the last run, when broken
    reached: dict[int, date] = field(default_factory=dict)  # run length -> the week it was first reached


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def active_weeks(order_days: Iterable[date]) -> list[date]:
    """The Mondays of active weeks, each order counting for one week (grace day applied)."""
    active: set[date] = set()
    for day in sorted(order_days):
        week = monday(day)
        previous = week - _WEEK
        if day.weekday() == 0 and previous not in active and previous - _WEEK in active:
            active.add(previous)  # the grace day rescues a run that last week would have broken
        else:
            active.add(week)
    return sorted(active)


def weekly_streak(order_days: Iterable[date], today: date) -> Streak:
    """The streak of a customer whose counted orders were placed on ``order_days`` (local dates)."""
    weeks = active_weeks(order_days)
    if not weeks:
        return Streak(0, 0, "none", (), ())
    this_week = monday(today)
    active = set(weeks)
    run = best = 0
    used_months: set[tuple[int, int]] = set()
    frozen: list[date] = []
    broken: date | None = None
    reached: dict[int, date] = {}
    week = weeks[0]
    while week <= max(this_week, weeks[-1]):
        if week in active:
            run += 1
            broken = None
            reached.setdefault(run, week)
        elif week < this_week:
            month = (week.year, week.month)
            if run > 0 and month not in used_months:
                used_months.add(month)
                frozen.append(week)
            elif run > 0:
                run, broken = 0, week
        best = max(best, run)
        week += _WEEK
    if run == 0:
        return Streak(0, best, "broken", tuple(weeks), tuple(frozen), broken, reached)
    status: StreakStatus = "active" if this_week in active else "at_risk"
    return Streak(run, best, status, tuple(weeks), tuple(frozen), None, reached)


def zone_of_country(country: str) -> str:
    """The time zone a customer's streak weeks run in: their country's first zone in tzdata's ``zone.tab``."""
    return _country_zones().get(country.upper(), "UTC")


_ZONES_BY_COUNTRY: dict[str, str] = {}


def _country_zones() -> dict[str, str]:
    if not _ZONES_BY_COUNTRY:
        text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
        for line in text.splitlines():
            if line and not line.startswith("#"):
                code, _, zone, *_ = line.split("\t")
                _ZONES_BY_COUNTRY.setdefault(code, zone)
    return _ZONES_BY_COUNTRY
