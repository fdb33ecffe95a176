"""What waits for a person in each of their roles, with its due date, programme by programme."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Programme,
    ReportingPeriod,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamUpdate,
)
from app.period_queries import approved_counts
from app.reports.queries import periods_by_latest_state
from app.reports.signed_off import latest_signed_off_periods
from app.workflow import holder_roles

UPDATE_TASKS = {
    UpdateState.DRAFT: ("Write the highlight report", "drafts_due"),
    UpdateState.RETURNED: ("Revise the returned highlight report", "drafts_due"),
    UpdateState.SUBMITTED: ("Review the highlight report", "approvals_due"),
}


@dataclasses.dataclass(frozen=True)
class WorkItem:
    title: str
    subject: str
    href: str
    due: dt.date | None
    detail: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < dt.date.today()


@dataclasses.dataclass(frozen=True)
class ProgrammeWork:
    programme: Programme
    items: list[WorkItem]


def work_for(user: User) -> list[ProgrammeWork]:
    """Each programme the person holds a role in, by name, with what waits for them there."""
    programme_ids = user.programme_ids
    if not programme_ids:
        return []
    # Only the open periods (and, for readers, the latest signed-off ones) are read, however long the history.
    open_reports = [
        (period, report)
        for period, report in periods_by_latest_state(signed_off=False)
        if period.programme_id in programme_ids
    ]
    updates = _update_tasks(user, [period for period, _report in open_reports])
    programmes = db.session.scalars(sa.select(Programme).where(Programme.id.in_(programme_ids)).order_by(Programme.name))
    return [
        ProgrammeWork(
            programme,
            _sorted(
                [item for item, programme_id in updates if programme_id == programme.id]
                + _programme_tasks(user, programme.id, [pair for pair in open_reports if pair[0].programme_id == programme.id])
            ),
        )
        for programme in programmes
    ]


def _sorted(items: list[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda item: (item.due or dt.date.max, item.title, item.subject))


def _programme_tasks(user: User, programme_id: int, open_reports) -> list[WorkItem]:
    open_periods = [period for period, _report in open_reports]
    reports = {period.id: report for period, report in open_reports}
    items = []
    if user.has_role(Role.LEAD_DIRECTOR, programme_id):
        items += [
            WorkItem(
                "Write the programme overview",
                period.label,
                url_for("periods.show", period_id=period.id),
                period.sign_off_due,
            )
            for period in open_periods
            if not reports[period.id].overview.strip()
        ]
    if user.has_any_role(Role.CMT_MEMBER, Role.PMO, programme_id=programme_id):
        counts = approved_counts(open_periods)
        title = (
            "Sign off the programme report"
            if user.has_role(Role.CMT_MEMBER, programme_id)
            else "Follow the period's progress"
        )
        items += [
            WorkItem(
                title,
                period.label,
                url_for("periods.show", period_id=period.id),
                period.sign_off_due,
                f"{counts[period.id][0]} of {counts[period.id][1]} workstream updates approved",
            )
            for period in open_periods
        ]
    if user.has_any_role(Role.IIB_MEMBER, Role.VIEWER, programme_id=programme_id):
        items += [
            WorkItem(
                "Read the signed-off programme report",
                period.label,
                url_for("reports.show", period_id=period.id),
                period.iib_meeting_date,
                f"Revision {report.revision}",
            )
            # A reopened period stays here with its signed-off revision until the next one is signed off.
            for period, report in latest_signed_off_periods(programme_id, limit=3)
        ]
    return items


def _update_tasks(user: User, open_periods: list[ReportingPeriod]) -> list[tuple[WorkItem, int]]:
    """The updates waiting for the person, each with its programme."""
    workstream_ids = user.workstream_ids_with(Role.PROJECT_MANAGER, Role.PMO_SUPPORT, Role.SPONSOR)
    if not workstream_ids or not open_periods:
        return []
    updates = db.session.scalars(
        sa.select(WorkstreamUpdate)
        .where(
            WorkstreamUpdate.period_id.in_([p.id for p in open_periods]),
            WorkstreamUpdate.workstream_id.in_(workstream_ids),
            WorkstreamUpdate.state.in_(list(UPDATE_TASKS)),
        )
        .options(
            selectinload(WorkstreamUpdate.workstream)
            .selectinload(Workstream.role_assignments)
            .selectinload(RoleAssignment.user),
            selectinload(WorkstreamUpdate.period),
        )
    )
    items = []
    for update in updates:
        if not user.roles_for(update.workstream_id) & set(holder_roles(update)):
            continue
        title, due_field = UPDATE_TASKS[update.state]
        items.append(
            (
                WorkItem(
                    title,
                    update.workstream.title,
                    url_for("updates.show", update_id=update.id),
                    getattr(update.period, due_field),
                    f"{update.period.label} · {update.state.label}",
                ),
                update.period.programme_id,
            )
        )
    return items
