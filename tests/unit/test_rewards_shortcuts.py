"""The rewards projection derives badges and challenge progress only after the events that can change
them (and, after an order's points arrive, only what measures points). These shortcuts must change
nothing: after any log, every customer's badges are what replaying their facts gives, and every
challenge's progress is the rule evaluated over all their facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from benchmarks.gamification import synthetic_log
from projections.projectors.rewards import Rewards, facts_of
from projections.store import Batch
from write_side.contracts.challenges import Goal
from write_side.domain import badges
from write_side.domain.challenges import Window, progress, reached


def _project(events: list[Any], batch_size: int) -> dict[str, dict[str, Any]]:
    """Every document, applied batch by batch with each batch starting from the stored JSON (as Redis keeps it)."""
    stored: dict[str, bytes] = {}
    projection = Rewards()
    for start in range(0, len(events), batch_size):
        chunk = events[start : start + batch_size]
        batch = Batch("test:")
        wanted = {k for e in chunk for k in projection.document_keys(e)}
        batch.loaded = {k: msgspec.json.decode(stored[k]) if k in stored else None for k in wanted}
        for event in chunk:
            projection.apply(event, batch)
        stored.update({k: msgspec.json.encode(d) for k, d in batch.changed.items()})
    return {k: msgspec.json.decode(v) for k, v in stored.items()}


@pytest.mark.parametrize("batch_size", [1, 500])
def test_badges_and_progress_equal_the_rules_over_all_facts(batch_size: int) -> None:
    events = synthetic_log(12_000, 600, seed=5)
    kinds = {e.event_type for e in events}
    assert {"EcoPointsEarned", "EcoPointsReversed", "OrderRefunded", "ChallengeJoined"} <= kinds
    documents = _project(events, batch_size)
    customers = {k.split(":", 1)[1] for k in documents if k.startswith("customer:")}
    checked_points_goals = 0
    for customer in customers:
        doc = documents[f"customer:{customer}"]
        facts = facts_of(documents.get(f"facts:{customer}"))
        assert doc["badges"] == badges.replay(facts, doc["time_zone"]), customer
        for entry in doc["challenges"].values():
            goal = msgspec.convert(entry["goal"], Goal)
            window = Window(
                date.fromisoformat(entry["starts_on"]),
                date.fromisoformat(entry["ends_on"]),
                entry["time_zone"],
            )
            expected = progress(goal, window, facts)
            assert entry.get("progress", 0.0) == pytest.approx(expected), (customer, entry)
            assert entry.get("reached", False) == reached(goal, expected)
            checked_points_goals += goal.measure == "eco_points" and expected > 0
    assert checked_points_goals > 0  # the points-only shortcut was exercised
