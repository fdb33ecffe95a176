"""`flask programmes ...` and `flask workstreams ...`: an authority's set-up as a script. The commands call the
services the PMO's pages call, so they refuse what the pages refuse, and every change is audited (with no actor:
the command line's)."""
from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.cli import find_programme, programme_option
from app.extensions import db
from app.input_rules import Refused
from app.models import Programme, Workstream
from app.period_queries import calendar_periods, programme_workstreams
from app.programmes.services import create_programme
from app.workstreams.retirement import NEXT_PERIOD, reactivate_workstream, retire_workstream
from app.workstreams.services import create_workstream, edit_workstream

programmes_cli = AppGroup("programmes", help="Create programmes.")
workstreams_cli = AppGroup("workstreams", help="Set up a programme's workstreams.")


def _refused(refusal: Refused) -> click.ClickException:
    db.session.rollback()
    return click.ClickException("; ".join(f"{message}." for message in refusal.errors.values()))


@programmes_cli.command("create")
@click.option("--name", required=True, help='For example "Improvement Plan".')
@click.option("--organisation", required=True, help="The authority that runs it.")
@click.option("--months-per-period", type=int, default=2, show_default=True, help="The reporting cadence, 1 to 12.")
def create_programme_command(name: str, organisation: str, months_per_period: int) -> None:
    """Create a programme and print its id. Make someone its PMO with `flask users grant EMAIL pmo --programme ID`."""
    try:
        programme = create_programme(name=name, organisation=organisation, months_per_period=months_per_period, created_by=None)
    except Refused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    click.echo(f"Created {programme.title}.", err=True)
    click.echo(programme.id)


@programmes_cli.command("list")
def list_programmes() -> None:
    """Every programme: its id, name and organisation."""
    for programme in db.session.scalars(sa.select(Programme).order_by(Programme.id)):
        click.echo(f"{programme.id}\t{programme.name}\t{programme.organisation}")


def _find_workstream(programme: Programme, code: str) -> Workstream:
    workstream = db.session.scalar(
        sa.select(Workstream).where(Workstream.programme_id == programme.id, Workstream.code == code.strip().upper())
    )
    if workstream is None:
        raise click.ClickException(f"{programme.name} has no workstream with the code {code}.")
    return workstream


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value} is not a date like 2024-03-31.") from None


def workstream_options(command):
    for option in reversed([
        click.option("--name", "title", help="The workstream's name, as reports show it."),
        click.option("--description"),
        click.option("--outcomes-file", type=click.File("r", encoding="utf-8"),
                     help='One outcome a line; a heading on its own line ends with a colon ("Leadership:"). "-" reads them from standard input.'),
        click.option("--agreed-completion", help="YYYY-MM-DD; an empty value clears it."),
        click.option("--forecast-completion", help="YYYY-MM-DD; an empty value clears it."),
    ]):
        command = option(command)
    return command


def _given(title, description, outcomes_file, agreed_completion, forecast_completion) -> dict:
    values = {"title": title, "description": description}
    values = {name: value for name, value in values.items() if value is not None}
    if outcomes_file is not None:
        values["outcomes"] = outcomes_file.read()
    if agreed_completion is not None:
        values["agreed_completion_date"] = _date(agreed_completion)
    if forecast_completion is not None:
        values["forecast_completion_date"] = _date(forecast_completion)
    return values


@workstreams_cli.command("create")
@programme_option
@click.option("--code", required=True, help="2 to 8 capital letters or digits, like GOV.")
@workstream_options
def create_workstream_command(programme_name, code, title, description, outcomes_file, agreed_completion, forecast_completion):
    """Add a workstream, last in the programme's order; it reports from the next period opened."""
    programme = find_programme(programme_name)
    values = {"code": code, **_given(title, description, outcomes_file, agreed_completion, forecast_completion)}
    try:
        workstream = create_workstream(programme, None, values)
    except Refused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    click.echo(f"Added {workstream.code}, {workstream.title}, to {programme.name}.")


@workstreams_cli.command("edit")
@programme_option
@click.argument("code")
@click.option("--code", "new_code", help="A new code (only until the workstream is in a signed-off report).")
@workstream_options
def edit_workstream_command(programme_name, code, new_code, title, description, outcomes_file, agreed_completion,
                            forecast_completion):
    """Change what is given of a workstream, named by its code; the rest stays as it is."""
    workstream = _find_workstream(find_programme(programme_name), code)
    values = _given(title, description, outcomes_file, agreed_completion, forecast_completion)
    if new_code is not None:
        values["code"] = new_code
    try:
        changed = edit_workstream(workstream, None, values, based_on=None)
    except Refused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    click.echo(f"Changed {workstream.code}: {', '.join(changed)}." if changed else f"{workstream.code} was already so.")


@workstreams_cli.command("retire")
@programme_option
@click.argument("code")
@click.option("--from-period", "from_period",
              help="The start date (YYYY-MM-DD) of the first period it does not report in: an open period whose draft "
                   "of it has not been started. Left out: from the next period.")
def retire_workstream_command(programme_name, code, from_period):
    """Retire a workstream: it keeps its history and is in no later period."""
    workstream = _find_workstream(find_programme(programme_name), code)
    choice = NEXT_PERIOD
    if from_period is not None:
        start = _date(from_period)
        period = next((p for p in calendar_periods(workstream.programme_id) if p.start_date == start), None)
        if period is None:
            raise click.ClickException(f"No period of {workstream.programme.name} starts on {from_period}.")
        choice = str(period.id)
    try:
        chosen = retire_workstream(workstream, None, choice)
    except Refused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    where = chosen.period.label if chosen.period else "the next period"
    click.echo(f"Retired {workstream.code} from {where}; {len(chosen.drafts_removed)} draft(s) not started were removed.")


@workstreams_cli.command("reactivate")
@programme_option
@click.argument("code")
def reactivate_workstream_command(programme_name, code):
    """Bring a retired workstream back: it reports again from the next period opened."""
    workstream = _find_workstream(find_programme(programme_name), code)
    try:
        reactivate_workstream(workstream, None)
    except Refused as refusal:
        raise _refused(refusal) from None
    db.session.commit()
    click.echo(f"Re-activated {workstream.code}: it reports from the next period opened.")


@workstreams_cli.command("list")
@programme_option
def list_workstreams(programme_name):
    """The programme's workstreams in order: code, name, and whether retired."""
    for workstream in programme_workstreams(find_programme(programme_name).id):
        if workstream.retired_before_any_period:
            status = "retired before any period"
        elif workstream.is_retired:
            status = f"retired from {workstream.retired_from.isoformat()}"
        else:
            status = "active"
        click.echo(f"{workstream.code}\t{workstream.title}\t{status}")


def register_setup_cli(app: Flask) -> None:
    app.cli.add_command(programmes_cli)
    app.cli.add_command(workstreams_cli)
