"""The reporting calendar's actions: planning a period, changing its dates, opening it (its report and a
draft for every workstream, carried forward from the period before) and deleting one never opened.

Each decides on the programme's row locked (app/decision_locks.py), checks the rules of app/periods/rules.py,
writes the audit trail and flushes; the caller commits. Events about a planned period name it by its id
only (no period_id): a planned period can be deleted, and the trail that mentions it stays.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import audit
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.formatting import long_date
from app.models import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    Risk,
    RiskStatus,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.period_queries import (
    calendar_periods,
    forget_periods,
    previous_period,
    updates_by_workstream,
    workstreams_for_new_period,
)
from app.periods.rules import (
    DATE_LABELS,
    DUE_DATES,
    PeriodDates,
    date_problems,
    dates_change_refusal,
    deletion_refusal,
    open_periods,
    opening_refusal,
    still_open_text,
)
from app.reports.queries import forget_cached_reads


class CalendarRefusal(Exception):
    """A calendar action refused. `status` is the HTTP status a route answers with."""

    status = 409

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidDates(CalendarRefusal):
    """The dates break the calendar's rules: `errors` says which, field by field."""

    status = 422


class AnotherPeriodIsOpen(CalendarRefusal):
    """Opening would make a second open period, and the PMO has not said to."""

    status = 422

    def __init__(self, still_open: list[ReportingPeriod]):
        text = still_open_text(still_open)
        super().__init__(
            f"{text}.", {"while_another_is_open": f"{text}: confirm that you want to open this period as well"}
        )
        self.still_open = still_open


class AlreadyOpen(CalendarRefusal):
    """Someone opened the period first (a double click, or another PMO): nothing more to do."""

    def __init__(self, period: ReportingPeriod):
        super().__init__(f"{period.label} is already open.")
        self.period = period


class DatesChangedMeanwhile(CalendarRefusal):
    def __init__(self):
        super().__init__("Someone else changed the period's dates after you opened the page. Check them and try again.")


# --- Planning ---------------------------------------------------------------------------------------------


def plan_period(
    programme: Programme, dates: PeriodDates, *, planned_by: User | None, at: dt.datetime | None = None
) -> ReportingPeriod:
    """Add a period to the calendar, not yet open: its dates, and the RAG methodology as the programme
    has it now (a later change applies to periods planned afterwards)."""
    lock_for_decision(programme)
    errors = date_problems(programme, dates, calendar_periods(programme.id))
    if errors:
        raise InvalidDates("Check the period's dates.", errors)
    period = ReportingPeriod(
        programme=programme,
        rag_methodology_intro=programme.rag_methodology_intro,
        rag_definitions=dict(programme.rag_definitions),
        **dates.as_dict(),
    )
    db.session.add(period)
    db.session.flush()
    audit.record("plan_period", period, actor=planned_by, comment=_dates_text(dates), at=at)
    forget_periods()
    return period


def change_period_dates(
    period: ReportingPeriod, dates: PeriodDates, *, changed_by: User | None, version: int | None = None
) -> list[str]:
    """Change the period's dates (a planned period's start and end too; an opened one's due dates only)
    until its latest revision is signed off. Returns the names of the dates that changed; the audit event
    holds each one's old and new date."""
    lock_for_decision(period)
    refused = dates_change_refusal(period)
    if refused:
        raise CalendarRefusal(refused)
    if version is not None and version != period.version:
        raise DatesChangedMeanwhile()
    if not period.is_planned:
        dates = PeriodDates(period.start_date, period.end_date, *(getattr(dates, name) for name in DUE_DATES))
    errors = date_problems(period.programme, dates, calendar_periods(period.programme_id), period)
    if errors:
        raise InvalidDates("Check the period's dates.", errors)
    before = PeriodDates.of(period)
    changed = [name for name in DATE_LABELS if getattr(before, name) != getattr(dates, name)]
    if not changed:
        return []
    for name in changed:
        setattr(period, name, getattr(dates, name))
    db.session.flush()
    comment = "; ".join(
        f"{DATE_LABELS[name]}: {_date_text(getattr(before, name))} → {_date_text(getattr(dates, name))}" for name in changed
    )
    audit.record("change_period_dates", period, actor=changed_by, comment=comment, changed_fields=changed, **_of(period))
    forget_periods()
    return changed


# --- Opening ---------------------------------------------------------------------------------------------


