"""A board's top rendered once per checkpoint: reused while the stamp holds, rendered again when it moves."""

from __future__ import annotations

import redis.asyncio as aioredis

from projections import keys
from read_side.queries import ReadModels

NAME = "test_rendered_board"


async def test_a_rendered_top_is_reused_until_the_checkpoint_or_generation_moves(
    redis_client: aioredis.Redis,
) -> None:
    rendered: list[list[tuple[str, float]]] = []

    def render(total: int, top: list[tuple[str, float]]) -> bytes:
        rendered.append(top)
        return repr((total, top)).encode()

    models = ReadModels(redis_client)
    g1 = keys.generation_prefix(NAME, 1)
    await redis_client.delete(keys.pointer(NAME), g1 + "board", g1 + "checkpoint")
    await redis_client.set(keys.pointer(NAME), 1)
    await redis_client.zadd(g1 + "board", {"a": -3.0, "b": -2.0, "c": -1.0})

    # No checkpoint yet: nothing is held, every call reads the top.
    first = await models.rendered_board(NAME, "board", 2, None, "v", render)
    await models.rendered_board(NAME, "board", 2, "c", "v", render)
    assert len(rendered) == 2 and first.body == repr((3, [("a", -3.0), ("b", -2.0)])).encode()

    await redis_client.set(g1 + "checkpoint", "1:1")
    await models.rendered_board(NAME, "board", 2, None, "v", render)
    held = await models.rendered_board(NAME, "board", 2, "c", "v", render)
    assert len(rendered) == 3  # the second call was answered from the held rendering
    assert held.body == first.body and (held.rank, held.score) == (2, -1.0)

    # A commit moves the checkpoint with the board: rendered again.
    await redis_client.zadd(g1 + "board", {"c": -9.0})
    await redis_client.set(g1 + "checkpoint", "1:2")
    moved = await models.rendered_board(NAME, "board", 2, "c", "v", render)
    assert len(rendered) == 4 and moved.body == repr((3, [("c", -9.0), ("a", -3.0)])).encode()
    assert (moved.rank, moved.score) == (0, -9.0)

    # Another view of the same index is rendered on its own.
    await models.rendered_board(NAME, "board", 2, None, "w", render)
    assert len(rendered) == 5

    # A rebuild swaps in another generation at the same checkpoint: rendered again.
    g2 = keys.generation_prefix(NAME, 2)
    await redis_client.zadd(g2 + "board", {"z": -5.0})
    await redis_client.set(g2 + "checkpoint", "1:2")
    await redis_client.set(keys.pointer(NAME), 2)
    swapped = await models.rendered_board(NAME, "board", 2, None, "v", render)
    assert len(rendered) == 6 and swapped.body == repr((1, [("z", -5.0)])).encode()
    await redis_client.delete(
        keys.pointer(NAME), g1 + "board", g1 + "checkpoint", g2 + "board", g2 + "checkpoint"
    )
