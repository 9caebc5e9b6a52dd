"""Rewards: each customer's points, level, badges, streak and challenges; challenges; live leaderboards.

Documents: ``customer:{id}`` (what ``me/rewards`` shows), ``facts:{id}`` (the
customer's delivered orders, which the badge, streak and challenge rules read:
apart, because most events need the customer's points and scores but not their
history, and a rebuild reads and writes every document it touches),
``order:{id}`` (an order's reward facts until it settles), ``challenge:{id}`` (a
challenge and how many joined and completed it). Indexes: ``challenges`` (by first day) and one
sorted set per leaderboard and period, ``board:{board}:{period}``.

The balance is the sum of the point events, which the command side writes with
their journal entries, so it always equals the customer's ledger balance; the
rest is derived from the facts of delivered orders with the rules in
``write_side.domain`` (the same ones the command side rewards challenges with).

Leaderboards (the rule the batch pipeline follows too, ``analytics.pipelines``):
an order counts in the ISO week and calendar month (UTC) it was **placed** in,
and for all time; ``co2e-saved`` adds its kg saved once it is paid, ``eco-points``
the points it earned and kept (delivered, less refunds). Scores are stored
negated so that ascending order is best first with ties to the lower customer
id. Hidden and erased customers are on no board.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import msgspec

from projections.store import Batch
from write_side.contracts import events as ev
from write_side.contracts.challenges import Goal
from write_side.domain import badges
from write_side.domain.challenges import OrderFact, Window, kept_fact, progress, reached
from write_side.domain.streaks import zone_of_country

BOARDS = ("co2e-saved", "eco-points")
PERIODS = ("week", "month", "all")
BOARD_DECIMALS = 4

_CUSTOMER_EVENTS = (
    ev.CustomerRegistered,
    ev.CustomerErased,
    ev.LeaderboardVisibilityChanged,
)
_ORDER_EVENTS = (
    ev.OrderPlaced,
    ev.OrderPaid,
    ev.OrderDelivered,
    ev.OrderRefunded,
    ev.EcoPointsEarned,
    ev.EcoPointsReversed,
)
# The events after which the rules read the customer's delivered orders again.
_FACT_EVENTS = (
    ev.CustomerRegistered,
    ev.OrderDelivered,
    ev.OrderRefunded,
    ev.EcoPointsEarned,
    ev.EcoPointsReversed,
    ev.ChallengeJoined,
)
_encoder = msgspec.json.Encoder(order="sorted")
_ENTRY_EVENTS = (ev.ChallengeJoined, ev.ChallengeCompleted, ev.ChallengeRewardReversed)


def period_keys(placed_at: str) -> dict[str, str]:
    """The week, month and all-time keys of an order placed at ``placed_at`` (UTC)."""
    return period_keys_at(datetime.fromisoformat(placed_at))


def period_keys_at(moment: datetime) -> dict[str, str]:
    """The week, month and all-time keys of an aware ``moment`` (UTC)."""
    at = moment.astimezone(UTC)
    year, week, _ = at.isocalendar()
    return {"week": f"{year}-W{week:02d}", "month": f"{at.year}-{at.month:02d}", "all": "all"}


def board_key(board: str, period_key: str) -> str:
    return f"board:{board}:{period_key}"


def _board_keys(board: str, placed_at: str) -> tuple[tuple[str, str], ...]:
    """Each period key of an order placed at ``placed_at`` with its board's key.

    Remembered per UTC day: an order is scored at payment and again per points event, and a
    rebuild goes through a day's orders together (whatever their second).
    """
    if placed_at.endswith(("+00:00", "Z")) and placed_at[10:11] == "T":
        return _board_keys_of_day(board, placed_at[:10])
    return _board_keys_at(board, datetime.fromisoformat(placed_at))


@lru_cache(maxsize=4096)
def _board_keys_of_day(board: str, day: str) -> tuple[tuple[str, str], ...]:
    return _board_keys_at(board, datetime.fromisoformat(day).replace(tzinfo=UTC))


def _board_keys_at(board: str, moment: datetime) -> tuple[tuple[str, str], ...]:
    return tuple((period, board_key(board, period)) for period in period_keys_at(moment).values())


def empty_rewards(customer_id: str) -> dict[str, Any]:
    """A customer's rewards before anything happened: what the projection starts from."""
    return {
        "customer_id": customer_id,
        "time_zone": "UTC",
        "balance": 0,
        "lifetime": 0,
        "order_points": 0,
        "challenge_points": 0,
        "badges": {},
        "challenges": {},
        "visible": True,
        "erased": False,
        "scores": {board: {} for board in BOARDS},
    }


