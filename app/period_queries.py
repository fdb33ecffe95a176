"""Reading periods: the list, neighbouring periods, the active workstreams and a period's updates.

Beneath the periods, updates and reports packages: all three read through these."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import ReportingPeriod, RoleAssignment, Workstream, WorkstreamUpdate


def all_periods() -> list[ReportingPeriod]:
    """Newest first; read once a request (there are a few dozen, and several parts of a page need them)."""
    if "all_periods" not in g:
        g.all_periods = list(db.session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.start_date.desc())))
    return g.all_periods


def find_period(period_id: int) -> ReportingPeriod | None:
    """A period by id, from the request's list (pages that show one period usually need its neighbours too)."""
    return next((p for p in all_periods() if p.id == period_id), None)


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return next((p for p in all_periods() if p.end_date < period.start_date), None)


def active_workstreams(with_outcomes: bool = False) -> list[Workstream]:
    options = [selectinload(Workstream.role_assignments).joinedload(RoleAssignment.user)]
    if with_outcomes:
        options.append(selectinload(Workstream.outcomes))
    return list(
        db.session.scalars(
            sa.select(Workstream)
            .where(Workstream.active.is_(True))
            .options(*options)
            .order_by(Workstream.display_order, Workstream.title)
        )
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
