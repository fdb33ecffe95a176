"""How long each milestone has been carried: when it was first planned and how many periods it has slipped."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import Milestone, MilestoneKind, MilestoneStatus, ReportingPeriod, WorkstreamUpdate


@dataclasses.dataclass(frozen=True)
class MilestoneAge:
    reference: str
    first_planned: dt.date
    # Earlier periods in which it was due and reported delayed.
    periods_delayed: int


def milestone_ages(update: WorkstreamUpdate) -> dict[str, MilestoneAge]:
    """For each of the update's milestones, by reference: its first planned period and earlier slips."""
    references = {m.reference for m in update.milestones}
    if not references:
        return {}
    earlier = (
        sa.select(Milestone.reference, ReportingPeriod.start_date, Milestone.kind, Milestone.status)
        .join(WorkstreamUpdate, Milestone.update_id == WorkstreamUpdate.id)
        .join(ReportingPeriod, WorkstreamUpdate.period_id == ReportingPeriod.id)
        .where(
            WorkstreamUpdate.workstream_id == update.workstream_id,
            ReportingPeriod.start_date < update.period.start_date,
            Milestone.reference.in_(references),
        )
    )
    first: dict[str, dt.date] = {}
    delayed: dict[str, int] = {}
    for reference, start, kind, status in db.session.execute(earlier):
        first[reference] = min(first.get(reference, start), start)
        if kind is MilestoneKind.THIS_PERIOD and status is MilestoneStatus.DELAYED:
            delayed[reference] = delayed.get(reference, 0) + 1
    return {
        reference: MilestoneAge(reference, first.get(reference, update.period.start_date), delayed.get(reference, 0))
        for reference in references
    }
