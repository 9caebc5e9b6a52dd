"""Redis key naming for read models: one place, so rebuilds and queries agree.

Every projection writes under a generation: ``el:{name}:g{n}:…``. The live
generation is named by a pointer key, swapped atomically when a rebuild
finishes; queries resolve the pointer and the document in one Lua call.
"""

from __future__ import annotations

PREFIX = "el"


def pointer(name: str) -> str:
    """The key holding the live generation number of a projection."""
    return f"{PREFIX}:{name}:live"


def status(name: str) -> str:
    return f"{PREFIX}:{name}:status"


def generation_prefix(name: str, generation: int) -> str:
    return f"{PREFIX}:{name}:g{generation}:"


def checkpoint(name: str, generation: int) -> str:
    return generation_prefix(name, generation) + "checkpoint"
