"""Eco-box subscriptions in PostgreSQL, and which invoice made which order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters.tables import stripe_customers, subscription_orders, subscriptions
from write_side.adapters.unique import insert_once


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    subscription_id: str
    customer_id: str
    status: str
    items: list[dict[str, object]]
    shipping_country: str
    shipping_method: str
    stripe_subscription: str


def _row(row: object) -> SubscriptionRow:
    return SubscriptionRow(
        str(row.subscription_id),  # type: ignore[attr-defined]
        str(row.customer_id),  # type: ignore[attr-defined]
        row.status,  # type: ignore[attr-defined]
        row.items,  # type: ignore[attr-defined]
        row.shipping_country,  # type: ignore[attr-defined]
        row.shipping_method,  # type: ignore[attr-defined]
        row.stripe_subscription,  # type: ignore[attr-defined]
    )


async def add(conn: AsyncConnection, values: dict[str, object]) -> None:
    await conn.execute(insert(subscriptions).values(**values))


async def lock(
    conn: AsyncConnection, *, subscription_id: str | None = None, stripe_id: str | None = None
) -> SubscriptionRow | None:
    where = (
        subscriptions.c.subscription_id == subscription_id
        if subscription_id
        else subscriptions.c.stripe_subscription == stripe_id
    )
    row = (await conn.execute(select(subscriptions).where(where).with_for_update())).first()
    return None if row is None else _row(row)


async def set_status(conn: AsyncConnection, subscription_id: str, status: str) -> None:
    stamps = {"cancel_at_period_end": "cancel_requested_at", "ended": "ended_at"}
    values: dict[str, object] = {"status": status}
    if status in stamps:
        values[stamps[status]] = func.now()
    await conn.execute(
        update(subscriptions).where(subscriptions.c.subscription_id == subscription_id).values(**values)
    )


async def claim_invoice(conn: AsyncConnection, invoice_id: str, subscription_id: str, order_id: str) -> bool:
    """Tie the invoice to the order it makes; False when an earlier delivery did so already."""
    values = {"invoice_id": invoice_id, "subscription_id": subscription_id, "order_id": order_id}
    return await insert_once(conn, subscription_orders, values, "invoice_id")


async def stripe_customer_of(conn: AsyncConnection, customer_id: str) -> str | None:
    return await conn.scalar(
        select(stripe_customers.c.stripe_customer).where(stripe_customers.c.customer_id == customer_id)
    )


async def remember_stripe_customer(conn: AsyncConnection, customer_id: str, stripe_customer: str) -> None:
    await insert_once(
        conn,
        stripe_customers,
        {"customer_id": customer_id, "stripe_customer": stripe_customer},
        "customer_id",
    )
