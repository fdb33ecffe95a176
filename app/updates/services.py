"""Saving a draft highlight report, and the workstream details its project managers keep current.

A draft is saved as a flat map of named values (the text sections, the proposed rating, each milestone's
status and note, and the workstream's forecast date, description and outcomes). The editor sends what the
person started from with what they typed, so a save made while someone else saved first is merged field
by field: nobody's text is overwritten without them seeing it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm.attributes import flag_modified

from app import audit
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.models import RAG, MilestoneStatus, User, Workstream, WorkstreamOutcome, WorkstreamUpdate
from app.updates.merge import Merge, three_way
from app.workflow import edit_refusal, refused_by_the_database

TEXT_FIELDS = ("key_activities", "engagement", "concerns", "rag_rationale", "rag_change_reason")
WORKSTREAM_FIELDS = ("forecast_completion_date", "workstream_description", "outcomes")


def milestone_field(position: int, name: str) -> str:
    return f"milestones-{position}-{name}"


def outcomes_as_text(workstream: Workstream) -> str:
    """One outcome a line; a group heading is its own line ending with a colon."""
    lines, heading = [], None
    for outcome in workstream.outcomes:
        if outcome.heading and outcome.heading != heading:
            lines.append(f"{outcome.heading}:")
        heading = outcome.heading
        lines.append(outcome.text)
    return "\n".join(lines)


def outcomes_from_text(text: str) -> list[tuple[str | None, str]]:
    outcomes, heading = [], None
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if line.endswith(":"):
            heading = line[:-1].strip()
        else:
            outcomes.append((heading, line.removeprefix("- ").strip()))
    return outcomes


def draft_fields(update: WorkstreamUpdate) -> dict[str, str]:
    """Everything the editor's main form saves, as strings."""
    fields = {name: getattr(update, name) for name in TEXT_FIELDS}
    fields["proposed_rag"] = update.proposed_rag.name if update.proposed_rag else ""
    for position, milestone in enumerate(update.milestones_this_period):
        fields[milestone_field(position, "status")] = milestone.status.name if milestone.status else ""
        fields[milestone_field(position, "status_note")] = milestone.status_note
    workstream = update.workstream
    forecast = workstream.forecast_completion_date
    fields["forecast_completion_date"] = forecast.isoformat() if forecast else ""
    fields["workstream_description"] = workstream.description
    fields["outcomes"] = outcomes_as_text(workstream)
    return fields


@dataclasses.dataclass(frozen=True)
class SaveResult:
    changed: list[str]
    merge: Merge | None = None

    @property
    def conflicts(self) -> dict[str, tuple[str, str]]:
        return self.merge.conflicts if self.merge else {}


def save_draft(
    update: WorkstreamUpdate,
    user: User,
    version: int | None,
    base: dict[str, str],
    mine: dict[str, str],
) -> SaveResult:
    """Save what the person typed. If the draft changed since they opened it (another version), merge:
    their untouched fields take the newer values, and fields both changed are returned as conflicts
    without saving anything."""
    # Decided on the locked row, read afresh with its milestones and workstream: a submit, a return or a
    # sign-off that won the race is seen here, and so is a save that came first.
    lock_for_decision(update, with_workstream=True)
    refused = edit_refusal(update, user)
    if refused is not None:
        raise refused
    with refused_by_the_database():
        return _save(update, user, version, base, mine)


def _save(update, user, version, base, mine) -> SaveResult:
    stored = draft_fields(update)
    merge = None
    values = {**stored, **{k: v.strip() for k, v in mine.items() if k in stored}}
    if version != update.version:
        merge = three_way(base, values, stored)
        if merge.conflicts:
            return SaveResult([], merge)
        values = merge.values
    changed = [name for name, value in values.items() if value != stored[name]]
    if changed:
        _apply(update, user, values, changed)
    db.session.commit()
    return SaveResult(changed, merge)


def _apply(update: WorkstreamUpdate, user: User, values: dict[str, str], changed: list[str]) -> None:
    for name in TEXT_FIELDS:
        setattr(update, name, values[name])
    update.proposed_rag = RAG.named(values["proposed_rag"])
    for position, milestone in enumerate(update.milestones_this_period):
        status = values[milestone_field(position, "status")]
        milestone.status = MilestoneStatus[status] if status else None
        milestone.status_note = values[milestone_field(position, "status_note")]
    # Milestones are rows of their own: touch the update so its version moves with every save.
    flag_modified(update, "key_activities")
    draft_changes = [name for name in changed if name not in WORKSTREAM_FIELDS]
    workstream_changes = [name for name in changed if name in WORKSTREAM_FIELDS]
    db.session.flush()
    if draft_changes:
        audit.record("edit", update, actor=user, changed_fields=_readable(update, draft_changes))
    if workstream_changes:
        _apply_workstream(update.workstream, values)
        db.session.flush()
        audit.record(
            "edit_workstream",
            update.workstream,
            actor=user,
            changed_fields=workstream_changes,
            workstream_id=update.workstream_id,
            period_id=update.period_id,
        )


def _apply_workstream(workstream: Workstream, values: dict[str, str]) -> None:
    forecast = values["forecast_completion_date"]
    workstream.forecast_completion_date = dt.date.fromisoformat(forecast) if forecast else None
    workstream.description = values["workstream_description"]
    wanted = outcomes_from_text(values["outcomes"])
    if wanted != [(o.heading, o.text) for o in workstream.outcomes]:
        workstream.outcomes = [
            WorkstreamOutcome(position=position, heading=heading, text=text)
            for position, (heading, text) in enumerate(wanted, start=1)
        ]


def _readable(update: WorkstreamUpdate, names: list[str]) -> list[str]:
    """Field names for the audit trail, with milestones named by their reference."""
    references = [m.reference for m in update.milestones_this_period]
    readable = []
    for name in names:
        if name.startswith("milestones-"):
            _, position, part = name.split("-", 2)
            readable.append(f"{references[int(position)]} {part.replace('_', ' ')}")
        else:
            readable.append(name)
    return sorted(set(readable))
