"""The platform's async Redis client: hiredis packs the commands, and the wire bytes are redis-py's own."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis
from hypothesis import given
from hypothesis import strategies as st

from projections import redis_client

_ARG = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(st.sampled_from(["SET", "ZADD", "MSET", "HSET"]), st.lists(_ARG, min_size=1, max_size=12))
def test_commands_are_packed_to_the_same_bytes_as_redis_py_packs_them(
    command: str, args: list[bytes | str | int | float]
) -> None:
    ours = redis_client.Connection()
    theirs = aioredis.Connection()
    assert b"".join(ours.pack_command(command, *args)) == b"".join(theirs.pack_command(command, *args))


def test_large_values_are_packed_whole() -> None:
    """redis-py splits values above its 6 kB cut-off into separate chunks; the bytes joined are the same."""
    value = b"x" * 100_000
    ours = b"".join(redis_client.Connection().pack_command("SET", "k", value))
    assert ours == b"".join(aioredis.Connection().pack_command("SET", "k", value))


async def test_a_transaction_of_documents_and_board_members_round_trips(clean_redis: str) -> None:
    client = redis_client.connect(clean_redis)
    try:
        connection = await client.connection_pool.get_connection()
        assert isinstance(connection, redis_client.Connection)
        await client.connection_pool.release(connection)
        documents = {f"test:redis_client:doc:{i}": b'{"n": %d}' % i for i in range(2000)}
        members = {f"customer-{i}": -i / 7 for i in range(3000)}
        async with client.pipeline(transaction=True) as pipe:
            pipe.mset(documents)
            pipe.zadd("test:redis_client:board", members)
            await pipe.execute()
        assert await client.mget(list(documents)) == list(documents.values())
        assert await client.zscore("test:redis_client:board", "customer-2999") == pytest.approx(-2999 / 7)
        assert await client.zcard("test:redis_client:board") == 3000
    finally:
        await client.delete("test:redis_client:board", *[f"test:redis_client:doc:{i}" for i in range(2000)])
        await client.aclose()


def test_the_connection_class_follows_the_url_scheme() -> None:
    secure = redis_client.connect("rediss://127.0.0.1:6390/0")
    local = redis_client.connect("unix:///tmp/nothing-here.sock")
    assert secure.connection_pool.connection_class is redis_client.SSLConnection
    assert local.connection_pool.connection_class is redis_client.UnixDomainSocketConnection
