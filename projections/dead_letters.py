"""Parked events and an admin's decisions about them: retry after a fix, or skip (recorded).

A runner stops at a poison event and waits. Retrying clears the failed state,
so the runner tries the event again (with whatever code it now runs). Skipping
moves the checkpoint past the event without applying it and records who
decided that and when. Both keep the dead letter as history.
"""

from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis

from projections import keys
from projections.runner import dead_letter_key, dead_letters_key, skipped_key
from projections.store import Batch, GenerationStore, as_text
from write_side.contracts.events import LogCursor


class DeadLetterNotFoundError(LookupError):
    pass


class DeadLetterStateError(RuntimeError):
    """The dead letter is not the one the projection is stopped at."""


async def list_dead_letters(redis: aioredis.Redis, name: str) -> list[dict[str, Any]]:
    positions = sorted(int(p) for p in await redis.smembers(dead_letters_key(name)))
    out = []
    for position in positions:
        raw = await redis.hgetall(dead_letter_key(name, position))
        out.append({as_text(k): as_text(v) for k, v in raw.items()})
    return out


async def _open_letter(redis: aioredis.Redis, name: str, position: int) -> dict[str, str]:
    raw = await redis.hgetall(dead_letter_key(name, position))
    if not raw or not await redis.sismember(dead_letters_key(name), str(position)):
        raise DeadLetterNotFoundError(f"{name} has no open dead letter at position {position}")
    return {as_text(k): as_text(v) for k, v in raw.items()}


async def _resolve(redis: aioredis.Redis, name: str, position: int, resolution: str, actor_id: str) -> None:
    await redis.hset(
        dead_letter_key(name, position),
        mapping={
            "resolution": resolution,
            "resolved_by": actor_id,
            "resolved_at": time.time(),
        },
    )
    await redis.smove(dead_letters_key(name), f"{dead_letters_key(name)}:resolved", str(position))
    await redis.hdel(keys.status(name), "failed_position", "error")
    await redis.hset(keys.status(name), "state", "live")


async def retry(redis: aioredis.Redis, name: str, position: int, actor_id: str) -> None:
    """Let the runner try the parked event again."""
    await _open_letter(redis, name, position)
    await _resolve(redis, name, position, "retried", actor_id)


async def skip(redis: aioredis.Redis, name: str, position: int, actor_id: str) -> None:
    """Move the checkpoint past the parked event without applying it; the decision is recorded."""
    letter = await _open_letter(redis, name, position)
    store = GenerationStore(redis, name, int(letter["generation"]))
    current = await store.checkpoint()
    poison = LogCursor(int(letter["causal_tx"]), position)
    if not current < poison:
        raise DeadLetterStateError(f"{name} is already past position {position}")
    await redis.sadd(skipped_key(name), str(position))
    await store.commit(Batch(store.prefix), current, poison)
    await _resolve(redis, name, position, "skipped", actor_id)
