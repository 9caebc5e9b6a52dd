"""refunds through the provider: the refunds_payable account and refund_settlements

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 0001 seeds the accounts from the ledger's list, so a fresh database may have this one already.
    op.execute(
        "INSERT INTO accounts (code, kind, asset_class) VALUES ('refunds_payable', 'liability', 'money') "
        "ON CONFLICT (code) DO NOTHING"
    )
    op.create_table(
        "refund_settlements",
        sa.Column("refund_reference", sa.Text(), nullable=False),
        sa.Column("order_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.order_id"], name=op.f("fk_refund_settlements_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("refund_reference", name=op.f("pk_refund_settlements")),
    )
    op.create_index(op.f("ix_refund_settlements_order_id"), "refund_settlements", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_refund_settlements_order_id"), table_name="refund_settlements")
    op.drop_table("refund_settlements")
    op.execute("DELETE FROM accounts WHERE code = 'refunds_payable'")
