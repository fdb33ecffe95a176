"""The Alembic migrations: `flask db upgrade` from an empty database builds exactly the models' schema, and
`flask db downgrade base` takes it away again."""
from __future__ import annotations

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
