"""The locks a decision holds: whatever a transition or a save decides, it decides on rows no concurrent
request can change until it commits.

Every transition and every save of a draft or of the overview calls `lock_for_decision` before it looks at
any state. The locks are taken in one fixed order, so two decisions never wait for each other in a circle:

1. the period's report revisions, oldest first: FOR UPDATE for a decision on the report (sign-off, reopening,
   the overview), FOR SHARE for a decision on one update (so decisions on different updates run side by side,
   while a sign-off waits for each of them and each of them waits for a sign-off);
2. the updates the decision reads, by id: the one update, or every update of the period for a decision on
   the report (sign-off reads them all).

SQLite has no row locks. There the decision's transaction starts afresh with BEGIN IMMEDIATE, which takes the
database's write lock at once (waiting for it up to the busy timeout), so decisions run one after another.

Either way, everything the session had read is read again after the locks: the decision sees what is
stored now, not what the request read before it waited.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ProgrammeReport, WorkstreamUpdate
from app.reports.queries import forget_cached_reads

# The execution option the SQLite "begin" listener (app/__init__.py) reads to open the transaction.
SQLITE_BEGIN = "waymark_sqlite_begin"


def lock_for_decision(target: WorkstreamUpdate | ProgrammeReport) -> None:
    period_id = target.period_id
    on_report = isinstance(target, ProgrammeReport)
    target_id = target.id
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        # Whatever the request changed before deciding is kept; the decision's reads start after the lock.
        session.commit()
        session.connection(execution_options={SQLITE_BEGIN: "BEGIN IMMEDIATE"})
    else:
        session.execute(
            sa.select(ProgrammeReport.id)
            .where(ProgrammeReport.period_id == period_id)
            .order_by(ProgrammeReport.revision)
            .with_for_update(read=not on_report)
        ).all()
        updates = sa.select(WorkstreamUpdate.id).order_by(WorkstreamUpdate.id).with_for_update()
        if on_report:
            updates = updates.where(WorkstreamUpdate.period_id == period_id)
        else:
            updates = updates.where(WorkstreamUpdate.id == target_id)
        session.execute(updates).all()
    session.expire_all()
    forget_cached_reads()
