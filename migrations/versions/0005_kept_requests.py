"""Kept requests: a form post that arrives just after its sender's session ended is kept until they sign in again

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=100), nullable=False),
    sa.Column('view_args', sa.JSON(), nullable=False),
    sa.Column('form', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_kept_request_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_request')),
    sa.UniqueConstraint('user_id', name=op.f('uq_kept_request_user_id'))
    )


def downgrade():
    op.drop_table('kept_request')
