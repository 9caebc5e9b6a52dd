"""challenges and their entries; what challenges measure on orders; leaderboard visibility

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders from before challenges measure as nothing saved, nothing certified, never delivered:
    # their OrderPlaced events hold the numbers, but challenges only count orders placed after they start.
    op.add_column("orders", sa.Column("savings_kg_co2e", sa.Double(), server_default="0", nullable=False))
    op.add_column("orders", sa.Column("certified_units", sa.Integer(), server_default="0", nullable=False))
    op.add_column(
        "orders",
        sa.Column("certified_brands", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("orders", sa.Column("delivered_at", sa.DateTime(timezone=True)))
    op.add_column(
        "customers", sa.Column("leaderboard_visible", sa.Boolean(), server_default="true", nullable=False)
    )
    op.create_table(
        "challenges",
        sa.Column("challenge_id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("goal", postgresql.JSONB(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.Column("reward_points", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_challenges_window_ordered")),
        sa.CheckConstraint("reward_points > 0", name=op.f("ck_challenges_reward_positive")),
    )
    op.create_table(
        "challenge_entries",
        sa.Column(
            "challenge_id",
            postgresql.UUID(as_uuid=False),
            sa.ForeignKey("challenges.challenge_id"),
            primary_key=True,
        ),
        sa.Column(
            "customer_id", postgresql.UUID(as_uuid=False), sa.ForeignKey("customers.customer_id"), primary_key=True
        ),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewarded_points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("rewarded_points >= 0", name=op.f("ck_challenge_entries_rewarded_points_positive")),
    )
    op.create_index(op.f("ix_challenge_entries_customer_id"), "challenge_entries", ["customer_id"])


def downgrade() -> None:
    op.drop_table("challenge_entries")
    op.drop_table("challenges")
    op.drop_column("customers", "leaderboard_visible")
    for column in ("delivered_at", "certified_brands", "certified_units", "savings_kg_co2e"):
        op.drop_column("orders", column)
