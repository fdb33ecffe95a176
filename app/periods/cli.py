"""`flask periods plan|open|list`: the reporting calendar from the command line, through the same rules and
services as the PMO's pages (an authority can script its set-up)."""
from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.cli import find_programme, programme_option
from app.extensions import db
from app.models import Programme, ReportingPeriod
from app.period_queries import calendar_periods
from app.periods.rules import DATE_LABELS, PeriodDates, default_dates, next_start
from app.periods.services import AlreadyOpen, CalendarRefusal, open_planned_period, plan_period
from app.reports.queries import latest_reports

periods_cli = AppGroup("periods", help="The reporting calendar: plan, open and list periods.")

DAY = click.DateTime(formats=["%Y-%m-%d"])
# Each option of `plan` and the date it sets.
OPTION_DATES = {
    "end": "end_date",
    "drafts_due": "drafts_due",
    "approvals_due": "approvals_due",
    "sign_off_due": "sign_off_due",
    "iib_meeting": "iib_meeting_date",
}


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@periods_cli.command("plan")
@programme_option
@click.option("--start", type=DAY, help="First day, YYYY-MM-DD (default: the day after the last period ends).")
@click.option("--end", type=DAY, help="Last day (default: the programme's cadence from the start).")
@click.option("--drafts-due", type=DAY, help="Default: from the programme's settings, as are the three below.")
@click.option("--approvals-due", type=DAY)
@click.option("--sign-off-due", type=DAY)
@click.option("--iib-meeting", type=DAY)
def plan_command(programme_name: str | None, start: dt.datetime | None, **given: dt.datetime | None) -> None:
    """Plan a period (not opened yet): dates not given default as on the PMO's page."""
    programme = find_programme(programme_name)
    start_date = _day(start) or next_start(calendar_periods(programme.id))
    if start_date is None:
        raise click.ClickException("This is the programme's first period: give its first day with --start.")
    defaults = default_dates(programme, start_date, _day(given["end"])).as_dict()
    chosen = {OPTION_DATES[option]: _day(value) for option, value in given.items() if value is not None}
    dates = PeriodDates(**(defaults | chosen))
    try:
        period = plan_period(programme, dates, planned_by=None)
    except CalendarRefusal as refusal:
        db.session.rollback()
        raise click.ClickException(_refusal_text(refusal)) from None
    db.session.commit()
    click.echo(f"Planned {period.label} in {programme.name}:")
    for name, label in DATE_LABELS.items():
        if name not in ("start_date", "end_date"):
            click.echo(f"  {label}: {getattr(period, name) or 'not set'}")


@periods_cli.command("open")
@programme_option
@click.option("--start", type=DAY, required=True, help="The planned period's first day, YYYY-MM-DD.")
@click.option("--while-another-is-open", is_flag=True, help="Open it even though another period is still open.")
def open_command(programme_name: str | None, start: dt.datetime, while_another_is_open: bool) -> None:
    """Open a planned period: its report and a draft for every workstream, carried forward."""
    programme = find_programme(programme_name)
    period = _period_starting(programme, start.date())
    try:
        open_planned_period(period, opened_by=None, while_another_is_open=while_another_is_open)
    except AlreadyOpen as refusal:
        db.session.rollback()
        click.echo(refusal.message)
        return
    except CalendarRefusal as refusal:
        db.session.rollback()
        hint = " Add --while-another-is-open to open it as well." if "while_another_is_open" in refusal.errors else ""
        raise click.ClickException(refusal.message + hint) from None
    db.session.commit()
    click.echo(f"Opened {period.label} in {programme.name}.")


@periods_cli.command("list")
@programme_option
def list_command(programme_name: str | None) -> None:
    """Every period of the programme (or of every programme), newest first, with its state and due dates."""
    programmes = [find_programme(programme_name)] if programme_name else list(
        db.session.scalars(sa.select(Programme).order_by(Programme.name))
    )
    for programme in programmes:
        periods = calendar_periods(programme.id)
        click.echo(f"{programme.name}: {len(periods)} period{'s' if len(periods) != 1 else ''}")
        reports = latest_reports([p.id for p in periods if not p.is_planned])
        for period in periods:
            if period.is_planned:
                state = "Planned"
            else:
                report = reports[period.id]
                state = report.state.label + (f" (revision {report.revision})" if report.revision > 1 else "")
            click.echo(
                f"  {period.start_date} to {period.end_date}  {state:<24} drafts due {period.drafts_due}, "
                f"sign-off due {period.sign_off_due}"
            )


def _period_starting(programme: Programme, start: dt.date) -> ReportingPeriod:
    period = next((p for p in calendar_periods(programme.id) if p.start_date == start), None)
    if period is None:
        raise click.ClickException(f"{programme.name} has no period starting on {start}: plan it with `flask periods plan`.")
    return period


def _refusal_text(refusal: CalendarRefusal) -> str:
    if not refusal.errors:
        return refusal.message
    return "The dates are not valid:\n" + "\n".join(f"  {DATE_LABELS.get(k, k)}: {v}." for k, v in refusal.errors.items())
