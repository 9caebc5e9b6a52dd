"""Waiting for a condition with a deadline, instead of sleeping for a guessed time.

A sleep sized for this machine flakes on a CI runner three or four times slower,
and a sleep sized for the slowest runner wastes time everywhere else. Polling
until the condition holds costs only what the condition needs, and the deadline
is only there to turn a condition that never holds into a failure that says what
was last seen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def wait_for(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    timeout: float = 15.0,  # noqa: ASYNC109 - on expiry the failure shows the last result, which asyncio.timeout cannot
    every: float = 0.05,
) -> T:
    """Call ``probe`` until ``until`` holds for what it returned, and return that.

    Raises:
        AssertionError: ``timeout`` seconds passed first; the message shows the last result.
    """
    deadline = time.monotonic() + timeout
    while True:
        seen = await probe()
        if until(seen):
            return seen
        if time.monotonic() > deadline:
            msg = f"still not there after {timeout} s; last seen: {seen!r}"
            raise AssertionError(msg)
        await asyncio.sleep(every)
