"""A batch written to Redis leaves each key as the operations, applied one by one in order, would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.store import Batch

Op = tuple[str, tuple[Any, ...]]

_members = st.sampled_from(["a", "b", "c"])
_scores = st.integers(min_value=0, max_value=9)
# Member operations the batch collapses, and operations it keeps as they came, on one sorted set.
_ops: st.SearchStrategy[Op] = st.one_of(
    st.builds(lambda m, s: ("zadd", ({m: s},)), _members, _scores),
    st.builds(lambda m: ("zrem", (m,)), _members),
    st.builds(lambda m, by: ("zincrby", (by, m)), _members, _scores),
    st.builds(lambda s: ("zadd", ({"a": s, "b": s + 1},)), _scores),  # two members: not collapsed
    st.builds(lambda s: ("zremrangebyscore", (0, s)), _scores),
    st.just(("delete", ())),
)


@pytest.fixture(scope="module")
def redis_sync(clean_redis: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(clean_redis)
    yield client
    client.close()


def _send(client: redis.Redis, commands: list[Op]) -> None:
    pipe = client.pipeline(transaction=True)
    for command, args in commands:
        getattr(pipe, command)(*args)
    pipe.execute()


@settings(max_examples=150, deadline=None)
@given(ops=st.lists(_ops, max_size=12))
def test_a_mixed_sequence_on_one_key_ends_as_applied_in_order(redis_sync: redis.Redis, ops: list[Op]) -> None:
    expected, batched = "test:batch_order:one_by_one", "test:batch_order:batched"
    redis_sync.delete(expected, batched)
    for command, args in ops:
        getattr(redis_sync, command)(expected, *args)
    batch = Batch("test:batch_order:")
    for command, args in ops:
        batch.op(command, "batched", *args)
    _send(redis_sync, batch.index_commands())
    assert redis_sync.zrange(batched, 0, -1, withscores=True) == redis_sync.zrange(
        expected, 0, -1, withscores=True
    )
