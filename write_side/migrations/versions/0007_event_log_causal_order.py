"""event log read in stream order: the causal_tx column, kept by a trigger

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:30:00

Readers used to order the log by (tx_id, position). A transaction takes its id
at its first write, before it queues for a row lock, so a stream's later event
could carry an older transaction id and reach projections before the event it
follows. ``causal_tx`` is the newest transaction id among an event and the
events before it in its stream: readers order by (causal_tx, position) and stop
below the oldest transaction in flight (see ``write_side.adapters.event_log``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A stream's events are written one transaction after another (a stream's next version is
# computed under the lock of its aggregate's row, and the unique key refuses a concurrent
# one), so the previous version is committed, and visible here, when the next is inserted.
_TRIGGER = """
CREATE FUNCTION ecolaura_event_causal_tx() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.causal_tx := greatest(NEW.tx_id, coalesce((
        SELECT causal_tx FROM event_log
        WHERE stream_id = NEW.stream_id AND stream_version < NEW.stream_version
        ORDER BY stream_version DESC LIMIT 1), 0));
    RETURN NEW;
END $$;
CREATE TRIGGER event_log_causal_tx BEFORE INSERT ON event_log
    FOR EACH ROW EXECUTE FUNCTION ecolaura_event_causal_tx();
"""


def upgrade() -> None:
    op.add_column("event_log", sa.Column("causal_tx", sa.BigInteger(), nullable=True))
    op.execute("ALTER TABLE event_log DISABLE TRIGGER event_log_append_only")
    op.execute(
        """
        UPDATE event_log e SET causal_tx = s.causal_tx
        FROM (SELECT position, max(tx_id) OVER (PARTITION BY stream_id ORDER BY stream_version) AS causal_tx
              FROM event_log) s
        WHERE e.position = s.position
        """
    )
    op.execute("ALTER TABLE event_log ENABLE TRIGGER event_log_append_only")
    op.alter_column("event_log", "causal_tx", nullable=False)
    op.execute(_TRIGGER)
    op.create_index("ix_event_log_causal_tx_position", "event_log", ["causal_tx", "position"])
    op.drop_index("ix_event_log_tx_id_position", table_name="event_log")


def downgrade() -> None:
    op.create_index("ix_event_log_tx_id_position", "event_log", ["tx_id", "position"])
    op.drop_index("ix_event_log_causal_tx_position", table_name="event_log")
    op.execute("DROP TRIGGER IF EXISTS event_log_causal_tx ON event_log")
    op.execute("DROP FUNCTION IF EXISTS ecolaura_event_causal_tx()")
    op.execute("ALTER TABLE event_log DISABLE TRIGGER event_log_append_only")
    op.drop_column("event_log", "causal_tx")
    op.execute("ALTER TABLE event_log ENABLE TRIGGER event_log_append_only")
