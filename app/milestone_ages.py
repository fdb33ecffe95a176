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
    return milestone_ages_for([update]).get(update.id, {})


def milestone_ages_for(updates: list[WorkstreamUpdate]) -> dict[int, dict[str, MilestoneAge]]:
    """milestone_ages for several updates in one query: {update id: {reference: age}}."""
    references = {m.reference for u in updates for m in u.milestones}
    if not references:
        return {}
    latest_start = max(u.period.start_date for u in updates)
    earlier = (
        sa.select(
            WorkstreamUpdate.workstream_id, Milestone.reference, ReportingPeriod.start_date, Milestone.kind, Milestone.status
        )
        .join(WorkstreamUpdate, Milestone.update_id == WorkstreamUpdate.id)
        .join(ReportingPeriod, WorkstreamUpdate.period_id == ReportingPeriod.id)
        .where(
            WorkstreamUpdate.workstream_id.in_({u.workstream_id for u in updates}),
            ReportingPeriod.start_date < latest_start,
            Milestone.reference.in_(references),
        )
    )
    history = list(db.session.execute(earlier))
    ages = {}
    for update in updates:
        first: dict[str, dt.date] = {}
        delayed: dict[str, int] = {}
        for workstream_id, reference, start, kind, status in history:
            if workstream_id != update.workstream_id or start >= update.period.start_date:
                continue
            first[reference] = min(first.get(reference, start), start)
            if kind is MilestoneKind.THIS_PERIOD and status is MilestoneStatus.DELAYED:
                delayed[reference] = delayed.get(reference, 0) + 1
        ages[update.id] = {
            m.reference: MilestoneAge(m.reference, first.get(m.reference, update.period.start_date), delayed.get(m.reference, 0))
            for m in update.milestones
        }
    return ages
