"""Eco points: the rule, and the ledger that holds them, over any sequence of order commands (no I/O)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_orders import NOW, product
from write_side.contracts import events as ev
from write_side.domain import ledger
from write_side.domain.catalog import Product
from write_side.domain.errors import IllegalTransitionError, InvalidInputError
from write_side.domain.orders import Order
from write_side.domain.rewards import kept_points, order_points


def test_points_come_from_savings_slow_green_and_certified_units() -> None:
    assert order_points(2.3456, "standard", 0) == 23
    assert order_points(2.3456, "slow-green", 0) == 48
    assert order_points(2.3456, "express", 3) == 38
    assert order_points(-4.0, "standard", 0) == 0  # an order that saves nothing earns nothing for it
    assert order_points(0.3 + 0.6, "standard", 0) == 9  # 8.999999... is 9, not 8


@pytest.mark.parametrize(
    ("refunded", "kept"),
    [(0, 100), (1, 100), (333, 67), (500, 50), (999, 1), (1000, 0)],
)
def test_a_refund_takes_back_the_refunded_share(refunded: int, kept: int) -> None:
    assert kept_points(100, refunded, 1000) == kept


def certified(pid: str) -> Product:
    plain = product(pid)
    return Product(
        **{**{f: getattr(plain, f) for f in plain.__dataclass_fields__}, "certifications": ("GOTS",)}
    )


def test_a_delivered_order_earns_its_points_in_the_ledger() -> None:
    order = Order.place("o1", "c1", [(certified("certified-a"), 2)], "NL", "slow-green", NOW)
    placed = order.events[0]
    assert isinstance(placed, ev.OrderPlaced) and placed.certified_units == 2
    assert order.eco_points == order_points(order.footprint.savings_kg_co2e, "slow-green", 2)  # type: ignore[union-attr]
    order.pay("ref", NOW)
    order.ship(NOW)
    order.deliver(NOW)
    earned = order.journal[-1]
    assert earned.kind == "eco_points_earned"
    assert _customer_points(order.journal) == order.eco_points == order.eco_points_held


def _customer_points(journal: list[ledger.JournalTransaction]) -> int:
    """The customer's eco points balance: what the liability account owes them (credits are negative)."""
    return -sum(
        e.amount_minor
        for t in journal
        for e in t.entries
        if e.account == "eco_points_outstanding" and e.currency == ledger.ECO_POINTS
    )


ACTIONS = st.lists(
    st.one_of(
        st.sampled_from(["pay", "ship", "deliver", "cancel"]).map(lambda a: (a, 0)),
        st.tuples(st.just("refund"), st.integers(min_value=1, max_value=4000)),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    actions=ACTIONS,
    method=st.sampled_from(["standard", "slow-green", "express"]),
    units=st.integers(1, 3),
)
def test_the_points_balance_is_the_ledgers_for_any_sequence(
    actions: list[tuple[str, int]], method: str, units: int
) -> None:
    """Place, then any pay/ship/deliver/cancel/refund: the ledger holds what the rule says, and balances."""
    order = Order.place(
        "o1", "c1", [(certified("certified-b"), units), (product("plain-b"), 1)], "DE", method, NOW
    )
    delivered = False
    for action, amount in actions:
        try:
            if action == "refund":
                order.refund(amount, "changed my mind", NOW)
            else:
                getattr(order, action)(
                    *(("ref", NOW) if action == "pay" else (NOW,)) if action != "cancel" else ("no", NOW)
                )
        except (IllegalTransitionError, InvalidInputError):
            continue
        delivered = delivered or action == "deliver"
    expected = kept_points(order.eco_points, order.refunded_minor, order.total_minor) if delivered else 0
    assert _customer_points(order.journal) == expected == order.eco_points_held
    totals: dict[str, int] = defaultdict(int)
    for t in order.journal:  # every transaction balances per currency (JournalTransaction checks it too)
        for e in t.entries:
            totals[e.currency] += e.amount_minor
    assert not any(totals.values())
    earned = sum(e.points for e in order.events if isinstance(e, ev.EcoPointsEarned))
    reversed_ = sum(e.points for e in order.events if isinstance(e, ev.EcoPointsReversed))
    assert earned - reversed_ == expected  # the events tell the same story as the ledger
