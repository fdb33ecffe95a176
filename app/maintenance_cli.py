"""Maintenance commands: `flask backup PATH`, `flask restore PATH [--replace]` and `flask verify`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from app.backup import BackupError


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Back the database up to a new file, safely while the app runs.

    SQLite: a consistent copy of the database file (SQLite's online backup API). PostgreSQL: pg_dump
    --format=custom, which must be the server's major version.
    """
    from app.backup import backup

    try:
        click.echo(backup(path))
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--replace", is_flag=True, help="Replace the data of a database that is not empty.")
@with_appcontext
def restore_command(path: str, replace: bool) -> None:
    """Restore the database from a backup made by `flask backup`. Stop the app servers first.

    The backup must be at this version's migration head. The database must be empty (new, or migrated
    with no data) unless --replace is given.
    """
    from app.backup import restore

    try:
        click.echo(restore(path, replace=replace))
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every signed-off revision's snapshot against its fingerprint, the signed-off sections readers'
    pages read against the snapshots, and the database guards.

    Exits 1 on a mismatch, a signed-off section that disagrees with its snapshot, a row the workflow forbids
    (an update that is not approved in a signed-off revision or a locked period), or a missing guard. Whether the live rows still give the signed-off content is
    reported for information only: workstream details or people may rightly have changed since sign-off.
    """
    from app.verify import verify

    result = verify()
    for check in result.revisions:
        if check.ok:
            click.echo(f"OK {check.label} revision {check.revision} {check.stored}")
        else:
            click.echo(f"MISMATCH {check.label} revision {check.revision}: {check.problem}")
        if check.live_same is True:
            click.echo("   (information) the live rows still give the signed-off content")
        elif check.live_same is False:
            why = "a later revision is open" if check.later_revision else "details or people changed since sign-off"
            click.echo(
                f"   (information) the live rows now give different content ({why}), at "
                f"{', '.join(check.live_differences)}; the signed-off snapshot is what counts"
            )
    for problem in result.section_problems:
        click.echo(f"SECTIONS {problem}")
    if not result.section_problems:
        click.echo("OK the signed-off sections agree with the snapshots")
    for problem in result.contradictions:
        click.echo(f"CONTRADICTION {problem}")
    if not result.contradictions:
        click.echo("OK every signed-off revision and locked period holds approved updates only")
    for problem in result.calendar_problems:
        click.echo(f"CALENDAR {problem}")
    if not result.calendar_problems:
        click.echo("OK every opened period has its report, and no planned period has a report or drafts")
    if result.guard_problems:
        for problem in result.guard_problems:
            click.echo(f"GUARD {problem}")
    else:
        click.echo(f"OK all {result.guards_expected} database guards are in place")
    click.echo(
        f"{len(result.revisions)} signed-off revision(s): {len(result.revisions) - result.mismatched} OK, "
        f"{result.mismatched} mismatched; {len(result.contradictions)} contradiction(s); "
        f"{len(result.guard_problems)} guard problem(s)."
    )
    if not result.ok:
        raise click.exceptions.Exit(1)


def register_maintenance_cli(app: Flask) -> None:
    for command in (backup_command, restore_command, verify_command):
        app.cli.add_command(command)
