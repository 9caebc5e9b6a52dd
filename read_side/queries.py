"""Read-model queries: plain functions over Redis, returning stored JSON bytes untouched.

Each call resolves the projection's live generation and reads what it needs in
one Lua script, so a generation swap can never mix two generations in one
answer. Every answer carries the checkpoint it reflects. These functions never
touch PostgreSQL (only the admin status reads the log's head, through ``LogReader``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

from projections import keys
from projections.store import as_text, decode_cursor
from write_side.adapters.event_log import EventLogReader
from write_side.contracts.events import LogCursor

# KEYS[1]: pointer. ARGV: generation prefix base, then document keys.
_DOCS = """
local g = redis.call('GET', KEYS[1])
if not g then return {false} end
local prefix = ARGV[1] .. g .. ':'
local out = {redis.call('GET', prefix .. 'checkpoint')}
for i = 2, #ARGV do out[#out + 1] = redis.call('GET', prefix .. ARGV[i]) end
return out
"""

# KEYS[1]: pointer. ARGV: prefix base, index key, start, stop, 'asc'|'desc', document key prefix.
_PAGE = """
local g = redis.call('GET', KEYS[1])
if not g then return {false, 0} end
local prefix = ARGV[1] .. g .. ':'
local index = prefix .. ARGV[2]
local ids
if ARGV[5] == 'desc' then
  ids = redis.call('ZREVRANGE', index, ARGV[3], ARGV[4])
else
  ids = redis.call('ZRANGE', index, ARGV[3], ARGV[4])
