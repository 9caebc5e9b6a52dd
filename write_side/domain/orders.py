"""The Order aggregate and its status machine.

    pending_payment ──pay──> paid ──ship──> shipped ──deliver──> delivered
          │                   │                │                    │
          └─cancel/payment    └────────────────┴──refund (partial or full)
            failure──> cancelled                    └─ full ──> refunded

Every other transition raises ``IllegalTransitionError`` (409). Lines are
priced when the order is placed; later price changes never touch it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from write_side.contracts import events as ev
from write_side.domain import footprints, ledger, rewards
from write_side.domain.catalog import Product
from write_side.domain.errors import (
    IllegalTransitionError,
    InvalidInputError,
    MixedCurrencyError,
    ProductNotAvailableError,
)
from write_side.domain.reference import included_tax_minor, shipping_fee_minor, tax_rate_bp

MAX_LINES: Final = 100
MAX_QUANTITY: Final = 1000
REFUNDABLE: Final = frozenset({"paid", "shipped", "delivered"})


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: str
    sku: str
    name: str
    category: str
    quantity: int
    unit_price_minor: int

    @property
    def total_minor(self) -> int:
        return self.quantity * self.unit_price_minor


@dataclass(slots=True)
class Order:
    order_id: str
    customer_id: str
    currency: str
    lines: tuple[OrderLine, ...]
    shipping_country: str
    shipping_method: str
    tax_rate_bp: int
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    placed_at: str
    status: str = "pending_payment"
    refunded_minor: int = 0
    payment_reference: str | None = None
    version: int = 1
    eco_points: int = 0  # what delivery earns (write_side.domain.rewards)
    eco_points_held: int = 0  # what the customer holds from this order now: earned less reversed
    certified_units: int = 0  # stored for challenges (write_side.domain.challenges)
    certified_brands: tuple[str, ...] = ()
    savings_kg_co2e: float = 0.0
    delivered_at: str | None = None
    footprint: footprints.OrderFootprint | None = field(default=None, repr=False, compare=False)
    events: list[ev.Event] = field(default_factory=list, repr=False, compare=False)
    journal: list[ledger.JournalTransaction] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def place(  # noqa: PLR0913 - the order's parts are genuinely this many
        cls,
        order_id: str,
        customer_id: str,
        items: list[tuple[Product, int]],
        shipping_country: str,
        shipping_method: str,
        now: str,
        address: ev.ShippingAddress | None = None,
    ) -> Order:
        """Price the lines, compute totals and record ``OrderPlaced`` with its journal."""
        lines = _price_lines(items)
        currency = items[0][0].currency
        rate = tax_rate_bp(shipping_country)
        subtotal, shipping = _totals(lines, currency, shipping_method)
        total = subtotal + shipping
        footprint = footprints.rate_order(items, shipping_country, shipping_method)
        certified_products = [(product, q) for product, q in items if footprints.is_certified(product)]
        certified = sum(q for _, q in certified_products)
        order = cls(
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            lines=lines,
            shipping_country=shipping_country,
            shipping_method=shipping_method,
            tax_rate_bp=rate,
            subtotal_minor=subtotal,
            shipping_minor=shipping,
            tax_minor=included_tax_minor(total, rate),
            total_minor=total,
            placed_at=now,
            version=0,
            eco_points=rewards.order_points(footprint.savings_kg_co2e, shipping_method, certified),
            certified_units=certified,
            certified_brands=tuple(sorted({product.brand for product, _ in certified_products})),
            savings_kg_co2e=footprint.savings_kg_co2e,
            footprint=footprint,
        )
        order._record(order._placed_event(address))
        order.journal.append(ledger.order_placed(order_id, customer_id, currency, total, order.tax_minor))
        return order

    def check_payable(self) -> None:
        """Raise ``IllegalTransitionError`` unless the order awaits payment (before charging anyone)."""
        self._require("pay", "pending_payment")

    def start_payment(self, payment_reference: str, now: str) -> None:
        """A payment was opened with the provider; the order waits for its verdict."""
        self.check_payable()
        self.payment_reference = payment_reference
        self._record(
            ev.PaymentStarted(
                order_id=self.order_id,
                customer_id=self.customer_id,
                payment_reference=payment_reference,
                amount_minor=self.total_minor,
                currency=self.currency,
                started_at=now,
            )
        )

    def pay(self, payment_reference: str, now: str) -> None:
        self.check_payable()
        self._move("paid")
        self.payment_reference = payment_reference
        self._record(
            ev.OrderPaid(
                order_id=self.order_id,
                customer_id=self.customer_id,
                amount_minor=self.total_minor,
                currency=self.currency,
                payment_reference=payment_reference,
                paid_at=now,
            )
        )
        self.journal.append(
            ledger.order_paid(self.order_id, self.customer_id, self.currency, self.total_minor)
        )

    def fail_payment(self, reason: str, now: str) -> None:
        """The provider declined: the order is cancelled and its stock released."""
        self._require("record a payment failure for", "pending_payment")
        self._record(
            ev.OrderPaymentFailed(
                order_id=self.order_id,
                customer_id=self.customer_id,
                reason=reason,
            )
        )
        self.cancel(f"payment failed: {reason}", now)

    def cancel(self, reason: str, now: str) -> None:
        self._require("cancel", "pending_payment")
        self._move("cancelled")
        self._record(
            ev.OrderCancelled(
                order_id=self.order_id,
                customer_id=self.customer_id,
                reason=reason,
                cancelled_at=now,
            )
        )
        self.journal.append(
            ledger.order_cancelled(
                self.order_id,
                self.customer_id,
                self.currency,
                self.total_minor,
                self.tax_minor,
            )
        )

    def ship(self, now: str) -> None:
        self._require("ship", "paid")
        self._move("shipped")
        self._record(
            ev.OrderShipped(
                order_id=self.order_id,
                customer_id=self.customer_id,
                shipped_at=now,
            )
        )

    def deliver(self, now: str) -> None:
        self._require("deliver", "shipped")
        self._move("delivered")
        self.delivered_at = now
        self._record(
            ev.OrderDelivered(
                order_id=self.order_id,
                customer_id=self.customer_id,
                delivered_at=now,
            )
        )
        earned = rewards.kept_points(self.eco_points, self.refunded_minor, self.total_minor)
        if earned > 0:
            self.eco_points_held = earned
            self._record(
                ev.EcoPointsEarned(
                    order_id=self.order_id,
                    customer_id=self.customer_id,
                    points=earned,
                    order_points=self.eco_points,
                    earned_at=now,
                )
            )
            self.journal.append(ledger.eco_points_earned(self.order_id, self.customer_id, earned))

    def _reverse_refunded_points(self, now: str) -> None:
        """After a refund: take back the share of the points the customer no longer keeps."""
        kept = rewards.kept_points(self.eco_points, self.refunded_minor, self.total_minor)
        taken = self.eco_points_held - kept
        if taken <= 0:
            return
        self.eco_points_held = kept
        self._record(
            ev.EcoPointsReversed(
                order_id=self.order_id,
                customer_id=self.customer_id,
                points=taken,
                kept_points=kept,
                reversed_at=now,
            )
        )
        self.journal.append(ledger.eco_points_reversed(self.order_id, self.customer_id, taken))

    def refund(
        self, amount_minor: int | None, reason: str, now: str, *, through_provider: bool = False
    ) -> int:
        """Refund ``amount_minor`` (all that remains when None); returns the amount.

        Through the provider, the ledger owes the customer the money until the provider pays it out
        (``settle_refund``); otherwise (cash, bank transfer) it leaves at once.
        """
        self._require("refund", *sorted(REFUNDABLE))
        remaining = self.total_minor - self.refunded_minor
        amount = remaining if amount_minor is None else amount_minor
        if not 0 < amount <= remaining:
            raise InvalidInputError(
                f"refund amount must be between 1 and {remaining} (what remains refundable)",
                field="amount_minor",
                refundable_minor=remaining,
            )
        self.refunded_minor += amount
        full = self.refunded_minor == self.total_minor
        if full:
            self._move("refunded")
        self._record(
            ev.OrderRefunded(
                order_id=self.order_id,
                customer_id=self.customer_id,
                amount_minor=amount,
                currency=self.currency,
                refunded_total_minor=self.refunded_minor,
                fully_refunded=full,
                reason=reason,
                refunded_at=now,
                pending_settlement=through_provider,
            )
        )
        journal = ledger.order_refund_requested if through_provider else ledger.order_refunded
        self.journal.append(journal(self.order_id, self.currency, amount, self.tax_rate_bp))
        self._reverse_refunded_points(now)
        return amount

    def settle_refund(self, refund_reference: str, amount_minor: int, now: str) -> None:
        """The provider paid out a refund this order asked for."""
        if not 0 < amount_minor <= self.refunded_minor:
            raise InvalidInputError(
                f"a settled refund of {amount_minor} exceeds what order {self.order_id} refunded "
                f"({self.refunded_minor})",
                field="amount_minor",
            )
        self._record(
            ev.RefundSettled(
                order_id=self.order_id,
                customer_id=self.customer_id,
                refund_reference=refund_reference,
                amount_minor=amount_minor,
                currency=self.currency,
                settled_at=now,
            )
        )
        self.journal.append(ledger.refund_settled(self.order_id, self.currency, amount_minor))

    @property
    def holds_reservation(self) -> bool:
        """Stock is reserved from placement until it ships, is cancelled or fully refunded."""
        return self.status in {"pending_payment", "paid"}

    def _require(self, action: str, *allowed: str) -> None:
        if self.status not in allowed:
            raise IllegalTransitionError(
                f"cannot {action} order {self.order_id}: it is {self.status}, "
                f"and only {' or '.join(allowed)} orders allow it",
                status=self.status,
            )

    def _move(self, status: str) -> None:
        self.status = status

    def _record(self, event: ev.Event) -> None:
        # The version counts the events of the order's stream.
        self.events.append(event)
        self.version += 1

    def _placed_event(self, address: ev.ShippingAddress | None) -> ev.OrderPlaced:
        return ev.OrderPlaced(
            order_id=self.order_id,
            customer_id=self.customer_id,
            currency=self.currency,
            lines=[
                ev.OrderLine(
                    product_id=li.product_id,
                    sku=li.sku,
                    name=li.name,
                    category=li.category,
                    quantity=li.quantity,
                    unit_price_minor=li.unit_price_minor,
                    line_total_minor=li.total_minor,
                )
                for li in self.lines
            ],
            subtotal_minor=self.subtotal_minor,
            shipping_minor=self.shipping_minor,
            tax_minor=self.tax_minor,
            total_minor=self.total_minor,
            shipping_country=self.shipping_country,
            shipping_method=self.shipping_method,
            placed_at=self.placed_at,
            address=address,
            footprint=self.footprint,
            eco_points=self.eco_points,
            certified_units=self.certified_units,
            certified_brands=list(self.certified_brands),
        )


def quote(items: list[tuple[Product, int]], shipping_method: str) -> tuple[int, str]:
    """What an order of ``items`` would cost today, shipping included, and in which currency.

    The same rules as placing one: products on sale, one currency, each product once.
    """
    lines = _price_lines(items)
    currency = items[0][0].currency
    subtotal, shipping = _totals(lines, currency, shipping_method)
    return subtotal + shipping, currency


def _totals(lines: tuple[OrderLine, ...], currency: str, shipping_method: str) -> tuple[int, int]:
    """The subtotal of the lines and the shipping fee it earns."""
    subtotal = sum(line.total_minor for line in lines)
    return subtotal, shipping_fee_minor(currency, shipping_method, subtotal)


def _price_lines(items: list[tuple[Product, int]]) -> tuple[OrderLine, ...]:
    if not items:
        raise InvalidInputError("an order needs at least one line", field="lines")
    if len(items) > MAX_LINES:
        raise InvalidInputError(f"an order has at most {MAX_LINES} lines", field="lines")
    seen: set[str] = set()
    currencies = {product.currency for product, _ in items}
    if len(currencies) > 1:
        raise MixedCurrencyError(
            f"all lines must share one currency, got {', '.join(sorted(currencies))}",
            field="lines",
        )
    lines = []
    for product, quantity in items:
        if product.product_id in seen:
            raise InvalidInputError(
                f"product {product.product_id} appears twice; send one line with the total quantity",
                field="lines",
            )
        seen.add(product.product_id)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInputError(f"quantity must be between 1 and {MAX_QUANTITY}", field="lines.quantity")
        if product.status != "active":
            raise ProductNotAvailableError(
                f"product {product.product_id} is {product.status} and cannot be ordered",
                product_id=product.product_id,
            )
        lines.append(
            OrderLine(
                product_id=product.product_id,
                sku=product.sku,
                name=product.name,
                category=product.category,
                quantity=quantity,
                unit_price_minor=product.price_minor,
            )
        )
    return tuple(lines)
