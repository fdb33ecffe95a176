"""`flask periods plan|open|list`: the reporting calendar from the command line, with the defaults and rules
of the PMO's pages."""
import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, ReportingPeriod, WorkstreamUpdate
from tests.test_cli import invoke
from tests.test_period_service import sign_off_nov_dec


def period_starting(app, start: dt.date) -> ReportingPeriod | None:
    with app.app_context():
        period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.start_date == start))
        if period is not None:
            db.session.expunge(period)
        return period


def drafts_in(app, period_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id)
        )


def test_plan_with_only_defaults_follows_the_last_period_at_the_cadence(app):
    result = invoke(app, "periods", "plan", "--programme", "Improvement Plan")
    assert result.exit_code == 0, result.output
    assert "Planned 1 January 2024 – 29 February 2024 in Improvement Plan:" in result.output
    period = period_starting(app, dt.date(2024, 1, 1))
    assert (period.end_date, period.drafts_due, period.approvals_due, period.sign_off_due, period.iib_meeting_date) == (
        dt.date(2024, 2, 29), dt.date(2024, 2, 25), dt.date(2024, 3, 3), dt.date(2024, 3, 10), dt.date(2024, 3, 21)
    )
    assert period.is_planned and drafts_in(app, period.id) == 0
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "plan_period", AuditEvent.object_id == period.id)
        )
        assert (event.actor_id, event.period_id, event.programme_id) == (None, None, period.programme_id)


def test_plan_takes_the_dates_given_and_defaults_the_rest_from_them(app):
    result = invoke(
        app, "periods", "plan", "--programme", "Improvement Plan", "--programme", "Improvement Plan", "--start", "2024-01-01", "--end", "2024-01-31",
        "--iib-meeting", "2024-02-20",
    )
    assert result.exit_code == 0, result.output
    period = period_starting(app, dt.date(2024, 1, 1))
    assert (period.end_date, period.drafts_due, period.iib_meeting_date) == (
        dt.date(2024, 1, 31), dt.date(2024, 1, 27), dt.date(2024, 2, 20)
    )


def test_plan_refuses_invalid_dates_with_every_reason(app):
    result = invoke(app, "periods", "plan", "--programme", "Improvement Plan", "--start", "2023-12-15", "--drafts-due", "2024-05-01")
    assert result.exit_code != 0
    assert "Start date: The period overlaps 1 November 2023 – 31 December 2023" in result.output
    assert "Drafts due: Drafts must be due within the period" in result.output
    assert period_starting(app, dt.date(2023, 12, 15)) is None


def test_plan_refuses_an_end_before_the_start_and_a_date_that_is_not_a_date(app):
    result = invoke(app, "periods", "plan", "--programme", "Improvement Plan", "--start", "2024-01-01", "--end", "2023-12-31")
    assert result.exit_code != 0 and "End date: The end date must be after the start date" in result.output
    result = invoke(app, "periods", "plan", "--programme", "Improvement Plan", "--start", "2024-02-30")
    assert result.exit_code != 0 and "2024-02-30" in result.output


def test_open_asks_about_the_period_still_open_and_opens_with_the_flag(app):
    invoke(app, "periods", "plan", "--programme", "Improvement Plan")
    refused = invoke(app, "periods", "open", "--programme", "Improvement Plan", "--start", "2024-01-01")
    assert refused.exit_code != 0
    assert "1 November 2023 – 31 December 2023 is still open. Add --while-another-is-open" in refused.output
    period = period_starting(app, dt.date(2024, 1, 1))
    assert drafts_in(app, period.id) == 0
    opened = invoke(app, "periods", "open", "--programme", "Improvement Plan", "--start", "2024-01-01", "--while-another-is-open")
    assert opened.exit_code == 0, opened.output
    assert "Opened 1 January 2024 – 29 February 2024 in Improvement Plan." in opened.output
    assert drafts_in(app, period.id) == 5
    again = invoke(app, "periods", "open", "--programme", "Improvement Plan", "--start", "2024-01-01", "--while-another-is-open")
    assert again.exit_code == 0 and "is already open" in again.output
    assert drafts_in(app, period.id) == 5


def test_open_after_sign_off_needs_no_flag(app, ids):
    sign_off_nov_dec(app, ids)
    assert invoke(app, "periods", "plan", "--programme", "Improvement Plan").exit_code == 0
    result = invoke(app, "periods", "open", "--programme", "Improvement Plan", "--start", "2024-01-01")
    assert result.exit_code == 0, result.output


def test_open_names_a_missing_period(app):
    result = invoke(app, "periods", "open", "--programme", "Improvement Plan", "--start", "2024-01-01")
    assert result.exit_code != 0 and "has no period starting on 2024-01-01" in result.output


def test_list_shows_every_period_with_its_state(app):
    invoke(app, "periods", "plan", "--programme", "Improvement Plan")
    result = invoke(app, "periods", "list", "--programme", "Improvement Plan")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Improvement Plan: 4 periods"
    assert lines[1].split()[:4] == ["2024-01-01", "to", "2024-02-29", "Planned"]
    assert lines[2].split()[:4] == ["2023-11-01", "to", "2023-12-31", "Open"]
    assert lines[3].split()[3:5] == ["Signed", "off"]
