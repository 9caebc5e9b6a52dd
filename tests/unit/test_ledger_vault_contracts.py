"""Ledger journals, sealing of personal data and event contracts (no I/O)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from write_side.adapters import vault
from write_side.contracts import events as ev
from write_side.domain import ledger


@given(total=st.integers(1, 10**9), rate=st.integers(0, 3000), refund=st.integers(1, 10**9))
def test_order_journals_always_balance(total: int, rate: int, refund: int) -> None:
    from write_side.domain.reference import included_tax_minor

    tax = included_tax_minor(total, rate)
    for journal in (
        ledger.order_placed("o", "c", "EUR", total, tax),
        ledger.order_paid("o", "c", "EUR", total),
        ledger.order_cancelled("o", "c", "EUR", total, tax),
        ledger.order_refunded("o", "EUR", min(refund, total), rate),
    ):
        assert sum(e.amount_minor for e in journal.entries) == 0
        assert all(e.amount_minor for e in journal.entries)


def test_an_unbalanced_journal_cannot_be_built() -> None:
    with pytest.raises(ledger.UnbalancedJournalError, match="does not balance"):
        ledger.JournalTransaction(
            "x", None, (ledger.Entry("revenue", "EUR", -5), ledger.Entry("payment_clearing", "EUR", 4))
        )


def test_sealed_fields_are_bound_to_person_and_field() -> None:
    key = vault.new_data_key()
    sealed = vault.seal(key, "cust-1", "email", "ann@example.com")
    assert "ann" not in sealed.ciphertext
    assert vault.unseal(key, sealed, "email") == "ann@example.com"
    with pytest.raises(ValueError, match="fails authentication"):
        vault.unseal(key, sealed, "display_name")  # moved to another field
    with pytest.raises(ValueError, match="fails authentication"):
        vault.unseal(vault.new_data_key(), sealed, "email")
    assert vault.unseal(None, sealed, "email") == vault.ERASED


def test_events_round_trip_through_their_wire_form() -> None:
    event = ev.OrderRefunded(
        order_id="o",
        customer_id="c",
        amount_minor=5,
        currency="EUR",
        refunded_total_minor=5,
        fully_refunded=False,
        reason="r",
        refunded_at="t",
    )
    wire = ev.encode_event(event)
    assert b'"type":"OrderRefunded"' in wire
    assert ev.decode_event(wire) == event
    assert set(ev.EVENT_TYPES) >= {"OrderPlaced", "ProductCreated", "StockLevelChanged", "CustomerRegistered"}


def test_log_cursors_order_by_transaction_then_position() -> None:
    assert ev.LogCursor(5, 100) < ev.LogCursor(6, 1) < ev.LogCursor(6, 2)
