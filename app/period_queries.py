"""Reading periods: the list, neighbouring periods, the active workstreams and a period's updates.

Beneath the periods, updates and reports packages: all three read through these."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import ReportingPeriod, RoleAssignment, UpdateState, Workstream, WorkstreamUpdate


def calendar_periods(programme_id: int) -> list[ReportingPeriod]:
    """The programme's whole calendar, planned periods included, newest first; read once a request (there
    are a few dozen, and several parts of a page need them)."""
    cache = g.setdefault("all_periods", {})
    if programme_id not in cache:
        cache[programme_id] = list(
            db.session.scalars(
                sa.select(ReportingPeriod)
                .where(ReportingPeriod.programme_id == programme_id)
                .order_by(ReportingPeriod.start_date.desc())
            )
        )
    return cache[programme_id]


def all_periods(programme_id: int) -> list[ReportingPeriod]:
    """The programme's opened periods, newest first: those with a report and drafts. A planned period is
    only in `calendar_periods`."""
    return [period for period in calendar_periods(programme_id) if not period.is_planned]


def find_period(period_id: int, planned: bool = False) -> ReportingPeriod | None:
    """An opened period by id (or, with `planned`, a planned one too), with its programme's calendar read in
    the same query (pages that show one period usually need its neighbours too)."""
    found = _find_in_calendar(period_id)
    if found is None or (found.is_planned and not planned):
        return None
    return found


def _find_in_calendar(period_id: int) -> ReportingPeriod | None:
    for periods in g.get("all_periods", {}).values():
        if found := next((p for p in periods if p.id == period_id), None):
            return found
    programme_of_period = sa.select(ReportingPeriod.programme_id).where(ReportingPeriod.id == period_id).scalar_subquery()
    periods = list(
        db.session.scalars(
            sa.select(ReportingPeriod)
            .where(ReportingPeriod.programme_id == programme_of_period)
            .options(joinedload(ReportingPeriod.programme))
            .order_by(ReportingPeriod.start_date.desc())
        )
    )
    if not periods:
        return None
    g.setdefault("all_periods", {})[periods[0].programme_id] = periods
    return next(p for p in periods if p.id == period_id)


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    """The latest opened period before this one (what its drafts carry forward from, and its "last period")."""
    return next(
        (p for p in calendar_periods(period.programme_id) if p.end_date < period.start_date and not p.is_planned), None
    )


def forget_periods() -> None:
    """After a period is planned, opened or deleted, the request reads the calendar again."""
    g.pop("all_periods", None)


def _workstreams(*conditions, with_outcomes: bool = False) -> list[Workstream]:
    """Workstreams meeting the conditions, in display order, with their people (and outcomes)."""
    options = [selectinload(Workstream.role_assignments).joinedload(RoleAssignment.user)]
    if with_outcomes:
        options.append(selectinload(Workstream.outcomes))
    return list(
        db.session.scalars(
            sa.select(Workstream).where(*conditions).options(*options).order_by(Workstream.display_order, Workstream.title)
        )
    )


def programme_workstreams(programme_id: int) -> list[Workstream]:
    """Every workstream of the programme, retired ones included, in display order."""
    return _workstreams(Workstream.programme_id == programme_id)


def active_workstreams(programme_id: int, with_outcomes: bool = False) -> list[Workstream]:
    """The programme's workstreams that are not retired, in display order."""
    return _workstreams(Workstream.programme_id == programme_id, Workstream.retired_from.is_(None), with_outcomes=with_outcomes)


def workstreams_reporting_in(period_ids, with_outcomes: bool = False) -> list[Workstream]:
    """The workstreams with an update in any of these periods, in display order: a period's workstreams are the
    ones it reports on, so a retired workstream stays in the periods it reported in and is in no later one."""
    reporting = sa.select(WorkstreamUpdate.workstream_id).where(WorkstreamUpdate.period_id.in_(list(period_ids)))
    return _workstreams(Workstream.id.in_(reporting), with_outcomes=with_outcomes)


def workstreams_for_new_period(programme_id: int, start_date) -> list[Workstream]:
    """The workstreams that get a draft in a period opened from `start_date`: those not retired from it."""
    return _workstreams(
        Workstream.programme_id == programme_id,
        sa.or_(Workstream.retired_from.is_(None), Workstream.retired_from > start_date),
    )


def updates_by_workstream(period: ReportingPeriod | None, with_content: bool = False) -> dict[int, WorkstreamUpdate]:
    """The period's updates by workstream id; `with_content` loads their milestones, risks and people too."""
    if period is None:
        return {}
    query = sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id)
    if with_content:
        query = query.options(
            selectinload(WorkstreamUpdate.milestones),
            selectinload(WorkstreamUpdate.risks),
            joinedload(WorkstreamUpdate.completed_by),
            joinedload(WorkstreamUpdate.approved_by),
        )
    return {update.workstream_id: update for update in db.session.scalars(query)}


def approved_counts(periods: list[ReportingPeriod]) -> dict[int, tuple[int, int]]:
    """(approved, total) workstream updates of each period."""
    if not periods:
        return {}
    approved = sa.func.sum(sa.case((WorkstreamUpdate.state == UpdateState.APPROVED, 1), else_=0))
    rows = db.session.execute(
        sa.select(WorkstreamUpdate.period_id, approved, sa.func.count())
        .where(WorkstreamUpdate.period_id.in_([p.id for p in periods]))
        .group_by(WorkstreamUpdate.period_id)
    )
    counts = {period_id: (int(done or 0), total) for period_id, done, total in rows}
    return {p.id: counts.get(p.id, (0, 0)) for p in periods}