_FIELDS = frozenset(empty_rewards(""))


class Rewards:
    name = "rewards"

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:
        e = event.event
        if isinstance(e, ev.OrderPlaced):
            return [f"order:{e.order_id}"]  # nothing of the customer's changes before payment
        if isinstance(e, ev.ChallengeCreated):
            return [f"challenge:{e.challenge_id}"]
        found = [f"customer:{e.customer_id}"] if isinstance(e, _CUSTOMER_EVENTS) else []
        if isinstance(e, _ORDER_EVENTS):
            found = [f"customer:{e.customer_id}", f"order:{e.order_id}"]
        elif isinstance(e, _ENTRY_EVENTS):
            found = [f"customer:{e.customer_id}", f"challenge:{e.challenge_id}"]
        if isinstance(e, _FACT_EVENTS):
            found.append(f"facts:{e.customer_id}")
        return found

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        if isinstance(e, ev.ChallengeCreated):
            _challenge_created(e, batch)
            return
        if isinstance(e, ev.OrderPlaced):
            _order_placed(e, batch)
            return
        if not isinstance(e, (*_CUSTOMER_EVENTS, *_ORDER_EVENTS, *_ENTRY_EVENTS)):
            return
        key = f"customer:{e.customer_id}"
        doc = batch.doc(key)
        if doc is None or not doc.keys() >= _FIELDS:  # new, or stored before a field existed
            doc = {**empty_rewards(e.customer_id), **(doc or {})}
        # The facts, read only after the events that can change them (or what the rules read them
        # with: the time zone, a newly joined challenge): only then can badges or challenge
        # progress change. Everything else they depend on is as the last such event left it.
        facts = _facts_doc(batch, e.customer_id) if isinstance(e, _FACT_EVENTS) else None
        if isinstance(e, _CUSTOMER_EVENTS):
            _customer_event(e, doc, batch)
        elif isinstance(e, _ORDER_EVENTS):
            if not _order_event(e, doc, facts, batch) and facts is not None:
                facts = None  # an order not delivered yet: no fact of it to change
        else:
            _entry_event(e, doc, batch)
        _derive(doc, facts, points_only=isinstance(e, ev.EcoPointsEarned))
        batch.put(key, doc)


def _customer_event(e: Any, doc: dict[str, Any], batch: Batch) -> None:
    if isinstance(e, ev.CustomerRegistered):
        doc["time_zone"] = zone_of_country(e.country)
    elif isinstance(e, ev.CustomerErased):
        doc["erased"] = True
        _show(doc, batch, visible=False)
    else:
        doc["visible"] = e.visible
        _show(doc, batch, visible=e.visible and not doc["erased"])


def _facts_doc(batch: Batch, customer_id: str) -> dict[str, Any]:
    return batch.doc(f"facts:{customer_id}") or {"customer_id": customer_id, "facts": []}


def _order_placed(e: ev.OrderPlaced, batch: Batch) -> None:
    """An order's own document, which its later events read; nothing of the customer's changes yet."""
    fp = e.footprint
    batch.put(
        f"order:{e.order_id}",
        {
            "placed_at": e.placed_at,
            "shipping_method": e.shipping_method,
            "savings": fp.savings_kg_co2e if fp is not None else 0.0,
            "certified_units": e.certified_units,
            "certified_brands": e.certified_brands,
            "total": e.total_minor,
            "refunded": 0,
            "points": 0,
        },
    )


