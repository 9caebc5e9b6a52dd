"""``ecolaura up`` waits for the read models, but not forever: it warns and serves anyway."""

from __future__ import annotations

import asyncio
import time

from structlog.testing import capture_logs

from ecolaura.cli_analytics import wait_for_read_models


async def test_gives_up_at_the_deadline_with_a_warning(database_url: str, clean_redis: str) -> None:
    started = time.monotonic()
    with capture_logs() as logs:
        # No projector runs in this test: without a deadline this would wait until cancelled.
        problems = await asyncio.wait_for(wait_for_read_models(database_url, clean_redis, deadline=0.5), 15)
    assert problems == []
    assert time.monotonic() - started < 10
    (warning,) = [e for e in logs if e["event"] == "read_models.wait_gave_up"]
    assert warning["log_level"] == "warning" and warning["after_seconds"] == 0.5
    assert "order_views" in warning["not_current"], warning
