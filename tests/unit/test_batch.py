"""A batch sends one operation per index member, the last one the events asked for."""

from __future__ import annotations

from projections.store import Batch


def test_repeated_member_operations_collapse_to_the_last() -> None:
    batch = Batch("el:p:g1:")
    for sold in (1, 2, 3):
        batch.op("zadd", "listing:all:popularity", {"a": sold})
    batch.op("zadd", "listing:bags:price", {"b": 100})
    batch.op("zrem", "listing:bags:price", "b")  # the product left the category
    batch.op("sadd", "categories", "bags")
    batch.op("sadd", "categories", "bags")
    assert sorted(batch.index_commands()) == [
        ("sadd", ("el:p:g1:categories", "bags")),
        ("zadd", ("el:p:g1:listing:all:popularity", {"a": 3})),
        ("zrem", ("el:p:g1:listing:bags:price", "b")),
    ]
    assert batch.writes() == 3


def test_settling_a_committed_batch_keeps_documents_and_forgets_pending_writes() -> None:
    batch = Batch("el:p:g1:")
    batch.put("product:a", {"units_sold": 1})
    batch.op("zadd", "listing:all:popularity", {"a": 1})
    batch.op("hincrby", "totals", "orders", 1)  # anything else is kept as it came
    assert batch.writes() == 3
    batch.settle()
    assert batch.writes() == 0 and batch.index_commands() == []
    assert batch.doc("product:a") == {"units_sold": 1}


def test_an_operation_on_a_key_comes_after_the_member_operations_before_it() -> None:
    batch = Batch("el:p:g1:")
    batch.op("zadd", "listing", {"a": 1})
    batch.op("delete", "listing")  # everything before it on this key is gone...
    batch.op("zadd", "listing", {"b": 2})  # ...and what follows it stays
    batch.op("sadd", "other", "x")
    assert batch.index_commands() == [
        ("zadd", ("el:p:g1:listing", {"a": 1})),
        ("delete", ("el:p:g1:listing",)),
        ("zadd", ("el:p:g1:listing", {"b": 2})),
        ("sadd", ("el:p:g1:other", "x")),
    ]
    assert batch.writes() == 4