def open_planned_period(
    period: ReportingPeriod,
    *,
    opened_by: User | None,
    while_another_is_open: bool = False,
    at: dt.datetime | None = None,
) -> ReportingPeriod:
    """Open the planned period: revision 1 of its report and a draft for each workstream that reports in
    it, carried forward from the latest opened period before it (its planned-next-period milestones, any
    milestone it reported as delayed and did not plan again, with the same references; its open risks).

    Refused when someone opened it first (AlreadyOpen), when an earlier period is still only planned or
    its dates overlap another's, and when another period is still open unless `while_another_is_open`.
    """
    lock_for_decision(period)
    periods = calendar_periods(period.programme_id)
    if not period.is_planned:
        raise AlreadyOpen(period)
    refused = opening_refusal(period, periods)
    if refused:
        raise CalendarRefusal(refused)
    still_open = open_periods(periods)
    if still_open and not while_another_is_open:
        raise AnotherPeriodIsOpen(still_open)
    at = at or utcnow()
    period.opened_at, period.opened_by = at, opened_by
    db.session.add(ProgrammeReport(period=period, revision=1))
    db.session.flush()
    forget_cached_reads()
    comment = f"While {still_open_text(still_open)}" if still_open else ""
    audit.record("open_period", period, actor=opened_by, to_state="OPEN", comment=comment, at=at, **_of(period))
    _create_drafts(period, opened_by, at)
    return period


def _create_drafts(period: ReportingPeriod, opened_by: User | None, at: dt.datetime) -> None:
    """A draft for every workstream reporting in the period, with what it carries forward, written in one
    statement per table whatever the number of workstreams (the ORM would insert them one by one on
    SQLite, which cannot return many new ids in order: each draft's id comes back with its workstream's)."""
    workstreams = workstreams_for_new_period(period.programme_id, period.start_date)
    if not workstreams:
        return
    previous_updates = updates_by_workstream(previous_period(period), with_content=True)
    draft_ids = dict(
        db.session.execute(
            sa.insert(WorkstreamUpdate).returning(WorkstreamUpdate.workstream_id, WorkstreamUpdate.id),
            [{"workstream_id": workstream.id, "period_id": period.id} for workstream in workstreams],
        ).all()
    )
    milestones, risks = [], []
    for workstream_id, previous in previous_updates.items():
        if workstream_id in draft_ids:
            milestones += [{"update_id": draft_ids[workstream_id], **row} for row in milestones_to_carry(previous)]
            risks += [{"update_id": draft_ids[workstream_id], **row} for row in risks_to_carry(previous)]
    for model, rows in ((Milestone, milestones), (Risk, risks)):
        if rows:
            db.session.execute(sa.insert(model), rows)
    audit.record_each(
        "create_draft",
        "WorkstreamUpdate",
        [
            {"object_id": draft_ids[w.id], "workstream_id": w.id, "period_id": period.id,
             "programme_id": period.programme_id}
            for w in workstreams
        ],
        actor=opened_by,
        to_state=UpdateState.DRAFT.name,
        at=at,
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
    while_another_is_open: bool = False,
    at: dt.datetime | None = None,
) -> ReportingPeriod:
    """Plan a period and open it at once."""
    dates = PeriodDates(start_date, end_date, drafts_due, approvals_due, sign_off_due, iib_meeting_date)
    period = plan_period(programme, dates, planned_by=opened_by, at=at)
    return open_planned_period(period, opened_by=opened_by, while_another_is_open=while_another_is_open, at=at)


def milestones_to_carry(previous: WorkstreamUpdate) -> list[dict]:
    """This period's milestones, from last period's update: any it reported as delayed and did not plan
    again, then those it planned for next period, each with its reference."""
    planned = list(previous.milestones_next_period)
    planned_references = {m.reference for m in planned}
    slipped = [
        m
        for m in previous.milestones_this_period
        if m.status is MilestoneStatus.DELAYED and m.reference not in planned_references
    ]
    return [
        {"kind": MilestoneKind.THIS_PERIOD, "position": position, "reference": m.reference, "description": m.description,
         "status": None, "status_note": ""}
        for position, m in enumerate(slipped + planned, start=1)
    ]


def risks_to_carry(previous: WorkstreamUpdate) -> list[dict]:
    """Last period's open risks, open again, each with its reference."""
    return [
        {"position": position, "reference": r.reference, "description": r.description, "mitigation": r.mitigation,
         "status": RiskStatus.OPEN, "closure_note": ""}
        for position, r in enumerate(previous.open_risks, start=1)
    ]


# --- Deleting ---------------------------------------------------------------------------------------------


def delete_planned_period(period: ReportingPeriod, *, deleted_by: User | None) -> None:
    """Delete a period no one has opened (it holds nothing but its dates); an opened one is refused."""
    lock_for_decision(period)
    refused = deletion_refusal(period)
    if refused:
        raise CalendarRefusal(refused)
    audit.record("delete_period", period, actor=deleted_by, comment=f"{period.label}. {_dates_text(PeriodDates.of(period))}")
    db.session.delete(period)
    db.session.flush()
    forget_periods()


# --- Helpers ---------------------------------------------------------------------------------------------


def _of(period: ReportingPeriod) -> dict:
    """Where an event about the period sits: an opened period's own history (it is never deleted)."""
    return {} if period.is_planned else {"period_id": period.id}


def _date_text(day: dt.date | None) -> str:
    return long_date(day) if day else "not set"


def _dates_text(dates: PeriodDates) -> str:
    return "; ".join(f"{label}: {_date_text(getattr(dates, name))}" for name, label in DATE_LABELS.items())
