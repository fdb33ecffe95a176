"""The PMO's workstream set-up: creating and editing workstreams, and their order (retiring and re-activating
them is app/workstreams/retirement.py). The rules live here; the routes and `flask workstreams ...` both call
these. Each change is audited; they flush, and the caller commits.

Codes: 2 to 8 capital letters or digits, unique within the programme, and fixed once the workstream is in a
signed-off report, since the references of its milestones and risks (PRC-M07) are made from it and the packs
quote them. Before that a new code renames the references of its rows with it.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import audit
from app.decision_locks import lock_programme
from app.extensions import db
from app.forms import LONG_TEXT
from app.input_rules import ChangedMeanwhile, NotNow, PatternRule, Refused, TextRule, problems
from app.models import Milestone, Programme, Risk, User, Workstream, WorkstreamOutcome, WorkstreamUpdate
from app.models.reports import SignedOffSection
from app.period_queries import programme_workstreams
from app.reports.content import fingerprint
from app.updates.services import outcomes_as_text, outcomes_from_text

CODE_PATTERN = r"[A-Z0-9]{2,8}"
HEADING_LENGTH = 200
RULES = {
    "code": PatternRule(
        CODE_PATTERN,
        missing="Enter a code for the workstream",
        wrong="The code must be 2 to 8 capital letters or digits, like GOV",
    ),
    "title": TextRule("The workstream's name", 200, missing="Enter the workstream's name"),
    "description": TextRule("The description", LONG_TEXT),
    "outcomes": TextRule("The outcomes", LONG_TEXT),
}
FIELDS = ("code", "title", "description", "outcomes", "agreed_completion_date", "forecast_completion_date")


def workstream_values(workstream: Workstream) -> dict:
    """What the PMO edits of a workstream, as the form holds it (the outcomes as lines of text)."""
    return {
        "code": workstream.code,
        "title": workstream.title,
        "description": workstream.description,
        "outcomes": outcomes_as_text(workstream),
        "agreed_completion_date": workstream.agreed_completion_date,
        "forecast_completion_date": workstream.forecast_completion_date,
    }


def workstream_fingerprint(workstream: Workstream) -> str:
    """What the edit page was based on: project managers change the description, outcomes and forecast too."""
    values = workstream_values(workstream)
    return fingerprint({name: value.isoformat() if isinstance(value, dt.date) else value for name, value in values.items()})


def _cleaned(values: dict) -> dict:
    cleaned = {name: values.get(name) for name in FIELDS}
    for name in ("code", "title", "description", "outcomes"):
        value = cleaned[name]
        cleaned[name] = value.strip() if isinstance(value, str) else ""
    cleaned["code"] = cleaned["code"].upper()
    return cleaned


def _problems(values: dict) -> dict[str, str]:
    errors = problems(RULES, values)
    if "outcomes" not in errors and any(
        heading and len(heading) > HEADING_LENGTH for heading, _text in outcomes_from_text(values["outcomes"])
    ):
        errors["outcomes"] = f"Each heading must be {HEADING_LENGTH} characters or fewer"
    return errors


def code_taken(programme_id: int, code: str, workstream: Workstream | None = None) -> str | None:
    other = db.session.scalar(
        sa.select(Workstream.title).where(
            Workstream.programme_id == programme_id,
            Workstream.code == code,
            Workstream.id != (workstream.id if workstream is not None else -1),
        )
    )
    return f"{other} already has the code {code}: each workstream of a programme has its own" if other else None


def in_signed_off_report(workstream: Workstream) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(SignedOffSection.workstream_id == workstream.id))
    )


def code_frozen_reason(workstream: Workstream) -> str | None:
    """Why the code cannot change now, or None while it can."""
    if workstream.id is None or not in_signed_off_report(workstream):
        return None
    return (
        f"The code cannot change: {workstream.title} is in a signed-off programme report, whose references "
        f"(like {workstream.code}-M01) are made from it"
    )


def _outcomes(text: str) -> list[WorkstreamOutcome]:
    return [
        WorkstreamOutcome(position=position, heading=heading, text=outcome)
        for position, (heading, outcome) in enumerate(outcomes_from_text(text), start=1)
    ]


# --- Creating and editing ---------------------------------------------------------------------------------


def create_workstream(programme: Programme, user: User | None, values: dict) -> Workstream:
    """A new workstream, last in the programme's order. It reports from the next period opened."""
    values = _cleaned(values)
    errors = _problems(values)
    if errors:
        raise Refused(errors)
    lock_programme(programme)
    if taken := code_taken(programme.id, values["code"]):
        raise Refused({"code": taken})
    last = db.session.scalar(sa.select(sa.func.max(Workstream.display_order)).where(Workstream.programme_id == programme.id))
    workstream = Workstream(
        programme=programme,
        code=values["code"],
        title=values["title"],
        description=values["description"],
        agreed_completion_date=values["agreed_completion_date"],
        forecast_completion_date=values["forecast_completion_date"],
        display_order=(last or 0) + 1,
        outcomes=_outcomes(values["outcomes"]),
    )
    db.session.add(workstream)
    db.session.flush()
    audit.record(
        "create_workstream", workstream, actor=user, workstream_id=workstream.id, comment=workstream.code,
        changed_fields=[name for name in FIELDS if values[name]],
    )
    return workstream


