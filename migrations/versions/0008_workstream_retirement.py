"""Workstream retirement: a workstream is retired from a given period on, instead of being active or not

`workstream.retired_from` is the start date of the first period the workstream does not report in. It replaces
`workstream.active`: a workstream that was not active is retired from the day after the end of the last period
it has an update in (from before any period, when it has none), so the periods it reported in keep it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00.000000

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# As app.models.programme.BEFORE_ANY_PERIOD: no period starts before it.
BEFORE_ANY_PERIOD = dt.date.min

workstream = sa.table(
    'workstream', sa.column('id', sa.Integer), sa.column('active', sa.Boolean), sa.column('retired_from', sa.Date),
)


def upgrade():
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_from', sa.Date(), nullable=True))
    bind = op.get_bind()
    last_period_ends = dict(bind.execute(sa.text(
        "SELECT w.id, max(p.end_date) FROM workstream w "
        "LEFT JOIN workstream_update u ON u.workstream_id = w.id "
        "LEFT JOIN reporting_period p ON p.id = u.period_id "
        "WHERE NOT w.active GROUP BY w.id"
    )).all())
    for workstream_id, last_end in last_period_ends.items():
        if isinstance(last_end, str):  # SQLite answers an aggregate of dates as text
            last_end = dt.date.fromisoformat(last_end)
        retired_from = last_end + dt.timedelta(days=1) if last_end else BEFORE_ANY_PERIOD
        op.execute(workstream.update().where(workstream.c.id == workstream_id).values(retired_from=retired_from))
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.drop_column('active')


def downgrade():
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(workstream.update().where(workstream.c.retired_from.is_not(None)).values(active=False))
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.alter_column('active', existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_column('retired_from')
