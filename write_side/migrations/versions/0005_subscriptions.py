"""eco-box subscriptions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 11:00:23.516625
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('stripe_customers',
    sa.Column('customer_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('stripe_customer', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_stripe_customers_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_stripe_customers')),
    sa.UniqueConstraint('stripe_customer', name=op.f('uq_stripe_customers_stripe_customer'))
    )
    op.create_table('subscriptions',
    sa.Column('subscription_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('customer_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('items', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('shipping_country', sa.String(length=2), nullable=False),
    sa.Column('shipping_method', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('stripe_customer', sa.Text(), nullable=False),
    sa.Column('stripe_subscription', sa.Text(), nullable=False),
    sa.Column('stripe_price', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('cancel_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('incomplete', 'active', 'cancel_at_period_end', 'ended')", name=op.f('ck_subscriptions_status_known')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_subscriptions_customer_id_customers')),
    sa.PrimaryKeyConstraint('subscription_id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('stripe_subscription', name=op.f('uq_subscriptions_stripe_subscription'))
    )
    op.create_index(op.f('ix_subscriptions_customer_id'), 'subscriptions', ['customer_id'], unique=False)
    op.create_table('subscription_orders',
    sa.Column('invoice_id', sa.Text(), nullable=False),
    sa.Column('subscription_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('order_id', sa.UUID(as_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.order_id'], name=op.f('fk_subscription_orders_order_id_orders'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.subscription_id'], name=op.f('fk_subscription_orders_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('invoice_id', name=op.f('pk_subscription_orders'))
    )
    op.create_index(op.f('ix_subscription_orders_subscription_id'), 'subscription_orders', ['subscription_id'], unique=False)



def downgrade() -> None:

    op.drop_index(op.f('ix_subscription_orders_subscription_id'), table_name='subscription_orders')
    op.drop_table('subscription_orders')
    op.drop_index(op.f('ix_subscriptions_customer_id'), table_name='subscriptions')
    op.drop_table('subscriptions')
    op.drop_table('stripe_customers')

