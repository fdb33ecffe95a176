"""Opening a reporting period."""
import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, MilestoneKind, ProgrammeReport, ReportState, WorkstreamUpdate
from app.periods.services import PeriodOverlaps, open_period
from tests.conftest import demo_programme


def dates(start, end):
    return dict(
        start_date=start,
        end_date=end,
        drafts_due=end,
        approvals_due=end + dt.timedelta(days=7),
        sign_off_due=end + dt.timedelta(days=14),
        iib_meeting_date=None,
    )


def test_a_period_that_overlaps_another_is_refused(app):
    with app.test_request_context():
        with pytest.raises(PeriodOverlaps, match="1 November 2023 – 31 December 2023"):
            open_period(demo_programme(), **dates(dt.date(2023, 12, 15), dt.date(2024, 2, 15)), opened_by=None)
        db.session.rollback()


def test_opening_a_period_creates_its_report_and_drafts_carried_forward(app):
    with app.test_request_context():
        period = open_period(demo_programme(), **dates(dt.date(2024, 1, 1), dt.date(2024, 2, 29)), opened_by=None)
        db.session.commit()
        report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id))
        assert (report.revision, report.state) == (1, ReportState.OPEN)
        updates = db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id)).all()
        assert len(updates) == 5
        previous = {
            u.workstream_id: u
            for u in db.session.scalars(
                sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id != period.id).order_by(WorkstreamUpdate.period_id)
            )
        }
        for update in updates:
            before = previous[update.workstream_id]
            assert [r.reference for r in update.risks] == [r.reference for r in before.open_risks]
            carried = [m.reference for m in update.milestones]
            assert set(m.reference for m in before.milestones_next_period) <= set(carried)
            assert all(m.kind is MilestoneKind.THIS_PERIOD and m.status is None for m in update.milestones)
        opened = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.period_id == period.id)
        ).all()
        assert opened.count("open_period") == 1 and opened.count("create_draft") == 5
