"""One workstream's section of a report, from the locked snapshot where there is one."""
from __future__ import annotations

from app.models import ProgrammeReport, WorkstreamUpdate
from app.reports.content import update_section
from app.reports.queries import latest_report, signed_off_revisions
from app.update_rules import last_agreed_rating


def _from_snapshot(report: ProgrammeReport, update: WorkstreamUpdate) -> dict | None:
    for section in report.snapshot["workstreams"]:
        if section["update_id"] == update.id:
            return section
    return None


def section_for_officer(update: WorkstreamUpdate) -> tuple[dict | None, ProgrammeReport | None]:
    """The locked section when the period's latest revision is signed off, else the live one."""
    report = latest_report(update.period)
    if report is not None and report.is_signed_off:
        return _from_snapshot(report, update), report
    return update_section(update, last_agreed_rating(update)), report


def section_for_reader(update: WorkstreamUpdate) -> tuple[dict | None, ProgrammeReport | None]:
    """Readers see the section as the latest signed-off revision holds it."""
    revisions = signed_off_revisions(update.period)
    if not revisions:
        return None, None
    return _from_snapshot(revisions[-1], update), revisions[-1]
