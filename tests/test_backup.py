"""Backup commands: `flask backup` and `flask restore`, on SQLite and on PostgreSQL
(WAYMARK_TEST_DATABASE=postgresql; there they run pg_dump and pg_restore, which must be on PATH)."""
from __future__ import annotations

import os
import sqlite3
import stat

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.models import OutboxMessage, ProgrammeReport, ReportExport, ReportState, WorkstreamUpdate
from app.reports.content import fingerprint
from tests.conftest import build_app
from tests.demo_ids import demo_ids
from tests.maintenance_cli import (
    JUL_AUG,
    ON_POSTGRESQL,
    SEP_OCT,
    invoke,
    signed_off_reports,
    unguard,
    with_maintenance_commands,
)

LOCKED_MESSAGE = "waymark: the period is signed off and locked"
# Bytes that are not valid UTF-8, so a text round trip of the BLOB column would change them.
PACK_BYTES = bytes(range(256)) * 4


@pytest.fixture
def fresh_app(databases):
    """Apps over new, empty databases; their engines are disposed afterwards so PostgreSQL can drop them."""
    made = []

    def make():
        application = with_maintenance_commands(build_app(databases.fresh_url()))
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def every_row(application) -> dict[str, list[tuple]]:
    """Every row of every table in the database (as reflected, so tables of later migrations count too),
    ordered by primary key."""
    with application.app_context():
        with db.engine.connect() as connection:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            rows = {}
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
        db.engine.dispose()
    return rows


def fingerprints(application) -> list[tuple]:
    with application.app_context():
        return db.session.execute(
            sa.select(ProgrammeReport.period_id, ProgrammeReport.revision, ProgrammeReport.content_fingerprint)
            .where(ProgrammeReport.content_fingerprint.is_not(None))
            .order_by(ProgrammeReport.id)
        ).all()


def store_a_pack(application) -> None:
    """A stored board pack for the Sep–Oct revision (the demo has none), so the round trip covers BLOBs."""
    with application.app_context():
        report = db.session.scalar(
            sa.select(ProgrammeReport)
            .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
            .order_by(ProgrammeReport.id.desc())
        )
        db.session.add(
            ReportExport(
                report_id=report.id, format="pdf", content_fingerprint=report.content_fingerprint, data=PACK_BYTES
            )
        )
        db.session.commit()


def add_an_outbox_message(application, subject: str) -> None:
    with application.app_context():
        db.session.add(OutboxMessage(reason="test", recipients=["someone@example.org"], subject=subject, body="b"))
        db.session.commit()


def subjects(application) -> list[str]:
    with application.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage.subject)))


