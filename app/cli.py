"""Command-line tasks: `flask users ...` for whoever runs the server (the same rules as the PMO's People
pages, app/people/services.py), `flask demo ...` for the demo data."""
from __future__ import annotations

import contextlib

import click
import sqlalchemy as sa
from flask import Flask, current_app
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from app import audit
from app.auth.passwords import password_problem
from app.extensions import db
from app.maintenance_cli import register_maintenance_cli
from app.models import Programme, ReportingPeriod, Role, RoleAssignment, User, Workstream
from app.models.users import find_user
from app.people import services as people
from app.people.services import Grant, PeopleChangeRefused

users_cli = AppGroup("users", help="People: invite them, grant and revoke their roles, deactivate accounts.")
demo_cli = AppGroup("demo", help="The demo data: Improvement Plan (the Sep–Oct 2023 programme report) and Initial Improvement Plan.")
mail_cli = AppGroup("mail", help="The email outbox.")
packs_cli = AppGroup("packs", help="Signed-off board packs (PDF and Word).")

ROLE_NAMES = {role.name.lower().replace("_", "-"): role for role in Role}


def _find_user(email: str) -> User:
    user = find_user(email)
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
    if find_user(email):
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


def _workstream(programme: Programme, code: str) -> Workstream:
    workstream = db.session.scalar(
        sa.select(Workstream).where(Workstream.programme_id == programme.id, Workstream.code == code.strip().upper())
    )
    if workstream is None:
        raise click.ClickException(f"No workstream has the code {code}.")
    return workstream


def _grants(role: str, workstream_codes: tuple[str, ...], programme: Programme) -> list[Grant]:
    """The role named, programme-wide or for each workstream named, as the people services take it."""
    chosen = ROLE_NAMES[role]
    if chosen.is_workstream_role and not workstream_codes:
        raise click.ClickException(f"{chosen.label} is a workstream role: name the workstream with --workstream.")
    if not chosen.is_workstream_role and workstream_codes:
        raise click.ClickException(f"{chosen.label} is a programme-wide role: leave out --workstream.")
    if not workstream_codes:
        return [(chosen, None)]
    return [(chosen, _workstream(programme, code)) for code in workstream_codes]


@contextlib.contextmanager
def _people_change():
    """A change by the people services, committed; a refusal is the command's error."""
    try:
        yield
    except PeopleChangeRefused as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()


role_argument = click.argument("role", type=click.Choice(sorted(ROLE_NAMES)))
workstreams_option = click.option(
    "--workstream", "workstream_codes", multiple=True,
    help="Workstream code, for project manager, sponsor, PMO support (repeat it for several).",
)


@users_cli.command("grant")
@click.argument("email")
@role_argument
@workstreams_option
@programme_option
def grant_role(email: str, role: str, workstream_codes: tuple[str, ...], programme_name: str | None) -> None:
    """Give a person a role, programme-wide or for one workstream."""
    user = _find_user(email)
    programme = find_programme(programme_name)
    for chosen, workstream in _grants(role, workstream_codes, programme):
        with _people_change():
            granted = people.grant_role(user, chosen, programme, workstream=workstream, actor=None)
        what = people.describe_grant(chosen, workstream, programme)
        click.echo(f"{user.name} is now {what}." if granted else f"{user.name} already holds that role.")


@users_cli.command("revoke")
@click.argument("email")
@role_argument
@workstreams_option
@programme_option
def revoke_role(email: str, role: str, workstream_codes: tuple[str, ...], programme_name: str | None) -> None:
    """Take a role away from a person (never the last PMO's)."""
    user = _find_user(email)
    programme = find_programme(programme_name)
    for chosen, workstream in _grants(role, workstream_codes, programme):
        what = people.describe_grant(chosen, workstream, programme)
        held = next(
            (
                a for a in user.role_assignments
                if a.role is chosen and a.programme_id == programme.id
                and a.workstream_id == (workstream.id if workstream else None)
            ),
            None,
        )
        if held is None:
            click.echo(f"{user.name} does not hold that role.")
            continue
        with _people_change():
            people.revoke_role(held, actor=None)
        click.echo(f"{user.name} is no longer {what}.")


@users_cli.command("invite")
@click.argument("email")
@role_argument
@click.option("--name", required=True, help="Full name, as shown on reports.")
@workstreams_option
@programme_option
def invite_user(email: str, role: str, name: str, workstream_codes: tuple[str, ...], programme_name: str | None) -> None:
    """Invite a person by email with a role: an account without a password, and a single-use link to set one
    (emailed when mail is configured, printed otherwise). An email that already has an account gets the role."""
    programme = find_programme(programme_name)
    grants = _grants(role, workstream_codes, programme)
    with _people_change():
        invitation = people.invite_person(programme, name=name, email=email, grants=grants, actor=None)
    person = invitation.person
    granted = "; ".join(people.describe_grant(a.role, a.workstream, programme) for a in invitation.granted)
    if not invitation.created:
        click.echo(
            f"{person.email} already has an account ({person.name}): "
            + (f"they are now {granted}." if granted else "they already hold that role.")
        )
        return
    click.echo(f"Invited {person.name} <{person.email}> as {granted}.")
    _hand_over_link(invitation.link)


