"""Writing the audit trail. Every service that changes something calls `record` in the same transaction."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from app.models.types import utcnow


def record(
    action: str,
    obj,
    *,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    changed_fields: list[str] | None = None,
    period_id: int | None = None,
    workstream_id: int | None = None,
    programme_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    db.session.flush()
    event = AuditEvent(
        programme_id=programme_id if programme_id is not None else programme_of(obj),
        occurred_at=at or utcnow(),
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        period_id=period_id if period_id is not None else getattr(obj, "period_id", None),
        workstream_id=workstream_id if workstream_id is not None else getattr(obj, "workstream_id", None),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changed_fields=sorted(changed_fields or []),
    )
    db.session.add(event)
    return event


def record_each(action: str, object_type: str, objects: list[dict], *, actor: User | None, at: dt.datetime | None = None,
                to_state: str | None = None, comment: str = "") -> None:
    """`record` for many objects written in one statement (a draft for every workstream): each of `objects`
    gives the object's id and where it sits (programme_id, period_id, workstream_id)."""
    if not objects:
        return
    occurred_at = at or utcnow()
    db.session.execute(
        sa.insert(AuditEvent),
        [
            {"occurred_at": occurred_at, "actor_id": actor.id if actor else None, "action": action,
             "object_type": object_type, "from_state": None, "to_state": to_state, "comment": comment,
             "changed_fields": [], **where}
            for where in objects
        ],
    )


def programme_of(obj) -> int | None:
    """The programme an object belongs to: itself, or through its period, workstream or update."""
    if type(obj).__name__ == "Programme":
        return obj.id
    if getattr(obj, "programme_id", None) is not None:
        return obj.programme_id
    for parent in ("period", "workstream", "update"):
        owner = getattr(obj, parent, None)
        if owner is not None:
            return programme_of(owner)
    return None
