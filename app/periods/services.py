"""Opening a reporting period: the period, its report and a draft for every active workstream."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    Risk,
    RiskStatus,
    User,
    WorkstreamUpdate,
)
from app.period_queries import previous_period, updates_by_workstream, workstreams_for_new_period


class PeriodOverlaps(ValueError):
    pass


def overlapping_period(programme: Programme, start: dt.date, end: dt.date) -> ReportingPeriod | None:
    return db.session.scalar(
        sa.select(ReportingPeriod).where(
            ReportingPeriod.programme_id == programme.id,
            ReportingPeriod.start_date <= end,
            ReportingPeriod.end_date >= start,
        )
    )


def open_period(
    programme: Programme,
    *,
    start_date: dt.date,
    end_date: dt.date,
    drafts_due: dt.date,
    approvals_due: dt.date,
    sign_off_due: dt.date,
    iib_meeting_date: dt.date | None,
    opened_by: User | None,
    at: dt.datetime | None = None,
) -> ReportingPeriod:
    """Create the period with revision 1 of its report and a draft for each active workstream.

    Drafts start from the previous period: its planned-next-period milestones (and any milestone it
    reported as delayed) become this period's milestones, and its open risks carry forward.
    """
    clash = overlapping_period(programme, start_date, end_date)
    if clash is not None:
        raise PeriodOverlaps(f"The period overlaps {clash.label}.")
    period = ReportingPeriod(
        programme=programme,
        rag_methodology_intro=programme.rag_methodology_intro,
        rag_definitions=dict(programme.rag_definitions),
        start_date=start_date,
        end_date=end_date,
        drafts_due=drafts_due,
        approvals_due=approvals_due,
        sign_off_due=sign_off_due,
        iib_meeting_date=iib_meeting_date,
    )
    db.session.add(period)
    db.session.add(ProgrammeReport(period=period, revision=1))
    db.session.flush()
    audit.record("open_period", period, actor=opened_by, period_id=period.id, to_state="OPEN", at=at)

    previous_updates = updates_by_workstream(previous_period(period))
    for workstream in workstreams_for_new_period(programme.id, start_date):
        update = WorkstreamUpdate(workstream=workstream, period=period)
        previous = previous_updates.get(workstream.id)
        if previous is not None:
            update.milestones = carried_forward_milestones(previous)
            update.risks = carried_forward_risks(previous)
        db.session.add(update)
        db.session.flush()
        audit.record("create_draft", update, actor=opened_by, to_state=update.state.name, at=at)
    return period


def carried_forward_milestones(previous: WorkstreamUpdate) -> list[Milestone]:
    planned = list(previous.milestones_next_period)
    planned_references = {m.reference for m in planned}
    slipped = [
        m
        for m in previous.milestones_this_period
        if m.status is MilestoneStatus.DELAYED and m.reference not in planned_references
    ]
    return [
        Milestone(kind=MilestoneKind.THIS_PERIOD, position=position, reference=m.reference, description=m.description)
        for position, m in enumerate(slipped + planned, start=1)
    ]


def carried_forward_risks(previous: WorkstreamUpdate) -> list[Risk]:
    return [
        Risk(
            position=position,
            reference=r.reference,
            description=r.description,
            mitigation=r.mitigation,
            status=RiskStatus.OPEN,
        )
        for position, r in enumerate(previous.open_risks, start=1)
    ]
