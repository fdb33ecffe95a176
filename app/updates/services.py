"""Saving a draft highlight report."""
from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from app import audit
from app.extensions import db
from app.models import RAG, MilestoneStatus, User, WorkstreamUpdate
from app.workflow import Conflict, edit_refusal

TEXT_FIELDS = ("key_activities", "engagement", "concerns", "rag_rationale", "rag_change_reason")


def save_draft(
    update: WorkstreamUpdate,
    user: User,
    version: int | None,
    text: dict[str, str],
    proposed_rag: str | None,
    milestone_statuses: list[tuple[str | None, str]],
) -> list[str]:
    """Store what the person typed, if they were editing the latest version. Returns the changed fields."""
    refused = edit_refusal(update, user)
    if refused is not None:
        raise refused
    if version != update.version:
        raise Conflict("Someone else saved this draft after you opened it.")
    changed = []
    for field in TEXT_FIELDS:
        value = (text.get(field) or "").strip()
        if getattr(update, field) != value:
            setattr(update, field, value)
            changed.append(field)
    rag = RAG[proposed_rag] if proposed_rag else None
    if rag is not update.proposed_rag:
        update.proposed_rag = rag
        changed.append("proposed_rag")
    for milestone, (status_name, note) in zip(update.milestones_this_period, milestone_statuses):
        status = MilestoneStatus[status_name] if status_name else None
        if (milestone.status, milestone.status_note) != (status, note.strip()):
            milestone.status, milestone.status_note = status, note.strip()
            changed.append(f"milestone {milestone.reference}")
    if changed:
        # Milestones are rows of their own: touch the update so its version moves with them.
        flag_modified(update, "key_activities")
        db.session.flush()
        audit.record("edit", update, actor=user, changed_fields=changed)
    db.session.commit()
    return changed
