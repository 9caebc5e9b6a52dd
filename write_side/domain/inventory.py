"""The StockItem aggregate: on-hand and reserved units of one product.

Invariant: ``0 <= reserved <= on_hand``. The database enforces it too (CHECK
constraints), so a bug here can never oversell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from write_side.contracts import events as ev
from write_side.domain.errors import ConflictError, InvalidInputError, OutOfStockError

MAX_ON_HAND: Final = 10_000_000


@dataclass(slots=True)
class StockItem:
    product_id: str
    on_hand: int = 0
    reserved: int = 0
    version: int = 0
    events: list[ev.Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def adjust(self, delta: int, note: str | None = None) -> None:
        """Receive (positive) or write off (negative) units."""
        if delta == 0:
            raise InvalidInputError("delta must not be zero", field="delta")
        if self.on_hand + delta > MAX_ON_HAND:
            raise InvalidInputError(f"on-hand stock cannot exceed {MAX_ON_HAND}", field="delta")
        if self.on_hand + delta < self.reserved:
            raise ConflictError(
                f"cannot remove {-delta} units of {self.product_id}: {self.on_hand} on hand, "
                f"{self.reserved} reserved by open orders",
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        self._change(delta, 0, "adjustment", None, note)

    def reserve(self, quantity: int, order_id: str) -> None:
        """Hold ``quantity`` units for an order, or raise ``OutOfStockError``."""
        if quantity > self.available:
            raise OutOfStockError(
                f"only {max(self.available, 0)} of product {self.product_id} available, {quantity} requested",
                product_id=self.product_id,
                available=max(self.available, 0),
                requested=quantity,
            )
        self._change(0, quantity, "reserved", order_id, None)

    def release(self, quantity: int, order_id: str) -> None:
        """Give back units an order had reserved."""
        self._change(0, -min(quantity, self.reserved), "released", order_id, None)

    def ship(self, quantity: int, order_id: str) -> None:
        """Reserved units leave the warehouse."""
        self._change(-quantity, -quantity, "shipped", order_id, None)

    def _change(
        self, d_on_hand: int, d_reserved: int, reason: str, order_id: str | None, note: str | None
    ) -> None:
        on_hand, reserved = self.on_hand + d_on_hand, self.reserved + d_reserved
        if not 0 <= reserved <= on_hand:
            raise ConflictError(
                f"stock of {self.product_id} would become inconsistent "
                f"(on hand {on_hand}, reserved {reserved})"
            )
        self.on_hand, self.reserved = on_hand, reserved
        self.version += 1
        self.events.append(
            ev.StockLevelChanged(
                product_id=self.product_id,
                on_hand=on_hand,
                reserved=reserved,
                delta_on_hand=d_on_hand,
                delta_reserved=d_reserved,
                reason=reason,
                order_id=order_id,
                note=note,
            )
        )
