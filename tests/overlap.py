"""Evidence from PostgreSQL that a test's requests really ran at the same time.

A race test that quietly runs its requests one after another (as Litestar's
test client does) still passes without the locks it claims to test. The probe
samples ``pg_stat_activity`` while the race runs and keeps the most
transactions it saw open at once, and the most of them waiting for a lock: a
serial run never shows more than one open transaction. It samples from a
thread of its own, because the test's event loop is busy sending the race
(on that loop it managed one sample in 60 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from ecolaura.settings import libpq_url

# Client backends of this database in a transaction, other than the probe itself.
_SAMPLE = """
    SELECT count(*) FILTER (WHERE xact_start IS NOT NULL),
           count(*) FILTER (WHERE xact_start IS NOT NULL AND wait_event_type = 'Lock')
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


@dataclass
class Overlap:
    samples: int = 0
    most_open: int = 0  # transactions open at once
    most_waiting: int = 0  # of those, waiting for a row or transaction lock at once

    def assert_concurrent(self, open_at_least: int, waiting_at_least: int = 0) -> None:
        """Fail unless the race showed this much overlap (call it after the test's own checks)."""
        assert self.most_open >= open_at_least, f"requests did not overlap in PostgreSQL: {self}"
        assert self.most_waiting >= waiting_at_least, f"requests did not contend for locks: {self}"


@contextmanager
def overlap_probe(database_url: str, interval: float = 0.001) -> Iterator[Overlap]:
    """Sample the database's open transactions until the block ends."""
    seen = Overlap()
    stop = threading.Event()
    # Autocommit: each sample is its own transaction, so the activity view is fresh.
    conn = psycopg.connect(libpq_url(database_url), autocommit=True)

    def sample() -> None:
        while True:
            row = conn.execute(_SAMPLE).fetchone()
            assert row is not None
            seen.samples += 1
            seen.most_open = max(seen.most_open, row[0])
            seen.most_waiting = max(seen.most_waiting, row[1])
            if stop.wait(interval):
                return

    sampler = threading.Thread(target=sample, name="overlap-probe", daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        stop.set()
        sampler.join()
        conn.close()
