"""Reading periods: the list, neighbouring periods and the status of each workstream in a period."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import RAG, ReportingPeriod, RoleAssignment, UpdateState, Workstream, WorkstreamUpdate


def all_periods() -> list[ReportingPeriod]:
    """Newest first."""
    return list(db.session.scalars(sa.select(ReportingPeriod).order_by(ReportingPeriod.start_date.desc())))


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return db.session.scalar(
        sa.select(ReportingPeriod)
        .where(ReportingPeriod.end_date < period.start_date)
        .order_by(ReportingPeriod.end_date.desc())
        .limit(1)
    )


def active_workstreams() -> list[Workstream]:
    return list(
        db.session.scalars(
            sa.select(Workstream)
            .where(Workstream.active.is_(True))
            .options(selectinload(Workstream.role_assignments).selectinload(RoleAssignment.user))
            .order_by(Workstream.display_order, Workstream.title)
        )
    )


def updates_by_workstream(period: ReportingPeriod | None) -> dict[int, WorkstreamUpdate]:
    if period is None:
        return {}
    updates = db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id))
    return {update.workstream_id: update for update in updates}


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


def period_status(period: ReportingPeriod) -> list[WorkstreamStatus]:
    """Each active workstream's update this period with its rating this and last period."""
    this_period = updates_by_workstream(period)
    last_period = updates_by_workstream(previous_period(period))
    rows = []
    for workstream in active_workstreams():
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

