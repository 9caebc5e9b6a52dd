"""Every order of the shop, for admins: one row per order and indexes newest first.

Documents: ``order:{order}``, the row an admin's list shows (status, customer,
totals, kg CO2e, placed at). Indexes: ``all``, ``status:{status}`` and
``customer:{customer}``, sorted sets whose members all score 0 and sort by
their text, ``{placed_at in UTC, fixed width}|{order}``: Redis orders equal
scores by member, so one range by text gives a time range, newest first, with
the order id breaking ties. A page ends at a member, and the next one starts
strictly below it: keyset pagination that a new order cannot shift.

The order views (``order_views``) are keyed by customer so that a customer can
never address another's order; this list is the admins' own read model beside
them, and a projection of its own so that an existing shop builds it from the
log when it first runs, without rebuilding the order views.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from projections.projectors.orders import status_after
from projections.store import Batch
from write_side.contracts import events as ev

NAME = "order_list"

_CHANGES = (
    ev.OrderPaid,
    ev.OrderCancelled,
    ev.OrderShipped,
    ev.OrderDelivered,
    ev.OrderRefunded,
    # These move the order's stream (its version) but not its row's status or totals.
    ev.OrderPaymentFailed,
    ev.EcoPointsEarned,
    ev.EcoPointsReversed,
)


def sortable_time(moment: datetime) -> str:
    """``moment`` in UTC as fixed-width text, so that text order is time order (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # within a day of year 1 or 9999: the ends of time are as good
        utc = datetime.min.replace(tzinfo=UTC) if moment.year == 1 else datetime.max.replace(tzinfo=UTC)
    # isoformat pads the year to four digits, where strftime's %Y does not on every platform.
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def list_member(placed_at: str, order_id: str) -> str:
    """An order's member in the list's indexes."""
    return f"{sortable_time(datetime.fromisoformat(placed_at))}|{order_id}"


def status_index(status: str) -> str:
    return f"status:{status}"


def customer_index(customer_id: str) -> str:
    return f"customer:{customer_id}"


ALL = "all"


class OrderList:
    name = NAME

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:
        e = event.event
        if isinstance(e, (ev.OrderPlaced, *_CHANGES)):
            return [f"order:{e.order_id}"]
        return []

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        if isinstance(e, ev.OrderPlaced):
            row: dict[str, Any] = {
                "id": e.order_id,
                "customer_id": e.customer_id,
                "status": "pending_payment",
                "currency": e.currency,
                "total_minor": e.total_minor,
                "refunded_minor": 0,
                "kg_co2e": e.footprint.kg_co2e.central if e.footprint else None,
                "placed_at": e.placed_at,
                "version": event.stream_version,
            }
            batch.put(f"order:{e.order_id}", row)
            member = list_member(e.placed_at, e.order_id)
            for index in (ALL, status_index("pending_payment"), customer_index(e.customer_id)):
                batch.op("zadd", index, {member: 0})
            return
        if not isinstance(e, _CHANGES):
            return
        key = f"order:{e.order_id}"
        current = batch.doc(key)
        if current is None:
            raise LookupError(f"{event.event_type} for order {e.order_id} arrived before OrderPlaced")
        row = dict(current)
        status = status_after(e, row["status"])
        if isinstance(e, ev.OrderRefunded):
            row["refunded_minor"] = e.refunded_total_minor
        if status != row["status"]:
            member = list_member(row["placed_at"], e.order_id)
            batch.op("zrem", status_index(row["status"]), member)
            batch.op("zadd", status_index(status), {member: 0})
            row["status"] = status
        row["version"] = event.stream_version
        batch.put(key, row)
