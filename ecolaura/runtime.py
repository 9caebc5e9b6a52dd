"""Process-wide tuning shared by the API servers, the projector and the lake export."""

from __future__ import annotations

import gc


def tune_gc() -> None:
    """Move start-up objects out of the collector's way and collect less often.

    Requests and event batches allocate many short-lived objects; with the
    default thresholds the cyclic collector runs every few hundred allocations
    and shows up as tail latency (``benchmarks/commands.py``) and as a third of
    the time of reading the log (``benchmarks/analytics.py``).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
