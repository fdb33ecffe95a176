"""Verifying the signed-off reports: `verify` recomputes every signed-off revision's fingerprint from its
stored snapshot and checks that the database guards are in place.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.database_guards import guard_count, guard_problems
from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod, ReportState, UpdateState, WorkstreamUpdate
from app.reports.content import fingerprint, report_content
from app.reports.signed_off import sections_disagreeing_with_snapshots


@dataclasses.dataclass
class RevisionCheck:
    label: str
    revision: int
    stored: str | None
    computed: str | None
    problem: str | None  # why it fails; None when the snapshot matches its fingerprint
    # Informational only (the latest signed-off revision of each period): whether the live rows still give
    # the signed-off content, and the first places where they differ.
    live_same: bool | None = None
    live_differences: list[str] = dataclasses.field(default_factory=list)
    later_revision: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclasses.dataclass
class Verification:
    revisions: list[RevisionCheck]
    guard_problems: list[str]
    guards_expected: int
    # Where the signed-off sections (what readers' pages read) disagree with the snapshots.
    section_problems: list[str] = dataclasses.field(default_factory=list)
    # What the workflow forbids but the rows hold: an update of a signed-off period, or in a snapshot,
    # that is not approved with an agreed rating.
    contradictions: list[str] = dataclasses.field(default_factory=list)
    # Where the reporting calendar disagrees with the reports: an opened period without its report, or a
    # planned one that holds a report or drafts.
    calendar_problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            all(check.ok for check in self.revisions)
            and not self.guard_problems
            and not self.section_problems
            and not self.contradictions
            and not self.calendar_problems
        )

    @property
    def mismatched(self) -> int:
        return sum(not check.ok for check in self.revisions)


def differences(before, after, path: str = "", limit: int = 5) -> list[str]:
    """Where two JSON values differ, as paths such as workstreams[2].workstream.sponsors (the first few)."""
    found: list[str] = []

    def walk(a, b, where):
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for index, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{where}[{index}]")
        elif a != b:
            found.append(where or "(everything)")

    walk(before, after, path)
    return found


def verify() -> Verification:
    """Check every signed-off revision's snapshot against its fingerprint, and the database guards."""
    reports = db.session.scalars(
        sa.select(ProgrammeReport)
        .join(ReportingPeriod, ProgrammeReport.period_id == ReportingPeriod.id)
        .where(ProgrammeReport.state == ReportState.SIGNED_OFF)
        .options(undefer(ProgrammeReport.snapshot))
        .order_by(ReportingPeriod.start_date, ProgrammeReport.revision)
    ).all()
    latest_revision = dict(
        db.session.execute(
            sa.select(ProgrammeReport.period_id, sa.func.max(ProgrammeReport.revision)).group_by(
                ProgrammeReport.period_id
            )
        ).all()
    )
    latest_signed_off = {report.period_id: report for report in reports}  # ordered by revision: the last wins
    checks = []
    for report in reports:
        snapshot, stored = report.snapshot, report.content_fingerprint
        computed = fingerprint(snapshot) if snapshot is not None else None
        problem = None
        if not isinstance(snapshot, dict) or not stored:
            problem = "no snapshot stored" if not isinstance(snapshot, dict) else "no fingerprint stored"
        elif computed != stored:
            problem = f"the snapshot's fingerprint is {computed}, not the stored {stored}"
        elif (snapshot.get("period") or {}).get("id") != report.period_id or (
            snapshot.get("revision") != report.revision
        ):
            problem = "the snapshot is of another period or revision"
        check = RevisionCheck(report.period.label, report.revision, stored, computed, problem)
        if latest_signed_off[report.period_id] is report and isinstance(snapshot, dict):
            with db.session.no_autoflush:
                live = report_content(report.period, report)
            check.live_same = live == snapshot
            check.live_differences = differences(snapshot, live)
            check.later_revision = latest_revision[report.period_id] > report.revision
        checks.append(check)
    sections = sections_disagreeing_with_snapshots()
    contradictions = workflow_contradictions(reports, latest_revision)
    calendar = calendar_problems()
    with db.engine.connect() as connection:
        problems = guard_problems(connection)
    db.session.rollback()
    return Verification(checks, problems, guard_count(db.engine.dialect.name), sections, contradictions, calendar)


def calendar_problems() -> list[str]:
    """An opened period has revision 1 of its report; a planned one has no report and no updates yet."""
    revisions = sa.select(sa.func.count()).where(ProgrammeReport.period_id == ReportingPeriod.id).scalar_subquery()
    has_first = sa.exists().where(ProgrammeReport.period_id == ReportingPeriod.id, ProgrammeReport.revision == 1)
    updates = sa.select(sa.func.count()).where(WorkstreamUpdate.period_id == ReportingPeriod.id).scalar_subquery()
    found = []
    rows = db.session.execute(
        sa.select(ReportingPeriod, revisions, has_first, updates).order_by(ReportingPeriod.programme_id, ReportingPeriod.start_date)
    )
    for period, report_count, first, update_count in rows:
        if period.is_planned and (report_count or update_count):
            found.append(
                f"{period.label} is planned, not opened, yet holds {report_count} report revision(s) and "
                f"{update_count} update(s); a period gets its report and drafts when it is opened"
            )
        elif not period.is_planned and not first:
            found.append(f"{period.label} is opened but has no revision 1 of its programme report")
    return found


def workflow_contradictions(signed_off: list[ProgrammeReport], latest_revision: dict[int, int]) -> list[str]:
    """A signed-off revision holds approved updates only, and a period signed off at its latest revision holds
    approved updates only: anything else got past the workflow (or was written behind its back)."""
    found = []
    for report in signed_off:
        where = f"{report.period.label} revision {report.revision}"
        snapshot = report.snapshot if isinstance(report.snapshot, dict) else {}
        for section in snapshot.get("workstreams", []):
            title = (section.get("workstream") or {}).get("title", "a workstream")
            if section.get("state") != UpdateState.APPROVED.name or not section.get("agreed_rag"):
                found.append(
                    f"{where}: the signed-off snapshot holds the {title} update as {section.get('state')} "
                    f"with {'no agreed rating' if not section.get('agreed_rag') else 'a rating'}; "
                    "a signed-off report holds approved updates only"
                )
    signed_off_periods = [r.period_id for r in signed_off if latest_revision[r.period_id] == r.revision]
    if signed_off_periods:
        updates = db.session.scalars(
            sa.select(WorkstreamUpdate)
            .where(
                WorkstreamUpdate.period_id.in_(signed_off_periods),
                sa.or_(WorkstreamUpdate.state != UpdateState.APPROVED, WorkstreamUpdate.agreed_rag.is_(None)),
            )
            .order_by(WorkstreamUpdate.period_id, WorkstreamUpdate.id)
        ).all()
        for update in updates:
            found.append(
                f"{update.period.label}: the {update.workstream.title} update is {update.state.label.lower()}"
                f"{'' if update.agreed_rag else ' without an agreed rating'} in a period that is signed off "
                "and locked; a locked period holds approved updates only"
            )
    return found
