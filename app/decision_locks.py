"""The locks a decision holds: whatever a transition or a save decides, it decides on rows no concurrent
request can change until it commits.

Every transition and every save of a draft or of the overview calls `lock_for_decision` before it looks at
any state; so does every decision on a programme's reporting calendar (planning, opening, deleting a period
or changing its dates). The locks are taken in one fixed order, so two decisions never wait for each other
in a circle:

0. the programme's row (`lock_programme`), FOR UPDATE, for a decision on its calendar or its set-up (its
   settings, its workstreams' codes, order and retirement): two PMOs opening the same period (or a double
   click) take turns, and the second finds it open;
1. the period's report revisions, oldest first: FOR UPDATE for a decision on the report (sign-off, reopening,
   the overview), FOR SHARE for a decision on one update (so decisions on different updates run side by side,
   while a sign-off waits for each of them and each of them waits for a sign-off);
2. the updates the decision reads, by id: the one update, or every update of the period for a decision on
   the report (sign-off reads them all).

SQLite has no row locks: there a decision holds the database's write lock (BEGIN IMMEDIATE, waiting for it
up to the busy timeout), so decisions run one after another. Every POST request's transaction begins that
way (`register`), so its reads before the decision are already under the lock and need no second look; a
decision in a transaction that began otherwise (a CLI command, or after a commit) starts a new one.

On PostgreSQL, and on SQLite in that second case, the locked rows are read afresh (populate_existing)
once the lock is held: the period's revisions, and the updates with their milestones and risks (and,
for a save, the workstream). The decision sees them as stored now, not as the request read them before
it waited. (What else a decision reads is not what a decision changes: a person's roles, a period's
dates, earlier periods.)
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, request
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Programme, ProgrammeReport, ReportingPeriod, Workstream, WorkstreamUpdate
from app.reports.queries import forget_cached_reads, reread_revisions

# The execution option the SQLite "begin" listener (app/__init__.py) reads to open the transaction.
SQLITE_BEGIN = "waymark_sqlite_begin"
IMMEDIATE = "BEGIN IMMEDIATE"


def register(app: Flask) -> None:
    @app.before_request
    def post_requests_hold_the_sqlite_write_lock():
        # Registered before anything reads the database (the signed-in person is loaded later). A session
        # already in a transaction (a test's, around its requests) keeps it: its decisions start their own.
        if request.method == "POST":
            hold_the_sqlite_write_lock()


def hold_the_sqlite_write_lock() -> None:
    """Begin the session's transaction holding SQLite's write lock, unless it is already in one (on
    PostgreSQL nothing: its decisions lock rows). A decision in it then needs no commit to take its lock,
    so a job that must happen in one transaction (the demo's load) calls this first."""
    session = db.session()
    if not session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN: IMMEDIATE})


def lock_for_decision(
    target: WorkstreamUpdate | ProgrammeReport | Programme | ReportingPeriod, *, with_workstream: bool = False
) -> None:
    """Lock what the decision reads and read it afresh; `with_workstream` for a save, which changes the
    workstream's own fields (description, forecast, outcomes) too. A Programme or ReportingPeriod target
    is a decision on the calendar (app/periods/services.py)."""
    if isinstance(target, (Programme, ReportingPeriod)):
        lock_programme(target)
        return
    period_id = target.period_id
    on_report = isinstance(target, ProgrammeReport)
    target_id = target.id
    session = db.session
    if _sqlite_lock_taken():
        return
    # SQLite renders no FOR UPDATE / FOR SHARE: there BEGIN IMMEDIATE has already taken the lock.
    reread_revisions(period_id, lock="update" if on_report else "share")
    # What a decision reads of an update, loaded with it (and so kept alive in the session). All but the
    # period come in statements after the lock: on PostgreSQL a joined row would be as it was before the
    # wait (only the locked row itself is read again).
    loaded = [
        joinedload(WorkstreamUpdate.period),
        selectinload(WorkstreamUpdate.milestones),
        selectinload(WorkstreamUpdate.risks),
    ]
    if with_workstream:
        loaded.append(selectinload(WorkstreamUpdate.workstream).selectinload(Workstream.outcomes))
    updates = (
        sa.select(WorkstreamUpdate)
        .options(*loaded)
        .order_by(WorkstreamUpdate.id)
        .with_for_update(of=WorkstreamUpdate)
        .execution_options(populate_existing=True)
    )
    if on_report:
        updates = updates.where(WorkstreamUpdate.period_id == period_id)
    else:
        updates = updates.where(WorkstreamUpdate.id == target_id)
    # Fetched (.all()): an ORM result fills in the objects only as its rows are read.
    session.scalars(updates).all()


def _sqlite_lock_taken() -> bool:
    """On SQLite, take the write lock (BEGIN IMMEDIATE) unless the transaction already holds it; True when
    the transaction holds it from its start (its reads are already under the lock: nothing to read again)."""
    session = db.session
    if session.get_bind().dialect.name != "sqlite":
        return False
    if session.connection().info.get(SQLITE_BEGIN) == IMMEDIATE:
        return True
    # Whatever the request changed before deciding is kept; the decision's reads start after the lock.
    session.commit()
    session.connection(execution_options={SQLITE_BEGIN: IMMEDIATE})
    return False


def lock_programmes(programme_ids) -> None:
    """Hold the programmes' rows for a change to their people: PostgreSQL locks them FOR UPDATE in id order (so
    two changes never wait for each other in a circle); SQLite holds the database's write lock (a POST already
    does; a command takes it here). With no programme (the first PMO), only SQLite's lock is taken."""
    if _sqlite_lock_taken() or db.session.get_bind().dialect.name == "sqlite":
        return
    db.session.execute(
        sa.select(Programme.id).where(Programme.id.in_(sorted(programme_ids))).order_by(Programme.id).with_for_update()
    ).all()


def lock_programme(target: Programme | ReportingPeriod) -> None:
    """Lock the programme's row and read it and its calendar afresh: every period, and for a decision on an
    opened period its revisions too (FOR SHARE: a sign-off and a change of dates wait for each other). Changes
    to the programme's set-up and calendar are decided one at a time; taken before any other lock."""
    programme_id = target.id if isinstance(target, Programme) else target.programme_id
    period_id = target.id if isinstance(target, ReportingPeriod) else None
    session = db.session
    forget_cached_reads()
    if _sqlite_lock_taken():
        return
    session.execute(sa.select(Programme.id).where(Programme.id == programme_id).with_for_update()).all()
    # In statements of their own, after the lock: each sees what the decision we waited for committed.
    session.execute(
        sa.select(Programme).where(Programme.id == programme_id).execution_options(populate_existing=True)
    ).all()
    session.scalars(
        sa.select(ReportingPeriod)
        .where(ReportingPeriod.programme_id == programme_id)
        .execution_options(populate_existing=True)
    ).all()
    if period_id is not None:
        reread_revisions(period_id, lock="share")
