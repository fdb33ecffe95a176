"""The draft's editable lists: milestones planned for next period and risks. Rows are added, edited,
removed and reordered one at a time; each change is audited. An edit states the text it started from,
so two people changing the same row never overwrite each other unseen."""
from __future__ import annotations

import dataclasses
import re

import sqlalchemy as sa

from app import audit
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.models import Milestone, MilestoneKind, Risk, RiskStatus, User, WorkstreamUpdate
from app.workflow import Conflict, WorkflowError, edit_refusal


@dataclasses.dataclass(frozen=True)
class RowList:
    """One of the draft's lists: its URL name, model, reference letter and editable fields."""

    name: str
    label: str
    model: type
    letter: str
    fields: tuple[str, ...]

    def rows(self, update: WorkstreamUpdate) -> list:
        return update.milestones_next_period if self.model is Milestone else update.risks_in_order

    def collection(self, update: WorkstreamUpdate) -> list:
        return update.milestones if self.model is Milestone else update.risks

    def new_row(self, update: WorkstreamUpdate, **values):
        if self.model is Milestone:
            return Milestone(update=update, kind=MilestoneKind.NEXT_PERIOD, **values)
        return Risk(update=update, status=RiskStatus.OPEN, **values)


NEXT_MILESTONES = RowList("next-milestones", "milestone", Milestone, "M", ("description",))
RISKS = RowList("risks", "risk", Risk, "R", ("description", "mitigation"))
ROW_LISTS = {rows.name: rows for rows in (NEXT_MILESTONES, RISKS)}


class RowGone(WorkflowError):
    status = 404


def _check(update: WorkstreamUpdate, user: User) -> None:
    """Lock the draft for this change and decide, on what is stored now, whether the person may make it."""
    lock_for_decision(update)
    refused = edit_refusal(update, user)
    if refused is not None:
        raise refused


def find_row(kind: RowList, update: WorkstreamUpdate, row_id: int):
    for row in kind.rows(update):
        if row.id == row_id:
            return row
    raise RowGone(f"That {kind.label} is no longer in the draft: someone may have removed it.")


def next_reference(kind: RowList, update: WorkstreamUpdate) -> str:
    """The workstream's next unused reference, e.g. PRC-M12, counting every period's rows."""
    prefix = f"{update.workstream.code}-{kind.letter}"
    references = db.session.scalars(
        sa.select(kind.model.reference)
        .join(WorkstreamUpdate, kind.model.update_id == WorkstreamUpdate.id)
        .where(WorkstreamUpdate.workstream_id == update.workstream_id, kind.model.reference.like(f"{prefix}%"))
    )
    numbers = [int(m.group(1)) for r in references if (m := re.fullmatch(rf"{re.escape(prefix)}(\d+)", r))]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def carried_references(kind: RowList, update: WorkstreamUpdate) -> set[str]:
    """The references of the update's rows that appear in an earlier period (closed, not removed)."""
    from app.models import ReportingPeriod

    references = {row.reference for row in kind.rows(update)}
    if not references:
        return set()
    return set(
        db.session.scalars(
            sa.select(kind.model.reference)
            .join(WorkstreamUpdate, kind.model.update_id == WorkstreamUpdate.id)
            .join(ReportingPeriod, WorkstreamUpdate.period_id == ReportingPeriod.id)
            .where(
                WorkstreamUpdate.workstream_id == update.workstream_id,
                ReportingPeriod.start_date < update.period.start_date,
                kind.model.reference.in_(references),
            )
            .distinct()
        )
    )


def carried_risk_ids(update: WorkstreamUpdate) -> set[int]:
    carried = carried_references(RISKS, update)
    return {risk.id for risk in update.risks if risk.reference in carried}


def _record(action: str, row, update: WorkstreamUpdate, user: User, **details) -> None:
    db.session.flush()
    audit.record(
        action,
        row,
        actor=user,
        period_id=update.period_id,
        workstream_id=update.workstream_id,
        comment=row.reference,
        **details,
    )


def add_row(kind: RowList, update: WorkstreamUpdate, user: User, values: dict[str, str]):
    _check(update, user)
    rows = kind.rows(update)
    row = kind.new_row(
        update,
        position=max((r.position for r in rows), default=0) + 1,
        reference=next_reference(kind, update),
        **{field: values[field].strip() for field in kind.fields},
    )
    db.session.add(row)
    _record(f"add_{kind.label}", row, update, user, changed_fields=list(kind.fields))
    db.session.commit()
    return row


def edit_row(kind: RowList, update: WorkstreamUpdate, user: User, row_id: int, values: dict, original: dict):
    """Change a row's text, unless someone else changed it since the person opened it (Conflict)."""
    _check(update, user)
    row = find_row(kind, update, row_id)
    if any(getattr(row, field) != (original.get(field) or "").strip() for field in kind.fields):
        raise Conflict(f"Someone else changed {row.reference} after you opened it.")
    changed = [f for f in kind.fields if getattr(row, f) != values[f].strip()]
    for field in changed:
        setattr(row, field, values[field].strip())
    if changed:
        _record(f"edit_{kind.label}", row, update, user, changed_fields=changed)
    db.session.commit()
    return row


def remove_row(kind: RowList, update: WorkstreamUpdate, user: User, row_id: int) -> None:
    _check(update, user)
    row = find_row(kind, update, row_id)
    if kind is RISKS and row.reference in carried_references(kind, update):
        raise Conflict(f"{row.reference} was reported in an earlier period: close it with a note instead.")
    _record(f"remove_{kind.label}", row, update, user)
    # Taking it out of the update's collection deletes the row (delete-orphan) and keeps the list current.
    kind.collection(update).remove(row)
    db.session.flush()
    _renumber(kind.rows(update))
    db.session.commit()


def move_row(kind: RowList, update: WorkstreamUpdate, user: User, row_id: int, direction: str) -> None:
    _check(update, user)
    row = find_row(kind, update, row_id)
    rows = sorted(kind.rows(update), key=lambda r: r.position)
    index = rows.index(row)
    swap_with = index - 1 if direction == "up" else index + 1
    if 0 <= swap_with < len(rows):
        rows[index], rows[swap_with] = rows[swap_with], rows[index]
        _renumber(rows)
        _record(f"move_{kind.label}", row, update, user, changed_fields=["position"])
    db.session.commit()


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows, start=1):
        row.position = position


def close_risk(update: WorkstreamUpdate, user: User, row_id: int, closure_note: str) -> Risk:
    _check(update, user)
    risk = find_row(RISKS, update, row_id)
    risk.status = RiskStatus.CLOSED
    risk.closure_note = closure_note.strip()
    _record("close_risk", risk, update, user, from_state="OPEN", to_state="CLOSED", changed_fields=["status"])
    db.session.commit()
    return risk


def reopen_risk(update: WorkstreamUpdate, user: User, row_id: int) -> Risk:
    _check(update, user)
    risk = find_row(RISKS, update, row_id)
    if risk.status is RiskStatus.OPEN:
        return risk
    risk.status = RiskStatus.OPEN
    risk.closure_note = ""
    _record("reopen_risk", risk, update, user, from_state="CLOSED", to_state="OPEN", changed_fields=["status"])
    db.session.commit()
    return risk
