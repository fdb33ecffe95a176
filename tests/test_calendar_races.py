"""Opening a period twice at once, over real HTTP (tests/test_races.py's threaded server): a double click, or
two PMOs pressing the button together. Exactly one opens it; the other is told it is already open, and no
draft, report revision or audit event is made twice."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Programme, ProgrammeReport, Role, RoleAssignment, User, WorkstreamUpdate
from app.periods.rules import default_dates
from app.periods.services import plan_period
from tests.http_browser import Browser
from tests.personas import HEIDI_ROBINSON
from tests.test_races import RUNS, assert_verify_passes, at_once, delays, fresh, server  # noqa: F401 - fixtures

SECOND_PMO = "second.pmo@example.org"


def plan_jan_feb_with_a_second_pmo(app, programme_id: int) -> int:
    from app.demo.people import DEMO_PASSWORD

    with app.test_request_context():
        programme = db.session.get(Programme, programme_id)
        second = User(name="Second PMO", email=SECOND_PMO)
        second.set_password(DEMO_PASSWORD)
        second.role_assignments = [RoleAssignment(role=Role.PMO, programme=programme)]
        db.session.add(second)
        db.session.commit()
        period = plan_period(programme, default_dates(programme, dt.date(2024, 1, 1)), planned_by=None)
        db.session.commit()
        return period.id


def test_two_openings_at_once_open_the_period_once_and_the_other_is_told_it_is_open(session_app, server, fresh):
    app = session_app
    outcomes = {"double click": 0, "two PMOs": 0}
    for run in range(RUNS):
        ids = fresh()
        period_id = plan_jan_feb_with_a_second_pmo(app, ids.programme)
        heidi = Browser.signed_in(server, HEIDI_ROBINSON)
        # Even runs: the same PMO twice (two tabs, or a double click); odd runs: two PMOs.
        other = Browser.signed_in(server, HEIDI_ROBINSON if run % 2 == 0 else SECOND_PMO)
        outcomes["double click" if run % 2 == 0 else "two PMOs"] += 1
        for browser in (heidi, other):
            browser.get(f"/periods/{period_id}/open")
        fields = {"while_another_is_open": "y"}
        first_delay, second_delay = delays(run)
        results = at_once(
            (lambda: heidi.post(f"/periods/{period_id}/open", fields), first_delay),
            (lambda: other.post(f"/periods/{period_id}/open", fields), second_delay),
        )
        case = (run, [r.status for r in results])
        assert sorted(r.status for r in results) == [302, 409], case
        loser = next(r for r in results if r.status == 409)
        assert "1 January 2024 – 29 February 2024 is already open" in loser.text, case
        with app.app_context():
            drafts = db.session.scalars(sa.select(WorkstreamUpdate.workstream_id).where(WorkstreamUpdate.period_id == period_id)).all()
            assert sorted(drafts) == sorted(ids.workstreams.values()), case
            revisions = db.session.scalars(sa.select(ProgrammeReport.revision).where(ProgrammeReport.period_id == period_id)).all()
            assert revisions == [1], case
            actions = db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.period_id == period_id).order_by(AuditEvent.id)
            ).all()
            assert actions == ["open_period"] + ["create_draft"] * len(ids.workstreams), case
        assert_verify_passes(app)
    print(f"\ntwo openings at once: {RUNS} runs, {outcomes}")
