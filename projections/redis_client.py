"""Async Redis clients whose commands hiredis packs.

redis-py's asyncio connections pack every command in Python, joining the
buffer again for each argument (quadratic up to its 6 kB cut-off); a
projection commit of a thousand documents and board members spent more time
there than Redis spent writing. Its synchronous connections already hand the
packing to hiredis (C): the asyncio ones get the same serializer here. The
bytes on the wire are the same.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from redis.connection import HiredisRespSerializer

_SERIALIZER = HiredisRespSerializer()  # hiredis is a dependency (redis[hiredis])


class _HiredisPacking:
    def pack_command(self, *args: Any) -> list[bytes]:
        packed: list[bytes] = _SERIALIZER.pack(*args)
        return packed


class Connection(_HiredisPacking, aioredis.Connection):
    pass


class SSLConnection(_HiredisPacking, aioredis.SSLConnection):
    pass


class UnixDomainSocketConnection(_HiredisPacking, aioredis.UnixDomainSocketConnection):
    pass


_PACKED_BY_HIREDIS: dict[type[Any], type[Any]] = {
    aioredis.Connection: Connection,
    aioredis.SSLConnection: SSLConnection,
    aioredis.UnixDomainSocketConnection: UnixDomainSocketConnection,
}


def connect(url: str, **options: Any) -> aioredis.Redis:
    """``redis.asyncio.Redis.from_url(url, **options)``, with commands packed by hiredis."""
    pool = aioredis.ConnectionPool.from_url(url, **options)
    pool.connection_class = _PACKED_BY_HIREDIS.get(pool.connection_class, pool.connection_class)
    return aioredis.Redis.from_pool(pool)
