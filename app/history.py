"""Reading the audit trail for the pages that show history."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, ReportingPeriod, WorkstreamUpdate

ACTION_LABELS = {
    "plan_period": "Period planned",
    "change_period_dates": "Dates changed",
    "delete_period": "Period deleted",
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
    """What happened in the period, and to it while it was only planned (those events name the period by
    its id alone: app/periods/services.py)."""
    about_the_period = sa.and_(AuditEvent.object_type == "ReportingPeriod", AuditEvent.object_id == period.id)
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(sa.or_(AuditEvent.period_id == period.id, about_the_period))
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
