"""Personal data of one customer: everything we hold (export), and forgetting it (erasure).

Where personal data lives, and what erasure does there:

* ``customers``: email and display name are replaced by a pseudonym; country
  and dates stay (tax records).
* ``credentials`` (with its sessions and refresh tokens, by cascade): deleted,
  which also ends every session.
* ``signin_failures``: rows for the email are deleted.
* ``customer_keys``: the key is deleted, so every sealed field in the event log
  (email, name, shipping addresses) can never be read again, by any rebuild.
* ``idempotency_keys``: stored responses that show the email or the name are
  deleted (a replay after erasure runs the request again instead).

Orders, lines and ledger entries keep their amounts under the customer id,
which no longer leads to a person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from write_side.adapters import vault
from write_side.adapters.tables import (
    credentials,
    customers,
    event_log,
    idempotency_keys,
    journal_entries,
    journal_transactions,
    order_lines,
    orders,
    sessions,
    signin_failures,
    subscriptions,
)
from write_side.contracts import events as ev


def pseudonym(customer_id: str) -> str:
    return f"Shopper {customer_id[-8:]}"


async def erase(conn: AsyncConnection, customer_id: str) -> tuple[str, str] | None:
    """Forget the customer; their former (email, display name), or None if already erased or unknown."""
    row = (
        await conn.execute(
            select(customers.c.email, customers.c.display_name)
            .where(customers.c.customer_id == customer_id, customers.c.erased_at.is_(None))
            .with_for_update()
        )
    ).first()
    if row is None:
        return None
    email, name = row
    await conn.execute(
        update(customers)
        .where(customers.c.customer_id == customer_id)
        .values(
            email=f"erased+{customer_id}@erased.invalid",
            display_name=pseudonym(customer_id),
            erased_at=func.now(),
        )
    )
    await conn.execute(delete(credentials).where(credentials.c.user_id == customer_id))
    await conn.execute(delete(signin_failures).where(signin_failures.c.email == email))
    await vault.shred_key(conn, customer_id)
    await conn.execute(
        delete(idempotency_keys).where(
            or_(
                idempotency_keys.c.principal == customer_id,
                text("position(convert_to(:email, 'UTF8') in response_body) > 0").bindparams(email=email),
                text("position(convert_to(:name, 'UTF8') in response_body) > 0").bindparams(name=name),
            )
        )
    )
    return email, name


async def is_erased(conn: AsyncConnection, customer_id: str) -> bool:
    erased_at = await conn.scalar(select(customers.c.erased_at).where(customers.c.customer_id == customer_id))
    return erased_at is not None


async def export(conn: AsyncConnection, customer_id: str) -> dict[str, Any] | None:
    """Everything the platform holds about the customer, personal fields decrypted."""
    profile = (await conn.execute(select(customers).where(customers.c.customer_id == customer_id))).first()
    if profile is None:
        return None
    account = (await conn.execute(select(credentials).where(credentials.c.user_id == customer_id))).first()
    session_rows = (
        await conn.execute(
            select(
                sessions.c.session_handle,
                sessions.c.created_at,
                sessions.c.revoked_at,
                sessions.c.revoked_reason,
            )
            .where(sessions.c.user_id == customer_id)
            .order_by(sessions.c.created_at)
        )
    ).all()
    return {
        "profile": {
            "customer_id": profile.customer_id,
            "email": profile.email,
            "display_name": profile.display_name,
            "country": profile.country,
            "created_at": profile.created_at.isoformat(),
            "erased_at": profile.erased_at.isoformat() if profile.erased_at else None,
        },
        "account": None
        if account is None
        else {
            "email": account.email,
            "roles": list(account.roles),
            "created_at": account.created_at.isoformat(),
            "sessions": [
                {
                    "session_handle": s.session_handle,
                    "created_at": s.created_at.isoformat(),
                    "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
                    "revoked_reason": s.revoked_reason,
                }
                for s in session_rows
            ],
        },
        "orders": await _orders(conn, customer_id),
        "subscriptions": await _subscriptions(conn, customer_id),
        "personal_events": await _personal_events(conn, customer_id),
        # Filled by the gamification and provenance features when they arrive; nothing is held yet.
        "eco_points": [],
        "challenges": [],
        "provenance_actions": [],
    }


async def _orders(conn: AsyncConnection, customer_id: str) -> list[dict[str, Any]]:
    rows = (
        await conn.execute(
            select(orders).where(orders.c.customer_id == customer_id).order_by(orders.c.placed_at)
        )
    ).all()
    ids = [r.order_id for r in rows]
    lines: dict[str, list[dict[str, Any]]] = {}
    for line in (
        await conn.execute(
            select(order_lines).where(order_lines.c.order_id.in_(ids)).order_by(order_lines.c.line_no)
        )
    ).all():
        lines.setdefault(line.order_id, []).append(
            {
                "product_id": line.product_id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
            }
        )
    payments: dict[str, list[dict[str, Any]]] = {}
    for p in (
        await conn.execute(
            select(
                journal_transactions.c.order_id,
                journal_transactions.c.kind,
                journal_transactions.c.posted_at,
                journal_entries.c.currency,
                journal_entries.c.amount_minor,
            )
            .join(journal_entries, journal_entries.c.transaction_id == journal_transactions.c.transaction_id)
            .where(journal_transactions.c.order_id.in_(ids), journal_entries.c.party_id == customer_id)
            .order_by(journal_transactions.c.posted_at)
        )
    ).all():
        payments.setdefault(p.order_id, []).append(
            {
                "kind": p.kind,
                "posted_at": p.posted_at.isoformat(),
                "currency": p.currency,
                "amount_minor": p.amount_minor,
            }
        )
    return [
        {
            "order_id": r.order_id,
            "status": r.status,
            "currency": r.currency,
            "shipping_country": r.shipping_country,
            "shipping_method": r.shipping_method,
            "total_minor": r.total_minor,
            "tax_minor": r.tax_minor,
            "refunded_minor": r.refunded_minor,
            "payment_reference": r.payment_reference,
            "placed_at": r.placed_at.isoformat(),
            "lines": lines.get(r.order_id, []),
            "ledger": payments.get(r.order_id, []),
        }
        for r in rows
    ]


async def _subscriptions(conn: AsyncConnection, customer_id: str) -> list[dict[str, Any]]:
    rows = (
        await conn.execute(
            select(subscriptions)
            .where(subscriptions.c.customer_id == customer_id)
            .order_by(subscriptions.c.created_at)
        )
    ).all()
    return [
        {
            "subscription_id": r.subscription_id,
            "status": r.status,
            "items": r.items,
            "currency": r.currency,
            "amount_minor": r.amount_minor,
            "shipping_country": r.shipping_country,
            "shipping_method": r.shipping_method,
            "created_at": r.created_at.isoformat(),
            "cancel_requested_at": r.cancel_requested_at.isoformat() if r.cancel_requested_at else None,
            "ended_at": r.ended_at.isoformat() if r.ended_at else None,
        }
        for r in rows
    ]


async def _personal_events(conn: AsyncConnection, customer_id: str) -> list[dict[str, Any]]:
    """The customer's own events and their orders' placements, with sealed fields opened."""
    key = await vault.fetch_key(conn, customer_id)
    rows = (
        await conn.execute(
            select(event_log.c.position, event_log.c.event_type, event_log.c.payload, event_log.c.recorded_at)
            .where(
                or_(
                    event_log.c.stream_id == f"customer-{customer_id}",
                    (event_log.c.event_type == "OrderPlaced")
                    & (event_log.c.payload["customer_id"].astext == customer_id),
                )
            )
            .order_by(event_log.c.position)
        )
    ).all()
    return [
        {
            "position": row.position,
            "type": row.event_type,
            "recorded_at": row.recorded_at.isoformat(),
            "personal_data": _opened(key, row.event_type, row.payload),
        }
        for row in rows
    ]


def _opened(key: bytes | None, event_type: str, payload: dict[str, Any]) -> dict[str, str]:
    sealed_fields: dict[str, ev.SealedText] = {}
    if event_type == "CustomerRegistered":
        for name in ("email", "display_name"):
            sealed_fields[name] = ev.SealedText(**payload[name])
    elif event_type == "OrderPlaced" and payload.get("address"):
        for name, value in payload["address"].items():
            sealed_fields[f"address.{name}"] = ev.SealedText(**value)
    return {name: vault.unseal(key, sealed, name) for name, sealed in sealed_fields.items()}
