"""The reporting calendar's services: planning a period, changing its dates, opening it and deleting it."""
import datetime as dt

import pytest
import sqlalchemy as sa

from app import workflow
from app.extensions import db
from app.models import (
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    ProgrammeReport,
    ReportingPeriod,
    ReportState,
    UpdateState,
    WorkstreamUpdate,
)
from app.periods.rules import PeriodDates, default_dates
from app.periods.services import (
    AlreadyOpen,
    AnotherPeriodIsOpen,
    CalendarRefusal,
    InvalidDates,
    change_period_dates,
    delete_planned_period,
    open_period,
    open_planned_period,
    plan_period,
)
from tests.conftest import demo_programme, user_by_email
from tests.personas import HEIDI_ROBINSON, NICK_BELL
from tests.test_workflow_routes import arrange_report

JAN_FEB = dict(
    start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29), drafts_due=dt.date(2024, 2, 23),
    approvals_due=dt.date(2024, 3, 1), sign_off_due=dt.date(2024, 3, 8), iib_meeting_date=dt.date(2024, 3, 19),
)


def plan_jan_feb(**changes) -> ReportingPeriod:
    return plan_period(demo_programme(), PeriodDates(**(JAN_FEB | changes)), planned_by=user_by_email(HEIDI_ROBINSON))


def updates_of(period_id: int) -> list[WorkstreamUpdate]:
    return db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id)).all()


def reports_of(period_id: int) -> list[ProgrammeReport]:
    return db.session.scalars(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id)).all()


def events_about(period_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(sa.or_(AuditEvent.period_id == period_id,
                      sa.and_(AuditEvent.object_type == "ReportingPeriod", AuditEvent.object_id == period_id)))
        .order_by(AuditEvent.id)
    ).all()


def sign_off_nov_dec(app, ids) -> None:
    """Nov–Dec worked through (every update approved, the overview written) and signed off by the CMT."""
    arrange_report(app, ids)
    cmt_signs_off_nov_dec(app, ids)


def cmt_signs_off_nov_dec(app, ids) -> None:
    with app.test_request_context():
        report = reports_of(ids.periods["nov_dec"])[0]
        workflow.perform("sign_off", report, user_by_email(NICK_BELL), version=report.version,
                         cmt_meeting_date=dt.date(2024, 1, 9))


# --- Planning --------------------------------------------------------------------------------------------


def test_a_planned_period_has_its_dates_and_nothing_else(app):
    with app.test_request_context():
        period = plan_jan_feb()
        db.session.commit()
        assert period.is_planned and period.opened_at is None
        assert (reports_of(period.id), updates_of(period.id)) == ([], [])
        (event,) = events_about(period.id)
        assert (event.action, event.period_id, event.actor.email) == ("plan_period", None, HEIDI_ROBINSON)
        assert "Start date: 1 January 2024" in event.comment and "IIB meeting: 19 March 2024" in event.comment


def test_planning_takes_a_copy_of_the_rag_methodology_as_it_is_then(app):
    with app.test_request_context():
        programme = demo_programme()
        programme.rag_methodology_intro = "The board's new methodology."
        period = plan_jan_feb()
        programme.rag_methodology_intro = "Changed again after planning."
        db.session.commit()
        assert period.rag_methodology_intro == "The board's new methodology."


def test_a_period_overlapping_another_is_not_planned(app):
    with app.test_request_context():
        with pytest.raises(InvalidDates) as refused:
            plan_jan_feb(start_date=dt.date(2023, 12, 15))
        assert refused.value.errors["start_date"].startswith("The period overlaps 1 November 2023 – 31 December 2023")
        db.session.rollback()
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ReportingPeriod).where(ReportingPeriod.start_date >= dt.date(2023, 12, 1))
        ) == 0


# --- Opening ---------------------------------------------------------------------------------------------


