"""Reading programme reports: the latest revision of a period and whether it is signed off."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod, ReportState


def latest_reports(period_ids) -> dict[int, ProgrammeReport]:
    """The latest revision of each period's report, keyed by period id, cached for the request."""
    cache = g.setdefault("latest_reports", {})
    missing = [pid for pid in set(period_ids) if pid not in cache]
    if missing:
        newest = (
            sa.select(ProgrammeReport.period_id, sa.func.max(ProgrammeReport.revision).label("revision"))
            .where(ProgrammeReport.period_id.in_(missing))
            .group_by(ProgrammeReport.period_id)
            .subquery()
        )
        rows = db.session.scalars(
            sa.select(ProgrammeReport)
            .options(joinedload(ProgrammeReport.overview_by), joinedload(ProgrammeReport.signed_off_by))
            .join(
                newest,
                sa.and_(
                    ProgrammeReport.period_id == newest.c.period_id,
                    ProgrammeReport.revision == newest.c.revision,
                ),
            )
        )
        for report in rows:
            cache[report.period_id] = report
        for pid in missing:
            cache.setdefault(pid, None)
    return {pid: cache[pid] for pid in period_ids if cache.get(pid) is not None}


def revisions_of(period: ReportingPeriod) -> list[ProgrammeReport]:
    """Every revision of the period's report, oldest first (read once a request)."""
    cache = g.setdefault("revisions", {})
    if period.id not in cache:
        cache[period.id] = list(db.session.scalars(_revisions(period.id)))
    return cache[period.id]


def reread_revisions(period_id: int, lock: str) -> list[ProgrammeReport]:
    """The period's revisions read afresh from the database under a row lock ("update" or "share"; SQLite
    has none), replacing what the request had read or cached of them."""
    forget_cached_reads()
    db.session.execute(
        sa.select(ProgrammeReport.id)
        .where(ProgrammeReport.period_id == period_id)
        .order_by(ProgrammeReport.revision)
        .with_for_update(read=lock == "share")
    ).all()
    # Read in a statement of its own, after the lock: on PostgreSQL a statement sees the rows committed
    # when it began, so only a later one sees the revision a reopening we waited for has added.
    revisions = db.session.scalars(_revisions(period_id).execution_options(populate_existing=True)).all()
    g.setdefault("revisions", {})[period_id] = list(revisions)
    return revisions


def _revisions(period_id: int):
    return (
        sa.select(ProgrammeReport)
        .where(ProgrammeReport.period_id == period_id)
        .options(joinedload(ProgrammeReport.overview_by), joinedload(ProgrammeReport.signed_off_by))
        .order_by(ProgrammeReport.revision)
    )


def latest_report(period: ReportingPeriod) -> ProgrammeReport | None:
    known = g.get("latest_reports", {})
    if period.id in known:
        return known[period.id]
    revisions = revisions_of(period)
    return revisions[-1] if revisions else None


def is_signed_off(period: ReportingPeriod) -> bool:
    report = latest_report(period)
    return report is not None and report.state is ReportState.SIGNED_OFF


def signed_off_revisions(period: ReportingPeriod) -> list[ProgrammeReport]:
    return [report for report in revisions_of(period) if report.state is ReportState.SIGNED_OFF]


def signed_off_period_ids() -> frozenset[int]:
    """Periods with at least one signed-off revision (what IIB members and viewers may read)."""
    if "signed_off_period_ids" not in g:
        g.signed_off_period_ids = frozenset(
            db.session.scalars(
                sa.select(ProgrammeReport.period_id).where(ProgrammeReport.state == ReportState.SIGNED_OFF).distinct()
            )
        )
    return g.signed_off_period_ids


def has_signed_off_revision(period: ReportingPeriod) -> bool:
    return period.id in signed_off_period_ids()


def forget_cached_reads() -> None:
    """Drop what this request (or CLI run) has cached of periods and reports, after changing them."""
    for cached in ("latest_reports", "signed_off_period_ids", "revisions", "all_periods"):
        g.pop(cached, None)


def periods_by_latest_state(signed_off: bool, limit: int | None = None) -> list[tuple[ReportingPeriod, ProgrammeReport]]:
    """Periods, newest first, whose latest revision is (or is not) signed off, with that revision."""
    newest = (
        sa.select(ProgrammeReport.period_id, sa.func.max(ProgrammeReport.revision).label("revision"))
        .group_by(ProgrammeReport.period_id)
        .subquery()
    )
    state = ProgrammeReport.state == ReportState.SIGNED_OFF
    query = (
        sa.select(ReportingPeriod, ProgrammeReport)
        .join(ProgrammeReport, ProgrammeReport.period_id == ReportingPeriod.id)
        .join(newest, sa.and_(newest.c.period_id == ProgrammeReport.period_id, newest.c.revision == ProgrammeReport.revision))
        .where(state if signed_off else sa.not_(state))
        .order_by(ReportingPeriod.start_date.desc())
        .limit(limit)
    )
    return [(period, report) for period, report in db.session.execute(query)]
