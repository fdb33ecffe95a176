"""The run's own PostgreSQL database, filled with the demo, and what each demo account may open and edit
there: read once from the app's own permission rules, so the simulated people follow only journeys their
roles allow and the checks know each draft's text before the run."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.load import ROOT, log

LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RECREATABLE_PREFIX = "waymark_load"
EDITORS = [
    "louisa.simpson@example.org",
    "jodie.townsend@example.org",
    "peter.tonks@example.org",
    "heidi.robinson@example.org",
    "thomas.farmer@example.org",
]
READERS = [
    "nick.bell@example.org",
    "steve.cox@example.org",
    "richard.kenny@example.org",
    "kate.mcfarlane@example.org",
    "angela.probert@example.org",
    "richard.carr@example.org",
    "committee.member@example.org",
]


class Database:
    """A PostgreSQL database on the local server, created for this run and dropped after it."""

    def __init__(self, admin_url: str):
        configured = os.environ.get("DATABASE_URL")
        url = None
        if configured:
            candidate = make_url(configured)
            if (
                candidate.get_backend_name() == "postgresql"
                and candidate.host in LOCAL_HOSTS
                and (candidate.database or "").startswith(RECREATABLE_PREFIX)
            ):
                url = candidate
            else:
                log(
                    f"DATABASE_URL names {candidate.database!r} on {candidate.host or 'a local socket'}: not a local "
                    f"PostgreSQL database named {RECREATABLE_PREFIX}*, so it is left alone and a new one is used."
                )
        if url is None:
            server = make_url(admin_url)
            if server.host not in LOCAL_HOSTS:
                raise SystemExit(f"--admin-url must name a server on this machine, not {server.host}")
            url = server.set(database=f"{RECREATABLE_PREFIX}_{os.getpid()}_{uuid.uuid4().hex[:6]}")
            maintenance = [server.database or "test", "postgres"]
        else:
            maintenance = ["test", "postgres"]
        self.url = url
        self.name = url.database
        self._admin = None
        for database in dict.fromkeys(maintenance):
            engine = sa.create_engine(
                url.set(database=database), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
            )
            try:
                with engine.connect():
                    pass
            except sa.exc.OperationalError as error:
                engine.dispose()
                last_error = error
                continue
            self._admin = engine
            break
        if self._admin is None:
            raise SystemExit(f"Cannot reach a maintenance database on {url.host}:{url.port}: {last_error}")
        self.created = False

    @property
    def url_string(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(statement)

    def create(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = True
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.created:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.created = False
        self._admin.dispose()


def flask_command(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


@dataclass
class Target:
    update_id: int
    period_id: int
    workstream_id: int
    # Readers (IIB members, viewers) read signed-off reports only, and the review page is for officers:
    # a journey opens these only where the person's role lets them, as the pages' own links do.
    report_readable: bool = True
    review_readable: bool = True


@dataclass
class Plan:
    """What each demo account may open and edit, read from the app's own permission rules."""

    editable: dict[str, list[Target]]
    viewable: dict[str, list[Target]]
    open_period_id: int
    initial_text: dict[int, str]
    audit_before: int


def make_plan(database_url: str, secret_key: str) -> Plan:
    from app import create_app, workflow
    from app.config import ProductionConfig
    from app.extensions import db
    from app.models import AuditEvent, ReportingPeriod, User, WorkstreamUpdate
    from app.permissions import can, is_officer, is_programme_staff
    from app.reports.queries import signed_off_revisions

    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=secret_key)
    with app.app_context():
        periods = db.session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.start_date)).all()
        open_period = periods[-1]
        updates = db.session.scalars(sa.select(WorkstreamUpdate).order_by(WorkstreamUpdate.id)).all()
        editable, viewable = {}, {}
        for email in EDITORS + READERS:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:
                raise SystemExit(f"The demo has no account {email}")
            visible_periods = {p.id for p in periods if can(user, "view_period", p)}
            readable_reports = {
                p.id for p in periods if p.id in visible_periods and (is_programme_staff(user, p.programme_id) or signed_off_revisions(p))
            }
            targets = [
                (u, Target(u.id, u.period_id, u.workstream_id, u.period_id in readable_reports, is_officer(user, u.period.programme_id)))
                for u in updates
                if u.period_id in visible_periods and can(user, "view_update", u)
            ]
            viewable[email] = [t for _u, t in targets]
            editable[email] = [
                t for u, t in targets if u.period_id == open_period.id and workflow.edit_refusal(u, user) is None
            ]
            if email in EDITORS and not editable[email]:
                raise SystemExit(f"{email} cannot edit any Nov–Dec draft: the demo is not what this test expects")
            if not viewable[email]:
                raise SystemExit(f"{email} can open no update")
        initial = {u.id: u.key_activities for u in updates if u.period_id == open_period.id}
        audit_before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        db.session.remove()
        db.engine.dispose()
    return Plan(editable, viewable, open_period.id, initial, audit_before)
