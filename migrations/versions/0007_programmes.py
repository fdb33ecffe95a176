"""Programmes: the root of workstreams, periods, roles and audit, with the settings the PMO keeps

A database that already holds a programme's data gets one programme, "Improvement Plan", that everything
joins. Workstream codes and period start dates become unique within their programme. Each period keeps
the RAG methodology it was planned with.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.models.programme import seed_rag_definitions
from app.rag import RAG_METHODOLOGY_INTRO


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('months_per_period', sa.Integer(), nullable=False),
    sa.Column('drafts_due_days_before_end', sa.Integer(), nullable=False),
    sa.Column('approvals_due_days_after_drafts', sa.Integer(), nullable=False),
    sa.Column('sign_off_due_days_after_approvals', sa.Integer(), nullable=False),
    sa.Column('iib_meeting_days_after_sign_off', sa.Integer(), nullable=False),
    sa.Column('rag_methodology_intro', sa.Text(), nullable=False),
    sa.Column('rag_definitions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('months_per_period BETWEEN 1 AND 12', name=op.f('ck_programme_cadence_in_months')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme'))
    )
    programme_id = _programme_for_existing_data()

    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
    _fill('workstream', programme_id)
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.alter_column('programme_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_workstream_code', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_workstream_programme_id_code'), ['programme_id', 'code'])
        batch_op.create_unique_constraint(batch_op.f('uq_workstream_id_programme_id'), ['id', 'programme_id'])
        batch_op.create_foreign_key(batch_op.f('fk_workstream_programme_id_programme'), 'programme', ['programme_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_workstream_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rag_methodology_intro', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rag_definitions', sa.JSON(), nullable=True))
    _fill('reporting_period', programme_id)
    periods = sa.table('reporting_period', sa.column('rag_methodology_intro', sa.Text), sa.column('rag_definitions', sa.JSON))
    op.execute(periods.update().values(rag_methodology_intro=RAG_METHODOLOGY_INTRO, rag_definitions=seed_rag_definitions()))
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.alter_column('programme_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('rag_methodology_intro', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('rag_definitions', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint('uq_reporting_period_start_date', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_reporting_period_programme_id_start_date'), ['programme_id', 'start_date'])
        batch_op.create_foreign_key(batch_op.f('fk_reporting_period_programme_id_programme'), 'programme', ['programme_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_reporting_period_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
    _fill('role_assignment', programme_id)
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.alter_column('programme_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('fk_role_assignment_workstream_id_workstream', type_='foreignkey')
        batch_op.drop_index('uq_role_assignment_programme_role')
        batch_op.create_index('uq_role_assignment_programme_role', ['user_id', 'role', 'programme_id'], unique=True, sqlite_where=sa.text('workstream_id IS NULL'), postgresql_where=sa.text('workstream_id IS NULL'))
        batch_op.create_foreign_key('fk_role_assignment_workstream_in_programme', 'workstream', ['workstream_id', 'programme_id'], ['id', 'programme_id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_role_assignment_programme_id_programme'), 'programme', ['programme_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_role_assignment_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_create_programmes', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Whoever ran the programme's PMO before programmes existed may create programmes.
    op.execute(
        "UPDATE user_account SET may_create_programmes = TRUE WHERE id IN "
        "(SELECT user_id FROM role_assignment WHERE role = 'PMO')"
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('may_create_programmes', existing_type=sa.Boolean(), server_default=None)

    # The audit trail is append-only (its guard triggers stay), so the column is added in place, not by a
    # rebuilt table, and the existing events keep no programme: they are read through their period or workstream.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its foreign key in place; Alembic only does it by rebuilding the table.
        op.execute(
            'ALTER TABLE audit_event ADD COLUMN programme_id INTEGER '
            'CONSTRAINT fk_audit_event_programme_id_programme REFERENCES programme (id)'
        )
    else:
        op.add_column('audit_event', sa.Column('programme_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_audit_event_programme_id_programme'), 'audit_event', 'programme', ['programme_id'], ['id'])
    op.create_index(op.f('ix_audit_event_programme_id'), 'audit_event', ['programme_id'], unique=False)


def _programme_for_existing_data():
    bind = op.get_bind()
    has_data = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()
        for table in ('workstream', 'reporting_period', 'role_assignment')
    )
    if not has_data:
        return None
    programmes = sa.table(
        'programme',
        sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('organisation', sa.String),
        sa.column('months_per_period', sa.Integer), sa.column('drafts_due_days_before_end', sa.Integer),
        sa.column('approvals_due_days_after_drafts', sa.Integer), sa.column('sign_off_due_days_after_approvals', sa.Integer),
        sa.column('iib_meeting_days_after_sign_off', sa.Integer), sa.column('rag_methodology_intro', sa.Text),
        sa.column('rag_definitions', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)),
    )
    op.execute(programmes.insert().values(
        id=1, name='Improvement Plan', organisation='', months_per_period=2, drafts_due_days_before_end=4,
        approvals_due_days_after_drafts=7, sign_off_due_days_after_approvals=7, iib_meeting_days_after_sign_off=11,
        rag_methodology_intro=RAG_METHODOLOGY_INTRO, rag_definitions=seed_rag_definitions(),
        created_at=sa.func.current_timestamp(),
    ))
    if bind.dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('programme', 'id'), 1)")
    return 1


def _fill(table, programme_id):
    if programme_id is not None:
        op.execute(sa.text(f"UPDATE {table} SET programme_id = :id").bindparams(id=programme_id))


def downgrade():
    op.drop_index(op.f('ix_audit_event_programme_id'), table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('programme_id')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('may_create_programmes')
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignment_programme_id'))
        batch_op.drop_constraint(batch_op.f('fk_role_assignment_programme_id_programme'), type_='foreignkey')
        batch_op.drop_constraint('fk_role_assignment_workstream_in_programme', type_='foreignkey')
        batch_op.drop_index('uq_role_assignment_programme_role')
        batch_op.create_index('uq_role_assignment_programme_role', ['user_id', 'role'], unique=True, sqlite_where=sa.text('workstream_id IS NULL'), postgresql_where=sa.text('workstream_id IS NULL'))
        batch_op.create_foreign_key('fk_role_assignment_workstream_id_workstream', 'workstream', ['workstream_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('programme_id')
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_period_programme_id'))
        batch_op.drop_constraint(batch_op.f('fk_reporting_period_programme_id_programme'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_reporting_period_programme_id_start_date'), type_='unique')
        batch_op.create_unique_constraint('uq_reporting_period_start_date', ['start_date'])
        batch_op.drop_column('rag_definitions')
        batch_op.drop_column('rag_methodology_intro')
        batch_op.drop_column('programme_id')
    with op.batch_alter_table('workstream', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workstream_programme_id'))
        batch_op.drop_constraint(batch_op.f('fk_workstream_programme_id_programme'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_workstream_id_programme_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_workstream_programme_id_code'), type_='unique')
        batch_op.create_unique_constraint('uq_workstream_code', ['code'])
        batch_op.drop_column('programme_id')
    op.drop_table('programme')
