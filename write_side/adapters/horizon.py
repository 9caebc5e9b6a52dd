"""Who holds PostgreSQL's xmin horizon back: the open transactions the event log reader waits for.

The reader returns only events below ``pg_snapshot_xmin`` (see ``event_log``), the
oldest transaction id still running anywhere on the cluster, in any database. So
one transaction that took an id and stays open (a session idle in transaction, a
long migration, a forgotten ``psql``) holds every event committed after it out of
the read models, and the lag counted from the log does not show them: they are
above the horizon, not yet readable. A transaction that holds only a snapshot
(a long read-only query, ``pg_dump``) does not move ``pg_snapshot_xmin``, but
holds vacuum's horizon all the same, so it is reported too.
"""

from __future__ import annotations

import msgspec
import psycopg

# The oldest holder of each kind: by the age of the horizon it holds (ids, always visible), not by
# xact_start, which PostgreSQL hides in other roles' sessions from a role without pg_read_all_stats.
_HOLDERS = """
    SELECT DISTINCT ON (backend_xid IS NOT NULL)
           pid, extract(epoch FROM now() - xact_start)::float8, backend_xid IS NOT NULL,
           datname, usename, application_name, state
    FROM pg_stat_activity
    WHERE pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)
    ORDER BY backend_xid IS NOT NULL, greatest(age(backend_xid), age(backend_xmin)) DESC
"""


class OpenTransaction(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An open transaction on the PostgreSQL cluster that holds the xmin horizon back."""

    pid: int
    # Seconds since it began; None where PostgreSQL hides it (grant the role pg_read_all_stats).
    age_seconds: float | None
    # It has a transaction id: no event committed after it took that id is read until it ends.
    holds_xid: bool
    database: str | None
    user: str | None
    application_name: str | None
    state: str | None  # e.g. "idle in transaction"

    def describe(self) -> str:
        """``pid 4242 (psql, user app, database shop, idle in transaction, open 45 s)``."""
        parts = [
            self.application_name or "no application name",
            f"user {self.user}" if self.user else None,
            f"database {self.database}" if self.database else None,
            self.state,
            f"open {self.age_seconds:.0f} s" if self.age_seconds is not None else None,
        ]
        return f"pid {self.pid} ({', '.join(p for p in parts if p)})"


async def horizon_holders(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> list[OpenTransaction]:
    """The oldest transaction holding an id and the oldest holding only a snapshot, oldest first.

    Empty when no other session holds either. Oldest first by age when PostgreSQL shows it.
    """
    cur = await conn.execute(_HOLDERS)
    found = [
        OpenTransaction(
            pid=int(pid),  # type: ignore[call-overload]
            age_seconds=round(float(age), 3) if age is not None else None,  # type: ignore[arg-type]
            holds_xid=bool(holds_xid),
            database=str(database) if database is not None else None,
            user=str(user) if user is not None else None,
            application_name=str(name) if name else None,
            state=str(state) if state is not None else None,
        )
        for pid, age, holds_xid, database, user, name, state in await cur.fetchall()
    ]
    return sorted(found, key=lambda t: -(t.age_seconds or 0.0))
