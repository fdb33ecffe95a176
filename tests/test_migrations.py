"""The Alembic migrations: `flask db upgrade` from an empty database builds exactly the models' schema, and
`flask db downgrade base` takes it away again."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import build_app

MODEL_TABLES = {
    "programme",
    "user_account",
    "role_assignment",
    "workstream",
    "workstream_outcome",
    "reporting_period",
    "workstream_update",
    "milestone",
    "risk",
    "programme_report",
    "audit_event",
    "outbox_message",
    "report_export",
    "password_reset_token",
    "kept_request",
    "signed_off_section",
}


@pytest.fixture
def empty_app(databases):
    """An app over a new, empty, unmigrated database; its engine is disposed afterwards so PostgreSQL
    can drop the database."""
    application = build_app(databases.fresh_url())
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def table_names() -> set[str]:
    with db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def head_revision() -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def current_revisions() -> list[str]:
    with db.engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def test_the_models_define_the_expected_tables():
    """Guards the tests below: they compare against the whole metadata, which must not be empty."""
    assert set(db.metadata.tables) == MODEL_TABLES


def test_upgrade_from_an_empty_database_creates_every_model_table(empty_app):
    with empty_app.app_context():
        assert table_names() == set()
        upgrade()
        assert table_names() == set(db.metadata.tables) | {"alembic_version"}
        assert current_revisions() == [head_revision()]


def test_autogenerate_finds_no_difference_between_the_models_and_the_migrated_schema(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []


def test_migrated_schema_has_every_named_check_constraint_and_index_of_the_models(empty_app):
    """Autogenerate does not compare CHECK constraints (and only some index details), so compare their
    names table by table."""
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            inspector = sa.inspect(connection)
            for table in db.metadata.sorted_tables:
                model_checks = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
                database_checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
                assert database_checks == model_checks, table.name
                model_indexes = {(i.name, bool(i.unique)) for i in table.indexes}
                database_indexes = {
                    (i["name"], bool(i["unique"]))
                    for i in inspector.get_indexes(table.name)
                    # PostgreSQL also lists the index behind each UNIQUE constraint.
                    if not i.get("duplicates_constraint")
                }
                assert database_indexes == model_indexes, table.name
        # The enumerations' CHECK constraints are among them (not all of the guard is index-level).
        assert "ck_role_assignment_workstream_role_has_workstream" in {
            c.name for c in db.metadata.tables["role_assignment"].constraints if isinstance(c, sa.CheckConstraint)
        }


def test_downgrade_to_base_removes_every_model_table_and_upgrade_can_run_again(empty_app):
    with empty_app.app_context():
        upgrade()
        assert MODEL_TABLES <= table_names()
        downgrade(revision="base")
        remaining = table_names()
        assert not remaining & set(db.metadata.tables), remaining
        assert remaining <= {"alembic_version"}
        assert current_revisions() == []
        # The downgrade left nothing behind that stops a fresh upgrade.
        upgrade()
        assert table_names() == set(db.metadata.tables) | {"alembic_version"}


def test_the_signed_off_sections_migration_fills_them_from_the_stored_snapshots(app):
    """Upgrading a database that already holds signed-off revisions gives each its signed-off sections."""
    from app.models.reports import SignedOffSection
    from app.reports.signed_off import sections_disagreeing_with_snapshots

    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(SignedOffSection))
        db.session.remove()
        downgrade(revision="0005")
        assert "signed_off_section" not in table_names()
        upgrade()
        after = db.session.scalar(sa.select(sa.func.count()).select_from(SignedOffSection))
        problems = sections_disagreeing_with_snapshots()
        db.session.remove()
    # The demo signs two periods off, each with every one of its five workstreams.
    assert before == after == 10
    assert problems == []


def test_an_existing_programmes_data_joins_one_programme_and_keeps_every_row(empty_app):
    """A database from before programmes (revision 0006) gets the "Improvement Plan" programme, and its
    workstreams, periods and roles join it; the foreign keys still hold and nothing is lost."""
    with empty_app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO user_account (id, name, email, password_hash, active, created_at, session_token, "
                "failed_sign_ins) VALUES (1, 'Heidi Robinson', 'heidi@example.org', 'x', TRUE, "
                "CURRENT_TIMESTAMP, 'token', 0)",
                "INSERT INTO workstream (id, code, title, description, display_order, active) "
                "VALUES (1, 'GOV', 'Governance', '', 1, TRUE)",
                "INSERT INTO workstream_outcome (id, workstream_id, position, text) VALUES (1, 1, 1, 'An outcome')",
                "INSERT INTO role_assignment (id, user_id, role, workstream_id) VALUES (1, 1, 'PMO', NULL)",
                "INSERT INTO role_assignment (id, user_id, role, workstream_id) VALUES (2, 1, 'PMO_SUPPORT', 1)",
                "INSERT INTO reporting_period (id, start_date, end_date, drafts_due, approvals_due, sign_off_due) "
                "VALUES (1, '2023-09-01', '2023-10-31', '2023-10-27', '2023-11-03', '2023-11-10')",
                "INSERT INTO audit_event (id, occurred_at, action, object_type, object_id, period_id, comment, "
                "changed_fields) VALUES (1, CURRENT_TIMESTAMP, 'open_period', 'ReportingPeriod', 1, 1, '', '[]')",
            ):
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            programmes = connection.execute(sa.text("SELECT id, name FROM programme")).all()
            assert [name for _id, name in programmes] == ["Improvement Plan"]
            (programme_id, _name), = programmes
            for table in ("workstream", "reporting_period", "role_assignment"):
                assert connection.execute(sa.text(f"SELECT DISTINCT programme_id FROM {table}")).scalars().all() == [
                    programme_id
                ], table
            assert connection.execute(sa.text("SELECT count(*) FROM workstream_outcome")).scalar() == 1
            assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 1
            assert connection.execute(sa.text("SELECT may_create_programmes FROM user_account")).scalar()
            intro = connection.execute(sa.text("SELECT rag_methodology_intro FROM reporting_period")).scalar()
            assert intro.startswith("The Independent Improvement Board")


def test_the_invitations_migration_lets_an_account_have_no_password_and_files_queued_email_under_its_programme(empty_app):
    """Upgrading from 0007: the email already queued about the one programme joins it, account email joins none,
    existing links are password resets, and an account may then be stored without a password."""
    with empty_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO programme (id, name, organisation, months_per_period, drafts_due_days_before_end, "
                "approvals_due_days_after_drafts, sign_off_due_days_after_approvals, iib_meeting_days_after_sign_off, "
                "rag_methodology_intro, rag_definitions, created_at) VALUES (1, 'Improvement Plan', '', 2, 4, 7, 7, 11, "
                "'', '{}', CURRENT_TIMESTAMP)",
                "INSERT INTO user_account (id, name, email, password_hash, active, created_at, session_token, "
                "failed_sign_ins, may_create_programmes) VALUES (1, 'Heidi Robinson', 'heidi@example.org', 'x', TRUE, "
                "CURRENT_TIMESTAMP, 'token', 0, TRUE)",
                "INSERT INTO password_reset_token (id, user_id, token_hash, created_at, expires_at) "
                "VALUES (1, 1, 'hash', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                "INSERT INTO outbox_message (id, created_at, reason, recipients, subject, body, last_error) "
                "VALUES (1, CURRENT_TIMESTAMP, 'submit', '[]', 's', 'b', '')",
                "INSERT INTO outbox_message (id, created_at, reason, recipients, subject, body, last_error) "
                "VALUES (2, CURRENT_TIMESTAMP, 'password_reset', '[]', 's', 'b', '')",
            ):
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(sa.text("SELECT id, programme_id FROM outbox_message ORDER BY id")).all() == [
                (1, 1), (2, None)
            ]
            assert connection.execute(sa.text("SELECT purpose FROM password_reset_token")).scalar() == "RESET"
            connection.execute(sa.text(
                "INSERT INTO user_account (id, name, email, password_hash, active, created_at, session_token, "
                "failed_sign_ins, may_create_programmes) VALUES (2, 'Dana', 'dana@example.org', NULL, TRUE, "
                "CURRENT_TIMESTAMP, 'token2', 0, FALSE)"
            ))
            with pytest.raises(sa.exc.IntegrityError):
                with connection.begin_nested():
                    connection.execute(sa.text("UPDATE password_reset_token SET purpose = 'OTHER'"))


def test_a_workstream_that_was_not_active_is_retired_from_the_day_after_its_last_period(app, ids):
    """Migration 0008: `active` becomes `retired_from`, so the periods a workstream reported in keep it; one
    that never reported is retired before any period. Downgrading gives `active` back."""
    with app.app_context():
        db.session.remove()
        downgrade(revision="0007")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE workstream SET active = FALSE WHERE id = :id"), {"id": ids.workstreams["PRC"]})
            connection.execute(sa.text(
                "INSERT INTO workstream (id, programme_id, code, title, description, display_order, active) "
                "VALUES (99, :programme, 'OLD', 'Never reported', '', 9, FALSE)"
            ), {"programme": ids.programme})
        upgrade()
        with db.engine.connect() as connection:
            retired = dict(connection.execute(sa.text("SELECT code, retired_from FROM workstream")).all())
        assert {code: str(day) if day else None for code, day in retired.items()} == {
            "GOV": None, "PRC": "2024-01-01", "PPD": None, "PTN": None, "CCC": None, "OLD": "0001-01-01",
            # The second demo programme's.
            "TRN": None, "ORG": None,
        }
        downgrade(revision="0007")
        with db.engine.connect() as connection:
            inactive = connection.execute(sa.text("SELECT code FROM workstream WHERE NOT active ORDER BY code")).scalars().all()
        assert inactive == ["OLD", "PRC"]
        upgrade()


def test_periods_from_before_the_calendar_are_opened_when_their_trail_says_and_keep_their_reports(empty_app):
    """Before revision 0010 every period was opened as it was created: it is marked opened at its opening's
    audit event (by whoever opened it), or at the start of its first day when the trail has nothing."""
    with empty_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO programme (id, name, organisation, months_per_period, drafts_due_days_before_end, "
                "approvals_due_days_after_drafts, sign_off_due_days_after_approvals, iib_meeting_days_after_sign_off, "
                "rag_methodology_intro, rag_definitions, created_at) VALUES (1, 'Improvement Plan', '', 2, 4, 7, 7, "
                "11, '', '{}', CURRENT_TIMESTAMP)",
                "INSERT INTO user_account (id, name, email, password_hash, active, created_at, session_token, "
                "failed_sign_ins, may_create_programmes) VALUES (1, 'Heidi Robinson', 'heidi@example.org', 'x', TRUE, "
                "CURRENT_TIMESTAMP, 'token', 0, TRUE)",
                "INSERT INTO reporting_period (id, programme_id, start_date, end_date, drafts_due, approvals_due, "
                "sign_off_due, rag_methodology_intro, rag_definitions) VALUES (1, 1, '2023-09-01', '2023-10-31', "
                "'2023-10-27', '2023-11-03', '2023-11-10', '', '{}'), (2, 1, '2023-11-01', '2023-12-31', "
                "'2023-12-22', '2024-01-05', '2024-01-10', '', '{}')",
                "INSERT INTO programme_report (id, period_id, revision, state, overview, reopen_reason, version) "
                "VALUES (1, 1, 1, 'OPEN', '', '', 1), (2, 2, 1, 'OPEN', '', '', 1)",
                "INSERT INTO audit_event (id, occurred_at, actor_id, action, object_type, object_id, period_id, "
                "programme_id, comment, changed_fields) VALUES (1, '2023-11-01 09:00:00', 1, 'open_period', "
                "'ReportingPeriod', 2, 2, 1, '', '[]')",
            ):
                connection.execute(sa.text(statement))
        upgrade()
        from app.models import ReportingPeriod

        opened = {p.id: (p.opened_at, p.opened_by_id, p.version) for p in db.session.scalars(sa.select(ReportingPeriod))}
        db.session.remove()
    utc = dt.timezone.utc
    assert opened == {
        1: (dt.datetime(2023, 9, 1, tzinfo=utc), None, 1),
        2: (dt.datetime(2023, 11, 1, 9, tzinfo=utc), 1, 1),
    }
