"""The PMO's workstream screens: adding a workstream, editing it (its code is fixed once it is in a signed-off
report), and ordering the programme's workstreams."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import (
    AuditEvent, Milestone, MilestoneKind, Programme, ProgrammeReport, ReportingPeriod, ReportState, Risk, RiskStatus,
    Workstream, WorkstreamUpdate,
)
from app.period_queries import workstreams_for_new_period
from app.periods.services import open_period
from app.reports.content import fingerprint
from app.update_rules import period_status
from app.updates.services import outcomes_as_text
from app.workstreams.services import workstream_fingerprint
from tests.conftest import demo_programme, error_beside, post, text, user_by_email
from tests.demo_ids import CODES
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR, THOMAS_FARMER

NEW = {
    "code": "dig",
    "title": "Digital services",
    "description": "Move the authority's services online.\r\n\r\nStart with grants.",
    "outcomes": "Channels:\r\nGrants applied for online\r\n- Payments online\r\n\r\nStaff:\r\nTraining for every officer",
    "agreed_completion_date": ["31", "3", "2025"],
    "forecast_completion_date": ["", "", ""],
}


def beside(page: str, field: str) -> str:
    return html.unescape(error_beside(page, field))


def workstream_coded(code: str) -> Workstream | None:
    return db.session.scalar(sa.select(Workstream).where(Workstream.code == code))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def edit_form(app, workstream_id: int, **changes) -> dict:
    with app.app_context():
        workstream = db.session.get(Workstream, workstream_id)

        def boxes(date):
            return [str(date.day), str(date.month), str(date.year)] if date else ["", "", ""]

        form = {
            "code": workstream.code, "title": workstream.title, "description": workstream.description,
            "outcomes": outcomes_as_text(workstream),
            "agreed_completion_date": boxes(workstream.agreed_completion_date),
            "forecast_completion_date": boxes(workstream.forecast_completion_date),
            "based_on": workstream_fingerprint(workstream),
        }
    return {**form, **changes}


# --- Adding a workstream -----------------------------------------------------------------------------------


def test_the_pmo_adds_a_workstream_last_in_order_with_its_grouped_outcomes(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    assert heidi.get(f"/programmes/{ids.programme}/workstreams/new").status_code == 200
    response = post(heidi, f"/programmes/{ids.programme}/workstreams/new", **NEW)
    assert response.status_code == 302
    with app.app_context():
        workstream = workstream_coded("DIG")
        assert response.headers["Location"].endswith(f"/workstreams/{workstream.id}/edit")
        assert (workstream.programme_id, workstream.title) == (ids.programme, "Digital services")
        assert workstream.description == "Move the authority's services online.\n\nStart with grants."
        assert [(o.position, o.heading, o.text) for o in workstream.outcomes] == [
            (1, "Channels", "Grants applied for online"), (2, "Channels", "Payments online"),
            (3, "Staff", "Training for every officer"),
        ]
        assert (workstream.agreed_completion_date, workstream.forecast_completion_date) == (dt.date(2025, 3, 31), None)
        others = db.session.scalars(sa.select(Workstream.display_order).where(Workstream.id != workstream.id)).all()
        assert workstream.display_order > max(others)
        assert not workstream.is_retired
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create_workstream"))
        assert (event.object_id, event.workstream_id, event.programme_id) == (workstream.id, workstream.id, ids.programme)
        assert event.actor_id == user_by_email(HEIDI_ROBINSON).id
        assert set(event.changed_fields) == {"code", "title", "description", "outcomes", "agreed_completion_date"}


def test_a_new_workstream_reports_from_the_next_period_opened(app, person, ids):
    post(person(HEIDI_ROBINSON), f"/programmes/{ids.programme}/workstreams/new", **NEW)
    with app.test_request_context():
        workstream = workstream_coded("DIG")
        nov_dec = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        assert workstream.id not in [row.workstream.id for row in period_status(nov_dec)]
        period = open_period(
            demo_programme(), start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29),
            drafts_due=dt.date(2024, 2, 23), approvals_due=dt.date(2024, 3, 1), sign_off_due=dt.date(2024, 3, 8),
            iib_meeting_date=None, opened_by=None, while_another_is_open=True,
        )
        assert [row.workstream.code for row in period_status(period)] == [*CODES, "DIG"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "gov"}, "code", "Governance and decision making already has the code GOV: each workstream of a programme has its own"),
        ({"code": ""}, "code", "Enter a code for the workstream"),
        ({"code": "G"}, "code", "The code must be 2 to 8 capital letters or digits, like GOV"),
        ({"code": "DIGITAL01"}, "code", "The code must be 2 to 8 capital letters or digits, like GOV"),
        ({"code": "DI-G"}, "code", "The code must be 2 to 8 capital letters or digits, like GOV"),
        ({"code": "DÏG"}, "code", "The code must be 2 to 8 capital letters or digits, like GOV"),
        ({"title": "  "}, "title", "Enter the workstream's name"),
        ({"title": "x" * 201}, "title", "The workstream's name must be 200 characters or fewer"),
        ({"outcomes": "y" * 201 + ":\nAn outcome"}, "outcomes", "Each heading must be 200 characters or fewer"),
        ({"agreed_completion_date": ["31", "2", "2025"]}, "agreed_completion_date",
         "Agreed completion date must be a real date, like 7 11 2023"),
        ({"forecast_completion_date": ["1", "1"]}, "forecast_completion_date",
         "Forecast completion date must be a real date, like 7 11 2023"),
    ],
)
def test_a_new_workstream_is_refused_beside_the_field_at_fault(app, person, ids, changes, field, message):
    heidi = person(HEIDI_ROBINSON)
    with app.app_context():
        before = (count(Workstream), count(AuditEvent))
    response = post(heidi, f"/programmes/{ids.programme}/workstreams/new", **{**NEW, **changes})
    assert response.status_code == 422
    page = text(response)
    assert beside(page, field) == message
    if field != "title":
        assert 'value="Digital services"' in page
    with app.app_context():
        assert (count(Workstream), count(AuditEvent)) == before


def test_the_same_code_may_be_used_in_another_programme(app, person):
    heidi = person(HEIDI_ROBINSON)
    post(heidi, "/programmes/new", name="Recovery Plan", organisation="Fenland", months_per_period="2")
    with app.app_context():
        other = db.session.scalar(sa.select(Programme.id).where(Programme.name == "Recovery Plan"))
        before = count(Workstream)
    assert post(heidi, f"/programmes/{other}/workstreams/new", **{**NEW, "code": "GOV"}).status_code == 302
    with app.app_context():
        assert count(Workstream) == before + 1
        assert db.session.scalar(sa.select(Workstream.code).where(Workstream.programme_id == other)) == "GOV"


def test_only_the_pmo_adds_workstreams(app, person, ids):
    for email in (NICK_BELL, LOUISA_SIMPSON, THOMAS_FARMER, RICHARD_CARR):
        someone = person(email)
        assert someone.get(f"/programmes/{ids.programme}/workstreams/new").status_code == 403
        assert post(someone, f"/programmes/{ids.programme}/workstreams/new", **NEW).status_code == 403
        assert someone.get(f"/programmes/{ids.programme}/workstreams/manage").status_code == 403
    with app.app_context():
        assert workstream_coded("DIG") is None


# --- Editing a workstream ----------------------------------------------------------------------------------


def test_the_pmo_edits_a_workstreams_details_and_the_change_is_audited(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    page = text(heidi.get(f"/workstreams/{gov}/edit"))
    assert "The code cannot change" in page and "Nick Bell" in page
    form = edit_form(app, gov, title="Governance", outcomes="Leadership:\nReview councillor representation\nMember remuneration",
                     forecast_completion_date=["30", "9", "2024"])
    response = post(heidi, f"/workstreams/{gov}/edit", **form)
    assert response.status_code == 302
    with app.app_context():
        workstream = db.session.get(Workstream, gov)
        assert workstream.title == "Governance"
        assert [(o.heading, o.text) for o in workstream.outcomes] == [
            ("Leadership", "Review councillor representation"), ("Leadership", "Member remuneration"),
        ]
        assert workstream.forecast_completion_date == dt.date(2024, 9, 30)
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_workstream"))
        assert event.changed_fields == ["forecast_completion_date", "outcomes", "title"]
        assert (event.workstream_id, event.actor_id) == (gov, user_by_email(HEIDI_ROBINSON).id)


def test_a_code_cannot_change_once_the_workstream_is_in_a_signed_off_report(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    response = post(heidi, f"/workstreams/{gov}/edit", **edit_form(app, gov, code="GVN", title="Governance"))
    assert response.status_code == 422
    assert beside(text(response), "code") == (
        "The code cannot change: Governance and decision making is in a signed-off programme report, whose "
        "references (like GOV-M01) are made from it"
    )
    with app.app_context():
        workstream = db.session.get(Workstream, gov)
        assert (workstream.code, workstream.title) == ("GOV", "Governance and decision making")


def test_a_code_changes_before_any_sign_off_and_renames_the_references_of_its_rows(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    post(heidi, f"/programmes/{ids.programme}/workstreams/new", **NEW)
    with app.test_request_context():
        workstream = workstream_coded("DIG")
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        update = WorkstreamUpdate(workstream=workstream, period=period)
        update.milestones = [Milestone(kind=MilestoneKind.NEXT_PERIOD, position=1, reference="DIG-M01", description="Launch")]
        update.risks = [Risk(position=1, reference="DIG-R01", description="Late", status=RiskStatus.OPEN)]
        db.session.add(update)
        db.session.commit()
        workstream_id = workstream.id
    response = post(heidi, f"/workstreams/{workstream_id}/edit", **edit_form(app, workstream_id, code="dgs"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Workstream, workstream_id).code == "DGS"
        assert db.session.scalars(sa.select(Milestone.reference).join(WorkstreamUpdate).where(
            WorkstreamUpdate.workstream_id == workstream_id)).all() == ["DGS-M01"]
        assert db.session.scalars(sa.select(Risk.reference).join(WorkstreamUpdate).where(
            WorkstreamUpdate.workstream_id == workstream_id)).all() == ["DGS-R01"]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_workstream"))
        assert (event.changed_fields, event.comment) == (["code"], "DIG is now DGS")


def test_an_edit_to_a_code_another_workstream_has_is_refused(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    post(heidi, f"/programmes/{ids.programme}/workstreams/new", **NEW)
    with app.app_context():
        workstream_id = workstream_coded("DIG").id
    response = post(heidi, f"/workstreams/{workstream_id}/edit", **edit_form(app, workstream_id, code="PRC"))
    assert response.status_code == 422
    assert beside(text(response), "code") == "Procurement already has the code PRC: each workstream of a programme has its own"


def test_an_edit_made_meanwhile_by_a_project_manager_is_not_overwritten_unseen(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    form = edit_form(app, gov, title="Governance")
    with app.app_context():
        db.session.get(Workstream, gov).description = "The project manager's new description."
        db.session.commit()
    response = post(heidi, f"/workstreams/{gov}/edit", **form)
    assert response.status_code == 409
    page = html.unescape(text(response))
    assert "Someone else changed Governance and decision making after you opened it." in page
    assert "The project manager's new description." in page
    with app.app_context():
        assert db.session.get(Workstream, gov).title == "Governance and decision making"
    based_on = re.search(r'name="based_on" type="hidden" value="([^"]*)"', page).group(1)
    assert post(heidi, f"/workstreams/{gov}/edit", **dict(form, based_on=based_on)).status_code == 302
    with app.app_context():
        assert db.session.get(Workstream, gov).title == "Governance"


def test_only_the_pmo_of_its_programme_edits_a_workstream(app, person, ids):
    gov = ids.workstreams["GOV"]
    for email in (NICK_BELL, LOUISA_SIMPSON, THOMAS_FARMER, RICHARD_CARR):
        someone = person(email)
        assert someone.get(f"/workstreams/{gov}/edit").status_code == 403
        assert post(someone, f"/workstreams/{gov}/edit", **edit_form(app, gov, title="Taken")).status_code == 403
    assert person(HEIDI_ROBINSON).get("/workstreams/2147483647/edit").status_code == 404
    assert person(HEIDI_ROBINSON).get("/workstreams/2147483648/edit").status_code == 404
    with app.app_context():
        assert db.session.get(Workstream, gov).title == "Governance and decision making"


# --- Order -----------------------------------------------------------------------------------------------


def order(programme_id) -> list[str]:
    return db.session.scalars(
        sa.select(Workstream.code).where(Workstream.programme_id == programme_id).order_by(Workstream.display_order)
    ).all()


def test_the_pmo_moves_a_workstream_up_and_down_and_reports_follow_the_order(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    prc = ids.workstreams["PRC"]
    page = text(heidi.get(f"/programmes/{ids.programme}/workstreams/manage"))
    assert f'action="/workstreams/{prc}/move-up"' in page
    assert f'action="/workstreams/{ids.workstreams["GOV"]}/move-up"' not in page, "the first cannot move up"
    response = post(heidi, f"/workstreams/{prc}/move-up")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#workstream-{prc}")
    with app.test_request_context():
        assert order(ids.programme) == ["PRC", "GOV", "PPD", "PTN", "CCC"]
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        assert [row.workstream.code for row in period_status(period)][:2] == ["PRC", "GOV"]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "move_workstream"))
        assert (event.workstream_id, event.comment, event.changed_fields) == (prc, "up", ["display_order"])
    assert post(heidi, f"/workstreams/{prc}/move-down").status_code == 302
    assert post(heidi, f"/workstreams/{ids.workstreams['CCC']}/move-down").status_code == 302
    with app.app_context():
        assert order(ids.programme) == list(CODES)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "move_workstream")) == 2, "moving the last one down changes nothing"


def test_only_the_pmo_reorders(app, person, ids):
    for email in (NICK_BELL, LOUISA_SIMPSON, RICHARD_CARR):
        assert post(person(email), f"/workstreams/{ids.workstreams['PRC']}/move-up").status_code == 403
    with app.app_context():
        assert order(ids.programme) == list(CODES)


def test_workstreams_for_a_new_period_come_in_display_order(app, person, ids):
    post(person(HEIDI_ROBINSON), f"/workstreams/{ids.workstreams['CCC']}/move-up")
    with app.test_request_context():
        assert [w.code for w in workstreams_for_new_period(ids.programme, dt.date(2024, 1, 1))] == [
            "GOV", "PRC", "PPD", "CCC", "PTN",
        ]


# --- Signed-off packs keep what they were signed off with -------------------------------------------------


def test_set_up_changes_leave_every_signed_off_pack_as_it_was_signed_off(app, person, signed_in, ids):
    def packs():
        return [
            (report.period_id, report.revision, report.content_fingerprint, report.snapshot)
            for report in db.session.scalars(
                sa.select(ProgrammeReport).options(undefer(ProgrammeReport.snapshot))
                .where(ProgrammeReport.state == ReportState.SIGNED_OFF).order_by(ProgrammeReport.id)
            )
        ]

    with app.app_context():
        before = packs()
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    assert post(heidi, f"/workstreams/{gov}/edit", **edit_form(app, gov, title="Governance",
                                                              description="A new description.")).status_code == 302
    assert post(heidi, f"/workstreams/{ids.workstreams['CCC']}/move-up").status_code == 302
    assert post(heidi, f"/workstreams/{gov}/retire", retire_from="next").status_code == 302
    with app.app_context():
        after = packs()
        assert after == before
        assert all(fingerprint(snapshot) == stored for _period, _revision, stored, snapshot in after)
    # Readers see the signed-off Sep–Oct report as it was signed off.
    page = text(signed_in(RICHARD_CARR).get(f"/periods/{ids.periods['sep_oct']}/report"))
    assert "Governance and decision making" in page and "A new description." not in page


def test_json_bodies_and_ids_no_row_could_have_are_refused_by_every_workstream_route(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    with app.app_context():
        before = (count(Workstream), count(AuditEvent))
    for path in (f"/programmes/{ids.programme}/workstreams/new", f"/workstreams/{gov}/edit", f"/workstreams/{gov}/move-down",
                 f"/workstreams/{gov}/retire", f"/workstreams/{gov}/reactivate"):
        response = heidi.post(path, json={"code": "DIG", "title": "JSON", "retire_from": "next"},
                              headers={"X-CSRFToken": heidi.token})
        assert response.status_code == 415, path
        huge = re.sub(r"/\d+/", "/2147483648/", path, count=1)
        assert post(heidi, huge, **NEW).status_code == 404, huge
        assert heidi.get(huge.replace("/move-down", "").replace("/reactivate", "")).status_code in (404, 405), huge
    with app.app_context():
        assert (count(Workstream), count(AuditEvent)) == before
        assert db.session.get(Workstream, gov).retired_from is None
