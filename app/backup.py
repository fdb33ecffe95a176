"""Backing the database up and restoring it.

SQLite: `backup` copies the live database file with SQLite's online backup API (one step, so the copy is
one consistent state even while the app is writing), and `restore` copies a backup over the database the
same way. The copy is the database file itself, schema and guard triggers included.

PostgreSQL: `backup` runs `pg_dump --format=custom` and `restore` runs `pg_restore --clean --if-exists
--single-transaction`, the commands in docs/production.md. Their major version must be the server's. A full
restore creates the guard triggers after loading the data, so signed-off rows load and stay guarded.

Both refuse a file that is not a Waymark backup at this version's migration head, and a database that
already has data unless the caller asks to replace it.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import sqlalchemy as sa

from app.database_guards import (
    guard_count,
    guard_problems,
    head_revisions,
    postgresql_guard_problems,
    sqlite_guard_problems,
)
from app.extensions import db
from app.models import ProgrammeReport, ReportState

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# How long a PostgreSQL restore waits for a lock (app servers still connected) before giving up.
RESTORE_LOCK_TIMEOUT_MS = 30_000

DOCUMENTED_PG_COMMANDS = (
    "pg_dump --format=custom --no-owner --file=waymark.dump postgresql://USER@HOST:5432/DATABASE\n"
    "  pg_restore --clean --if-exists --no-owner --single-transaction -d postgresql://USER@HOST:5432/DATABASE "
    "waymark.dump\n(see 'Backups' in docs/production.md)"
)


class BackupError(Exception):
    """The backup or restore was refused or failed; the message tells the operator why and what to do."""


# --- what a database holds ---------------------------------------------------------------------------


def table_row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows in every table of the database (alembic_version left out)."""
    counts = {}
    preparer = connection.dialect.identifier_preparer
    for table in sorted(sa.inspect(connection).get_table_names()):
        if table == "alembic_version" or table.startswith("sqlite_"):
            continue
        counts[table] = connection.exec_driver_sql(f"SELECT count(*) FROM {preparer.quote(table)}").scalar_one()
    return counts


def _database_revisions(connection: sa.Connection) -> set[str]:
    if "alembic_version" not in sa.inspect(connection).get_table_names():
        return set()
    return {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}


def _describe_revisions(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions)) or "none"


def _refuse_unless_empty(engine: sa.Engine, replace: bool) -> None:
    with engine.connect() as connection:
        counts = table_row_counts(connection)
    filled = {table: count for table, count in counts.items() if count}
    if filled and not replace:
        listed = ", ".join(f"{table} {count}" for table, count in sorted(filled.items()))
        raise BackupError(
            f"The database already has data (rows: {listed}). Restore into a new, empty database, or give "
            "--replace to replace everything in this one (take a backup of it first)."
        )


