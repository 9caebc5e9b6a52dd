"""Order views per customer, customer dashboards and the platform summary.

Documents: ``order:{customer}:{order}`` (what ``me/orders/{id}`` shows; keyed by
customer so one customer can never address another's order),
``dashboard:{customer}`` and ``summary``. Index: ``orders:{customer}``, a
sorted set of the customer's orders by time placed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from projections.store import Batch
from write_side.contracts import events as ev

_ORDER_EVENTS = (
    ev.OrderPlaced,
    ev.OrderPaid,
    ev.OrderPaymentFailed,
    ev.OrderCancelled,
    ev.OrderShipped,
    ev.OrderDelivered,
    ev.OrderRefunded,
)

# Events of an order's stream that change its points, not its status.
_POINT_EVENTS = (ev.EcoPointsEarned, ev.EcoPointsReversed)


def _order_key(customer_id: str, order_id: str) -> str:
    return f"order:{customer_id}:{order_id}"


class OrderViews:
    name = "order_views"

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:
        e = event.event
        if isinstance(e, (*_ORDER_EVENTS, *_POINT_EVENTS)):
            return [_order_key(e.customer_id, e.order_id)]
        return []

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        if isinstance(e, ev.OrderPlaced):
            view: dict[str, Any] = {
                "id": e.order_id,
                "customer_id": e.customer_id,
                "status": "pending_payment",
                "currency": e.currency,
                "lines": [
                    {
                        "product_id": li.product_id,
                        "sku": li.sku,
                        "name": li.name,
                        "quantity": li.quantity,
                        "unit_price_minor": li.unit_price_minor,
                        "line_total_minor": li.line_total_minor,
                    }
                    for li in e.lines
                ],
                "totals": {
                    "subtotal_minor": e.subtotal_minor,
                    "shipping_minor": e.shipping_minor,
                    "tax_minor": e.tax_minor,
                    "total_minor": e.total_minor,
                    "refunded_minor": 0,
                },
                "shipping": {"country": e.shipping_country, "method": e.shipping_method},
                "placed_at": e.placed_at,
                "history": [{"status": "pending_payment", "at": e.placed_at}],
                "footprint": _order_footprint(e),
                "version": event.stream_version,
            }
            batch.put(_order_key(e.customer_id, e.order_id), view)
            batch.op(
                "zadd",
                f"orders:{e.customer_id}",
                {e.order_id: datetime.fromisoformat(e.placed_at).timestamp()},
            )
            return
        if not isinstance(e, (*_ORDER_EVENTS, *_POINT_EVENTS)):
            return
        key = _order_key(e.customer_id, e.order_id)
        current = batch.doc(key)
        if current is None:
            raise LookupError(f"{event.event_type} for order {e.order_id} arrived before OrderPlaced")
        view = current
        if isinstance(e, _POINT_EVENTS):  # the order's stream moves on; its status does not
            sign = 1 if isinstance(e, ev.EcoPointsEarned) else -1
            view["eco_points"] = view.get("eco_points", 0) + sign * e.points
            view["version"] = event.stream_version
            batch.put(key, view)
            return
        status, at = _transition(e, view)
        if status != view["status"] or at:
            view["status"] = status
            view["history"].append({"status": status, "at": at})
        view["version"] = event.stream_version
        batch.put(key, view)


def status_after(e: Any, status: str) -> str:
    """An order's status after ``e``, one of its stream's events, from ``status`` (the order views'
    and the admins' order list's one rule)."""
    if isinstance(e, ev.OrderPaid):
        return "paid"
    if isinstance(e, ev.OrderCancelled):
        return "cancelled"
    if isinstance(e, ev.OrderShipped):
        return "shipped"
    if isinstance(e, ev.OrderDelivered):
        return "delivered"
    if isinstance(e, ev.OrderRefunded):
        return "refunded" if e.fully_refunded else status
    return status  # a payment failure (a cancellation follows) or points


def _transition(e: Any, view: dict[str, Any]) -> tuple[str, str]:
    """The view's status after ``e`` and when it changed ("" for a payment failure), with what the
    event adds to the view."""
    status = status_after(e, view["status"])
    if isinstance(e, ev.OrderPaid):
        view["payment_reference"] = e.payment_reference
        return status, e.paid_at
    if isinstance(e, ev.OrderCancelled):
        view["cancel_reason"] = e.reason
        return status, e.cancelled_at
    if isinstance(e, ev.OrderShipped):
        return status, e.shipped_at
    if isinstance(e, ev.OrderDelivered):
        return status, e.delivered_at
    if isinstance(e, ev.OrderRefunded):
        view["totals"]["refunded_minor"] = e.refunded_total_minor
        return status, e.refunded_at
    view["payment_failure"] = e.reason  # OrderPaymentFailed: the cancellation follows
    return status, ""


def _order_footprint(e: ev.OrderPlaced) -> dict[str, Any] | None:
    fp = e.footprint
    if fp is None:
        return None
    return {
        "kg_co2e": fp.kg_co2e.central,
        "low": fp.kg_co2e.low,
        "high": fp.kg_co2e.high,
        "shipping_kg_co2e": fp.shipping.kg_co2e.central,
        "baseline_kg_co2e": fp.baseline_kg_co2e,
        "savings_kg_co2e": fp.savings_kg_co2e,
        "factor_version": fp.factor_version,
        # Per line, what the advisor ranks (kg CO2e per unit at order time).
        "lines": [
            {"product_id": li.product_id, "quantity": li.quantity, "unit_kg_co2e": li.unit_kg_co2e}
            for li in fp.lines
        ],
    }


class CustomerDashboards:
    """Per customer: orders, spend and refunds per currency, and the footprint of paid orders.

    An order's footprint counts once it is paid (a cancelled, never-paid order did not
    happen); the footprint is kept per order from ``OrderPlaced`` until then, in
    ``dashboard_order:{order}``. A refund does not take it back: the goods were made
    and shipped.
    """

    name = "customer_dashboards"

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:
        e = event.event
        if isinstance(e, ev.CustomerRegistered | ev.CustomerErased):
            return [f"dashboard:{e.customer_id}"]
        if isinstance(e, ev.OrderPlaced | ev.OrderPaid):
            return [f"dashboard:{e.customer_id}", f"dashboard_order:{e.order_id}"]
        if isinstance(e, _ORDER_EVENTS):
            return [f"dashboard:{e.customer_id}"]
        return []

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        if not isinstance(e, (ev.CustomerRegistered, ev.CustomerErased, *_ORDER_EVENTS)):
            return
        key = f"dashboard:{e.customer_id}"
        # A dashboard stored before the footprint fields existed gains them at zero.
        board = {**empty_dashboard(e.customer_id), **(batch.doc(key) or {})}
        if isinstance(e, ev.OrderPlaced):
            board["orders_placed"] += 1
            board["items_bought"] += sum(li.quantity for li in e.lines)
            # Two orders placed at once commit in either order: keep the later time, not the later event.
            last = board["last_order_at"]
            if last is None or datetime.fromisoformat(e.placed_at) > datetime.fromisoformat(last):
                board["last_order_at"] = e.placed_at
            if e.footprint is not None:
                batch.put(f"dashboard_order:{e.order_id}", _order_footprint(e) or {})
        elif isinstance(e, ev.OrderPaid):
            board["spent_minor"][e.currency] = board["spent_minor"].get(e.currency, 0) + e.amount_minor
            footprint = batch.doc(f"dashboard_order:{e.order_id}")
            if footprint:
                for name, part in (
                    ("footprint_kg_co2e", "kg_co2e"),
                    ("baseline_kg_co2e", "baseline_kg_co2e"),
                    ("saved_kg_co2e", "savings_kg_co2e"),
                ):
                    board[name] = round(board[name] + footprint[part], 4)
        elif isinstance(e, ev.OrderRefunded):
            board["refunded_minor"][e.currency] = board["refunded_minor"].get(e.currency, 0) + e.amount_minor
        elif isinstance(e, ev.OrderCancelled):
            board["orders_cancelled"] += 1
        elif isinstance(e, ev.CustomerErased):
            # Nothing personal is kept here (only counts and amounts); the mark tells readers
            # such as leaderboards to show the pseudonym and nothing else.
            board["erased"] = True
            board["pseudonym"] = e.pseudonym
        batch.put(key, board)


def empty_dashboard(customer_id: str) -> dict[str, Any]:
    """A customer's dashboard before any order: what the projection starts from and the API answers."""
    return {
        "customer_id": customer_id,
        "orders_placed": 0,
        "orders_cancelled": 0,
        "items_bought": 0,
        "spent_minor": {},
        "refunded_minor": {},
        "last_order_at": None,
        "footprint_kg_co2e": 0.0,
        "baseline_kg_co2e": 0.0,
        "saved_kg_co2e": 0.0,
    }


