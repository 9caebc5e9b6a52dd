"""eco points on orders: what delivery earns, and what the customer holds from the order

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders placed before rewards earn nothing: their points were never promised.
    op.add_column("orders", sa.Column("eco_points", sa.Integer(), server_default="0", nullable=False))
    op.add_column("orders", sa.Column("eco_points_held", sa.Integer(), server_default="0", nullable=False))
    op.create_check_constraint(
        op.f("ck_orders_eco_points_held_bounded"), "orders", "eco_points_held BETWEEN 0 AND eco_points"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_orders_eco_points_held_bounded"), "orders")
    op.drop_column("orders", "eco_points_held")
    op.drop_column("orders", "eco_points")
