"""What each workflow transition does to the data, and whom it tells. `workflow.perform` checks the
rules, calls these, writes the audit event and commits; nothing here commits."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for

from app import audit, notifications
from app.extensions import db
from app.models import (
    RAG,
    ProgrammeReport,
    ReportState,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.reports.services import freeze_revision
from app.update_rules import period_status, rating_to_agree


def _people_with(programme_id: int, *roles: Role) -> list[User]:
    """Active people holding any of the programme roles in the programme."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleAssignment)
            .where(RoleAssignment.programme_id == programme_id, RoleAssignment.role.in_(roles), User.active.is_(True))
            .distinct()
        )
    )


def _update_link(update: WorkstreamUpdate) -> str:
    return url_for("updates.show", update_id=update.id, _external=True)


def _period_link(report: ProgrammeReport) -> str:
    return url_for("periods.show", period_id=report.period_id, _external=True)


def submit(update: WorkstreamUpdate, user: User) -> WorkstreamUpdate:
    update.state = UpdateState.SUBMITTED
    update.completed_by = user
    update.completion_date = dt.date.today()
    update.submitted_at = utcnow()
    update.return_reason = ""
    title, period = update.workstream.title, update.period.label
    notifications.queue(
        "submit",
        update.workstream.sponsors,
        f"{title}: highlight report for {period} submitted for your approval",
        f"{user.name} submitted the {title} highlight report for {period}.\n\n"
        f"Review it, then approve it or return it with your reasons:\n{_update_link(update)}\n",
        programme_id=update.period.programme_id,
    )
    return update


def return_update(update: WorkstreamUpdate, user: User, reason: str) -> WorkstreamUpdate:
    _withdraw_approval(update)
    update.state = UpdateState.RETURNED
    update.return_reason = reason.strip()
    title, period = update.workstream.title, update.period.label
    notifications.queue(
        "return",
        update.workstream.project_managers + update.workstream.pmo_support,
        f"{title}: highlight report for {period} returned",
        f"{user.name} returned the {title} highlight report for {period}.\n\nReasons:\n{update.return_reason}\n\n"
        f"Revise it and submit it again:\n{_update_link(update)}\n",
        programme_id=update.period.programme_id,
    )
    return update


def approve(
    update: WorkstreamUpdate,
    user: User,
    sponsor_comments: str,
    agreed_rag: RAG | str | None = None,
    agreed_rag_justification: str = "",
) -> WorkstreamUpdate:
    agreed = rating_to_agree(update, agreed_rag)
    update.state = UpdateState.APPROVED
    update.sponsor_comments = sponsor_comments.strip()
    update.agreed_rag = agreed
    update.agreed_rag_justification = agreed_rag_justification.strip() if agreed is not update.proposed_rag else ""
    update.approved_by = user
    update.approved_at = utcnow()
    title, period = update.workstream.title, update.period.label
    notifications.queue(
        "approve",
        update.workstream.project_managers
        + update.workstream.pmo_support
        + _people_with(update.period.programme_id, Role.PMO),
        f"{title}: highlight report for {period} approved",
        f"{user.name} approved the {title} highlight report for {period} with an agreed rating of {agreed.label}.\n\n"
        f"{_update_link(update)}\n",
        programme_id=update.period.programme_id,
    )
    db.session.flush()
    if all(row.rating_is_agreed for row in period_status(update.period)):
        notifications.queue(
            "all_approved",
            _people_with(update.period.programme_id, Role.CMT_MEMBER),
            f"Every highlight report for {period} is approved and ready for CMT sign-off",
            f"All workstream highlight reports for {period} are approved. Once the lead executive director's "
            f"overview is written, the programme report can be signed off:\n"
            f"{url_for('periods.show', period_id=update.period_id, _external=True)}\n",
            programme_id=update.period.programme_id,
        )
    return update


def _withdraw_approval(update: WorkstreamUpdate) -> None:
    update.agreed_rag = None
    update.agreed_rag_justification = ""
    update.approved_by = None
    update.approved_at = None


def sign_off(report: ProgrammeReport, user: User, cmt_meeting_date: dt.date) -> ProgrammeReport:
    freeze_revision(report, user, cmt_meeting_date, utcnow())
    period = report.period.label
    programme_id = report.period.programme_id
    # Everyone with a part in the programme, but not those who only view its reports.
    told = [
        u
        for u in db.session.scalars(sa.select(User).where(User.active.is_(True)))
        if {a.role for a in u.role_assignments if a.programme_id == programme_id} - {Role.VIEWER}
    ]
    notifications.queue(
        "sign_off",
        told,
        f"Programme report for {period} signed off (revision {report.revision})",
        f"{user.name} recorded the CMT sign-off of the programme report for {period}, revision {report.revision}, "
        f"at the CMT meeting of {cmt_meeting_date:%-d %B %Y}. It is now locked.\n\n"
        f"Content fingerprint (SHA-256): {report.content_fingerprint}\n\n{_period_link(report)}\n",
        programme_id=programme_id,
    )
    return report


def reopen(report: ProgrammeReport, user: User, reason: str, workstream_ids: list[int]) -> ProgrammeReport:
    """Start the next revision, open for the named workstreams; the signed-off revision stays as it was."""
    revision = ProgrammeReport(
        period_id=report.period_id,
        revision=report.revision + 1,
        state=ReportState.REOPENED,
        overview=report.overview,
        overview_by_id=report.overview_by_id,
        reopen_reason=reason.strip(),
    )
    db.session.add(revision)
    # The new revision must exist before the updates change: until then the period is signed off.
    db.session.flush()
    updates = db.session.scalars(
        sa.select(WorkstreamUpdate).where(
            WorkstreamUpdate.period_id == report.period_id, WorkstreamUpdate.workstream_id.in_(workstream_ids)
        )
    ).all()
    to_tell: list[User] = _people_with(report.period.programme_id, Role.PMO)
    for update in updates:
        from_state = update.state
        _withdraw_approval(update)
        update.state = UpdateState.RETURNED
        update.return_reason = f"Reopened by CMT for revision {revision.revision}: {revision.reopen_reason}"
        db.session.flush()
        audit.record(
            "reopen_update", update, actor=user, from_state=from_state.name, to_state=update.state.name,
            comment=revision.reopen_reason,
        )
        to_tell += update.workstream.project_managers + update.workstream.pmo_support + update.workstream.sponsors
    period = report.period.label
    notifications.queue(
        "reopen",
        to_tell,
        f"Programme report for {period} reopened as revision {revision.revision}",
        f"{user.name} reopened the programme report for {period} as revision {revision.revision}.\n\n"
        f"Reason:\n{revision.reopen_reason}\n\nWorkstreams reopened: "
        + ", ".join(u.workstream.title for u in updates)
        + f"\n\n{_period_link(report)}\n",
        programme_id=report.period.programme_id,
    )
    return revision


APPLY = {
    "submit": submit,
    "return": return_update,
    "approve": approve,
    "sign_off": sign_off,
    "reopen": reopen,
}
