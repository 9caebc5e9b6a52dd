"""local identity provider: credentials, sessions, refresh tokens, sign-in failures

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:11:23.797657
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('credentials',
    sa.Column('user_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('roles', postgresql.ARRAY(sa.Text()), server_default=sa.text("'{customer}'"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('email', name=op.f('uq_credentials_email'))
    )
    op.create_table('signin_failures',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('client', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_failures'))
    )
    op.create_index('ix_signin_failures_client_failed_at', 'signin_failures', ['client', 'failed_at'], unique=False)
    op.create_index('ix_signin_failures_email_failed_at', 'signin_failures', ['email', 'failed_at'], unique=False)
    op.create_table('sessions',
    sa.Column('session_handle', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('user_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['credentials.user_id'], name=op.f('fk_sessions_user_id_credentials'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_handle', name=op.f('pk_sessions'))
    )
    op.create_index(op.f('ix_sessions_user_id'), 'sessions', ['user_id'], unique=False)
    op.create_table('refresh_tokens',
    sa.Column('token_hash', sa.LargeBinary(), nullable=False),
    sa.Column('session_handle', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('parent_hash', sa.LargeBinary(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_handle'], ['sessions.session_handle'], name=op.f('fk_refresh_tokens_session_handle_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_refresh_tokens'))
    )
    op.create_index(op.f('ix_refresh_tokens_session_handle'), 'refresh_tokens', ['session_handle'], unique=False)



def downgrade() -> None:

    op.drop_index(op.f('ix_refresh_tokens_session_handle'), table_name='refresh_tokens')
    op.drop_table('refresh_tokens')
    op.drop_index(op.f('ix_sessions_user_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_index('ix_signin_failures_email_failed_at', table_name='signin_failures')
    op.drop_index('ix_signin_failures_client_failed_at', table_name='signin_failures')
    op.drop_table('signin_failures')
    op.drop_table('credentials')

