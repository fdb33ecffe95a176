"""What the tests of the maintenance commands (`flask backup`, `flask restore` and `flask verify`) share:
running a command, turning a guard off behind the app's back, and the demo's signed-off revisions."""
from __future__ import annotations

import os

import sqlalchemy as sa

from app.extensions import db
from app.maintenance_cli import register_maintenance_cli
from app.models import ProgrammeReport, ReportState

JUL_AUG = "OK 1 July 2023 – 31 August 2023 revision 1 "
SEP_OCT = "OK 1 September 2023 – 31 October 2023 revision 1 "
ON_POSTGRESQL = os.environ.get("WAYMARK_TEST_DATABASE") == "postgresql"


def with_maintenance_commands(application):
    """The app with the maintenance commands (register_cli may or may not register them already)."""
    if "verify" not in application.cli.commands:
        register_maintenance_cli(application)
    return application


def invoke(application, *args: str):
    return with_maintenance_commands(application).test_cli_runner().invoke(args=list(args))


def without_guard(connection, table: str):
    """Statements that turn a table's guard off and on again inside the caller's transaction."""
    if connection.dialect.name == "postgresql":
        return (
            [f"ALTER TABLE {table} DISABLE TRIGGER waymark_guard"],
            [f"ALTER TABLE {table} ENABLE TRIGGER waymark_guard"],
        )
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).all()
    assert triggers, f"no guard on {table}"
    return [f"DROP TRIGGER {name}" for name, _sql in triggers], [sql for _name, sql in triggers]


def unguard(application, table: str) -> None:
    """Turn a table's guard off and leave it off (disabled on PostgreSQL, dropped on SQLite)."""
    with application.app_context():
        with db.engine.begin() as connection:
            off, _on = without_guard(connection, table)
            for statement in off:
                connection.exec_driver_sql(statement)
        db.engine.dispose()


def signed_off_reports(application) -> dict[str, tuple[int, dict, str]]:
    """By period start month (jul, sep): the signed-off revision's id, snapshot and fingerprint."""
    with application.app_context():
        reports = db.session.scalars(
            sa.select(ProgrammeReport)
            .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
            .options(sa.orm.undefer(ProgrammeReport.snapshot))
        ).all()
        return {
            report.period.start_date.strftime("%b").lower(): (report.id, report.snapshot, report.content_fingerprint)
            for report in reports
        }