def _summary(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        counts = table_row_counts(connection)
        revisions = _database_revisions(connection)
        if "programme_report" not in counts:
            return f"migration {_describe_revisions(revisions)}; no Waymark tables ({len(counts)} other tables)"
        signed_off = connection.execute(
            sa.select(sa.func.count()).select_from(ProgrammeReport).where(
                ProgrammeReport.state == ReportState.SIGNED_OFF
            )
        ).scalar_one()
    return (
        f"migration {_describe_revisions(revisions)}; {counts.get('user_account', 0)} people, "
        f"{counts.get('reporting_period', 0)} periods, {signed_off} signed-off revisions, "
        f"{counts.get('audit_event', 0)} audit events"
    )


def _refuse_wrong_revision(path: Path, revisions: set[str]) -> None:
    heads = head_revisions()
    if not revisions:
        raise BackupError(f"{path} is not a Waymark database: it has no alembic_version table.")
    if revisions != heads:
        raise BackupError(
            f"{path} is at migration {_describe_revisions(revisions)}, but this version of Waymark is at "
            f"{_describe_revisions(heads)}. Restore it with the version of Waymark that made it."
        )


def _new_private_file(destination: Path) -> Path:
    """An empty file (mode 0600: a backup holds password hashes) next to the destination, to rename into place."""
    if destination.exists():
        raise BackupError(f"{destination} already exists; give the backup a new name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return partial


def _file_header(path: Path) -> bytes:
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with open(path, "rb") as backup_file:
        return backup_file.read(len(SQLITE_HEADER))


# --- SQLite ------------------------------------------------------------------------------------------


def _sqlite_path(engine: sa.Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The database is not a SQLite file, so it cannot be backed up or restored as one.")
    return Path(database).resolve()


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_sqlite_backup(path: Path, for_restore: bool = True) -> None:
    """Refuse anything but an intact SQLite database; for a restore, a Waymark one at the migration head with
    its guards (a backup taken before `flask db upgrade` of a release is at the previous migration)."""
    header = _file_header(path)
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{path} is a PostgreSQL backup (pg_dump); this database is SQLite.")
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a Waymark backup: it is not a SQLite database.")
    connection = _open_read_only(path)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise BackupError(f"{path} is damaged: {'; '.join(row[0] for row in check[:3])}.")
        if not for_restore:
            return
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revisions = (
            {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
            if "alembic_version" in tables
            else set()
        )
        _refuse_wrong_revision(path, revisions)
        triggers = connection.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")
        problems = sqlite_guard_problems([tuple(row) for row in triggers])
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Waymark backup: {error}.") from None
    finally:
        connection.close()
    if for_restore and problems:
        raise BackupError(f"{path} does not have its database guards intact: {'; '.join(problems)}.")


def backup_sqlite(engine: sa.Engine, destination: Path) -> str:
    source_path = _sqlite_path(engine)
    partial = _new_private_file(destination)
    try:
        target = sqlite3.connect(partial)
        try:
            with engine.connect() as connection:
                # One step (pages=-1): the whole database is copied under one read lock, so the copy is one
                # consistent state even while app servers write.
                connection.connection.driver_connection.backup(target, pages=-1)
        finally:
            target.close()
        _check_sqlite_backup(partial, for_restore=False)
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return f"Backed up the SQLite database {source_path} to {destination} ({destination.stat().st_size:,} bytes)."


def restore_sqlite(engine: sa.Engine, source: Path, replace: bool) -> None:
    target_path = _sqlite_path(engine)
    if not target_path.parent.is_dir():
        raise BackupError(f"The folder {target_path.parent} of the database does not exist.")
    _check_sqlite_backup(source)
    if target_path.exists() and target_path.samefile(source):
        raise BackupError(f"{source} is the database itself.")
    _refuse_unless_empty(engine, replace)
    db.session.remove()
    engine.dispose()
    backup = _open_read_only(source)
    target = sqlite3.connect(target_path, isolation_level=None)
    try:
        target.execute("PRAGMA busy_timeout = 5000")
        # The backup API replaces the whole database (schema, triggers and rows) in one step, atomically.
        backup.backup(target, pages=-1)
    except sqlite3.OperationalError as error:
        raise BackupError(f"The restore failed and the database was left as it was: {error}.") from None
    finally:
        target.close()
        backup.close()


# --- PostgreSQL --------------------------------------------------------------------------------------


def _libpq(engine: sa.Engine) -> tuple[str, dict[str, str]]:
    """The database as a libpq URL without the password, and the environment that carries the password."""
    url = engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _pg_tool(engine: sa.Engine, tool: str) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not on PATH, so Waymark cannot run it for you. Install the PostgreSQL client programs "
            f"of the server's version, or run the documented commands yourself:\n  {DOCUMENTED_PG_COMMANDS}"
        )
    output = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)\.\d+", output)
    tool_major = int(match.group(1)) if match else None
    with engine.connect() as connection:
        server_major = int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10_000
    if tool_major != server_major:
        raise BackupError(
            f"{executable} is version {tool_major or '(unknown)'}, but the server is PostgreSQL {server_major}. "
            f"Put PostgreSQL {server_major}'s client programs first on PATH (on Debian: "
            f"/usr/lib/postgresql/{server_major}/bin)."
        )
    return executable


def _run(command: list[str], environment: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def backup_postgresql(engine: sa.Engine, destination: Path) -> str:
    pg_dump = _pg_tool(engine, "pg_dump")
    url, environment = _libpq(engine)
    partial = _new_private_file(destination)
    try:
        # pg_dump reads everything in one snapshot: a consistent backup while the app runs.
        _run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={url}"], environment)
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return (
        f"Backed up the PostgreSQL database {engine.url.database} with pg_dump to {destination} "
        f"({destination.stat().st_size:,} bytes)."
    )


def _check_postgresql_backup(pg_restore: str, path: Path) -> None:
    header = _file_header(path)
    if header == SQLITE_HEADER:
        raise BackupError(f"{path} is a SQLite backup; this database is PostgreSQL.")
    if not header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{path} is not a Waymark backup: it is not a pg_dump custom-format archive.")
    try:
        listing = _run([pg_restore, "--list", str(path)])
    except BackupError as error:
        raise BackupError(f"{path} is not a readable pg_dump archive: {error}") from None
    revisions: set[str] = set()
    if re.search(r"TABLE DATA \S+ alembic_version ", listing):
        data = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)])
        block = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", data, re.S | re.M)
        revisions = set(block.group(1).split()) if block else set()
    _refuse_wrong_revision(path, revisions)
    post_data = _run([pg_restore, "--section=post-data", "--file=-", str(path)])
    triggers = {
        (table, name): [True, function]
        for name, table, function in re.findall(
            r"CREATE TRIGGER (\w+) .*? ON (?:\w+\.)?(\w+) .*?EXECUTE FUNCTION (?:\w+\.)?(\w+)\(", post_data
        )
    }
    for table, name in re.findall(r"ALTER TABLE (?:ONLY )?(?:\w+\.)?(\w+) DISABLE TRIGGER (\w+);", post_data):
        if (table, name) in triggers:
            triggers[(table, name)][0] = False
    pre_data = _run([pg_restore, "--section=pre-data", "--file=-", str(path)])
    functions = dict(re.findall(r"CREATE FUNCTION (?:\w+\.)?(\w+)\(.*?AS \$\$(.*?)\$\$;", pre_data, re.S))
    problems = postgresql_guard_problems(
        [(table, name, *state) for (table, name), state in triggers.items()], functions
    )
    if problems:
        raise BackupError(f"{path} does not have its database guards intact: {'; '.join(problems)}.")


