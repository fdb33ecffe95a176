"""Waymark's data model. Import models from here."""
from app.models.audit import AuditEvent, AuditTrailIsAppendOnly
from app.models.outbox import OutboxMessage
from app.models.programme import Programme, ReportingPeriod, Workstream, WorkstreamOutcome
from app.models.reports import ProgrammeReport, ReportExport, ReportState
from app.models.updates import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Risk,
    RiskStatus,
    UpdateState,
    WorkstreamUpdate,
)
from app.models.users import (
    PROGRAMME_ROLES,
    WORKSTREAM_ROLES,
    KeptRequest,
    LinkPurpose,
    PasswordResetToken,
    Role,
    RoleAssignment,
    User,
)
from app.rag import RAG

__all__ = [
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "KeptRequest",
    "LinkPurpose",
    "Milestone",
    "MilestoneKind",
    "MilestoneStatus",
    "OutboxMessage",
    "PROGRAMME_ROLES",
    "PasswordResetToken",
    "Programme",
    "ProgrammeReport",
    "RAG",
    "ReportExport",
    "ReportState",
    "ReportingPeriod",
    "Risk",
    "RiskStatus",
    "Role",
    "RoleAssignment",
    "UpdateState",
    "User",
    "WORKSTREAM_ROLES",
    "Workstream",
    "WorkstreamOutcome",
    "WorkstreamUpdate",
]
