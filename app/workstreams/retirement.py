"""Retiring a workstream from a given period, and re-activating it.

A workstream retired from a period reports in no period from that one on (`retired_from` is its start date),
and keeps every period before: their updates and their signed-off packs hold it. It can be retired from a
period not signed off only where its draft there (and in any later period) has not been started: that draft is
removed, as no one has written anything in it. Once someone has worked on its update in a period, the
workstream reports in that period for the last time and is retired from the next one. A period planned but not
opened holds no drafts: it can be the first the workstream does not report in. Re-activating brings it back
from the next period opened (not into a period it was taken out of). Each change is audited; they flush, and
the caller commits.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from app import audit
from app.decision_locks import lock_for_decision, lock_programme
from app.extensions import db
from app.input_rules import NotNow, Refused
from app.models import AuditEvent, ReportingPeriod, UpdateState, User, Workstream, WorkstreamUpdate
from app.models.programme import BEFORE_ANY_PERIOD
from app.period_queries import calendar_periods, forget_periods
from app.reports.queries import signed_off_period_ids


@dataclasses.dataclass(frozen=True)
class RetirementChoice:
    """A period the workstream can be retired from, and the drafts that retiring it from there removes."""

    value: str  # the period's id, or NEXT_PERIOD
    period: ReportingPeriod | None  # None for the next period, not yet planned
    retired_from: dt.date
    drafts_removed: tuple[WorkstreamUpdate, ...]


NEXT_PERIOD = "next"


@dataclasses.dataclass(frozen=True)
class Retirement:
    """What the retirement page says: the choices, and each period it must still report in, with why."""

    choices: list[RetirementChoice]
    latest: ReportingPeriod | None
    # Its update in the latest period, if it has one, and whether that period has been opened (has drafts).
    latest_update: WorkstreamUpdate | None
    latest_opened: bool
    # (period, update) pairs of the periods not signed off where its update has been worked on.
    reporting_in: list[tuple[ReportingPeriod, WorkstreamUpdate]]


def update_started(update: WorkstreamUpdate) -> bool:
    """Someone has worked on the update: it moved on from a draft, or anything happened to it after its draft
    was created (a save, a row added or closed: the audit trail has it)."""
    if update.state is not UpdateState.DRAFT:
        return True
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                AuditEvent.period_id == update.period_id,
                AuditEvent.workstream_id == update.workstream_id,
                AuditEvent.action != "create_draft",
            )
        )
    )


def retirement(workstream: Workstream) -> Retirement:
    """The periods the workstream can be retired from, latest last, then the next period; and the periods it
    must report in."""
    periods = calendar_periods(workstream.programme_id)  # newest first, planned ones included
    updates = {
        u.period_id: u
        for u in db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.workstream_id == workstream.id))
    }
    opened = set(db.session.scalars(
        sa.select(WorkstreamUpdate.period_id).where(WorkstreamUpdate.period_id.in_([p.id for p in periods])).distinct()
    ))
    signed_off = signed_off_period_ids()
    latest = periods[0] if periods else None
    after_latest = latest.end_date + dt.timedelta(days=1) if latest else BEFORE_ANY_PERIOD
    choices = [RetirementChoice(NEXT_PERIOD, None, after_latest, ())]
    reporting_in = []
    removable: list[WorkstreamUpdate] = []
    for period in periods:
        if period.id in signed_off:
            break
        update = updates.get(period.id)
        if update is None:
            if period.id not in opened:
                # Planned, not opened yet: it will have no draft there.
                choices.insert(0, RetirementChoice(str(period.id), period, period.start_date, tuple(removable)))
            continue
        if update_started(update):
            # It reports here, so in every period before (their drafts stay too).
            reporting_in.append((period, update))
            reporting_in += [(p, updates[p.id]) for p in periods if p.start_date < period.start_date
                             and p.id in updates and p.id not in signed_off and update_started(updates[p.id])]
            break
        removable.insert(0, update)
        choices.insert(0, RetirementChoice(str(period.id), period, period.start_date, tuple(removable)))
    return Retirement(
        choices=choices,
        latest=latest,
        latest_update=updates.get(latest.id) if latest else None,
        latest_opened=latest is not None and latest.id in opened,
        reporting_in=sorted(reporting_in, key=lambda pair: pair[0].start_date),
    )


def retire_workstream(workstream: Workstream, user: User | None, retire_from: str) -> RetirementChoice:
    """Retire the workstream from the chosen period (a period's id, or NEXT_PERIOD), removing its drafts not
    started there and in later periods."""
    lock_programme(workstream.programme)
    if workstream.is_retired:
        raise NotNow({"": f"{workstream.title} is already retired."})
    drafts = db.session.scalars(
        sa.select(WorkstreamUpdate).join(ReportingPeriod).where(WorkstreamUpdate.workstream_id == workstream.id)
        .order_by(ReportingPeriod.start_date)
    ).all()
    for draft in drafts:
        if draft.state is UpdateState.DRAFT:
            # Drafts a project manager may be saving: decided on what is stored once theirs are done.
            lock_for_decision(draft)
    forget_periods()
    chosen = next((c for c in retirement(workstream).choices if c.value == retire_from), None)
    if chosen is None:
        raise Refused({"retire_from": _why_not(workstream, retire_from)})
    for draft in chosen.drafts_removed:
        audit.record("remove_draft", draft, actor=user, from_state=draft.state.name,
                     comment=f"{workstream.title} was retired from this period before its draft was started")
        db.session.delete(draft)
    workstream.retired_from = chosen.retired_from
    db.session.flush()
    audit.record(
        "retire_workstream", workstream, actor=user, workstream_id=workstream.id, changed_fields=["retired_from"],
        comment=f"Retired from {chosen.period.label}" if chosen.period else "Retired from the next period",
    )
    return chosen


def _why_not(workstream: Workstream, retire_from: str) -> str:
    """Why the workstream cannot be retired from the period asked for."""
    period = next((p for p in calendar_periods(workstream.programme_id) if str(p.id) == retire_from), None)
    if period is None:
        return "Select the period it stops reporting in"
    update = db.session.scalar(sa.select(WorkstreamUpdate).where(
        WorkstreamUpdate.workstream_id == workstream.id, WorkstreamUpdate.period_id == period.id))
    if period.id in signed_off_period_ids():
        return f"{period.label} is signed off{f' with {workstream.title} in it' if update else ''}: select a later period"
    if update is None:
        return f"{workstream.title} has no update in {period.label}: retire it from the next period"
    why = "its update there has been worked on" if update_started(update) else (
        "it reports in a later period, where its update has been worked on"
    )
    return f"{workstream.title} must report in {period.label}: {why}. Retire it from the next period instead"


def reactivate_workstream(workstream: Workstream, user: User | None) -> None:
    """Bring the workstream back: it reports again from the next period opened."""
    lock_programme(workstream.programme)
    if not workstream.is_retired:
        raise NotNow({"": f"{workstream.title} is not retired."})
    workstream.retired_from = None
    db.session.flush()
    audit.record("reactivate_workstream", workstream, actor=user, workstream_id=workstream.id,
                 changed_fields=["retired_from"])
