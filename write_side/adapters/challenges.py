"""Challenges, their entries and the settled-order facts they measure, in PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import challenge_entries, challenges, customers, orders
from write_side.contracts.challenges import Goal
from write_side.domain.challenges import OrderFact, Window, kept_fact


@dataclass(frozen=True, slots=True)
class ChallengeRow:
    challenge_id: str
    title: str
    goal: Goal
    window: Window
    reward_points: int


@dataclass(frozen=True, slots=True)
class EntryRow:
    challenge: ChallengeRow
    customer_id: str
    rewarded_points: int
    version: int


def _challenge(row: Any) -> ChallengeRow:
    return ChallengeRow(
        str(row.challenge_id),
        row.title,
        msgspec.convert(row.goal, Goal),
        Window(row.starts_on, row.ends_on, row.time_zone),
        row.reward_points,
    )


async def add(conn: AsyncConnection, values: dict[str, object]) -> None:
    await conn.execute(insert(challenges).values(**values))


async def get(conn: AsyncConnection, challenge_id: str) -> ChallengeRow | None:
    row = (await conn.execute(select(challenges).where(challenges.c.challenge_id == challenge_id))).first()
    return None if row is None else _challenge(row)


async def join(conn: AsyncConnection, challenge_id: str, customer_id: str, now: str) -> bool:
    """Add the entry; False when the customer had joined already (the primary key says so)."""
    inserted = await conn.execute(
        pg_insert(challenge_entries)
        .values(challenge_id=challenge_id, customer_id=customer_id, joined_at=now, version=1)
        .on_conflict_do_nothing()
        .returning(challenge_entries.c.version)
    )
    return inserted.first() is not None


async def lock_customer(conn: AsyncConnection, customer_id: str) -> bool:
    """Serialise the customer's challenge settlements (joins, deliveries, refunds); False if unknown.

    ``FOR NO KEY UPDATE``: it excludes other settlements of this customer, but not the key-share
    locks that the foreign keys of their new orders take, so ordering never waits on it.
    """
    row = await conn.execute(
        select(customers.c.customer_id)
        .where(customers.c.customer_id == customer_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE
    )
    return row.first() is not None


async def entries(conn: AsyncConnection, customer_id: str, challenge_id: str | None = None) -> list[EntryRow]:
    """The customer's entries with their challenges (call with the customer locked)."""
    query = (
        select(
            challenges,
            challenge_entries.c.rewarded_points,
            challenge_entries.c.version.label("entry_version"),
        )
        .join(challenge_entries, challenge_entries.c.challenge_id == challenges.c.challenge_id)
        .where(challenge_entries.c.customer_id == customer_id)
        .order_by(challenges.c.challenge_id)
    )
    if challenge_id is not None:
        query = query.where(challenges.c.challenge_id == challenge_id)
    rows = (await conn.execute(query)).all()
    return [EntryRow(_challenge(r), customer_id, r.rewarded_points, r.entry_version) for r in rows]


async def settle(
    conn: AsyncConnection, entry: EntryRow, rewarded_points: int, completed_at: str | None
) -> int:
    """Store the entry's new reward; returns its new version (the event's stream version)."""
    version = entry.version + 1
    await conn.execute(
        update(challenge_entries)
        .where(
            challenge_entries.c.challenge_id == entry.challenge.challenge_id,
            challenge_entries.c.customer_id == entry.customer_id,
        )
        .values(rewarded_points=rewarded_points, completed_at=completed_at, version=version)
    )
    return version


async def facts(conn: AsyncConnection, customer_id: str) -> list[OrderFact]:
    """The customer's delivered orders that were not fully refunded, in delivery order."""
    rows = (
        await conn.execute(
            select(
                orders.c.order_id,
                orders.c.placed_at,
                orders.c.delivered_at,
                orders.c.shipping_method,
                orders.c.savings_kg_co2e,
                orders.c.certified_units,
                orders.c.certified_brands,
                orders.c.eco_points_held,
                orders.c.total_minor,
                orders.c.refunded_minor,
            )
            .where(orders.c.customer_id == customer_id, orders.c.delivered_at.is_not(None))
            .order_by(orders.c.delivered_at, orders.c.order_id)
        )
    ).all()
    found = (
        kept_fact(
            str(r.order_id),
            r.placed_at,
            r.delivered_at,
            r.shipping_method,
            r.savings_kg_co2e,
            r.certified_units,
            r.certified_brands,
            r.eco_points_held,
            (r.total_minor, r.refunded_minor),
        )
        for r in rows
    )
    return [f for f in found if f is not None]


async def set_visibility(conn: AsyncConnection, customer_id: str, visible: bool) -> bool | None:
    """Set the customer's leaderboard visibility; the previous value, or None if no such customer."""
    row = (
        await conn.execute(
            select(customers.c.leaderboard_visible)
            .where(customers.c.customer_id == customer_id, customers.c.erased_at.is_(None))
            .with_for_update()
        )
    ).first()
    if row is None:
        return None
    if row.leaderboard_visible != visible:
        await conn.execute(
            update(customers)
            .where(customers.c.customer_id == customer_id)
            .values(leaderboard_visible=visible)
        )
    return bool(row.leaderboard_visible)
