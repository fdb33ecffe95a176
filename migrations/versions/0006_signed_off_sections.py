"""Signed-off sections: what each signed-off revision holds of each workstream, for the pages readers see

One row per signed-off revision and workstream, with the update, the agreed rating and the workstream's details
as signed off, written at sign-off from the snapshot. Backfilled here from the stored snapshots.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 06:40:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

RAG_NAMES = ('GREEN', 'GREEN_AMBER', 'AMBER', 'AMBER_RED', 'RED')


def upgrade():
    op.create_table('signed_off_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('workstream_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('agreed_rag', sa.Enum(*RAG_NAMES, name='signed_off_agreed_rag', native_enum=False, create_constraint=True, length=11), nullable=True),
    sa.Column('workstream_details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_signed_off_section_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['report_id'], ['programme_report.id'], name=op.f('fk_signed_off_section_report_id_programme_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['workstream_update.id'], name=op.f('fk_signed_off_section_update_id_workstream_update')),
    sa.ForeignKeyConstraint(['workstream_id'], ['workstream.id'], name=op.f('fk_signed_off_section_workstream_id_workstream')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_off_section')),
    sa.UniqueConstraint('report_id', 'workstream_id', name=op.f('uq_signed_off_section_report_id_workstream_id'))
    )
    with op.batch_alter_table('signed_off_section', schema=None) as batch_op:
        batch_op.create_index('ix_signed_off_section_period_id_revision', ['period_id', 'revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_off_section_workstream_id'), ['workstream_id'], unique=False)
    _backfill()


def _backfill():
    """One row per section of every signed-off revision's stored snapshot."""
    reports = sa.table(
        'programme_report',
        sa.column('id', sa.Integer), sa.column('period_id', sa.Integer), sa.column('revision', sa.Integer),
        sa.column('state', sa.String), sa.column('snapshot', sa.JSON),
    )
    sections = sa.table(
        'signed_off_section',
        sa.column('report_id', sa.Integer), sa.column('period_id', sa.Integer), sa.column('revision', sa.Integer),
        sa.column('workstream_id', sa.Integer), sa.column('update_id', sa.Integer),
        sa.column('agreed_rag', sa.String), sa.column('workstream_details', sa.JSON),
    )
    connection = op.get_bind()
    signed_off = connection.execute(
        sa.select(reports.c.id, reports.c.period_id, reports.c.revision, reports.c.snapshot)
        .where(reports.c.state == 'SIGNED_OFF', reports.c.snapshot.is_not(None))
        .order_by(reports.c.id)
    )
    for report_id, period_id, report_revision, snapshot in signed_off:
        if isinstance(snapshot, str):
            snapshot = json.loads(snapshot)
        rows = [
            {
                'report_id': report_id,
                'period_id': period_id,
                'revision': report_revision,
                'workstream_id': section['workstream']['id'],
                'update_id': section['update_id'],
                'agreed_rag': section['agreed_rag'],
                'workstream_details': section['workstream'],
            }
            for section in snapshot['workstreams']
        ]
        if rows:
            connection.execute(sections.insert(), rows)


def downgrade():
    with op.batch_alter_table('signed_off_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_off_section_workstream_id'))
        batch_op.drop_index('ix_signed_off_section_period_id_revision')

    op.drop_table('signed_off_section')
