"""The rules of a workstream update, in one place, and the reads they rest on: last period's update and its
agreed rating, when a changed rating needs a reason, what must be there before submission, each workstream's
status in a period and what the update's status panel says.

Beneath the periods, updates and reports packages, which all ask these; views, templates, exports and tests
call the same functions.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import g

from app.extensions import db
from app.models import RAG, ReportingPeriod, UpdateState, User, Workstream, WorkstreamUpdate
from app.period_queries import previous_period, updates_by_workstream, workstreams_reporting_in


# --- Last period ---------------------------------------------------------------------------------------


def previous_update(update: WorkstreamUpdate) -> WorkstreamUpdate | None:
    """The same workstream's update in the period before (read once a request)."""
    cache = g.setdefault("previous_updates", {})
    if update.id not in cache:
        previous = previous_period(update.period)
        cache[update.id] = previous and db.session.scalar(
            sa.select(WorkstreamUpdate).where(
                WorkstreamUpdate.workstream_id == update.workstream_id, WorkstreamUpdate.period_id == previous.id
            )
        )
    return cache[update.id]


def approved_previous_update(update: WorkstreamUpdate) -> WorkstreamUpdate | None:
    """Last period's update when its sponsor approved it: what this period's rating is weighed against."""
    previous = previous_update(update)
    return previous if previous is not None and previous.state is UpdateState.APPROVED else None


def agreed_rating(update: WorkstreamUpdate | None) -> RAG | None:
    """The rating the sponsor agreed for the update (None for no update, or none agreed yet)."""
    return update.agreed_rag if update is not None else None


def last_agreed_rating(update: WorkstreamUpdate) -> RAG | None:
    """The rating the sponsor agreed for this workstream in the previous period."""
    return agreed_rating(previous_update(update))


# --- Rating and completeness ------------------------------------------------------------------------------


def rating_to_agree(update: WorkstreamUpdate, chosen: RAG | str | None) -> RAG | None:
    """The rating an approval agrees: the sponsor's choice, else the one the project manager proposed."""
    return RAG.named(chosen) or update.proposed_rag


def rating_change_needs_reason(proposed: RAG | None, last_agreed: RAG | None) -> bool:
    """A proposed rating that differs from last period's agreed one must say why it changed."""
    return proposed is not None and last_agreed is not None and proposed is not last_agreed


TEXT_SECTIONS = {
    "key_activities": "Enter the key activities this period",
    "engagement": "Enter the engagement this period",
    "concerns": "Enter the concerns and issues, or say there are none",
    "rag_rationale": "Enter the rationale for the RAG rating",
}


def submission_problems(update: WorkstreamUpdate) -> dict[str, str]:
    """{field id: message} for everything missing; empty when the update is complete."""
    problems = {field: message for field, message in TEXT_SECTIONS.items() if not getattr(update, field).strip()}
    if update.proposed_rag is None:
        problems["proposed_rag"] = "Select a RAG rating"
    else:
        last = last_agreed_rating(update)
        if rating_change_needs_reason(update.proposed_rag, last) and not update.rag_change_reason.strip():
            problems["rag_change_reason"] = (
                f"Enter the reason the rating changed from {last.label} to {update.proposed_rag.label}"
            )
    for position, milestone in enumerate(update.milestones_this_period, start=1):
        if milestone.status is None:
            problems[f"milestones-{position - 1}-status"] = f"Select a status for milestone {milestone.reference}"
        elif milestone.status.needs_note and not milestone.status_note.strip():
            problems[f"milestones-{position - 1}-status_note"] = (
                f"Explain the status of milestone {milestone.reference} ({milestone.status.label.lower()})"
            )
    return problems


# --- Each workstream's status in a period --------------------------------------------------------------------


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


def period_status(period: ReportingPeriod, with_content: bool = False) -> list[WorkstreamStatus]:
    """Each workstream's update this period with its rating this and last period: the workstreams with an
    update in the period (a retired one stays in the periods it reported in, and is in no later one).

    `with_content` also loads everything a report shows (milestones, risks, people, outcomes)."""
    this_period = updates_by_workstream(period, with_content)
    last_period = updates_by_workstream(previous_period(period))
    rows = []
    for workstream in workstreams_reporting_in([period.id], with_outcomes=with_content):
        update = this_period.get(workstream.id)
        previous = last_period.get(workstream.id)
        rows.append(
            WorkstreamStatus(
                workstream=workstream,
                update=update,
                rag_this_period=update.rating if update else None,
                rag_last_period=agreed_rating(previous),
            )
        )
    return rows


# --- What the status panel says --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StatusPanel:
    """What the update page's status panel shows besides the state and the forms."""

    signed_off: bool
    holders: list[User]
    # Approved and waiting for CMT, by whom it was approved ("" when no approver is recorded).
    waiting_for_sign_off: bool
    approved_by: str
    return_reason: str
    comparable_with_last_period: bool


def standing_return_reason(update: WorkstreamUpdate) -> str:
    """The sponsor's reasons while the update is back with its project manager ("" otherwise)."""
    return update.return_reason if update.state is UpdateState.RETURNED else ""


def status_panel(update: WorkstreamUpdate, holders: list[User], signed_off: bool) -> StatusPanel:
    return StatusPanel(
        signed_off=signed_off,
        holders=holders,
        waiting_for_sign_off=update.state is UpdateState.APPROVED,
        approved_by=update.approved_by.name if update.approved_by else "",
        return_reason=standing_return_reason(update),
        comparable_with_last_period=update.state in (UpdateState.SUBMITTED, UpdateState.APPROVED),
    )