def _order_event(e: Any, doc: dict[str, Any], facts: dict[str, Any] | None, batch: Batch) -> bool:
    """Apply a placed order's event to the customer's ``doc`` and (when delivered) its fact in
    ``facts``; whether it changed a fact (the delivered orders the rules read)."""
    order_key = f"order:{e.order_id}"
    order = batch.doc(order_key)
    if order is None:
        raise LookupError(f"{type(e).__name__} for order {e.order_id} arrived before OrderPlaced")
    if isinstance(e, ev.OrderPaid):
        _score(doc, batch, "co2e-saved", order["placed_at"], order["savings"])
        _score(doc, batch, "eco-points", order["placed_at"], 0)  # on the board with what it earns later
        return False
    assert facts is not None  # noqa: S101 - every event from here on is a fact event
    if isinstance(e, ev.OrderDelivered):
        order["delivered_at"] = e.delivered_at
        facts["facts"].append({"order_id": e.order_id, **order})
    elif isinstance(e, ev.OrderRefunded):
        order["refunded"] = e.refunded_total_minor
    elif isinstance(e, ev.EcoPointsEarned):
        order["points"] += e.points
        _earn(doc, e.points, "order_points")
        _score(doc, batch, "eco-points", order["placed_at"], e.points)
    else:  # EcoPointsReversed
        order["points"] -= e.points
        _earn(doc, -e.points, "order_points")
        _score(doc, batch, "eco-points", order["placed_at"], -e.points)
    batch.put(order_key, order)
    delivered = False
    for fact in facts["facts"]:
        if fact["order_id"] == e.order_id:
            fact.update(order)
            delivered = True
    if delivered:
        batch.put(f"facts:{e.customer_id}", facts)
    if isinstance(e, ev.OrderRefunded | ev.EcoPointsReversed):
        doc["badges"] = badges.replay(facts_of(facts), doc["time_zone"])  # a refund may take a badge back
    return delivered


def _entry_event(e: Any, doc: dict[str, Any], batch: Batch) -> None:
    challenge_key = f"challenge:{e.challenge_id}"
    challenge = batch.doc(challenge_key)
    if challenge is None:
        raise LookupError(
            f"{type(e).__name__} for challenge {e.challenge_id} arrived before ChallengeCreated"
        )
    entry = doc["challenges"].setdefault(e.challenge_id, {"rewarded_points": 0, "completed_at": None})
    if isinstance(e, ev.ChallengeJoined):
        entry.update(joined_at=e.joined_at, **{k: challenge[k] for k in _CHALLENGE_RULE})
        challenge["participants"] += 1
    elif isinstance(e, ev.ChallengeCompleted):
        entry.update(rewarded_points=e.points, completed_at=e.completed_at)
        _earn(doc, e.points, "challenge_points")
        challenge["completions"] += 1
    else:
        entry.update(rewarded_points=0, completed_at=None)
        _earn(doc, -e.points, "challenge_points")
        challenge["completions"] -= 1
    batch.put(challenge_key, challenge)


_CHALLENGE_RULE = ("title", "goal", "starts_on", "ends_on", "time_zone", "reward_points")


def _challenge_created(e: ev.ChallengeCreated, batch: Batch) -> None:
    batch.put(
        f"challenge:{e.challenge_id}",
        {
            "id": e.challenge_id,
            "title": e.title,
            "description": e.description,
            "goal": msgspec.to_builtins(e.goal),
            "starts_on": e.starts_on,
            "ends_on": e.ends_on,
            "time_zone": e.time_zone,
            "reward_points": e.reward_points,
            "created_at": e.created_at,
            "participants": 0,
            "completions": 0,
        },
    )
    starts = datetime.combine(date.fromisoformat(e.starts_on), datetime.min.time(), UTC).timestamp()
    batch.op("zadd", "challenges", {e.challenge_id: starts})