def test_opening_creates_its_report_and_drafts_carried_forward_with_the_same_references(app, ids):
    with app.test_request_context():
        period = plan_jan_feb()
        open_planned_period(period, opened_by=user_by_email(HEIDI_ROBINSON), while_another_is_open=True)
        db.session.commit()
        assert period.opened_by.email == HEIDI_ROBINSON and period.opened_at is not None
        (report,) = reports_of(period.id)
        assert (report.revision, report.state) == (1, ReportState.OPEN)
        updates = updates_of(period.id)
        assert len(updates) == 5
        previous = {u.workstream_id: u for u in updates_of(ids.periods["nov_dec"])}
        for update in updates:
            before = previous[update.workstream_id]
            assert [r.reference for r in update.risks] == [r.reference for r in before.open_risks]
            assert [m.reference for m in update.milestones] == [m.reference for m in before.milestones_next_period]
            assert all(m.kind is MilestoneKind.THIS_PERIOD and m.status is None for m in update.milestones)
        actions = [event.action for event in events_about(period.id)]
        assert actions == ["plan_period", "open_period"] + ["create_draft"] * 5


def test_a_delayed_milestone_not_planned_again_is_carried_forward_and_a_replanned_one_once(app, ids):
    with app.test_request_context():
        draft = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        slipped, replanned, done = draft.milestones_this_period[:3]
        slipped.status = replanned.status = MilestoneStatus.DELAYED
        done.status = MilestoneStatus.COMPLETE
        draft.milestones += [
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=1, reference=replanned.reference, description="Re-planned."),
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=2, reference="GOV-M99", description="A new milestone."),
        ]
        db.session.commit()
        period = plan_jan_feb()
        open_planned_period(period, opened_by=None, while_another_is_open=True)
        db.session.commit()
        gov = next(u for u in updates_of(period.id) if u.workstream_id == ids.workstreams["GOV"])
        assert [(m.position, m.reference, m.description) for m in gov.milestones_this_period] == [
            (1, slipped.reference, slipped.description),
            (2, replanned.reference, "Re-planned."),
            (3, "GOV-M99", "A new milestone."),
        ]


def test_a_second_open_period_is_refused_unless_the_pmo_says_so(app, ids):
    with app.test_request_context():
        period = plan_jan_feb()
        db.session.commit()
        with pytest.raises(AnotherPeriodIsOpen) as refused:
            open_planned_period(period, opened_by=None)
        assert refused.value.message == "1 November 2023 – 31 December 2023 is still open."
        db.session.rollback()
        assert updates_of(period.id) == [] and db.session.get(ReportingPeriod, period.id).is_planned
        open_planned_period(db.session.get(ReportingPeriod, period.id), opened_by=None, while_another_is_open=True)
        db.session.commit()
        opened = [e for e in events_about(period.id) if e.action == "open_period"]
        assert opened[0].comment == "While 1 November 2023 – 31 December 2023 is still open"


def test_once_the_open_period_is_signed_off_the_next_opens_without_asking(app, ids):
    sign_off_nov_dec(app, ids)
    with app.test_request_context():
        period = plan_jan_feb()
        open_planned_period(period, opened_by=None)
        db.session.commit()
        assert len(updates_of(period.id)) == 5


def test_opening_an_open_period_again_is_refused_and_creates_nothing(app, ids):
    with app.test_request_context():
        period = plan_jan_feb()
        open_planned_period(period, opened_by=None, while_another_is_open=True)
        db.session.commit()
        with pytest.raises(AlreadyOpen):
            open_planned_period(period, opened_by=None, while_another_is_open=True)
        db.session.rollback()
        assert len(updates_of(period.id)) == 5 and len(reports_of(period.id)) == 1


def test_periods_open_in_order(app):
    with app.test_request_context():
        jan_feb = plan_jan_feb()
        mar_apr = plan_period(demo_programme(), default_dates(demo_programme(), dt.date(2024, 3, 1)), planned_by=None)
        db.session.commit()
        with pytest.raises(CalendarRefusal, match="Open 1 January 2024 – 29 February 2024 first"):
            open_planned_period(mar_apr, opened_by=None, while_another_is_open=True)
        db.session.rollback()
        open_planned_period(db.session.get(ReportingPeriod, jan_feb.id), opened_by=None, while_another_is_open=True)
        db.session.commit()


