"""The approval workflow, declared as tables.

Each transition names the states it leaves from, the state it leads to, the roles that may fire it, the
inputs it must capture and the rules it checks. Everything else asks these tables: permissions (which
buttons to show), who holds an update now, the routes (through `perform`) and the tests, which walk them.

Workstream roles (project manager, sponsor, PMO support) count only for the object's own workstream;
programme roles (CMT member) count across their own programme. Nothing moves once its period's latest revision is
signed off.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.models import (
    ProgrammeReport,
    ReportState,
    Role,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.reports.queries import forget_cached_reads, latest_report
from app.update_rules import period_status, rating_to_agree, submission_problems

log = logging.getLogger("waymark.workflow")

# What the sign-off guard's triggers raise (migrations/versions/0002_outbox_and_locks.py).
SIGNED_OFF_GUARD_MESSAGE = "waymark: the period is signed off and locked"
CHANGED_MEANWHILE = "It changed while you were looking at it. Reload the page to see the latest version."
SIGNED_OFF_REFUSAL = "The period is signed off and locked. A CMT member can reopen it as a new revision."


class WorkflowError(Exception):
    """A refused action. `status` is the HTTP status a route answers with."""

    status = 409

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotAllowed(WorkflowError):
    status = 403


class WrongState(WorkflowError):
    status = 409


class SignedOff(WorkflowError):
    status = 409


class InvalidInput(WorkflowError):
    status = 422


class Conflict(WorkflowError):
    """The object changed since the person opened it."""

    status = 409


class Unready(WorkflowError):
    """What the transition needs of the rest of the programme is not there (yet, or any more)."""

    status = 409


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple
    target: object
    roles: tuple[Role, ...]
    label: str
    # Inputs that must be given, with the message shown beside the empty field.
    requires: dict[str, str] = dataclasses.field(default_factory=dict)
    # Further rules on the inputs: each returns {field: message} for what stops the transition (empty when none).
    checks: tuple[Callable, ...] = ()
    # What must hold of the object and the rest of the period, checked under the decision's locks. Any
    # failing refuses the transition as a conflict with the state of things (409), each with its message.
    prerequisites: tuple[Callable, ...] = ()
    # People the transition stops (NotAllowed) with its message, whatever their roles.
    excludes: Callable | None = None
    # Only reopening acts on a signed-off report.
    acts_on_signed_off: bool = False
    # Whether the roles that may fire it hold the object meanwhile (a return is a way back, not a hold).
    holds: bool = True
    # Work to start once the transition is committed, given the changed object.
    after_commit: Callable | None = None


# --- Rules the transitions check -------------------------------------------------------------------------


def _submission_problems(update: WorkstreamUpdate, _user: User, _inputs: dict) -> dict[str, str]:
    return submission_problems(update)


def _agreed_rating_justified(update: WorkstreamUpdate, _user: User, inputs: dict) -> dict[str, str]:
    agreed = rating_to_agree(update, inputs.get("agreed_rag"))
    if agreed is not update.proposed_rag and not (inputs.get("agreed_rag_justification") or "").strip():
        return {"agreed_rag_justification": "Explain why you are agreeing a different rating from the one proposed"}
    return {}


def _submitter_cannot_approve(update: WorkstreamUpdate, user: User) -> str | None:
    if update.completed_by_id == user.id:
        return "You submitted this update, so someone else must approve it."
    return None


def prebuild_after_sign_off(report: ProgrammeReport) -> None:
    from app.reports.exports import prebuild_after_sign_off as prebuild

    prebuild(report)


def _every_update_approved(report: ProgrammeReport, _user: User, _inputs: dict) -> dict[str, str]:
    waiting = [row.workstream.title for row in period_status(report.period) if not row.rating_is_agreed]
    if waiting:
        return {"updates": "Every workstream update must be approved first. Still waiting: " + ", ".join(waiting)}
    return {}


def _overview_written(report: ProgrammeReport, _user: User, _inputs: dict) -> dict[str, str]:
    if not report.overview.strip():
        return {"overview": "The lead executive director must write the programme overview first"}
    return {}


def _workstreams_named(_report: ProgrammeReport, _user: User, inputs: dict) -> dict[str, str]:
    if not inputs.get("workstream_ids"):
        return {"workstream_ids": "Select the workstreams whose updates need to change"}
    return {}


UPDATE_TRANSITIONS = (
    Transition(
        "submit",
        (UpdateState.DRAFT, UpdateState.RETURNED),
        UpdateState.SUBMITTED,
        (Role.PROJECT_MANAGER, Role.PMO_SUPPORT),
        "Submit to sponsor",
        checks=(_submission_problems,),
    ),
    Transition(
        "return",
        (UpdateState.SUBMITTED, UpdateState.APPROVED),
        UpdateState.RETURNED,
        (Role.SPONSOR, Role.CMT_MEMBER),
        "Return to project manager",
        requires={"reason": "Enter the reasons for returning the update"},
        holds=False,
    ),
    Transition(
        "approve",
        (UpdateState.SUBMITTED,),
        UpdateState.APPROVED,
        (Role.SPONSOR,),
        "Approve",
        requires={"sponsor_comments": "Enter your sponsor comments"},
        checks=(_agreed_rating_justified,),
        excludes=_submitter_cannot_approve,
    ),
)

REPORT_TRANSITIONS = (
    Transition(
        "sign_off",
        (ReportState.OPEN, ReportState.REOPENED),
        ReportState.SIGNED_OFF,
        (Role.CMT_MEMBER,),
        "Sign off and lock the report",
        requires={"cmt_meeting_date": "Enter the date of the CMT meeting that signed the report off"},
        prerequisites=(_every_update_approved, _overview_written),
        after_commit=prebuild_after_sign_off,
    ),
    Transition(
        "reopen",
        (ReportState.SIGNED_OFF,),
        ReportState.REOPENED,
        (Role.CMT_MEMBER,),
        "Reopen as a new revision",
        requires={"reason": "Enter the reason for reopening the report"},
        checks=(_workstreams_named,),
        acts_on_signed_off=True,
    ),
)

TRANSITIONS = {t.action: t for t in UPDATE_TRANSITIONS + REPORT_TRANSITIONS}

# Who may edit content between transitions, and in which states.
EDITING = {
    WorkstreamUpdate: ((UpdateState.DRAFT, UpdateState.RETURNED), (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)),
    ProgrammeReport: ((ReportState.OPEN, ReportState.REOPENED), (Role.LEAD_DIRECTOR,)),
}


# --- Questions the table answers ---------------------------------------------------------------------------


def transitions_from(state) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def holder_roles(update: WorkstreamUpdate | None) -> tuple[Role, ...]:
    """The workstream roles whose move it is, in the table's order."""
    state = update.state if update else UpdateState.DRAFT
    roles: list[Role] = []
    for transition in transitions_from(state):
        if transition.holds:
            roles.extend(r for r in transition.roles if r.is_workstream_role and r not in roles)
    return tuple(roles)


