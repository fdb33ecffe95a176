"""Which period, and which revision of its report, a person may read, and its content."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod, ReportState
from app.period_queries import find_period
from app.permissions import is_programme_staff, require
from app.programmes.access import in_programme
from app.reports.content import report_content
from app.reports.queries import latest_report, signed_off_revisions


def load_period(period_id: int, planned: bool = False) -> ReportingPeriod:
    """The opened period (or, with `planned`, a planned one too), if the person may see it. A planned period
    has no report: the pages of reports find no such period."""
    period = find_period(period_id, planned=planned) or abort(404)
    require("view_period", period)
    in_programme(period.programme)
    return period


def readable_report(period_id: int, revision: int | None = None) -> tuple[ReportingPeriod, ProgrammeReport]:
    """The period and the revision asked for (or the latest the person may read).

    Signed-off revisions are for everyone who may see the period. A revision being prepared holds every
    workstream's draft, so it is for the programme staff (PMO, CMT, lead executive director) only."""
    period = load_period(period_id)
    if revision is None:
        report = (
            latest_report(period) if is_programme_staff(current_user, period.programme_id) else (signed_off_revisions(period) or [None])[-1]
        )
    else:
        report = db.session.scalar(
            sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id, ProgrammeReport.revision == revision)
        )
    if report is None:
        abort(404)
    if report.state is not ReportState.SIGNED_OFF and not is_programme_staff(current_user, period.programme_id):
        abort(404)
    return period, report


def content_of(period: ReportingPeriod, report: ProgrammeReport) -> dict:
    """A signed-off revision's frozen snapshot; otherwise the report as it stands now."""
    return report.snapshot if report.is_signed_off else report_content(period, report)


def export_name(period: ReportingPeriod, report: ProgrammeReport, extension: str) -> str:
    draft = "" if report.is_signed_off else "-draft"
    return f"waymark-{period.slug}-rev{report.revision}{draft}.{extension}"
