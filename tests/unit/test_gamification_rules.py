"""The rules shoppers are told: streaks (freeze, grace day), badges, levels and challenge windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from write_side.contracts.challenges import Goal, OrderFilter
from write_side.domain import badges
from write_side.domain.challenges import OrderFact, Window, kept_fact, progress
from write_side.domain.streaks import monday, weekly_streak, zone_of_country

MON = date(2026, 11, 2)  # a Monday


def week(n: int, day: int = 2) -> date:
    """A day (Wednesday by default) of the n-th week after ``MON``."""
    return MON + timedelta(weeks=n, days=day)


def test_consecutive_weeks_make_a_streak_and_the_current_week_is_not_over_yet() -> None:
    days = [week(0), week(1), week(2)]
    assert weekly_streak(days, week(2)).current == 3
    at_risk = weekly_streak(days, week(3))  # no order yet this week: not broken
    assert (at_risk.current, at_risk.status) == (3, "at_risk")
    assert weekly_streak([], week(3)).status == "none"


def test_one_missed_week_a_month_is_frozen_and_a_second_one_breaks_the_streak() -> None:
    # November 2026: weeks of the 2nd, 9th, 16th, 23rd, 30th. One gap (9th) is bridged.
    bridged = weekly_streak([week(0), week(2), week(3)], week(3))
    assert (bridged.current, bridged.frozen_weeks, bridged.status) == (3, (week(1, 0),), "active")
    broken = weekly_streak([week(0), week(2), week(4)], week(4))  # gaps on the 9th and the 23rd
    assert broken.current == 1 and broken.best == 2
    # A gap in the next month has its own freeze (a week belongs to the month of its Monday).
    december = weekly_streak([week(0), week(2), week(3), week(4), week(6)], week(6))
    assert december.current == 5 and december.frozen_weeks == (week(1, 0), week(5, 0))


def test_a_monday_order_rescues_the_week_before_it_when_that_week_had_none() -> None:
    rescued = weekly_streak([week(0), week(2, day=0)], week(2, day=0))  # Monday of week 2 counts for week 1
    assert rescued.active_weeks == (week(0, 0), week(1, 0)) and rescued.frozen_weeks == ()
    # Without a run to rescue, a Monday order is that week's own.
    first = weekly_streak([week(2, day=0)], week(2, day=0))
    assert first.active_weeks == (week(2, 0),)


def test_a_broken_streak_keeps_its_best_and_says_so() -> None:
    streak = weekly_streak([week(0), week(1), week(2)], week(8))
    assert (streak.current, streak.best, streak.status) == (0, 3, "broken")


@given(st.lists(st.integers(0, 20), max_size=15), st.integers(0, 25))
def test_streak_figures_are_consistent(weeks: list[int], today: int) -> None:
    days = [week(n) for n in weeks]
    streak = weekly_streak(days, week(max([today, *weeks])))
    assert 0 <= streak.current <= streak.best <= len(streak.active_weeks)
    assert (streak.status == "none") == (not days)
    assert all(w.weekday() == 0 for w in (*streak.active_weeks, *streak.frozen_weeks))
    assert not set(streak.active_weeks) & set(streak.frozen_weeks)


@given(st.lists(st.integers(0, 20), min_size=1, max_size=15))
def test_an_order_this_week_never_shortens_the_streak(weeks: list[int]) -> None:
    today = week(max(weeks) + 1)
    before = weekly_streak([week(n) for n in weeks], today)
    after = weekly_streak([*(week(n) for n in weeks), today], today)
    assert after.current >= before.current and after.status == "active"


def fact(
    n: int, *, method: str = "standard", kg: float = 1.0, brands: tuple[str, ...] = (), points: int = 10
) -> OrderFact:
    placed = datetime.combine(week(n), datetime.min.time(), UTC) + timedelta(hours=12)
    return OrderFact(
        f"o{n}", placed, placed + timedelta(days=2), method, kg, len(brands), frozenset(brands), points
    )


def test_badges_are_earned_at_the_delivery_that_first_made_them_hold() -> None:
    facts = [fact(0), fact(1, method="slow-green"), fact(2, kg=9.5, brands=("a", "b", "c"))]
    earned = badges.replay(facts, "UTC")
    assert earned["first-green-order"] == facts[0].delivered_at.isoformat()
    assert earned["slow-and-steady"] == facts[1].delivered_at.isoformat()
    assert earned["ten-kilos-saved"] == facts[2].delivered_at.isoformat()  # 1 + 1 + 9.5 kg
    assert earned["certified-explorer"] == facts[2].delivered_at.isoformat()
    assert earned["regular"] == facts[2].delivered_at.isoformat()  # three orders within 30 days
    assert "four-week-streak" not in earned


def test_a_refund_that_undoes_the_goal_takes_the_badge_back_on_replay() -> None:
    facts = [fact(0, kg=6), fact(1, kg=6)]
    assert "ten-kilos-saved" in badges.replay(facts, "UTC")
    refunded = kept_fact(
        "o1", facts[1].placed_at, facts[1].delivered_at, "standard", 6, 0, (), 10, (100, 100)
    )
    assert refunded is None  # refunded in full: it no longer counts
    assert "ten-kilos-saved" not in badges.replay(facts[:1], "UTC")


def test_levels_follow_lifetime_points() -> None:
    assert badges.level_of(0)[0].name == "Seedling"
    assert badges.level_of(99)[1] is not None and badges.level_of(99)[1].name == "Sprout"  # type: ignore[union-attr]
    assert badges.level_of(100)[0].name == "Sprout"
    assert badges.level_of(10**9) == (badges.level_of(10**9)[0], None)


def test_a_challenge_window_is_read_in_its_own_time_zone() -> None:
    november = Window(date(2026, 11, 1), date(2026, 11, 30), "Europe/Paris")
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 November in Paris
    assert november.contains(late) and not Window(date(2026, 11, 1), date(2026, 11, 30), "UTC").contains(late)
    goal = Goal(measure="orders", threshold=3, filter=OrderFilter(shipping_method="slow-green"))
    placed = [late, late + timedelta(days=30)]  # the second is 00:30 on 1 December in Paris
    facts = [OrderFact(f"o{i}", p, p, "slow-green", 1.0, 0, frozenset(), 0) for i, p in enumerate(placed)]
    assert progress(goal, november, facts) == 1.0
    assert november.status(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == "ended"  # 01:30 in Paris


def test_customers_streak_weeks_run_in_their_countrys_time_zone() -> None:
    assert zone_of_country("fr") == "Europe/Paris" and zone_of_country("ZZ") == "UTC"
    assert monday(date(2026, 12, 3)) == date(2026, 11, 30)
