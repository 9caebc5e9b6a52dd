"""Double-entry bookkeeping: journal transactions whose entries balance per currency.

Amounts are signed minor units: debits positive, credits negative. The chart of
accounts is fixed (see ``ACCOUNTS``); customer sub-ledgers are kept by
``party_id`` on the entry rather than one account per customer. The database
re-checks the balance with a deferred constraint trigger at commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from write_side.domain.reference import included_tax_minor

ECO_POINTS: Final = "ECO"

# code -> (kind, asset class)
ACCOUNTS: Final[dict[str, tuple[str, str]]] = {
    "customer_receivable": ("asset", "money"),
    "payment_clearing": ("asset", "money"),
    "revenue": ("income", "money"),
    "tax_payable": ("liability", "money"),
    "refunds": ("contra_income", "money"),
    "refunds_payable": ("liability", "money"),  # refunds the provider has accepted but not yet paid out
    "eco_points_outstanding": ("liability", "eco_points"),
    "eco_points_reserve": ("asset", "eco_points"),
}


class UnbalancedJournalError(ValueError):
    """A programming error: a journal was built that does not balance."""


@dataclass(frozen=True, slots=True)
class Entry:
    account: str
    currency: str
    amount_minor: int  # debit > 0, credit < 0
    party_id: str | None = None


@dataclass(frozen=True, slots=True)
class JournalTransaction:
    kind: str
    order_id: str | None
    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        totals: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            if entry.account not in ACCOUNTS:
                raise UnbalancedJournalError(f"unknown account {entry.account}")
            if entry.amount_minor == 0:
                raise UnbalancedJournalError("zero entries are noise")
            totals[entry.currency] += entry.amount_minor
        if len(self.entries) < 2 or any(totals.values()):
            raise UnbalancedJournalError(f"{self.kind} does not balance: {dict(totals)}")


def _journal(kind: str, order_id: str, *entries: Entry) -> JournalTransaction:
    return JournalTransaction(kind, order_id, tuple(e for e in entries if e.amount_minor))


def order_placed(order_id: str, customer_id: str, currency: str, total: int, tax: int) -> JournalTransaction:
    """The customer owes the total; we earn it net of tax and owe the tax."""
    return _journal(
        "order_placed",
        order_id,
        Entry("customer_receivable", currency, total, customer_id),
        Entry("revenue", currency, -(total - tax)),
        Entry("tax_payable", currency, -tax),
    )


def order_paid(order_id: str, customer_id: str, currency: str, total: int) -> JournalTransaction:
    """Money arrives at the payment provider and settles the receivable."""
    return _journal(
        "order_paid",
        order_id,
        Entry("payment_clearing", currency, total),
        Entry("customer_receivable", currency, -total, customer_id),
    )


def order_cancelled(
    order_id: str, customer_id: str, currency: str, total: int, tax: int
) -> JournalTransaction:
    """Reverse the placement of an unpaid order."""
    return _journal(
        "order_cancelled",
        order_id,
        Entry("revenue", currency, total - tax),
        Entry("tax_payable", currency, tax),
        Entry("customer_receivable", currency, -total, customer_id),
    )


def order_refund_requested(order_id: str, currency: str, amount: int, tax_rate_bp: int) -> JournalTransaction:
    """The provider accepted a refund: revenue and tax shrink, and we owe the customer until it pays out."""
    tax = included_tax_minor(amount, tax_rate_bp)
    return _journal(
        "order_refund_requested",
        order_id,
        Entry("refunds", currency, amount - tax),
        Entry("tax_payable", currency, tax),
        Entry("refunds_payable", currency, -amount),
    )


def refund_settled(order_id: str, currency: str, amount: int) -> JournalTransaction:
    """The provider paid the refund out: the debt to the customer leaves through the provider."""
    return _journal(
        "refund_settled",
        order_id,
        Entry("refunds_payable", currency, amount),
        Entry("payment_clearing", currency, -amount),
    )


def order_refunded(order_id: str, currency: str, amount: int, tax_rate_bp: int) -> JournalTransaction:
    """Money leaves through the payment provider; revenue and tax shrink."""
    tax = included_tax_minor(amount, tax_rate_bp)
    return _journal(
        "order_refunded",
        order_id,
        Entry("refunds", currency, amount - tax),
        Entry("tax_payable", currency, tax),
        Entry("payment_clearing", currency, -amount),
    )


def eco_points_earned(order_id: str, customer_id: str, points: int) -> JournalTransaction:
    """A delivered order's points leave the platform's reserve for the customer's balance."""
    return _journal(
        "eco_points_earned",
        order_id,
        Entry("eco_points_reserve", ECO_POINTS, points),
        Entry("eco_points_outstanding", ECO_POINTS, -points, customer_id),
    )


def eco_points_reversed(order_id: str, customer_id: str, points: int) -> JournalTransaction:
    """A refund takes the refunded share of an order's points back into the reserve."""
    return _journal(
        "eco_points_reversed",
        order_id,
        Entry("eco_points_outstanding", ECO_POINTS, points, customer_id),
        Entry("eco_points_reserve", ECO_POINTS, -points),
    )


def challenge_rewarded(customer_id: str, points: int) -> JournalTransaction:
    """A reached challenge goal: its reward leaves the reserve for the customer's balance."""
    return JournalTransaction(
        "challenge_rewarded",
        None,
        (
            Entry("eco_points_reserve", ECO_POINTS, points),
            Entry("eco_points_outstanding", ECO_POINTS, -points, customer_id),
        ),
    )


def challenge_reward_reversed(customer_id: str, points: int) -> JournalTransaction:
    """A refund took the customer below the goal again: the reward goes back to the reserve."""
    return JournalTransaction(
        "challenge_reward_reversed",
        None,
        (
            Entry("eco_points_outstanding", ECO_POINTS, points, customer_id),
            Entry("eco_points_reserve", ECO_POINTS, -points),
        ),
    )
