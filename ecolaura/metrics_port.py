"""``/metrics`` on a port of its own, for the processes without an API: the projector and the worker.

prometheus_client's server answers from a thread of its own. Gauges read from
Redis or PostgreSQL at scrape time (the worker's queue depth) are refreshed on
the process's event loop, where its clients live, and the scrape waits for
them: a scrape sees the values of that moment, as the APIs' ``/metrics`` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any

import structlog
from prometheus_client import REGISTRY
from prometheus_client.exposition import start_http_server
from prometheus_client.metrics_core import Metric

from ecolaura.pool_metrics import refresh_pool_metrics

log = structlog.get_logger("ecolaura.metrics")

Refresh = Callable[[], Coroutine[Any, Any, None]]
REFRESH_TIMEOUT = 2.0  # seconds; a refresh that takes longer is skipped, the scrape still answers


class _Refreshed:
    """A collector that first refreshes the process's gauges on its loop, then collects everything."""

    def __init__(self, loop: asyncio.AbstractEventLoop, refreshes: Sequence[Refresh]) -> None:
        self._loop = loop
        self._refreshes = refreshes

    def collect(self) -> Iterable[Metric]:
        for refresh in self._refreshes:
            try:
                asyncio.run_coroutine_threadsafe(refresh(), self._loop).result(REFRESH_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - a stale gauge beats a failed scrape
                log.warning("metrics.refresh_failed", error=f"{type(exc).__name__}: {exc}")
        refresh_pool_metrics()
        return REGISTRY.collect()


def serve_metrics(port: int, host: str, refreshes: Sequence[Refresh] = ()) -> Callable[[], None] | None:
    """Serve this process's metrics at ``http://host:port/metrics`` (port 0: not at all); returns the stop.

    Call it from the process's event loop: ``refreshes`` run there.
    """
    if port == 0:
        return None
    server, thread = start_http_server(port, host, registry=_Refreshed(asyncio.get_running_loop(), refreshes))
    log.info("metrics.serving", url=f"http://{host}:{port}/metrics")

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
