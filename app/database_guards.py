"""The database guards: the triggers the migrations create to refuse changes to signed-off rows and to the
audit trail, what a database of each dialect should have, and what is wrong with the one it has.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

# The migration that creates the database guards (refusing changes to signed-off periods and to the audit trail).
GUARDS_REVISION = "0002"


def _script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def head_revisions() -> set[str]:
    return set(_script_directory().get_heads())


def _guards_module():
    return _script_directory().get_revision(GUARDS_REVISION).module


def expected_guards(dialect: str) -> dict[tuple[str, str], str]:
    """(table, trigger name) of every guard trigger the migrations create, with the CREATE TRIGGER statement
    on SQLite and the name of the function the trigger runs on PostgreSQL."""
    module = _guards_module()
    guards = {}
    if dialect == "sqlite":
        for name, statement in module.sqlite_guards():
            guards[(re.search(r"\bON (\w+)", statement).group(1), name)] = statement
        return guards
    for statement in module.POSTGRESQL_GUARDS:
        match = re.search(r"CREATE TRIGGER (\w+) .*? ON (\w+) .*EXECUTE FUNCTION (\w+)", statement, re.S)
        if match:
            guards[(match.group(2), match.group(1))] = match.group(3)
    return guards


def expected_guard_functions() -> dict[str, str]:
    """PostgreSQL: the body of every function the guards run (and the one they call), by name."""
    return {
        match.group(1): match.group(2)
        for statement in _guards_module().POSTGRESQL_GUARDS
        if (match := re.search(r"CREATE FUNCTION (\w+)\(.*?\$\$(.*?)\$\$", statement, re.S))
    }


def _normalise_sql(statement: str) -> str:
    return " ".join(statement.split())


def sqlite_guard_problems(triggers: list[tuple[str, str, str]]) -> list[str]:
    """Problems with the guards, given every trigger of a SQLite database as (table, name, sql)."""
    found = {(table, name): sql for table, name, sql in triggers}
    problems = []
    for (table, name), statement in sorted(expected_guards("sqlite").items()):
        if (table, name) not in found:
            problems.append(f"the guard {name} on {table} is missing")
        elif _normalise_sql(found[(table, name)]) != _normalise_sql(statement):
            problems.append(f"the guard {name} on {table} has been changed")
    return problems


def postgresql_guard_problems(
    triggers: list[tuple[str, str, bool, str | None]], functions: dict[str, str] | None = None
) -> list[str]:
    """Problems with the guards, given every trigger of a PostgreSQL schema as (table, name, enabled, function
    run) and, when known, the body of every function by name (a function is not checked when it is None)."""
    found = {(table, name): (enabled, function) for table, name, enabled, function in triggers}
    problems = []
    for (table, name), function in sorted(expected_guards("postgresql").items()):
        if (table, name) not in found:
            problems.append(f"the guard {name} on {table} is missing")
        elif not found[(table, name)][0]:
            problems.append(f"the guard {name} on {table} is disabled")
        elif found[(table, name)][1] not in (None, function):
            problems.append(f"the guard {name} on {table} runs {found[(table, name)][1]}, not {function}")
    if functions is not None:
        for function, body in sorted(expected_guard_functions().items()):
            if function not in functions:
                problems.append(f"the guard function {function} is missing")
            elif _normalise_sql(functions[function]) != _normalise_sql(body):
                problems.append(f"the guard function {function} has been changed")
    return problems


def guard_problems(connection: sa.Connection) -> list[str]:
    """What is wrong with the live database's guard triggers (nothing, when the list is empty)."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).all()
        return sqlite_guard_problems([tuple(row) for row in rows])
    rows = connection.exec_driver_sql(
        "SELECT c.relname, t.tgname, t.tgenabled IN ('O', 'A'), p.proname FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
    ).all()
    functions = dict(
        connection.exec_driver_sql(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema()"
        ).all()
    )
    return postgresql_guard_problems([tuple(row) for row in rows], functions)


def guard_count(dialect: str) -> int:
    return len(expected_guards(dialect))
