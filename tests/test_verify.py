"""`flask verify`, on SQLite and on PostgreSQL (WAYMARK_TEST_DATABASE=postgresql)."""
from __future__ import annotations

import copy

import sqlalchemy as sa

from app.extensions import db
from app.models import ProgrammeReport, WorkstreamUpdate
from app.reports.content import fingerprint
from tests.maintenance_cli import JUL_AUG, ON_POSTGRESQL, SEP_OCT, invoke, signed_off_reports, unguard, without_guard


def overwrite_snapshot(application, report_id: int, snapshot: dict, content_fingerprint: str | None = None) -> None:
    """Change a signed-off revision's snapshot, bypassing the database guard for just this statement."""
    table = ProgrammeReport.__table__
    values = {"snapshot": snapshot}
    if content_fingerprint is not None:
        values["content_fingerprint"] = content_fingerprint
    with application.app_context():
        with db.engine.begin() as connection:
            off, on = without_guard(connection, "programme_report")
            for statement in off:
                connection.exec_driver_sql(statement)
            changed = connection.execute(sa.update(table).where(table.c.id == report_id).values(**values)).rowcount
            for statement in on:
                connection.exec_driver_sql(statement)
        db.engine.dispose()
    assert changed == 1


def test_verify_passes_on_the_demo_with_an_ok_line_for_each_signed_off_revision(app):
    result = invoke(app, "verify")
    assert result.exit_code == 0, result.output
    reports = signed_off_reports(app)
    assert f"{JUL_AUG}{reports['jul'][2]}" in result.output
    assert f"{SEP_OCT}{reports['sep'][2]}" in result.output
    assert "MISMATCH" not in result.output
    assert "2 signed-off revision(s): 2 OK, 0 mismatched; 0 contradiction(s); 0 guard problem(s)." in result.output
    assert result.output.count("the live rows still give the signed-off content") == 2


def test_verify_fails_naming_the_revision_whose_snapshot_was_changed(app):
    report_id, snapshot, stored = signed_off_reports(app)["sep"]
    tampered = copy.deepcopy(snapshot)
    text = tampered["workstreams"][0]["key_activities"]
    tampered["workstreams"][0]["key_activities"] = ("X" if text[0] != "X" else "Y") + text[1:]
    assert fingerprint(tampered) != stored
    overwrite_snapshot(app, report_id, tampered)
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert (
        "MISMATCH 1 September 2023 – 31 October 2023 revision 1: "
        f"the snapshot's fingerprint is {fingerprint(tampered)}, not the stored {stored}"
    ) in result.output
    assert JUL_AUG in result.output
    assert "1 OK, 1 mismatched" in result.output
    # The guard was turned back on: verify finds it in place.
    assert "0 guard problem(s)" in result.output


def test_verify_fails_when_a_revision_holds_another_revisions_snapshot_and_fingerprint(app):
    reports = signed_off_reports(app)
    sep_id = reports["sep"][0]
    _jul_id, jul_snapshot, jul_fingerprint = reports["jul"]
    overwrite_snapshot(app, sep_id, jul_snapshot, jul_fingerprint)
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert (
        "MISMATCH 1 September 2023 – 31 October 2023 revision 1: the snapshot is of another period or revision"
    ) in result.output
    assert JUL_AUG in result.output


def test_verify_reports_live_content_that_changed_after_sign_off_as_information_and_still_passes(app):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE workstream SET title = title || ' (renamed)' WHERE code = 'GOV'")
        db.engine.dispose()
    result = invoke(app, "verify")
    assert result.exit_code == 0, result.output
    assert JUL_AUG in result.output and SEP_OCT in result.output
    assert result.output.count("(information) the live rows now give different content") == 2
    assert ".workstream.title" in result.output


def test_verify_fails_naming_an_update_that_is_not_approved_in_a_signed_off_period_written_behind_the_guards(app, ids):
    update_id = ids.update("GOV", "sep_oct")
    table = WorkstreamUpdate.__table__
    with app.app_context():
        with db.engine.begin() as connection:
            off, on = without_guard(connection, "workstream_update")
            for statement in off:
                connection.exec_driver_sql(statement)
            connection.execute(
                sa.update(table).where(table.c.id == update_id).values(state="RETURNED", agreed_rag=None)
            )
            for statement in on:
                connection.exec_driver_sql(statement)
        db.engine.dispose()
    result = invoke(app, "verify")
    assert result.exit_code == 1, result.output
    assert (
        "CONTRADICTION 1 September 2023 – 31 October 2023: the Governance and decision making update is returned "
        "without an agreed "
        "rating in a period that is signed off and locked; a locked period holds approved updates only"
    ) in result.output
    # Its snapshot still holds the approved update: the fingerprint matches, and only the live row is wrong.
    assert "2 OK, 0 mismatched; 1 contradiction(s); 0 guard problem(s)." in result.output


def test_verify_fails_naming_a_signed_off_snapshot_that_holds_an_unapproved_update(app):
    report_id, snapshot, _stored = signed_off_reports(app)["sep"]
    tampered = copy.deepcopy(snapshot)
    tampered["workstreams"][0].update(state="RETURNED", agreed_rag=None)
    overwrite_snapshot(app, report_id, tampered, fingerprint(tampered))
    result = invoke(app, "verify")
    assert result.exit_code == 1, result.output
    title = tampered["workstreams"][0]["workstream"]["title"]
    assert (
        f"CONTRADICTION 1 September 2023 – 31 October 2023 revision 1: the signed-off snapshot holds the {title} "
        "update as RETURNED with no agreed rating; a signed-off report holds approved updates only"
    ) in result.output


def test_verify_fails_when_a_database_guard_is_missing_or_disabled(app):
    unguard(app, "workstream_update")
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert "GUARD the guard " in result.output
    assert "on workstream_update is " + ("disabled" if ON_POSTGRESQL else "missing") in result.output
    assert "2 OK, 0 mismatched" in result.output


def test_verify_fails_naming_a_planned_period_that_holds_drafts_and_an_opened_one_without_its_report(app, ids):
    periods = sa.table("reporting_period", sa.column("id"), sa.column("opened_at"), sa.column("start_date"))
    with app.app_context():
        with db.engine.begin() as connection:
            # Behind the services' back: Nov–Dec marked as never opened, and a period opened with no report.
            connection.execute(sa.update(periods).where(periods.c.id == ids.periods["nov_dec"]).values(opened_at=None))
            connection.exec_driver_sql(
                "INSERT INTO reporting_period (programme_id, start_date, end_date, drafts_due, approvals_due, "
                "sign_off_due, rag_methodology_intro, rag_definitions, opened_at, version) VALUES "
                f"({ids.programme}, '2024-01-01', '2024-02-29', '2024-02-23', '2024-03-01', '2024-03-08', '', '{{}}', "
                "'2024-01-01 09:00:00', 1)"
            )
        db.engine.dispose()
    result = invoke(app, "verify")
    assert result.exit_code == 1
    assert (
        "CALENDAR 1 November 2023 – 31 December 2023 is planned, not opened, yet holds 1 report revision(s) and 5 "
        "update(s)" in result.output
    )
    assert "CALENDAR 1 January 2024 – 29 February 2024 is opened but has no revision 1 of its programme report" in result.output


def test_verify_says_the_calendar_agrees_with_the_reports(app):
    result = invoke(app, "verify")
    assert "OK every opened period has its report, and no planned period has a report or drafts" in result.output