end
local out = {redis.call('GET', prefix .. 'checkpoint'), redis.call('ZCARD', index)}
for _, id in ipairs(ids) do out[#out + 1] = redis.call('GET', prefix .. ARGV[6] .. id) end
return out
"""

# KEYS[1]: pointer. ARGV: prefix base, board key, how many from the top, a member to rank ('' for none).
_BOARD = """
local g = redis.call('GET', KEYS[1])
if not g then return {false} end
local prefix = ARGV[1] .. g .. ':'
local index = prefix .. ARGV[2]
local out = {redis.call('GET', prefix .. 'checkpoint'), redis.call('ZCARD', index), false, false}
if ARGV[4] ~= '' then
  out[3] = redis.call('ZRANK', index, ARGV[4])
  out[4] = redis.call('ZSCORE', index, ARGV[4])
end
for _, v in ipairs(redis.call('ZRANGE', index, 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')) do
  out[#out + 1] = v
end
return out
"""

# KEYS[1]: pointer. ARGV: prefix base, board key, how many from the top, a member to rank ('' for none),
# the stamp (generation/checkpoint) of the top the caller holds ('' for none). The top (its size,
# then members and scores) only when the caller's is not of the live generation and checkpoint.
_BOARD_TOP = """
local g = redis.call('GET', KEYS[1])
if not g then return {false} end
local prefix = ARGV[1] .. g .. ':'
local index = prefix .. ARGV[2]
local checkpoint = redis.call('GET', prefix .. 'checkpoint')
local out = {checkpoint, g, false, false}
if ARGV[4] ~= '' then
  out[3] = redis.call('ZRANK', index, ARGV[4])
  out[4] = redis.call('ZSCORE', index, ARGV[4])
end
if checkpoint and ARGV[5] == g .. '/' .. checkpoint then return out end
out[5] = redis.call('ZCARD', index)
for _, v in ipairs(redis.call('ZRANGE', index, 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')) do
  out[#out + 1] = v
end
return out
"""
# How many rendered tops a process keeps (boards x periods x the period keys of a few weeks).
_RENDERED_TOPS = 256

# What ``X-Event-Log-Position`` looks like, and so ``min_position``: two integers of at most 64 bits.
POSITION_PATTERN = "^[0-9]{1,19}:[0-9]{1,19}$"
_POSITION = re.compile(POSITION_PATTERN.removeprefix("^").removesuffix("$"))
# The OpenAPI format of log positions: ones a command answered with.
POSITION_FORMAT = "ecolaura-log-position"
# The OpenAPI format of pagination cursors: opaque tokens that only this API issues.
CURSOR_FORMAT = "ecolaura-cursor"


@dataclass(frozen=True, slots=True)
class LogReader:
    """The event log, where this process can reach PostgreSQL: status counts head and lag from it.

    Reading the log's head is the only PostgreSQL access of the query side; without a
    database URL the status falls back to what the projector last reported.
    """

    reader: EventLogReader | None


class InvalidCursorError(ValueError):
    """A pagination cursor this API did not issue."""


@dataclass(frozen=True, slots=True)
class Documents:
    position: LogCursor
    documents: list[bytes | None]


@dataclass(frozen=True, slots=True)
class Board:
    """The top of a sorted set (members with their scores, best first) and one member's place."""

    position: LogCursor
    total: int
    top: list[tuple[str, float]]
    rank: int | None  # 0-based
    score: float | None


@dataclass(frozen=True, slots=True)
class RenderedBoard:
    """The top of a sorted set as rendered by the caller, and one member's place, at one checkpoint."""

    position: LogCursor
    body: bytes  # what ``render`` made of the total and the top
    rank: int | None  # 0-based
    score: float | None


Render = Callable[[int, list[tuple[str, float]]], bytes]


@dataclass(frozen=True, slots=True)
class Page:
    position: LogCursor
    items: list[bytes]
    total: int
    next_offset: int | None


class ReadModels:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis
        self._docs = redis.register_script(_DOCS)
        self._page = redis.register_script(_PAGE)
        self._board = redis.register_script(_BOARD)
        self._board_top = redis.register_script(_BOARD_TOP)
        self._scripts: dict[str, AsyncScript] = {}  # other modules' queries, by their source
        # (projection, index, top, view) -> (generation/checkpoint, rendered top): a projection
        # writes its indexes only in commits that move its checkpoint, and a rebuild swaps in
        # another generation, so a top rendered at one stamp is the top as long as the stamp holds.
        self._rendered: dict[tuple[str, str, int, str], tuple[str, bytes]] = {}

    async def documents(self, projection: str, *document_keys: str) -> Documents:
        base = f"{keys.PREFIX}:{projection}:g"
        result = await self._run(self._docs, keys.pointer(projection), base, *document_keys)
        checkpoint, *docs = result
        return Documents(decode_cursor(checkpoint), [*docs, *[None] * (len(document_keys) - len(docs))])

    async def page(  # noqa: PLR0913 - a page is all of these
        self, projection: str, index: str, document_prefix: str, offset: int, limit: int, *, descending: bool
    ) -> Page:
        base = f"{keys.PREFIX}:{projection}:g"
        result = await self._run(
            self._page,
            keys.pointer(projection),
            base,
            index,
            offset,
            offset + limit - 1,
            "desc" if descending else "asc",
            document_prefix,
        )
        checkpoint, total, *docs = result
        items = [d for d in docs if d is not None]
        after = offset + len(docs)
        return Page(decode_cursor(checkpoint), items, int(total), after if after < int(total) else None)

    async def board(self, projection: str, index: str, top: int, member: str | None) -> Board:
        """The first ``top`` members of ``index`` (ascending scores) and ``member``'s rank, in one call."""
        base = f"{keys.PREFIX}:{projection}:g"
        result = await self._run(self._board, keys.pointer(projection), base, index, top, member or "")
        if len(result) < 4:  # no live generation yet
            return Board(decode_cursor(None), 0, [], None, None)
        checkpoint, total, rank, score, *flat = result
        pairs = [(as_text(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]
        return Board(
            decode_cursor(checkpoint),
            int(total),
            pairs,
            None if rank is None else int(rank),
            None if score is None else float(score),
        )

    async def rendered_board(  # noqa: PLR0913 - a board is all of these
        self, projection: str, index: str, top: int, member: str | None, view: str, render: Render
    ) -> RenderedBoard:
        """As ``board``, with the top rendered by ``render(total, top)``, once per checkpoint.

        One Lua call reads the live generation, the checkpoint and ``member``'s place, and the top
        only when this process holds no rendering of it at that generation and checkpoint. ``view``
        names what ``render`` makes: renderings of one index for different views are kept apart.
        """
        cache_key = (projection, index, top, view)
        held = self._rendered.get(cache_key)
        base = f"{keys.PREFIX}:{projection}:g"
        result = await self._run(
            self._board_top,
            keys.pointer(projection),
            base,
            index,
            top,
            member or "",
            held[0] if held else "",
        )
        if len(result) < 4:  # no live generation yet
            return RenderedBoard(decode_cursor(None), render(0, []), None, None)
        checkpoint, generation, rank, score, *rest = result
        rank_of = None if rank is None else int(rank)
        score_of = None if score is None else float(score)
        if not rest and held is not None:  # the script saw our stamp: what we hold is current
            return RenderedBoard(decode_cursor(checkpoint), held[1], rank_of, score_of)
        total, *flat = rest
        pairs = [(as_text(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]
        body = render(int(total), pairs)
        if checkpoint is not None:
            if len(self._rendered) >= _RENDERED_TOPS:
                self._rendered.clear()
            self._rendered[cache_key] = (f"{as_text(generation)}/{as_text(checkpoint)}", body)
        return RenderedBoard(decode_cursor(checkpoint), body, rank_of, score_of)

    async def evaluate(self, source: str, projection: str, *args: str | int) -> list[Any]:
        """Run the Lua ``source`` with the projection's pointer as KEYS[1] and its key base as ARGV[1]."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return await self._run(script, keys.pointer(projection), f"{keys.PREFIX}:{projection}:g", *args)

    async def _run(self, script: AsyncScript, key: str, *args: str | int) -> list[Any]:
        """EVALSHA of ``script`` with one key: the hot path, without redis-py's Script wrapper layers."""
        try:
            return await self.redis.execute_command("EVALSHA", script.sha, 1, key, *args)  # type: ignore[no-untyped-call,no-any-return]
        except NoScriptError:  # Redis restarted or flushed its scripts: the wrapper loads it again
            return await script(keys=[key], args=args)  # type: ignore[no-any-return]

    async def checkpoint(self, projection: str) -> LogCursor:
        return (await self.documents(projection)).position

    async def wait_for(self, projection: str, target: LogCursor, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
        """Wait (bounded) until ``projection`` has applied ``target``; True if it has."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self.checkpoint(projection) < target:
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True


def encode_offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_offset_cursor(cursor: str) -> int:
    """The offset inside a cursor from ``encode_offset_cursor``; raises ``InvalidCursorError``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = text.split(":", 1)
        offset = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursorError(f"cursor '{cursor[:40]}' was not issued by this API") from None
    if kind != "o" or not 0 <= offset <= 1_000_000:
        raise InvalidCursorError(f"cursor '{cursor[:40]}' was not issued by this API")
    return offset


def parse_position(text: str) -> LogCursor:
    """A ``causal_tx:position`` string as sent in ``X-Event-Log-Position``."""
    # fullmatch, not int()'s leniency (signs, blanks, other scripts' digits): the schema's pattern, exactly.
    if not _POSITION.fullmatch(text):
        raise InvalidCursorError(f"min_position '{text[:40]}' is not a log position like 1234:56")
    return decode_cursor(text)
