"""Test databases: a template migrated with `flask db upgrade` and loaded with the demo, copied afresh
for each test. SQLite by default; PostgreSQL when WAYMARK_TEST_DATABASE=postgresql (the server named by
TEST_DATABASE_URL), in databases created for this run and dropped after it."""
from __future__ import annotations

import os
import shutil
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class SqliteDatabases:
    def __init__(self, folder):
        self.template_path = os.path.join(folder, "template.sqlite")
        self.path = os.path.join(folder, "waymark.sqlite")
        self.template_url = f"sqlite:///{self.template_path}"
        self.url = f"sqlite:///{self.path}"

    def create_template(self) -> None:
        pass

    def reset(self) -> None:
        shutil.copyfile(self.template_path, self.path)

    def drop_all(self) -> None:
        pass

    def fresh_url(self) -> str:
        """An empty database of its own (for migration and CLI tests)."""
        return f"sqlite:///{os.path.dirname(self.path)}/empty-{uuid.uuid4().hex}.sqlite"


class PostgresDatabases:
    def __init__(self, server_url: str):
        self.server_url = make_url(server_url)
        suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template_name = f"waymark_template_{suffix}"
        self.name = f"waymark_test_{suffix}"
        self.template_url = self._url(self.template_name)
        self.url = self._url(self.name)
        self._extra: list[str] = []
        self._admin = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def _url(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(statement)

    def create_template(self) -> None:
        self._execute(f'CREATE DATABASE "{self.template_name}"')

    def reset(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template_name}"')

    def fresh_url(self) -> str:
        name = f"waymark_empty_{uuid.uuid4().hex[:10]}"
        self._execute(f'CREATE DATABASE "{name}"')
        self._extra.append(name)
        return self._url(name)

    def drop_all(self) -> None:
        for name in [self.name, self.template_name, *self._extra]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()


def make_test_databases(folder):
    if os.environ.get("WAYMARK_TEST_DATABASE") == "postgresql":
        return PostgresDatabases(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL)
    return SqliteDatabases(folder)
