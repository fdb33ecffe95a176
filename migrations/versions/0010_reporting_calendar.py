"""The reporting calendar: a period is planned before it is opened, and its dates carry a version

A planned period has dates and nothing else; opening it records when and by whom. Every period already in
the database was opened when it was created (it has a report): it is marked opened at its earliest audit
event (its opening), or at the start of its first day when it has none, by whoever opened it if the trail
says. The IIB meeting falls on or after the CMT sign-off. On SQLite a period's id is never reused (a deleted
planned period is named by its id in the audit trail).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00.000000

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_reporting_period_opened_by_id_user_account'), 'user_account', ['opened_by_id'], ['id'])
    _mark_existing_periods_opened()
    # SQLite: rebuilt with AUTOINCREMENT, so a deleted planned period's id (which the audit trail names) is
    # never given to another period.
    with op.batch_alter_table('reporting_period', schema=None, recreate='auto', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_reporting_period_iib_meeting_after_sign_off'),
            'iib_meeting_date IS NULL OR iib_meeting_date >= sign_off_due',
        )


def _mark_existing_periods_opened():
    bind = op.get_bind()
    periods = sa.table(
        'reporting_period',
        sa.column('id', sa.Integer), sa.column('start_date', sa.Date),
        sa.column('opened_at', sa.DateTime(timezone=True)), sa.column('opened_by_id', sa.Integer),
    )
    events = sa.table(
        'audit_event',
        sa.column('id', sa.Integer), sa.column('period_id', sa.Integer), sa.column('action', sa.String),
        sa.column('occurred_at', sa.DateTime(timezone=True)), sa.column('actor_id', sa.Integer),
    )
    for period_id, start in bind.execute(sa.select(periods.c.id, periods.c.start_date)).all():
        first = bind.execute(
            sa.select(events.c.occurred_at, events.c.actor_id, events.c.action)
            .where(events.c.period_id == period_id)
            .order_by(events.c.occurred_at, events.c.id)
            .limit(1)
        ).first()
        if first is not None:
            opened_at = _aware(first.occurred_at)
            opened_by = first.actor_id if first.action == 'open_period' else None
        else:
            opened_at, opened_by = dt.datetime.combine(_day(start), dt.time(), tzinfo=dt.timezone.utc), None
        bind.execute(periods.update().where(periods.c.id == period_id).values(opened_at=opened_at, opened_by_id=opened_by))


def _aware(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _day(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def downgrade():
    # A planned period has no report, which the schema before this revision does not know: it goes.
    op.execute('DELETE FROM reporting_period WHERE opened_at IS NULL')
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reporting_period_iib_meeting_after_sign_off'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_reporting_period_opened_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('opened_by_id')
        batch_op.drop_column('opened_at')
