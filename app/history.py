"""Reading the audit trail for the pages that show history."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, ReportingPeriod, WorkstreamUpdate

ACTION_LABELS = {
    "open_period": "Period opened",
    "create_draft": "Draft created",
    "remove_draft": "Draft removed",
    "edit": "Draft saved",
    "submit": "Submitted to sponsor",
    "return": "Returned",
    "approve": "Approved",
    "edit_overview": "Overview saved",
    "sign_off": "Signed off and locked",
    "reopen": "Reopened as a new revision",
    "reopen_update": "Reopened for the new revision",
}


def history_for_update(update: WorkstreamUpdate) -> list[AuditEvent]:
    """Everything that happened to the update and its milestones and risks, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.period_id == update.period_id, AuditEvent.workstream_id == update.workstream_id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )


def history_for_period(period: ReportingPeriod, limit: int = 100) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.period_id == period.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