def _earn(doc: dict[str, Any], points: int, source: str) -> None:
    """Points in or out; lifetime counts what was earned and kept, so a reversal lowers it too."""
    doc["balance"] += points
    doc["lifetime"] += points
    doc[source] += points


def _score(doc: dict[str, Any], batch: Batch, board: str, placed_at: str, amount: float) -> None:
    scores = doc["scores"][board]
    shown = doc["visible"] and not doc["erased"]
    for period_key, key in _board_keys(board, placed_at):
        score = scores[period_key] = scores.get(period_key, 0) + amount
        if shown:
            batch.score(key, doc["customer_id"], -_rounded(score))


def _rounded(value: float) -> float:
    return round(value, BOARD_DECIMALS) + 0.0  # + 0.0: no -0.0 in a score


def _show(doc: dict[str, Any], batch: Batch, *, visible: bool) -> None:
    """Put the customer on every board they have a score on, or take them off all at once."""
    for board in BOARDS:
        for period_key, value in doc["scores"][board].items():
            key = board_key(board, period_key)
            if visible:
                batch.op("zadd", key, {doc["customer_id"]: -_rounded(value)})
            else:
                batch.op("zrem", key, doc["customer_id"])


def facts_of(facts: dict[str, Any] | None) -> list[OrderFact]:
    """A ``facts:{id}`` document's delivered orders as the rules count them (fully refunded ones
    drop out); none when there is no document yet."""
    if facts is None:
        return []
    found = (
        kept_fact(
            f["order_id"],
            _instant(f["placed_at"]),
            _instant(f["delivered_at"]),
            f["shipping_method"],
            f["savings"],
            f["certified_units"],
            f["certified_brands"],
            f["points"],
            (f["total"], f["refunded"]),
        )
        for f in facts["facts"]
    )
    return [f for f in found if f is not None]


@lru_cache(maxsize=65536)
def _instant(text: str) -> datetime:
    """An ISO timestamp of a fact, parsed once (a customer's facts are read again on every delivery)."""
    return datetime.fromisoformat(text)


@lru_cache(maxsize=1024)
def _rule_of(encoded_goal: bytes, starts_on: str, ends_on: str, time_zone: str) -> tuple[Goal, Window]:
    """A challenge entry's goal and window, decoded once per distinct challenge rule."""
    window = Window(date.fromisoformat(starts_on), date.fromisoformat(ends_on), time_zone)
    return msgspec.json.decode(encoded_goal, type=Goal), window


def _derive(doc: dict[str, Any], facts_doc: dict[str, Any] | None, *, points_only: bool = False) -> None:
    """Level, and (given the facts, which an event that may change them brings) badges newly earned
    and challenge progress, from the facts as they now are. Without them, badges and progress are
    what they were: the last change was derived, and a badge that held then was earned then.

    ``points_only``: an order's points arrived, which change its fact's points and nothing else, so
    only the badges and challenges that measure eco points can move.
    """
    level, following = badges.level_of(doc["lifetime"])
    doc["level"] = {"name": level.name, "min_points": level.min_points}
    doc["next_level"] = (
        None if following is None else {"name": following.name, "min_points": following.min_points}
    )
    if facts_doc is None:
        return
    badges_too = badges.POINTS_MATTER or not points_only
    # An entry without a goal was completed before its join was seen: cannot happen in log order.
    entries = [
        entry
        for entry in doc["challenges"].values()
        if "goal" in entry and (not points_only or entry["goal"]["measure"] == "eco_points")
    ]
    if not badges_too and not entries:
        return
    facts = facts_of(facts_doc)
    if badges_too:
        doc["badges"] = badges.newly_earned(doc["badges"], facts, doc["time_zone"])
    for entry in entries:
        goal, window = _rule_of(
            _encoder.encode(entry["goal"]), entry["starts_on"], entry["ends_on"], entry["time_zone"]
        )
        entry["progress"] = progress(goal, window, facts)
        entry["reached"] = reached(goal, entry["progress"])