def restore_postgresql(engine: sa.Engine, source: Path, replace: bool) -> None:
    pg_restore = _pg_tool(engine, "pg_restore")
    _check_postgresql_backup(pg_restore, source)
    _refuse_unless_empty(engine, replace)
    url, environment = _libpq(engine)
    # Give up rather than wait for ever when app servers still hold the tables.
    environment["PGOPTIONS"] = f"{environment.get('PGOPTIONS', '')} -c lock_timeout={RESTORE_LOCK_TIMEOUT_MS}".strip()
    db.session.remove()
    engine.dispose()
    try:
        # --clean drops what the archive creates (a migrated but empty schema, or the data being replaced);
        # one transaction: all or nothing. The guard triggers are created after the data is loaded.
        _run(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
             f"--dbname={url}", str(source)],
            environment,
        )
    except BackupError as error:
        raise BackupError(f"The restore failed and the database was left as it was. {error}") from None


# --- backup and restore ------------------------------------------------------------------------------


def backup(destination: str | os.PathLike) -> str:
    """Back the app's database up to a new file; returns what was done."""
    engine = db.engine
    destination = Path(destination).absolute()
    if engine.dialect.name == "sqlite":
        message = backup_sqlite(engine, destination)
    elif engine.dialect.name == "postgresql":
        message = backup_postgresql(engine, destination)
    else:
        raise BackupError(f"Waymark cannot back up a {engine.dialect.name} database.")
    with engine.connect() as connection:
        problems = guard_problems(connection)
    warning = f"\nWarning: {'; '.join(problems)}; `flask restore` will refuse this backup." if problems else ""
    return f"{message}\nIt holds {_summary(engine)}.{warning}"


def restore(source: str | os.PathLike, replace: bool = False) -> str:
    """Replace the app's database with a backup; returns what was done. Stop the app servers first."""
    engine = db.engine
    source = Path(source).absolute()
    if engine.dialect.name == "sqlite":
        restore_sqlite(engine, source, replace)
    elif engine.dialect.name == "postgresql":
        restore_postgresql(engine, source, replace)
    else:
        raise BackupError(f"Waymark cannot restore a {engine.dialect.name} database.")
    with engine.connect() as connection:
        revisions = _database_revisions(connection)
        problems = guard_problems(connection)
    if revisions != head_revisions() or problems:
        raise BackupError(
            f"The restored database is not as expected (migration {_describe_revisions(revisions)}; "
            f"{'; '.join(problems) or 'guards in place'}). Do not use it."
        )
    guards = guard_count(engine.dialect.name)
    return f"Restored {source}: {_summary(engine)}. All {guards} database guards are in place."
