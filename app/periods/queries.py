"""Reading periods: the list, neighbouring periods and the status of each workstream in a period."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import RAG, ReportingPeriod, RoleAssignment, UpdateState, Workstream, WorkstreamUpdate


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


def previous_update(update: WorkstreamUpdate) -> WorkstreamUpdate | None:
    """The same workstream's update in the period before (read once a request)."""
    cache = g.setdefault("previous_updates", {})
    if update.id not in cache:
        previous = previous_period(update.period)
        cache[update.id] = previous and db.session.scalar(
            sa.select(WorkstreamUpdate).where(
                WorkstreamUpdate.workstream_id == update.workstream_id, WorkstreamUpdate.period_id == previous.id
            )
        )
    return cache[update.id]


@dataclasses.dataclass(frozen=True)
class WorkstreamStatus:
    """One row of a period's status table."""

    workstream: Workstream
    update: WorkstreamUpdate | None
    rag_this_period: RAG | None
    rag_last_period: RAG | None

    @property
    def rating_is_agreed(self) -> bool:
        return self.update is not None and self.update.state is UpdateState.APPROVED


def period_status(period: ReportingPeriod, with_content: bool = False) -> list[WorkstreamStatus]:
    """Each active workstream's update this period with its rating this and last period.

    `with_content` also loads everything a report shows (milestones, risks, people, outcomes)."""
    this_period = updates_by_workstream(period, with_content)
    last_period = updates_by_workstream(previous_period(period))
    rows = []
    for workstream in active_workstreams(with_outcomes=with_content):
        update = this_period.get(workstream.id)
        previous = last_period.get(workstream.id)
        rows.append(
            WorkstreamStatus(
                workstream=workstream,
                update=update,
                rag_this_period=update.rating if update else None,
                rag_last_period=previous.agreed_rag if previous else None,
            )
        )
    return rows

