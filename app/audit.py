"""Writing the audit trail. Every service that changes something calls `record` in the same transaction."""
from __future__ import annotations

import datetime as dt

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
    at: dt.datetime | None = None,
) -> AuditEvent:
    db.session.flush()
    event = AuditEvent(
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