def backed_up(application, tmp_path, name: str = "waymark.backup"):
    path = tmp_path / name
    result = invoke(application, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert path.is_file()
    return path


@pytest.fixture
def restored(app, fresh_app, tmp_path):
    """(the demo app, an app over a new database restored from a backup of the demo)."""
    store_a_pack(app)
    path = backed_up(app, tmp_path)
    target = fresh_app()
    result = invoke(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    return app, target


# --- backup and restore: the round trip --------------------------------------------------------------


def test_backup_then_restore_into_a_new_database_preserves_every_row_of_every_table(restored):
    source, target = restored
    before, after = every_row(source), every_row(target)
    # The comparison is not vacuous: the demo's content, its audit trail and the stored pack are there.
    assert len(before["audit_event"]) > 20
    # Both demo programmes: Improvement Plan's three periods' reports and Initial Improvement Plan's two.
    assert len(before["programme"]) == 2
    assert len(before["programme_report"]) == 3 + 2
    assert [row[-2] for row in before["report_export"]] == [PACK_BYTES]
    assert before["alembic_version"]
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], table


def test_backup_then_restore_preserves_every_audit_event_and_every_fingerprint(restored):
    source, target = restored
    assert len(fingerprints(source)) == 2
    assert fingerprints(target) == fingerprints(source)
    assert every_row(target)["audit_event"] == every_row(source)["audit_event"]


def test_a_restored_database_passes_verify_and_its_locked_revisions_still_match_their_fingerprints(restored):
    _source, target = restored
    result = invoke(target, "verify")
    assert result.exit_code == 0, result.output
    assert JUL_AUG in result.output and SEP_OCT in result.output
    reports = signed_off_reports(target)
    assert set(reports) == {"jul", "sep"}
    for _report_id, snapshot, stored in reports.values():
        assert fingerprint(snapshot) == stored


def test_a_restored_database_still_refuses_changes_to_a_locked_update_and_to_the_audit_trail(restored):
    _source, target = restored
    update_id = demo_ids(target).update("GOV", "sep_oct")
    with target.app_context():
        statements = [
            (f"UPDATE workstream_update SET key_activities = 'changed' WHERE id = {update_id}", LOCKED_MESSAGE),
            ("UPDATE programme_report SET overview = 'changed' WHERE state = 'SIGNED_OFF'", LOCKED_MESSAGE),
            ("DELETE FROM audit_event", "append-only"),
        ]
        for statement, message in statements:
            with pytest.raises(sa.exc.DBAPIError, match=message):
                with db.engine.begin() as connection:
                    connection.exec_driver_sql(statement)
        assert db.session.get(WorkstreamUpdate, update_id).key_activities != "changed"
        db.engine.dispose()


def test_restore_into_a_migrated_but_empty_database_is_allowed(app, fresh_app, tmp_path):
    path = backed_up(app, tmp_path)
    target = fresh_app()
    with target.app_context():
        upgrade()
    result = invoke(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert every_row(target) == every_row(app)


def test_backup_files_are_readable_by_their_owner_only(app, tmp_path):
    path = backed_up(app, tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_backup_leaves_out_what_another_connection_has_not_committed(app, fresh_app, tmp_path):
    """The backup is one consistent, committed state while the app is working."""
    with app.app_context():
        writer = db.engine.connect()
        transaction = writer.begin()
        writer.execute(
            sa.insert(OutboxMessage.__table__).values(
                created_at=sa.func.current_timestamp(), reason="test", recipients=[], subject="uncommitted",
                body="b", last_error="",
            )
        )
        try:
            path = backed_up(app, tmp_path)
        finally:
            transaction.commit()
            writer.close()
    assert "uncommitted" in subjects(app)
    target = fresh_app()
    assert invoke(target, "restore", str(path)).exit_code == 0
    assert "uncommitted" not in subjects(target)
    assert every_row(target)["audit_event"] == every_row(app)["audit_event"]


def test_backup_refuses_to_overwrite_an_existing_file(app, tmp_path):
    path = tmp_path / "existing.backup"
    path.write_bytes(b"keep me")
    result = invoke(app, "backup", str(path))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_bytes() == b"keep me"


# --- restore: what it refuses ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["text", "empty", "sqlite_without_alembic"])
def test_restore_refuses_a_file_that_is_not_a_waymark_backup(fresh_app, tmp_path, kind):
    path = tmp_path / "not-a-backup"
    if kind == "text":
        path.write_text("SELECT 1;\n")
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
            connection.execute("INSERT INTO notes (text) VALUES ('hello')")
        connection.close()
    target = fresh_app()
    result = invoke(target, "restore", str(path))
    assert result.exit_code == 1
    if kind == "sqlite_without_alembic":
        expected = "is a SQLite backup; this database is PostgreSQL" if ON_POSTGRESQL else "is not a Waymark database"
    else:
        expected = "is not a Waymark backup"
    assert expected in result.output
    assert not any(every_row(target).values())


def test_restore_refuses_a_backup_of_a_database_that_waymark_did_not_make(fresh_app, tmp_path):
    other = fresh_app()
    with other.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.engine.dispose()
    path = backed_up(other, tmp_path)
    target = fresh_app()
    result = invoke(target, "restore", str(path))
    assert result.exit_code == 1
    assert "is not a Waymark database: it has no alembic_version table" in result.output
    assert not any(every_row(target).values())


def test_restore_refuses_a_backup_at_another_migration(fresh_app, tmp_path):
    older = fresh_app()
    with older.app_context():
        from flask import current_app
        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        head = scripts.get_current_head()
        previous = scripts.get_revision(head).down_revision
        upgrade(revision=previous)
        db.engine.dispose()
    path = backed_up(older, tmp_path)
    target = fresh_app()
    result = invoke(target, "restore", str(path))
    assert result.exit_code == 1
    assert f"is at migration {previous}, but this version of Waymark is at {head}" in result.output
    assert not any(every_row(target).values())


def test_restore_refuses_a_database_that_has_data_unless_replace_is_given(app, tmp_path):
    path = backed_up(app, tmp_path)
    add_an_outbox_message(app, "written after the backup")
    result = invoke(app, "restore", str(path))
    assert result.exit_code == 1
    assert "already has data" in result.output and "--replace" in result.output
    assert "written after the backup" in subjects(app)


def test_restore_with_replace_puts_back_exactly_what_was_backed_up(app, tmp_path):
    backup_rows = every_row(app)
    path = backed_up(app, tmp_path)
    add_an_outbox_message(app, "written after the backup")
    assert every_row(app) != backup_rows
    result = invoke(app, "restore", "--replace", str(path))
    assert result.exit_code == 0, result.output
    assert every_row(app) == backup_rows
    assert "written after the backup" not in subjects(app)


def test_restore_refuses_a_backup_whose_guards_were_disabled_or_dropped(app, fresh_app, tmp_path):
    unguard(app, "risk")
    result = invoke(app, "backup", str(tmp_path / "unguarded.backup"))
    assert result.exit_code == 0, result.output
    assert "Warning: the guard" in result.output
    target = fresh_app()
    result = invoke(target, "restore", str(tmp_path / "unguarded.backup"))
    assert result.exit_code == 1
    assert "does not have its database guards intact" in result.output
    assert "on risk is " + ("disabled" if ON_POSTGRESQL else "missing") in result.output
    assert not any(every_row(target).values())


# --- PostgreSQL: the client programs -----------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump and pg_restore are used on PostgreSQL only")
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_without_pg_dump_on_path_backup_and_restore_name_the_documented_commands(app, tmp_path, monkeypatch, command):
    path = tmp_path / "waymark.dump"
    if command == "restore":
        path.write_bytes(b"PGDMP")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    result = invoke(app, command, str(path))
    assert result.exit_code == 1
    assert "is not on PATH" in result.output
    assert "pg_dump --format=custom" in result.output
    assert "pg_restore --clean --if-exists" in result.output


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump and pg_restore are used on PostgreSQL only")
def test_a_pg_dump_of_another_major_version_than_the_server_is_refused(app, tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    result = invoke(app, "backup", str(tmp_path / "waymark.dump"))
    assert result.exit_code == 1
    assert "is version 9, but the server is PostgreSQL" in result.output
    assert not (tmp_path / "waymark.dump").exists()


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite: the copy is the database file itself")
def test_sqlite_backup_is_an_intact_sqlite_database_with_the_guards(app, tmp_path):
    path = backed_up(app, tmp_path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    connection.close()
    assert "waymark_guard_workstream_update_update" in triggers
    assert "waymark_guard_audit_event_delete" in triggers