class PlatformSummary:
    """Platform totals: customers, products, orders by status, revenue per currency."""

    name = "platform_summary"

    def document_keys(self, event: ev.RecordedEvent) -> Iterable[str]:  # noqa: ARG002 - one document for all
        return ["summary"]

    def apply(self, event: ev.RecordedEvent, batch: Batch) -> None:
        e = event.event
        summary = batch.doc("summary") or {
            "customers": 0,
            "products": 0,
            "orders_placed": 0,
            "orders_paid": 0,
            "orders_cancelled": 0,
            "orders_refunded": 0,
            "revenue_minor": {},
            "refunds_minor": {},
            "units_sold": 0,
        }
        if isinstance(e, ev.CustomerRegistered):
            summary["customers"] += 1
        elif isinstance(e, ev.CustomerErased):
            summary["customers_erased"] = summary.get("customers_erased", 0) + 1
        elif isinstance(e, ev.ProductCreated):
            summary["products"] += 1
        elif isinstance(e, ev.OrderPlaced):
            summary["orders_placed"] += 1
            summary["units_sold"] += sum(li.quantity for li in e.lines)
        elif isinstance(e, ev.OrderPaid):
            summary["orders_paid"] += 1
            summary["revenue_minor"][e.currency] = (
                summary["revenue_minor"].get(e.currency, 0) + e.amount_minor
            )
        elif isinstance(e, ev.OrderCancelled):
            summary["orders_cancelled"] += 1
        elif isinstance(e, ev.OrderRefunded):
            summary["orders_refunded"] += int(e.fully_refunded)
            summary["refunds_minor"][e.currency] = (
                summary["refunds_minor"].get(e.currency, 0) + e.amount_minor
            )
        else:
            return
        batch.put("summary", summary)