def holders(update: WorkstreamUpdate) -> list[User]:
    """The people who hold the update now: the first role in the table that somebody on the workstream has."""
    for role in holder_roles(update):
        people = update.workstream.people_with(role)
        if people:
            return people
    return []


def holds_role(user: User, roles: tuple[Role, ...], workstream_id: int | None, programme_id: int) -> bool:
    for role in roles:
        if role.is_workstream_role:
            if workstream_id is not None and role in user.roles_for(workstream_id):
                return True
        elif user.has_role(role, programme_id):
            return True
    return False


def period_signed_off(target) -> bool:
    """True when the period the update or report belongs to has its latest revision signed off."""
    if isinstance(target, ProgrammeReport):
        latest = latest_report(target.period)
        return target.state is ReportState.SIGNED_OFF or (latest is not None and latest.id != target.id)
    report = latest_report(target.period)
    return report is not None and report.is_signed_off


def refusal(action: str, target, user: User) -> WorkflowError | None:
    """Why `user` may not fire `action` on `target` now (role, state, sign-off), or None if they may.

    Inputs and content rules are checked only when the action is performed.
    """
    transition = TRANSITIONS[action]
    workstream_id = getattr(target, "workstream_id", None)
    if not holds_role(user, transition.roles, workstream_id, target.period.programme_id):
        return NotAllowed("Your roles do not allow you to do this.")
    superseded = superseded_refusal(target)
    if superseded is not None:
        return superseded
    if target.state not in transition.sources:
        return WrongState(f"This cannot be done while it is {target.state.label.lower()}.")
    if not transition.acts_on_signed_off and period_signed_off(target):
        return SignedOff(SIGNED_OFF_REFUSAL)
    if transition.excludes is not None:
        message = transition.excludes(target, user)
        if message:
            return NotAllowed(message)
    return None


def superseded_refusal(target) -> WorkflowError | None:
    """For a report revision that is no longer the period's latest (a reopening came first), the refusal."""
    if not isinstance(target, ProgrammeReport):
        return None
    latest = latest_report(target.period)
    if latest is None or latest.id == target.id:
        return None
    return WrongState(f"Revision {target.revision} has been followed by revision {latest.revision}. "
                      "Reload the page to see the latest revision.")


def may(action: str, target, user: User) -> bool:
    return refusal(action, target, user) is None


