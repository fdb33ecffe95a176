"""Changing a programme report: the overview, and freezing a revision when CMT signs it off."""
from __future__ import annotations

import datetime as dt

from app import audit
from app.extensions import db
from app.models import ProgrammeReport, ReportState, User
from app.reports.content import fingerprint, report_content
from app.reports.signed_off import sections_from_snapshot


def freeze_revision(report: ProgrammeReport, signed_off_by: User, cmt_meeting_date: dt.date, signed_off_at: dt.datetime) -> None:
    """Mark the revision signed off and store its snapshot and fingerprint, and its signed-off sections.

    Everything is set before one flush: once the row is SIGNED_OFF the database refuses further changes.
    """
    with db.session.no_autoflush:
        report.signed_off_by = signed_off_by
        report.signed_off_at = signed_off_at
        report.cmt_meeting_date = cmt_meeting_date
        snapshot = report_content(report.period, report)
    report.snapshot = snapshot
    report.content_fingerprint = fingerprint(snapshot)
    report.state = ReportState.SIGNED_OFF
    db.session.add_all(sections_from_snapshot(report, snapshot))
    db.session.flush()


def save_overview(report: ProgrammeReport, user: User, overview: str) -> bool:
    """Store the lead executive director's overview; returns whether it changed. The caller commits."""
    overview = overview.strip()
    if overview == report.overview:
        return False
    report.overview = overview
    report.overview_by = user
    db.session.flush()
    audit.record("edit_overview", report, actor=user, changed_fields=["overview"], period_id=report.period_id)
    return True
