"""Creating a programme (its creator becomes its PMO) and the settings its PMO keeps, in the browser."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Programme, Role, RoleAssignment, User
from app.programmes.services import settings_fingerprint
from app.rag import RAG, RAG_DEFINITIONS, RAG_METHODOLOGY_INTRO
from tests.conftest import csrf_token, error_beside, post, sign_in, text, user_by_email
from tests.personas import COMMITTEE_MEMBER, HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR


def beside(page: str, field: str) -> str:
    return html.unescape(error_beside(page, field))


def programme_named(name: str) -> Programme | None:
    return db.session.scalar(sa.select(Programme).where(Programme.name == name))


def row_counts() -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Programme, RoleAssignment, AuditEvent))


# --- Creating a programme --------------------------------------------------------------------------------


def test_whoever_may_create_programmes_creates_one_and_becomes_its_pmo(app, person):
    heidi = person(HEIDI_ROBINSON)
    page = heidi.get("/programmes/new")
    assert page.status_code == 200 and "Create a programme" in text(page)
    response = post(heidi, "/programmes/new", name="  Recovery Plan ", organisation="Fenland District Council",
                    months_per_period="3")
    assert response.status_code == 302
    with app.app_context():
        programme = programme_named("Recovery Plan")
        assert (programme.organisation, programme.months_per_period) == ("Fenland District Council", 3)
        assert response.headers["Location"].endswith(f"/programmes/{programme.id}")
        # The seed's calendar and methodology, until its PMO changes them.
        assert programme.rag_methodology_intro == RAG_METHODOLOGY_INTRO
        assert programme.rag_definitions == {rag.name: RAG_DEFINITIONS[rag] for rag in RAG}
        heidi_user = user_by_email(HEIDI_ROBINSON)
        assert heidi_user.has_role(Role.PMO, programme.id)
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.programme_id == programme.id)
            .order_by(AuditEvent.id)
        ).all()
        assert events == [("create_programme", heidi_user.id), ("grant_role", heidi_user.id)]
        programme_id = programme.id
    home = text(heidi.get(f"/programmes/{programme_id}"))
    assert "The programme has no workstreams yet" in home
    assert f'href="/programmes/{programme_id}/workstreams/new"' in home
    settings = heidi.get(f"/programmes/{programme_id}/settings")
    assert settings.status_code == 200


def test_someone_who_may_not_create_programmes_is_refused(app, person):
    for email in (LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR):
        someone = person(email)
        assert someone.get("/programmes/new").status_code == 403
        assert post(someone, "/programmes/new", name="Mine", organisation="Me", months_per_period="2").status_code == 403
    with app.app_context():
        assert programme_named("Mine") is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter the programme's name"),
        ({"organisation": ""}, "organisation", "Enter the organisation's name"),
        ({"name": "x" * 201}, "name", "The programme's name must be 200 characters or fewer"),
        ({"months_per_period": "13"}, "months_per_period", "The number of months must be between 1 and 12"),
        ({"months_per_period": "0"}, "months_per_period", "The number of months must be between 1 and 12"),
        ({"months_per_period": "two"}, "months_per_period", "The number of months must be a whole number, like 2"),
        ({"months_per_period": "1.5"}, "months_per_period", "The number of months must be a whole number, like 2"),
        ({"months_per_period": "9" * 60}, "months_per_period", "The number of months must be between 1 and 12"),
        ({"months_per_period": ""}, "months_per_period", "Enter the number of months in each reporting period"),
        ({"name": "improvement PLAN"}, "name", "There is already a programme called Improvement Plan"),
    ],
)
def test_a_new_programme_is_refused_beside_the_field_at_fault_keeping_what_was_typed(app, person, fields, field, message):
    heidi = person(HEIDI_ROBINSON)
    with app.app_context():
        before = row_counts()
    form = {"name": "Recovery Plan", "organisation": "Fenland District Council", "months_per_period": "2", **fields}
    response = post(heidi, "/programmes/new", **form)
    assert response.status_code == 422
    page = text(response)
    assert beside(page, field) == message
    assert "There is a problem" in page
    assert 'value="Fenland District Council"' in page or field == "organisation"
    with app.app_context():
        assert row_counts() == before


def test_the_programmes_page_and_an_empty_my_work_lead_a_creator_to_create_a_programme(app, person):
    with app.app_context():
        founder = User(name="Fay Founder", email="fay.founder@example.org", may_create_programmes=True)
        founder.set_password("a long enough password for fay")
        db.session.add(founder)
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "fay.founder@example.org", "a long enough password for fay").status_code == 302
    my_work = text(client.get("/"))
    assert 'href="/programmes/new"' in my_work
    programmes = text(client.get("/programmes"))
    assert "Create the first one" in programmes and 'href="/programmes/new"' in programmes
    client.token = csrf_token(my_work)
    assert post(client, "/programmes/new", name="Fay's Plan", organisation="Fenland", months_per_period="2").status_code == 302
    assert "Fay&#39;s Plan" in text(client.get("/programmes"))


def test_programmes_and_my_work_lead_only_creators_to_create_a_programme(person):
    for page in ("/programmes", "/"):
        assert 'href="/programmes/new"' in text(person(HEIDI_ROBINSON).get(page)), page
        assert 'href="/programmes/new"' not in text(person(NICK_BELL).get(page)), page


# --- Settings ----------------------------------------------------------------------------------------------


def settings_form(app, programme_id: int, **changes) -> dict:
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        form = {
            "name": programme.name,
            "organisation": programme.organisation,
            "months_per_period": str(programme.months_per_period),
            "drafts_due_days_before_end": str(programme.drafts_due_days_before_end),
            "approvals_due_days_after_drafts": str(programme.approvals_due_days_after_drafts),
            "sign_off_due_days_after_approvals": str(programme.sign_off_due_days_after_approvals),
            "iib_meeting_days_after_sign_off": str(programme.iib_meeting_days_after_sign_off),
            "rag_methodology_intro": programme.rag_methodology_intro,
            **{f"definition_{rag.name.lower()}": programme.rag_definitions[rag.name] for rag in RAG},
            "based_on": settings_fingerprint(programme),
        }
    return {**form, **changes}


def test_the_pmo_changes_the_settings_and_the_change_is_audited_with_what_changed(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    page = text(heidi.get(f"/programmes/{ids.programme}/settings"))
    assert 'value="Improvement Plan"' in page and "applies to periods planned after it" in page
    assert "every signed-off pack keeps the text it was signed off with" in page
    form = settings_form(
        app, ids.programme, organisation="CPCA", months_per_period="3", drafts_due_days_before_end="5",
        iib_meeting_days_after_sign_off="14", definition_red="Delivery is unachievable.\r\nEscalate.",
    )
    response = post(heidi, f"/programmes/{ids.programme}/settings", **form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/programmes/{ids.programme}")
    with app.app_context():
        programme = db.session.get(Programme, ids.programme)
        assert (programme.organisation, programme.months_per_period, programme.drafts_due_days_before_end) == ("CPCA", 3, 5)
        assert programme.iib_meeting_days_after_sign_off == 14
        assert programme.rag_definitions["RED"] == "Delivery is unachievable.\nEscalate."
        assert programme.rag_definitions["GREEN"] == RAG_DEFINITIONS[RAG.GREEN]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_programme_settings"))
        assert event.actor_id == user_by_email(HEIDI_ROBINSON).id
        assert event.programme_id == ids.programme
        assert event.changed_fields == [
            "drafts_due_days_before_end", "iib_meeting_days_after_sign_off", "months_per_period", "organisation",
            "rag_definitions RED",
        ]


def test_saving_the_settings_unchanged_records_nothing(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    response = post(heidi, f"/programmes/{ids.programme}/settings", **settings_form(app, ids.programme))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "change_programme_settings")) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("months_per_period", "abc", "The number of months must be a whole number, like 2"),
        ("months_per_period", "-1", "The number of months must be between 1 and 12"),
        ("drafts_due_days_before_end", "28",
         "Drafts must be due between 0 and 27 days before the period ends, so that they are due within it"),
        ("drafts_due_days_before_end", "", "Enter how many days before the period ends drafts are due"),
        ("approvals_due_days_after_drafts", "61", "Sponsor approvals must be due between 0 and 60 days after drafts"),
        ("approvals_due_days_after_drafts", "1e9", "The days after drafts are due must be a whole number, like 7"),
        ("sign_off_due_days_after_approvals", "\u0663", "The days after approvals are due must be a whole number, like 7"),
        ("iib_meeting_days_after_sign_off", "91", "The IIB meeting must be between 0 and 90 days after sign-off is due"),
        ("iib_meeting_days_after_sign_off", "1" + "0" * 400, "The IIB meeting must be between 0 and 90 days after sign-off is due"),
        ("rag_methodology_intro", "  ", "Enter the introduction to the RAG methodology"),
        ("definition_amber_red", "", "Enter what Amber/Red means"),
        ("name", "", "Enter the programme's name"),
    ],
)
def test_a_bad_setting_is_refused_beside_its_field_and_nothing_is_saved(app, person, ids, field, value, message):
    heidi = person(HEIDI_ROBINSON)
    form = settings_form(app, ids.programme, organisation="Changed too", **{field: value})
    response = post(heidi, f"/programmes/{ids.programme}/settings", **form)
    assert response.status_code == 422
    page = text(response)
    assert beside(page, field) == message
    assert 'value="Changed too"' in page, "the rest of what was typed is kept"
    with app.app_context():
        assert db.session.get(Programme, ids.programme).organisation == "Cambridgeshire and Peterborough Combined Authority"


def test_a_settings_change_made_meanwhile_is_not_overwritten_unseen(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    form = settings_form(app, ids.programme, months_per_period="4")
    with app.app_context():
        db.session.get(Programme, ids.programme).organisation = "Someone else's change"
        db.session.commit()
    response = post(heidi, f"/programmes/{ids.programme}/settings", **form)
    assert response.status_code == 409
    page = text(response)
    assert "Someone else changed the programme&#39;s settings after you opened them" in page
    assert "Someone else&#39;s change" in page, "the page shows what is saved now"
    with app.app_context():
        assert db.session.get(Programme, ids.programme).months_per_period == 2
    # Saving again from that page replaces what is saved with what they entered.
    again = dict(form, based_on=_hidden(page, "based_on"))
    assert post(heidi, f"/programmes/{ids.programme}/settings", **again).status_code == 302
    with app.app_context():
        programme = db.session.get(Programme, ids.programme)
        assert (programme.months_per_period, programme.organisation) == (4, "Cambridgeshire and Peterborough Combined Authority")


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_only_the_programmes_pmo_reaches_its_settings(app, person, ids):
    for email in (NICK_BELL, LOUISA_SIMPSON, RICHARD_CARR, COMMITTEE_MEMBER):
        someone = person(email)
        assert someone.get(f"/programmes/{ids.programme}/settings").status_code == 403
        assert post(someone, f"/programmes/{ids.programme}/settings", **settings_form(app, ids.programme, organisation="X")).status_code == 403
    with app.app_context():
        assert db.session.get(Programme, ids.programme).organisation != "X"
    assert app.test_client().get(f"/programmes/{ids.programme}/settings").status_code == 302


def test_the_pmo_of_another_programme_has_no_say_in_this_ones_settings(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    post(heidi, "/programmes/new", name="Recovery Plan", organisation="Fenland", months_per_period="2")
    with app.app_context():
        other = programme_named("Recovery Plan")
        pmo = User(name="Other PMO", email="other.pmo@example.org")
        pmo.set_password("another long password")
        pmo.role_assignments = [RoleAssignment(role=Role.PMO, programme=other)]
        db.session.add(pmo)
        db.session.commit()
    client = app.test_client()
    sign_in(client, "other.pmo@example.org", "another long password")
    client.token = csrf_token(text(client.get("/")))
    assert client.get(f"/programmes/{ids.programme}/settings").status_code == 403
    assert client.get(f"/programmes/{other.id}/settings").status_code == 200


def test_settings_of_no_such_programme_are_not_found(person):
    heidi = person(HEIDI_ROBINSON)
    assert heidi.get("/programmes/2147483647/settings").status_code == 404
    assert heidi.get("/programmes/99999999999999999999/settings").status_code == 404
    assert post(heidi, "/programmes/2147483647/settings", name="x").status_code == 404


def test_a_json_body_is_refused_and_changes_nothing(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    response = heidi.post(f"/programmes/{ids.programme}/settings", json={"name": "JSON"}, headers={"X-CSRFToken": heidi.token})
    assert response.status_code == 415
    response = heidi.post("/programmes/new", json={"name": "JSON", "organisation": "J"}, headers={"X-CSRFToken": heidi.token})
    assert response.status_code == 415
    with app.app_context():
        assert programme_named("JSON") is None


def test_the_pmo_finds_the_settings_in_the_navigation(person, ids):
    page = text(person(HEIDI_ROBINSON).get(f"/programmes/{ids.programme}/periods"))
    assert f'href="/programmes/{ids.programme}/settings"' in page
    assert f'href="/programmes/{ids.programme}/settings"' not in text(person(NICK_BELL).get(f"/programmes/{ids.programme}/periods"))
