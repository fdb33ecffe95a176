"""The sponsor's review: each section beside last period's approved update, changes marked, and the
things a reviewer should question."""
import datetime as dt
import html as html_lib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RAG,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Risk,
    RiskStatus,
    UpdateState,
    Workstream,
    WorkstreamUpdate,
)
from app.periods.services import open_period
from app.updates.review import build_review
from tests.personas import JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL
from tests.conftest import demo_programme


# Words from the approved Sep–Oct Procurement report's key activities.
SEP_OCT_PRC_PHRASE = "The subgroup meets fortnightly to monitor progress"


def get_update(ids, code, period="nov_dec") -> WorkstreamUpdate:
    return db.session.get(WorkstreamUpdate, ids.update(code, period))


def milestone(update, reference) -> Milestone:
    return next(m for m in update.milestones_this_period if m.reference == reference)


def risk(update, reference) -> Risk:
    return next(r for r in update.risks if r.reference == reference)


def set_statuses(update, status: MilestoneStatus) -> None:
    for m in update.milestones_this_period:
        m.status = status


def flags_about(review, text: str) -> list[str]:
    return [flag for flag in review.flags if text in flag]


def open_jan_feb():
    return open_period(
        demo_programme(),
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 2, 29),
        drafts_due=dt.date(2024, 2, 23),
        approvals_due=dt.date(2024, 3, 1),
        sign_off_due=dt.date(2024, 3, 8),
        iib_meeting_date=None,
        opened_by=None,
        # Nov–Dec is not signed off in these tests.
        while_another_is_open=True,
    )


# --- Finding last period's update ----------------------------------------------------------------


