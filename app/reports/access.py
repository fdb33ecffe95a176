"""Which revision of a period's report a person may read, and its content."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod, ReportState
from app.periods.queries import find_period
from app.permissions import is_officer, require
from app.reports.content import report_content
from app.reports.queries import latest_report, signed_off_revisions


def readable_report(period_id: int, revision: int | None = None) -> tuple[ReportingPeriod, ProgrammeReport]:
    """The period and the revision asked for (or the latest the person may read).

    Officers read any revision, including the one being prepared; IIB members and committee viewers read
    signed-off revisions only, and are refused anything else."""
    period = find_period(period_id) or abort(404)
    require("view_period", period)
    if revision is None:
        report = latest_report(period) if is_officer(current_user) else (signed_off_revisions(period) or [None])[-1]
    else:
        report = db.session.scalar(
            sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id, ProgrammeReport.revision == revision)
        )
    if report is None:
        abort(404)
    if report.state is not ReportState.SIGNED_OFF and not is_officer(current_user):
        abort(404)
    return period, report


def content_of(period: ReportingPeriod, report: ProgrammeReport) -> dict:
    """A signed-off revision's frozen snapshot; otherwise the report as it stands now."""
    return report.snapshot if report.is_locked else report_content(period, report)


def export_name(period: ReportingPeriod, report: ProgrammeReport, extension: str) -> str:
    draft = "" if report.is_locked else "-draft"
    return f"waymark-{period.slug}-rev{report.revision}{draft}.{extension}"