def _reread(workstream: Workstream) -> None:
    """The workstream as stored now, once the programme is locked (PostgreSQL: a statement after the lock)."""
    db.session.execute(
        sa.select(Workstream)
        .where(Workstream.id == workstream.id)
        .options(selectinload(Workstream.outcomes))
        .with_for_update(of=Workstream)
        .execution_options(populate_existing=True)
    ).all()


def edit_workstream(workstream: Workstream, user: User | None, values: dict, based_on: str | None) -> list[str]:
    """Save what the PMO changed; the names of the fields that changed. `based_on` is the fingerprint of the
    workstream when the page was opened (None from the command line: change only the fields given, leaving the
    others as they are stored)."""
    given = dict(values)
    errors = _problems(_cleaned({**workstream_values(workstream), **given}))
    if errors:
        raise Refused(errors)
    lock_programme(workstream.programme)
    _reread(workstream)
    if based_on is not None and based_on != workstream_fingerprint(workstream):
        raise ChangedMeanwhile({"": f"Someone else changed {workstream.title} after you opened it."})
    values = _cleaned({**workstream_values(workstream), **given})
    current = workstream_values(workstream)
    changed = [name for name in FIELDS if values[name] != current[name]]
    if "outcomes" in changed and outcomes_from_text(values["outcomes"]) == outcomes_from_text(current["outcomes"]):
        changed.remove("outcomes")  # only the layout of the text differs
    old_code = workstream.code
    if "code" in changed:
        if reason := code_frozen_reason(workstream):
            raise Refused({"code": reason})
        if taken := code_taken(workstream.programme_id, values["code"], workstream):
            raise Refused({"code": taken})
        _rename_references(workstream, old_code, values["code"])
    for name in changed:
        if name == "outcomes":
            workstream.outcomes = _outcomes(values["outcomes"])
        else:
            setattr(workstream, name, values[name])
    if changed:
        db.session.flush()
        audit.record(
            "change_workstream", workstream, actor=user, workstream_id=workstream.id, changed_fields=changed,
            comment=f"{old_code} is now {workstream.code}" if "code" in changed else workstream.code,
        )
    return changed


def _rename_references(workstream: Workstream, old: str, new: str) -> None:
    """The workstream's milestones and risks take the new code (none is in a signed-off report yet)."""
    for model in (Milestone, Risk):
        rows = db.session.scalars(
            sa.select(model)
            .join(WorkstreamUpdate, model.update_id == WorkstreamUpdate.id)
            .where(WorkstreamUpdate.workstream_id == workstream.id)
        )
        for row in rows:
            if row.reference.startswith(f"{old}-"):
                row.reference = new + row.reference[len(old):]


# --- Order ------------------------------------------------------------------------------------------------


def move_workstream(workstream: Workstream, user: User | None, direction: str) -> bool:
    """Move the workstream one place up or down among those not retired; False when it is already at that end."""
    lock_programme(workstream.programme)
    if workstream.is_retired:
        raise NotNow({"": f"{workstream.title} is retired: it keeps its place. Re-activate it to move it."})
    everyone = programme_workstreams(workstream.programme_id)
    current = [w for w in everyone if not w.is_retired]
    index = current.index(workstream)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(current):
        return False
    here, there = everyone.index(workstream), everyone.index(current[neighbour])
    everyone[here], everyone[there] = everyone[there], everyone[here]
    for position, each in enumerate(everyone, start=1):
        each.display_order = position
    db.session.flush()
    audit.record("move_workstream", workstream, actor=user, workstream_id=workstream.id, comment=direction,
                 changed_fields=["display_order"])
    return True