def test_review_compares_with_last_periods_approved_update_of_the_same_workstream(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        review = build_review(update)
        assert review.previous.id == ids.update("PRC", "sep_oct")
        assert review.no_previous_reason == ""
        previous = get_update(ids, "PRC", "sep_oct")
        engagement = next(s for s in review.text_sections if s.field == "engagement")
        assert engagement.previous_text == previous.engagement
        assert [s.title for s in review.text_sections] == [
            "Key activities",
            "Engagement",
            "Concerns and issues",
            "RAG rating rationale",
        ]


def test_first_period_has_nothing_to_compare_and_shows_this_period_only(app, ids):
    with app.test_request_context():
        review = build_review(get_update(ids, "PRC", "jul_aug"))
        assert review.previous is None
        assert "first reporting period" in review.no_previous_reason
        assert all(s.previous_text is None and not s.changed for s in review.text_sections)
        assert review.milestones.dropped == [] and review.milestones.added == []
        assert review.risks.rows and all(row.change is None for row in review.risks.rows)


def test_last_periods_update_is_not_compared_unless_approved(app, ids):
    with app.test_request_context():
        period = open_jan_feb()
        db.session.flush()
        update = db.session.scalar(
            sa.select(WorkstreamUpdate).where(
                WorkstreamUpdate.period_id == period.id, WorkstreamUpdate.workstream_id == ids.workstreams["PRC"]
            )
        )
        review = build_review(update)
        assert review.previous is None
        assert "has not been approved" in review.no_previous_reason

        last = get_update(ids, "PRC")
        last.state, last.proposed_rag, last.agreed_rag = UpdateState.APPROVED, RAG.AMBER, RAG.AMBER
        db.session.flush()
        assert build_review(update).previous.id == last.id


def test_a_workstream_without_an_update_last_period_says_so(app):
    with app.test_request_context():
        db.session.add(Workstream(programme=demo_programme(), code="NEW", title="New workstream", display_order=9))
        db.session.flush()
        period = open_jan_feb()
        db.session.flush()
        update = db.session.scalar(
            sa.select(WorkstreamUpdate)
            .join(Workstream)
            .where(WorkstreamUpdate.period_id == period.id, Workstream.code == "NEW")
        )
        review = build_review(update)
        assert review.previous is None
        assert "New workstream had no update for 1 November 2023 – 31 December 2023" in review.no_previous_reason


# --- Text sections and the rating ----------------------------------------------------------------


def test_text_sections_mark_the_words_changed_since_last_period(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        previous = get_update(ids, "PRC", "sep_oct")
        update.key_activities = previous.key_activities + "\n- Hub launched to all staff"
        update.engagement = previous.engagement
        db.session.flush()
        sections = {s.field: s for s in build_review(update).text_sections}
        assert sections["key_activities"].changed
        assert "<ins>" in sections["key_activities"].diff and "Hub launched to all staff</ins>" in sections["key_activities"].diff
        assert "<del>" not in sections["key_activities"].diff
        assert not sections["engagement"].changed
        assert "<ins>" not in sections["engagement"].diff and "<del>" not in sections["engagement"].diff


def test_rag_comparison_gives_direction_by_severity_and_the_reason(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        update.proposed_rag = RAG.AMBER
        update.rag_change_reason = "Training budget not yet amended"
        db.session.flush()
        rag = build_review(update).rag
        assert (rag.previous, rag.proposed, rag.agreed) == (RAG.GREEN, RAG.AMBER, None)
        assert rag.direction == "worsened"
        assert rag.description == "Worsened from Green to Amber."
        assert rag.change_reason == "Training budget not yet amended"

        update.proposed_rag = RAG.GREEN
        db.session.flush()
        assert build_review(update).rag.direction == "unchanged"

        update.state, update.proposed_rag, update.agreed_rag = UpdateState.APPROVED, RAG.GREEN, RAG.AMBER_RED
        db.session.flush()
        rag = build_review(update).rag
        assert rag.agreed is RAG.AMBER_RED and rag.direction == "worsened"


# --- Milestones and risks against the demo data --------------------------------------------------


def test_nov_dec_procurement_milestones_come_from_sep_oct_plan_or_were_carried_because_delayed(app, ids):
    with app.test_request_context():
        milestones = build_review(get_update(ids, "PRC")).milestones
        planned = [row.milestone.reference for row in milestones.planned]
        assert planned == ["PRC-M01", "PRC-M02", "PRC-M03"] + [f"PRC-M{n:02d}" for n in range(5, 12)]
        assert [row.milestone.reference for row in milestones.carried_delayed] == ["PRC-M04"]
        assert milestones.added == [] and milestones.dropped == []
        assert milestones.completed == [] and milestones.slipped == []
        m04 = next(row for row in milestones.this_period if row.milestone.reference == "PRC-M04")
        assert m04.delayed_before == 1 and m04.first_planned == dt.date(2023, 7, 1)


def test_milestones_completed_slipped_added_dropped_and_newly_planned_are_classified(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        milestone(update, "PRC-M01").status = MilestoneStatus.COMPLETE
        milestone(update, "PRC-M02").status = MilestoneStatus.DELAYED
        update.milestones.remove(milestone(update, "PRC-M08"))
        deferred = milestone(update, "PRC-M09")
        deferred.kind = MilestoneKind.NEXT_PERIOD
        update.milestones.append(
            Milestone(kind=MilestoneKind.THIS_PERIOD, position=20, reference="PRC-M12", description="Unplanned audit")
        )
        update.milestones.append(
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=1, reference="PRC-M13", description="Publish KPIs")
        )
        update.milestones.append(
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=2, reference="PRC-M02", description="GFA sign-off")
        )
        db.session.flush()
        milestones = build_review(update).milestones
        assert [row.milestone.reference for row in milestones.completed] == ["PRC-M01"]
        assert [row.milestone.reference for row in milestones.slipped] == ["PRC-M02"]
        assert [row.milestone.reference for row in milestones.added] == ["PRC-M12"]
        assert {(d.milestone.reference, d.deferred) for d in milestones.dropped} == {("PRC-M08", False), ("PRC-M09", True)}
        assert {(p.milestone.reference, p.added) for p in milestones.next_period} == {
            ("PRC-M09", False),
            ("PRC-M13", True),
            ("PRC-M02", False),
        }


def test_nov_dec_procurement_risks_are_all_carried_from_sep_oct(app, ids):
    with app.test_request_context():
        risks = build_review(get_update(ids, "PRC")).risks
        assert [row.risk.reference for row in risks.carried] == [f"PRC-R0{n}" for n in range(1, 6)]
        assert risks.opened == [] and risks.closed == [] and risks.removed == []
        assert not any(row.mitigation_changed for row in risks.rows)


def test_risks_opened_closed_and_carried_are_classified_with_mitigation_changes_marked(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        closed = risk(update, "PRC-R01")
        closed.status, closed.closure_note = RiskStatus.CLOSED, "Board agreed the delegations"
        risk(update, "PRC-R02").mitigation += " Quarterly spend reviews added."
        update.risks.remove(risk(update, "PRC-R05"))
        update.risks.append(Risk(position=9, reference="PRC-R06", description="Hub launch slips", mitigation="Soft launch"))
        db.session.flush()
        risks = build_review(update).risks
        assert [row.risk.reference for row in risks.closed] == ["PRC-R01"]
        assert risks.closed[0].risk.closure_note == "Board agreed the delegations"
        assert [row.risk.reference for row in risks.opened] == ["PRC-R06"]
        assert [row.risk.reference for row in risks.carried] == ["PRC-R02", "PRC-R03", "PRC-R04"]
        assert [r.reference for r in risks.removed] == ["PRC-R05"]
        changed = {row.risk.reference: row for row in risks.rows if row.mitigation_changed}
        assert list(changed) == ["PRC-R02"]
        assert "Quarterly spend reviews added.</ins>" in changed["PRC-R02"].mitigation_diff


# --- Flags -----------------------------------------------------------------------------------------


def test_flag_when_the_rating_improved_while_a_milestone_slipped(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PTN")  # Green/Amber agreed for Sep–Oct
        set_statuses(update, MilestoneStatus.ON_TRACK)
        update.proposed_rag = RAG.GREEN
        db.session.flush()
        assert flags_about(build_review(update), "improved") == []

        milestone(update, "PTN-M05").status = MilestoneStatus.DELAYED
        db.session.flush()
        assert flags_about(build_review(update), "improved") == [
            "The rating improved from Green/Amber to Green while milestone PTN-M05 slipped."
        ]

        update.proposed_rag = RAG.GREEN_AMBER
        db.session.flush()
        assert flags_about(build_review(update), "improved") == []


def test_flag_a_red_or_amber_red_rating_with_an_open_risk_lacking_mitigation(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        update.proposed_rag = RAG.RED
        db.session.flush()
        assert flags_about(build_review(update), "mitigation") == []

        risk(update, "PRC-R02").mitigation = "  "
        db.session.flush()
        assert flags_about(build_review(update), "mitigation") == [
            "The rating is Red but risk PRC-R02 (Fail to demonstrate Best Value in Procurement) has no mitigation."
        ]

        update.proposed_rag = RAG.AMBER_RED
        db.session.flush()
        assert len(flags_about(build_review(update), "The rating is Amber/Red but risk PRC-R02")) == 1

        update.proposed_rag = RAG.AMBER
        db.session.flush()
        assert flags_about(build_review(update), "mitigation") == []

        update.proposed_rag = RAG.RED
        risk(update, "PRC-R02").status = RiskStatus.CLOSED
        db.session.flush()
        assert flags_about(build_review(update), "mitigation") == []


def test_flag_a_red_rating_with_no_open_risks(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        update.proposed_rag = RAG.RED
        update.risks.clear()
        db.session.flush()
        assert flags_about(build_review(update), "no open risks") == ["The rating is Red but no open risks are recorded."]

        update.proposed_rag = RAG.AMBER
        db.session.flush()
        assert flags_about(build_review(update), "no open risks") == []


def test_flag_a_milestone_delayed_again_with_the_number_of_periods(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        set_statuses(update, MilestoneStatus.COMPLETE)
        db.session.flush()
        assert flags_about(build_review(update), "PRC-M04") == []

        milestone(update, "PRC-M04").status = MilestoneStatus.DELAYED
        db.session.flush()
        review = build_review(update)
        assert flags_about(review, "PRC-M04") == [
            "Milestone PRC-M04 (Procurement training for all staff) is delayed for a second period."
        ]
        assert next(row for row in review.milestones.slipped).periods_delayed == 2


def test_flag_a_milestone_still_not_complete_after_an_earlier_delay(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        set_statuses(update, MilestoneStatus.COMPLETE)
        milestone(update, "PRC-M04").status = MilestoneStatus.ON_TRACK
        db.session.flush()
        assert flags_about(build_review(update), "PRC-M04") == [
            "Milestone PRC-M04 (Procurement training for all staff) was delayed in an earlier period and is "
            "still not complete (on track)."
        ]
        # A milestone that was never delayed before is not questioned for being on track.
        milestone(update, "PRC-M05").status = MilestoneStatus.ON_TRACK
        db.session.flush()
        assert flags_about(build_review(update), "PRC-M05") == []


def test_flags_across_three_periods_count_every_delay_and_compare_with_the_approved_rating(app, ids):
    with app.test_request_context():
        nov_dec = get_update(ids, "PRC")
        set_statuses(nov_dec, MilestoneStatus.COMPLETE)
        milestone(nov_dec, "PRC-M04").status = MilestoneStatus.DELAYED
        nov_dec.state, nov_dec.proposed_rag, nov_dec.agreed_rag = UpdateState.APPROVED, RAG.AMBER, RAG.AMBER
        db.session.flush()
        period = open_jan_feb()
        db.session.flush()
        jan_feb = db.session.scalar(
            sa.select(WorkstreamUpdate).where(
                WorkstreamUpdate.period_id == period.id, WorkstreamUpdate.workstream_id == ids.workstreams["PRC"]
            )
        )
        assert [m.reference for m in jan_feb.milestones_this_period] == ["PRC-M04"]
        milestone(jan_feb, "PRC-M04").status = MilestoneStatus.DELAYED
        jan_feb.proposed_rag = RAG.GREEN
        db.session.flush()
        review = build_review(jan_feb)
        assert review.flags == [
            "The rating improved from Amber to Green while milestone PRC-M04 slipped.",
            "Milestone PRC-M04 (Procurement training for all staff) is delayed for a third period.",
        ]


def test_flag_a_forecast_completion_later_than_agreed_with_the_slippage(app, ids):
    with app.test_request_context():
        update = get_update(ids, "PRC")
        review = build_review(update)
        assert review.slippage_days == 0 and flags_about(review, "forecast") == []

        update.workstream.forecast_completion_date = update.workstream.agreed_completion_date + dt.timedelta(days=30)
        db.session.flush()
        review = build_review(update)
        assert review.slippage_days == 30
        assert flags_about(review, "forecast") == [
            "The forecast completion date, 28 April 2024, is 30 days later than the agreed date, 29 March 2024."
        ]


def test_demo_nov_dec_procurement_draft_has_nothing_to_question(app, ids):
    with app.test_request_context():
        assert build_review(get_update(ids, "PRC")).flags == []


def test_building_a_review_takes_the_same_number_of_statements_however_many_rows(app, ids):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.test_request_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            update_id = ids.update("PRC", "nov_dec")
            update = db.session.get(WorkstreamUpdate, update_id)
            del statements[:]
            build_review(update)
            few = len(statements)
            update = db.session.get(WorkstreamUpdate, update_id)
            for n in range(20):
                update.milestones.append(
                    Milestone(kind=MilestoneKind.THIS_PERIOD, position=30 + n, reference=f"PRC-X{n:02d}", description="x")
                )
                update.risks.append(Risk(position=30 + n, reference=f"PRC-Y{n:02d}", description="y"))
            db.session.commit()
            db.session.expire_all()
            update = db.session.get(WorkstreamUpdate, update_id)
            del statements[:]
            build_review(update)
            many = len(statements)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    # The periods, the workstream, last period's update with its milestones and risks, this update's
    # milestones and risks, and the milestones' history.
    assert few <= 9
    assert many == few


# --- The page --------------------------------------------------------------------------------------


def submit_prc_draft(app, ids, **changes):
    """Fill and submit the Nov–Dec Procurement draft, then apply `changes` (update attributes)."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("PRC", "nov_dec"))
        previous = db.session.get(WorkstreamUpdate, ids.update("PRC", "sep_oct"))
        update.key_activities = previous.key_activities + "\n- Procurement Hub launched to all staff"
        update.engagement = previous.engagement.replace("fortnightly", "weekly")
        update.concerns = "None this period."
        update.rag_rationale = previous.rag_rationale
        update.proposed_rag = RAG.GREEN
        set_statuses(update, MilestoneStatus.COMPLETE)
        milestone(update, "PRC-M04").status = MilestoneStatus.DELAYED
        milestone(update, "PRC-M04").status_note = "Budget still not amended"
        for name, value in changes.items():
            setattr(update, name, value)
        update.state = UpdateState.SUBMITTED
        db.session.commit()


@pytest.mark.parametrize("email", [NICK_BELL, LOUISA_SIMPSON])
def test_review_page_is_shown_to_the_workstreams_sponsor_and_project_manager(signed_in, ids, email):
    response = signed_in(email).get(f"/updates/{ids.update('PRC', 'nov_dec')}/review")
    assert response.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">Compare with last period</h1>" in response.get_data(as_text=True)


def test_review_page_refuses_another_workstreams_project_manager_on_a_draft(signed_in, ids):
    assert signed_in(JODIE_TOWNSEND).get(f"/updates/{ids.update('PRC', 'nov_dec')}/review").status_code == 403


def test_review_page_sends_a_signed_out_visitor_to_sign_in(client, ids):
    response = client.get(f"/updates/{ids.update('PRC', 'nov_dec')}/review")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_review_page_of_an_unknown_update_is_404(signed_in):
    assert signed_in(NICK_BELL).get("/updates/999999/review").status_code == 404


def test_review_page_shows_the_flags_last_periods_text_and_the_marked_changes(app, signed_in, ids):
    submit_prc_draft(app, ids)
    with app.app_context():
        workstream = db.session.get(Workstream, ids.workstreams["PRC"])
        workstream.forecast_completion_date = dt.date(2024, 5, 31)
        db.session.commit()
    html = signed_in(NICK_BELL).get(f"/updates/{ids.update('PRC', 'nov_dec')}/review").get_data(as_text=True)
    assert "2 things to question before you approve" in html
    assert html_lib.escape(
        "Milestone PRC-M04 (Procurement training for all staff) is delayed for a second period.", quote=True
    ) in html
    assert "is 63 days later than the agreed date, 29 March 2024." in html
    assert SEP_OCT_PRC_PHRASE in html
    assert '<del><span class="govuk-visually-hidden">removed: </span>fortnightly</del>' in html
    assert '<ins><span class="govuk-visually-hidden">added: </span>weekly</ins>' in html
    assert "Procurement Hub launched to all staff</ins>" in html
    assert "Delayed for 2 periods" in html
    assert "Carried forward: delayed last period" in html
    assert "1 September 2023 – 31 October 2023" in html


def test_review_page_escapes_markup_in_officers_text(app, signed_in, ids):
    submit_prc_draft(app, ids, concerns='<script>alert("x")</script> & <b>more</b>')
    html = signed_in(NICK_BELL).get(f"/updates/{ids.update('PRC', 'nov_dec')}/review").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>more" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_review_page_of_the_first_period_says_there_is_nothing_to_compare(signed_in, ids):
    html = signed_in(NICK_BELL).get(f"/updates/{ids.update('PRC', 'jul_aug')}/review").get_data(as_text=True)
    assert "This is the first reporting period, so there is no earlier update to compare with." in html
    assert "Last period (agreed)" not in html
