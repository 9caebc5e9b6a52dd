"""The background worker (``ecolaura worker``): projection rebuilds and Stripe events, on arq."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arq import cron, func

from ecolaura.database import make_engine
from projections import jobs
from read_side.search.config import SearchConfig
from write_side.adapters.stripe_inbox import StripeInbox
from write_side.service_layer.messagebus import MessageBus
from write_side.service_layer.stripe_events import MAX_TRIES, process_stripe_event, sweep_stripe_events


def worker_settings(
    database_url: str, redis_url: str, search: SearchConfig | None = None, lake_dir: Path | None = None
) -> dict[str, Any]:
    base = jobs.worker_settings(database_url, redis_url, search, lake_dir)

    async def startup(ctx: dict[str, Any]) -> None:
        await base["on_startup"](ctx)
        ctx["engine"] = make_engine(database_url, 5)
        ctx["bus"] = MessageBus(ctx["engine"])
        ctx["stripe_inbox"] = StripeInbox(ctx["engine"])

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()
        await base["on_shutdown"](ctx)

    return {
        **base,
        "functions": [*base["functions"], func(process_stripe_event, max_tries=MAX_TRIES)],  # type: ignore[arg-type]
        # Every minute: queue stored events whose job was never queued (Redis was down).
        "cron_jobs": [*base["cron_jobs"], cron(sweep_stripe_events, second=0)],  # type: ignore[arg-type]
        "on_startup": startup,
        "on_shutdown": shutdown,
    }