@users_cli.command("resend-invitation")
@click.argument("email")
@programme_option
def resend_invitation(email: str, programme_name: str | None) -> None:
    """Send a new invitation to someone who has not yet set a password (the earlier link stops working)."""
    user = _find_user(email)
    programme = find_programme(programme_name)
    if programme.id not in user.programme_ids:
        raise click.ClickException(f"{user.name} holds no role in {programme.name}.")
    with _people_change():
        link = people.resend_invitation(user, programme, actor=None)
    click.echo(f"Sent {user.name} a new invitation.")
    _hand_over_link(link)


@users_cli.command("create-first-pmo")
@click.option("--name", required=True, help="Full name, as shown on reports.")
@click.option("--email", required=True)
def create_first_pmo(name: str, email: str) -> None:
    """On an empty database: create the first person, who may create programmes (and is PMO of each one they
    create), and give them a single-use link to set their password."""
    with _people_change():
        person, link = people.create_first_pmo(name=name, email=email)
    click.echo(f"Created {person.name} <{person.email}>, who may create programmes.")
    _hand_over_link(link)


def _hand_over_link(link: str | None) -> None:
    from app.notifications import deliver_pending, smtp_configured

    days = current_app.config["INVITATION_LINK_DAYS"]
    if smtp_configured():
        deliver_pending()
        click.echo(f"Emailed them a link to choose their password (it works once, within {days} days).")
    else:
        click.echo(
            "Email is not configured (MAIL_SERVER), so give them this link to choose their password; it works once, "
            f"within {days} days:\n{link}"
        )


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Stop a person signing in, ending their sessions at once (never the last PMO of a programme)."""
    user = _find_user(email)
    with _people_change():
        changed = people.deactivate_person(user, actor=None)
    click.echo(f"{user.name} can no longer sign in." if changed else f"{user.name}'s account was already deactivated.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Let a deactivated person sign in again."""
    user = _find_user(email)
    with _people_change():
        changed = people.reactivate_person(user, actor=None)
    click.echo(f"{user.name} can sign in again." if changed else f"{user.name}'s account was already active.")


@users_cli.command("list")
@programme_option
def list_users(programme_name: str | None) -> None:
    """Everyone, with their roles; with --programme, those who hold a role in it."""
    users = sa.select(User).order_by(User.name)
    if programme_name is not None:
        programme = find_programme(programme_name)
        users = users.where(User.id.in_(sa.select(RoleAssignment.user_id).where(RoleAssignment.programme_id == programme.id)))
    for user in db.session.scalars(users):
        standing = " (deactivated)" if not user.active else "" if user.has_password else " (invited, no password yet)"
        click.echo(f"{user.name} <{user.email}>{standing}: {describe_roles(user)}")


def describe_roles(user: User) -> str:
    parts = []
    for assignment in sorted(user.role_assignments, key=lambda a: (list(Role).index(a.role), a.workstream_id or 0)):
        label = assignment.role.label
        parts.append(f"{label}, {assignment.workstream.title}" if assignment.workstream else f"{label}, {assignment.programme.name}")
    return "; ".join(parts) or "no roles"


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
def load_demo_command(if_empty: bool) -> None:
    """Load the demo programmes into an empty database."""
    from app.demo.loader import database_is_empty, load_demo

    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; the demo was not loaded again.")
            return
        raise click.ClickException("The database already has data; the demo loads only into an empty database.")
    load_demo()
    loaded = " and ".join(describe_programme(programme) for programme in db.session.scalars(sa.select(Programme).order_by(Programme.id)))
    click.echo(f"Loaded the demo: {loaded}.")


def describe_programme(programme: Programme) -> str:
    """"Name (5 workstreams, 3 reporting periods, 12 people)", counted in the database."""

    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    workstreams = count(sa.select(Workstream.id).where(Workstream.programme_id == programme.id))
    periods = count(sa.select(ReportingPeriod.id).where(ReportingPeriod.programme_id == programme.id))
    people = count(sa.select(RoleAssignment.user_id).where(RoleAssignment.programme_id == programme.id).distinct())
    return f"{programme.name} ({workstreams} workstreams, {periods} reporting periods, {people} people)"


@demo_cli.command("sign-ins")
def print_sign_ins() -> None:
    """Print the demo accounts of each programme and their password."""
    from app.demo.people import ACCOUNTS_BY_PROGRAMME, DEMO_PASSWORD

    click.echo(f"Demo sign-ins (every password is {DEMO_PASSWORD}):")
    emails = [email for _programme, accounts in ACCOUNTS_BY_PROGRAMME for _name, email, _roles in accounts]
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    width = max(len(email) for email in emails)
    for programme, accounts in ACCOUNTS_BY_PROGRAMME:
        click.echo(f"{programme}:")
        for _name, email, _roles in accounts:
            user = users.get(email)
            click.echo(f"  {email:<{width}}  {describe_roles(user) if user else '(not loaded)'}")


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
    # Imported here: the set-up commands use this module's programme lookup.
    from app.setup_cli import register_setup_cli

    register_setup_cli(app)