def edit_refusal(target, user: User) -> WorkflowError | None:
    """Why `user` may not edit the update's content or the report's overview now, or None if they may."""
    states, _roles = EDITING[type(target)]
    not_theirs = editor_role_refusal(target, user)
    if not_theirs is not None:
        return not_theirs
    if period_signed_off(target):
        return SignedOff(SIGNED_OFF_REFUSAL)
    if target.state not in states:
        return WrongState(f"This cannot be edited while it is {target.state.label.lower()}.")
    return superseded_refusal(target)


def editor_role_refusal(target, user: User) -> NotAllowed | None:
    """Whether `user` is anyone who could edit it at all, whatever its state (which a save decides under
    its lock)."""
    _states, roles = EDITING[type(target)]
    if not holds_role(user, roles, getattr(target, "workstream_id", None), target.period.programme_id):
        return NotAllowed("Your roles do not allow you to edit this.")
    return None


def unmet_prerequisites(action: str, target, user: User) -> dict[str, str]:
    """What the rest of the programme still lacks for the action (e.g. updates not yet approved)."""
    return _failures(TRANSITIONS[action].prerequisites, target, user, {})


def problems(action: str, target, user: User, inputs: dict) -> dict[str, str]:
    """What stops the action with these inputs: missing required inputs and the transition's rules on them."""
    transition = TRANSITIONS[action]
    errors: dict[str, str] = {}
    for field, message in transition.requires.items():
        if inputs.get(field) is None or (isinstance(inputs.get(field), str) and not inputs[field].strip()):
            errors.setdefault(field, message)
    for field, message in _failures(transition.checks, target, user, inputs).items():
        errors.setdefault(field, message)
    return errors


def _failures(rules, target, user: User, inputs: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for rule in rules:
        for field, message in rule(target, user, inputs).items():
            errors.setdefault(field, message)
    return errors


def perform(action: str, target, user: User, version: int | None = None, **inputs):
    """Fire a transition: check who, when and what, apply it, audit it and queue its emails, in one commit.

    `version` is the version of the object the person was looking at; a stale one is refused so nobody
    acts on something that changed under them. Returns the object whose state changed (for reopen, the
    new revision).
    """
    from app import notifications
    from app.workflow_actions import APPLY

    transition = TRANSITIONS[action]
    # Everything below decides on rows locked for this decision and read afresh: a concurrent transition
    # either finished before (and is seen) or waits until this one commits.
    lock_for_decision(target)
    refused = refusal(action, target, user)
    if refused is not None:
        raise refused
    if version is not None and version != target.version:
        raise Conflict(CHANGED_MEANWHILE)
    unmet = unmet_prerequisites(action, target, user)
    if unmet:
        raise Unready(" ".join(unmet.values()), unmet)
    errors = problems(action, target, user, inputs)
    if errors:
        raise InvalidInput("Check the information you gave.", errors)
    from_state = target.state
    with refused_by_the_database():
        changed = APPLY[action](target, user, **inputs)
        db.session.flush()
        audit.record(
            action,
            changed,
            actor=user,
            from_state=from_state.name,
            to_state=transition.target.name,
            comment=_audit_comment(inputs),
            changed_fields=sorted(k for k, v in inputs.items() if v not in (None, "", [])),
            period_id=changed.period_id,
        )
        db.session.commit()
    log.info(
        "transition",
        extra={"action": action, "object": f"{type(changed).__name__} {changed.id}", "from_state": from_state.name,
               "to_state": transition.target.name, "user_id": user.id},
    )
    forget_cached_reads()
    notifications.deliver_pending()
    if transition.after_commit is not None:
        transition.after_commit(changed)
    return changed


@contextlib.contextmanager
def refused_by_the_database():
    """Turn what the database refuses at write time into the refusal a person understands, after rolling
    back. With the decision's locks none of these should happen; they are the last line, not the rule."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from None
    except sa.exc.DBAPIError as error:
        # The guard's refusal reaches SQLite as an IntegrityError, PostgreSQL as an InternalError.
        if is_signed_off_guard_refusal(error):
            db.session.rollback()
            raise SignedOff(SIGNED_OFF_REFUSAL) from None
        if isinstance(error, sa.exc.IntegrityError):
            # e.g. two new revisions of one period: the unique (period, revision) pair holds.
            db.session.rollback()
            raise Conflict(CHANGED_MEANWHILE) from None
        raise


def is_signed_off_guard_refusal(error: Exception) -> bool:
    """Whether a database error is the sign-off guard's trigger refusing a change to a signed-off period."""
    return SIGNED_OFF_GUARD_MESSAGE in str(getattr(error, "orig", error))


def _audit_comment(inputs: dict) -> str:
    for field in ("reason", "sponsor_comments"):
        if inputs.get(field):
            return inputs[field].strip()
    if isinstance(inputs.get("cmt_meeting_date"), dt.date):
        return f"CMT meeting of {inputs['cmt_meeting_date']:%-d %B %Y}"
    return ""
