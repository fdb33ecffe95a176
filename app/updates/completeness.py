"""What an update must hold before it can be submitted to the sponsor."""
from __future__ import annotations

from app.models import RAG, WorkstreamUpdate
from app.periods.queries import previous_update

TEXT_SECTIONS = {
    "key_activities": "Enter the key activities this period",
    "engagement": "Enter the engagement this period",
    "concerns": "Enter the concerns and issues, or say there are none",
    "rag_rationale": "Enter the rationale for the RAG rating",
}


def last_agreed_rag(update: WorkstreamUpdate) -> RAG | None:
    """The rating the sponsor agreed for this workstream in the previous period."""
    previous = previous_update(update)
    return previous.agreed_rag if previous else None


def submission_problems(update: WorkstreamUpdate) -> dict[str, str]:
    """{field id: message} for everything missing; empty when the update is complete."""
    problems = {field: message for field, message in TEXT_SECTIONS.items() if not getattr(update, field).strip()}
    if update.proposed_rag is None:
        problems["proposed_rag"] = "Select a RAG rating"
    else:
        last = last_agreed_rag(update)
        if last is not None and update.proposed_rag is not last and not update.rag_change_reason.strip():
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
