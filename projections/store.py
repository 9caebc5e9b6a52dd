"""Applying a batch of events to Redis together with its checkpoint, exactly once.

A batch's documents, index changes and the new checkpoint go in one MULTI/EXEC,
guarded by WATCH on the checkpoint key: if anyone else moved the checkpoint
since it was read (a second projector, a rebuild that swapped in), EXEC fails
and nothing of the batch is written. A crash before EXEC writes nothing; a
crash after it has also stored the checkpoint, so the next run resumes after
the batch. No effect is lost or applied twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import WatchError

from projections import keys
from write_side.contracts.events import LogCursor

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


class CheckpointMovedError(RuntimeError):
    """Someone else advanced this generation's checkpoint; the batch was not applied."""


def as_text(value: bytes | str) -> str:
    """A Redis reply as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value


def encode_cursor(cursor: LogCursor) -> str:
    return f"{cursor.causal_tx}:{cursor.position}"


def decode_cursor(raw: bytes | str | None) -> LogCursor:
    if not raw:
        return LogCursor()
    text = raw.decode() if isinstance(raw, bytes) else raw
    causal_tx, position = text.split(":")
    return LogCursor(int(causal_tx), int(position))


@dataclass
class Batch:
    """What a batch will write: whole documents (JSON) and index operations, under one generation."""

    prefix: str
    loaded: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    # The last word on each member of an index, by key: a batch of orders re-scores a popular
    # product in a listing many times, and only the final score needs writing. A key's pending
    # member operations all came after its last operation in ``ops``.
    members: dict[str, dict[str, tuple[str, Any]]] = field(default_factory=dict)
    # Writes counted as they are queued (``writes`` is asked after every event): pending members,
    # and what ``ops`` holds, one per member of the member operations it took over.
    _pending: int = field(default=0, init=False, repr=False)
    _queued: int = field(default=0, init=False, repr=False)

    def doc(self, key: str) -> dict[str, Any] | None:
        """The current document (changed in this batch, else as loaded)."""
        if key in self.changed:
            return self.changed[key]
        return self.loaded.get(key)

    def put(self, key: str, document: dict[str, Any]) -> None:
        self.changed[key] = document

    def op(self, command: str, key: str, *args: Any) -> None:
        """An index operation (zadd, zrem, sadd, hincrby, ...) on a generation key, and on it only.

        Single-member ``zadd``, ``zrem`` and ``sadd`` replace any earlier operation of the batch
        on the same member of the same key (they are idempotent, and the last one decides).
        Any other operation is kept in order: the key's pending member operations go before it.
        """
        full = self.prefix + key
        if command == "zadd" and len(args) == 1 and len(args[0]) == 1:
            ((member, score),) = args[0].items()
            self._member(full, member, ("zadd", score))
        elif command in ("zrem", "sadd") and len(args) == 1:
            self._member(full, args[0], (command, None))
        else:
            # A DEL or ZINCRBY after a ZADD must see it: the ZADD cannot wait for the end.
            pending = self.members.pop(full, None)
            if pending:
                self.ops.extend(_member_commands(full, pending))
                self._pending -= len(pending)
                self._queued += len(pending)
            self.ops.append((command, (full, *args)))
            self._queued += 1

    def score(self, key: str, member: str, score: float) -> None:
        """``op("zadd", key, {member: score})``, without building the mapping: the hot path of boards."""
        self._member(self.prefix + key, member, ("zadd", score))

    def _member(self, key: str, member: Any, operation: tuple[str, Any]) -> None:
        members = self.members.get(key)
        if members is None:
            members = self.members[key] = {}
        if member not in members:
            self._pending += 1
        members[member] = operation

    def index_commands(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Every index operation to send: each key's operations in the order they came."""
        pending = [c for key, members in self.members.items() for c in _member_commands(key, members)]
        return self.ops + pending

    def writes(self) -> int:
        """Writes the batch will make when committed: one per document, index member and other operation.

        Counted per document and per member, not per Redis command: one ZADD of 300 members costs
        Redis about what 300 one-member ZADDs do, and this bounds how long a commit holds Redis.
        """
        return len(self.changed) + self._pending + self._queued

    def settle(self) -> None:
        """After a commit: what was written is now what is stored, and nothing is pending."""
        self.loaded.update(self.changed)
        self.changed.clear()
        self.members.clear()
        self.ops.clear()
        self._pending = self._queued = 0


def _member_commands(key: str, members: dict[str, tuple[str, Any]]) -> list[tuple[str, tuple[Any, ...]]]:
    """One command per kind (ZADD, ZREM, SADD) with all its members of ``key``.

    They touch different members, so their order is free.
    """
    scores: dict[Any, Any] = {}
    removed: list[Any] = []
    added: list[Any] = []
    for member, (command, score) in members.items():
        if command == "zadd":
            scores[member] = score
        elif command == "zrem":
            removed.append(member)
        else:
            added.append(member)
    commands: list[tuple[str, tuple[Any, ...]]] = []
    if scores:
        commands.append(("zadd", (key, scores)))
    if removed:
        commands.append(("zrem", (key, *removed)))
    if added:
        commands.append(("sadd", (key, *added)))
    return commands


class GenerationStore:
    """Reads and writes one generation of one projection."""

    def __init__(self, redis: aioredis.Redis, name: str, generation: int) -> None:
        self.redis = redis
        self.name = name
        self.generation = generation
        self.prefix = keys.generation_prefix(name, generation)
        self.checkpoint_key = keys.checkpoint(name, generation)

    async def checkpoint(self) -> LogCursor:
        return decode_cursor(await self.redis.get(self.checkpoint_key))

    async def new_batch(self, document_keys: Iterable[str]) -> Batch:
        batch = Batch(self.prefix)
        wanted = sorted(set(document_keys))
        if wanted:
            values = await self.redis.mget([self.prefix + k for k in wanted])
            batch.loaded = {
                k: (_decoder.decode(v) if v else None) for k, v in zip(wanted, values, strict=True)
            }
        return batch

    async def commit(self, batch: Batch, expected: LogCursor, reached: LogCursor) -> None:
        """Write the batch and move the checkpoint from ``expected`` to ``reached``, atomically."""
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(self.checkpoint_key)
                current = decode_cursor(await pipe.get(self.checkpoint_key))
                if current != expected:
                    raise CheckpointMovedError(
                        f"{self.name} g{self.generation} is at {current}, not {expected}"
                    )
                pipe.multi()  # type: ignore[no-untyped-call]
                # One MSET for the documents and the checkpoint, one command per index key and kind:
                # redis-py packs and parses each queued command on its own, which cost more than
                # the writes themselves when every document and member had its own command.
                mapping = {self.prefix + key: _encoder.encode(doc) for key, doc in batch.changed.items()}
                mapping[self.checkpoint_key] = encode_cursor(reached).encode()
                pipe.mset(mapping)
                for command, args in batch.index_commands():
                    getattr(pipe, command)(*args)
                await pipe.execute()
            except WatchError:
                raise CheckpointMovedError(f"{self.name} g{self.generation} moved during the batch") from None

    async def drop(self) -> int:
        """Delete every key of this generation; returns how many.

        In small steps (SCAN of 200 slots, UNLINK of 100 keys): each call holds Redis for well under
        a millisecond however large the generation, while other clients' commands go in between.
        """
        deleted = 0
        async for chunk in _chunks(self.redis.scan_iter(match=self.prefix + "*", count=200), 100):
            deleted += await self.redis.unlink(*chunk)
        return deleted


async def _chunks(source: Any, size: int) -> Any:
    chunk: list[Any] = []
    async for item in source:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
