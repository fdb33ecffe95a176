"""Command-line tasks: `flask users ...` for the PMO, `flask demo ...` for the demo data."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from app import audit
from app.auth.passwords import password_problem
from app.extensions import db
from app.maintenance_cli import register_maintenance_cli
from app.models import Programme, Role, RoleAssignment, User, Workstream
from app.models.users import normalise_email

users_cli = AppGroup("users", help="Create people and grant them roles.")
demo_cli = AppGroup("demo", help="The demo data from the Sep–Oct 2023 programme report.")
mail_cli = AppGroup("mail", help="The email outbox.")
packs_cli = AppGroup("packs", help="Signed-off board packs (PDF and Word).")

ROLE_NAMES = {role.name.lower().replace("_", "-"): role for role in Role}


def _find_user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No one has the email address {email}.")
    return user


@users_cli.command("create")
@click.option("--name", required=True, help="Full name, as shown on reports.")
@click.option("--email", required=True)
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_user(name: str, email: str, password: str) -> None:
    """Create a person who can sign in."""
    if not name.strip():
        raise click.ClickException("Enter the person's full name.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise click.ClickException(f"{email} is not an email address in the correct format.") from None
    if problem := password_problem(password, name, email):
        raise click.ClickException(f"{problem}.")
    if db.session.scalar(sa.select(User).where(User.email == normalise_email(email))):
        raise click.ClickException(f"Someone already has the email address {email}.")
    user = User(name=name.strip(), email=email)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("create_user", user, actor=None, comment=user.email)
    db.session.commit()
    click.echo(f"Created {user.name} <{user.email}>.")


def find_programme(name: str | None) -> Programme:
    """The programme named (by name or id), or the only one when there is just one."""
    programmes = list(db.session.scalars(sa.select(Programme).order_by(Programme.id)))
    if name is None:
        if len(programmes) == 1:
            return programmes[0]
        if not programmes:
            raise click.ClickException("There is no programme yet: create one with `flask programmes create`.")
        raise click.ClickException("There is more than one programme: name it with --programme.")
    for programme in programmes:
        if name.strip().casefold() in (programme.name.casefold(), str(programme.id)):
            return programme
    raise click.ClickException(f"No programme is called {name}.")


programme_option = click.option("--programme", "programme_name", help="Programme name or id (needed when there are several).")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(sorted(ROLE_NAMES)))
@click.option("--workstream", "workstream_code", help="Workstream code, for project manager, sponsor, PMO support.")
@programme_option
def grant_role(email: str, role: str, workstream_code: str | None, programme_name: str | None) -> None:
    """Give a person a role, programme-wide or for one workstream."""
    user = _find_user(email)
    programme = find_programme(programme_name)
    chosen = ROLE_NAMES[role]
    workstream = None
    if chosen.is_workstream_role:
        if not workstream_code:
            raise click.ClickException(f"{chosen.label} is a workstream role: name the workstream with --workstream.")
        workstream = db.session.scalar(
            sa.select(Workstream).where(Workstream.programme_id == programme.id, Workstream.code == workstream_code.upper())
        )
        if workstream is None:
            raise click.ClickException(f"No workstream has the code {workstream_code}.")
    elif workstream_code:
        raise click.ClickException(f"{chosen.label} is a programme-wide role: leave out --workstream.")
    held = any(
        a.role is chosen and a.programme_id == programme.id and a.workstream_id == (workstream.id if workstream else None)
        for a in user.role_assignments
    )
    if held:
        click.echo(f"{user.name} already holds that role.")
        return
    assignment = RoleAssignment(user=user, role=chosen, programme=programme, workstream=workstream)
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "grant_role",
        assignment,
        actor=None,
        workstream_id=workstream.id if workstream else None,
        comment=f"{user.email}: {chosen.label}",
    )
    db.session.commit()
    where = f" for {workstream.title}" if workstream else f" in {programme.name}"
    click.echo(f"{user.name} is now {chosen.label}{where}.")


@users_cli.command("list")
def list_users() -> None:
    """Everyone, with their roles."""
    for user in db.session.scalars(sa.select(User).order_by(User.name)):
        click.echo(f"{user.name} <{user.email}>{'' if user.active else ' (deactivated)'}: {describe_roles(user)}")


def describe_roles(user: User) -> str:
    parts = []
    for assignment in sorted(user.role_assignments, key=lambda a: (list(Role).index(a.role), a.workstream_id or 0)):
        label = assignment.role.label
        parts.append(f"{label}, {assignment.workstream.title}" if assignment.workstream else f"{label}, {assignment.programme.name}")
    return "; ".join(parts) or "no roles"


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
def load_demo_command(if_empty: bool) -> None:
    """Load the demo programme into an empty database."""
    from app.demo.loader import database_is_empty, load_demo

    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; the demo was not loaded again.")
            return
        raise click.ClickException("The database already has data; the demo loads only into an empty database.")
    load_demo()
    click.echo("Loaded the demo programme: 5 workstreams, 3 reporting periods, 12 people.")


@demo_cli.command("sign-ins")
def print_sign_ins() -> None:
    """Print the demo accounts and their password."""
    from app.demo.people import DEMO_PASSWORD, PEOPLE

    click.echo(f"Demo sign-ins (every password is {DEMO_PASSWORD}):")
    emails = [email for _name, email, _roles in PEOPLE]
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    for email in emails:
        user = users.get(email)
        click.echo(f"  {email:<32} {describe_roles(user) if user else '(not loaded)'}")


@mail_cli.command("send")
def send_pending_mail() -> None:
    """Send queued email by SMTP (retries any that failed); run it from cron or after an outage."""
    from app.notifications import deliver_pending, smtp_configured

    if not smtp_configured():
        raise click.ClickException("MAIL_SERVER is not set, so email stays in the outbox.")
    click.echo(f"Sent {deliver_pending(limit=10_000)} queued message(s).")


@packs_cli.command("build")
def build_packs() -> None:
    """Build and store the packs of every signed-off revision that has none yet."""
    from app.reports.exports import build_missing

    click.echo(f"Built {build_missing()} pack file(s).")


def register_cli(app: Flask) -> None:
    from app.periods.cli import periods_cli  # it uses find_programme and programme_option from here

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(packs_cli)
    app.cli.add_command(periods_cli)
    register_maintenance_cli(app)