def test_open_period_plans_and_opens_in_one_go(app):
    with app.test_request_context():
        period = open_period(demo_programme(), **JAN_FEB, opened_by=None, while_another_is_open=True)
        db.session.commit()
        assert not period.is_planned and len(updates_of(period.id)) == 5


# --- Changing dates ----------------------------------------------------------------------------------------


def test_changing_due_dates_records_the_old_and_new_dates(app, ids):
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        dates = PeriodDates.of(period)
        changed = change_period_dates(
            period, PeriodDates(None, None, dt.date(2023, 12, 20), dates.approvals_due, dt.date(2024, 1, 12), dates.iib_meeting_date),
            changed_by=user_by_email(HEIDI_ROBINSON),
        )
        db.session.commit()
        assert changed == ["drafts_due", "sign_off_due"]
        assert (period.start_date, period.drafts_due, period.sign_off_due) == (dt.date(2023, 11, 1), dt.date(2023, 12, 20), dt.date(2024, 1, 12))
        event = events_about(period.id)[-1]
        assert (event.action, event.period_id, event.changed_fields) == ("change_period_dates", period.id, ["drafts_due", "sign_off_due"])
        assert event.comment == (
            "Drafts due: 22 December 2023 → 20 December 2023; CMT sign-off due: 10 January 2024 → 12 January 2024"
        )


def test_dates_cannot_change_once_the_period_is_signed_off(app, ids):
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, ids.periods["sep_oct"])
        with pytest.raises(CalendarRefusal, match="is signed off, so its dates can no longer change"):
            change_period_dates(period, PeriodDates.of(period), changed_by=None)


def test_a_stale_version_of_the_dates_is_refused(app, ids):
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        with pytest.raises(CalendarRefusal, match="Someone else changed the period's dates"):
            change_period_dates(period, PeriodDates.of(period), changed_by=None, version=period.version - 1)


# --- Deleting ----------------------------------------------------------------------------------------------


def test_a_planned_period_can_be_deleted_and_the_trail_keeps_it(app):
    with app.test_request_context():
        period = plan_jan_feb()
        db.session.commit()
        period_id = period.id
        delete_planned_period(period, deleted_by=user_by_email(HEIDI_ROBINSON))
        db.session.commit()
        assert db.session.get(ReportingPeriod, period_id) is None
        assert [e.action for e in events_about(period_id)] == ["plan_period", "delete_period"]
        # Planned again, it is another period: the trail about the deleted one stays its own.
        again = plan_jan_feb()
        db.session.commit()
        assert again.id != period_id and [e.action for e in events_about(again.id)] == ["plan_period"]


def test_an_opened_period_cannot_be_deleted(app, ids):
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        with pytest.raises(CalendarRefusal, match="has been opened"):
            delete_planned_period(period, deleted_by=None)


def test_a_draft_written_at_opening_is_as_a_new_draft_is(app):
    with app.test_request_context():
        period = open_period(demo_programme(), **JAN_FEB, opened_by=None, while_another_is_open=True)
        db.session.commit()
        draft = updates_of(period.id)[0]
        assert (draft.state, draft.version, draft.key_activities, draft.proposed_rag, draft.completed_by_id) == (
            UpdateState.DRAFT, 1, "", None, None
        )
        assert all((m.status, m.status_note) == (None, "") for m in draft.milestones)
        assert all((r.status.name, r.closure_note) == ("OPEN", "") for r in draft.risks)
        event = next(e for e in events_about(period.id) if e.action == "create_draft" and e.object_id == draft.id)
        assert (event.object_type, event.workstream_id, event.programme_id, event.to_state) == (
            "WorkstreamUpdate", draft.workstream_id, period.programme_id, "DRAFT"
        )
