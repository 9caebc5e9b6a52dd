"""Read models built before the log was read in stream order (migration 0007) are rebuilt once.

Until then readers ordered the log by transaction id, which can put a stream's
events out of order, so a Redis read model built that way may hold a wrong
absolute value (a product's reserved stock, say) for good. Each projection
carries a marker once its live generation was built in (causal_tx, position)
order; the projector rebuilds, beside the live one, any generation without it.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from projections import keys
from projections.runner import live_generation

ORDER = b"causal_tx"


def marker(name: str) -> str:
    return f"{keys.PREFIX}:{name}:log_order"


async def built_out_of_order(redis: aioredis.Redis, name: str) -> bool:
    """True when the live generation holds events applied in the old order (a new one is marked)."""
    if await redis.get(marker(name)) == ORDER:
        return False
    if not await redis.exists(keys.checkpoint(name, await live_generation(redis, name))):
        await mark_in_order(redis, name)  # nothing applied yet: it will be built in order
        return False
    return True


async def mark_in_order(redis: aioredis.Redis, name: str) -> None:
    await redis.set(marker(name), ORDER)
