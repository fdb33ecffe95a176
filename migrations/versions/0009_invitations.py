"""Invitations: an account may have no password yet, a link to set one says why it was sent, and each email
says which programme it is about

An invited person's account is created without a password (password_hash NULL: no password signs in to it)
until they set one from their invitation link, a password_reset_token whose purpose is INVITATION. The
outbox's messages name their programme, so a PMO reads only their own programmes' email; the messages already
queued about the one programme that existed before this revision join it, and the account emails (password
resets and changes) belong to none.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The outbox reasons of account emails, which belong to no programme.
ACCOUNT_REASONS = ('password_reset', 'change_password', 'reset_password')


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=True)

    # The enumeration's column and its CHECK constraint, spelt out: adding an Enum column to an existing
    # table creates no constraint on PostgreSQL.
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=10), nullable=False, server_default='RESET'))
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.alter_column('purpose', existing_type=sa.String(length=10), server_default=None)
        batch_op.create_check_constraint(
            op.f('ck_password_reset_token_linkpurpose'), "purpose IN ('RESET', 'INVITATION')"
        )

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_programme_id_programme'), 'programme', ['programme_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_outbox_message_programme_id'), ['programme_id'], unique=False)
    bind = op.get_bind()
    programme_ids = bind.execute(sa.text('SELECT id FROM programme')).scalars().all()
    if len(programme_ids) == 1:
        messages = sa.table('outbox_message', sa.column('programme_id', sa.Integer), sa.column('reason', sa.String))
        op.execute(
            messages.update().where(messages.c.reason.not_in(ACCOUNT_REASONS)).values(programme_id=programme_ids[0])
        )


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_programme_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_programme_id_programme'), type_='foreignkey')
        batch_op.drop_column('programme_id')
    # Invitation links cannot be told from reset links once the column is gone, and an account without a
    # password cannot be stored: both go (the people invited set a password with "Forgot your password?").
    op.execute("DELETE FROM password_reset_token WHERE purpose = 'INVITATION'")
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_password_reset_token_linkpurpose'), type_='check')
        batch_op.drop_column('purpose')
    op.execute("UPDATE user_account SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=False)
