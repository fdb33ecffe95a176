"""A session's end, as the pages see it: the time left sent with every answer, 'Stay signed in', htmx moved
to the sign-in page whole, and a draft save that arrives just after the end kept and saved once the same
person signs in again."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from app.auth.routes import SESSION_SECONDS_LEFT_HEADER
from app.extensions import db
from app.models import KeptRequest, UpdateState
from app.models.types import utcnow
from tests.conftest import csrf_token, sign_in, text
from tests.editing import flashes, open_editor, save, set_state, snapshot, stored, version_of
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON

IDLE = 30 * 60


@pytest.fixture
def update_id(ids):
    return ids.update("PRC", "nov_dec")


def idle_out(client, seconds: int = IDLE + 1) -> None:
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - seconds


def kept_requests(app) -> list[KeptRequest]:
    with app.app_context():
        return list(db.session.scalars(sa.select(KeptRequest)))


def seconds_left(response) -> int:
    return int(response.headers[SESSION_SECONDS_LEFT_HEADER])


# --- Time left, and staying signed in -------------------------------------------------------------------


def test_every_answer_to_a_signed_in_person_says_how_long_their_session_has_left(app, signed_in, client):
    assert SESSION_SECONDS_LEFT_HEADER not in client.get("/sign-in").headers
    person = signed_in(LOUISA_SIMPSON)
    assert IDLE - 5 <= seconds_left(person.get("/")) <= IDLE
    # Activity is written at most once a minute, so a request 50 s after the last one leaves the clock running.
    idle_out(person, 50)
    assert IDLE - 55 <= seconds_left(person.get("/periods")) <= IDLE - 50
    idle_out(person, 20 * 60)
    assert IDLE - 5 <= seconds_left(person.get("/periods")) <= IDLE


def test_the_time_left_is_the_shorter_of_the_idle_limit_and_the_sessions_whole_life(app, signed_in):
    person = signed_in(LOUISA_SIMPSON)
    with person.session_transaction() as session:
        session["signed_in_at"] = time.time() - 12 * 3600 + 100
    assert 95 <= seconds_left(person.get("/")) <= 100


def test_staying_signed_in_starts_the_idle_time_again_and_needs_the_csrf_token(app, signed_in):
    person = signed_in(LOUISA_SIMPSON)
    token = csrf_token(text(person.get("/")))
    idle_out(person, 29 * 60)
    assert person.post("/session/extend").status_code == 400
    response = person.post("/session/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 204
    assert seconds_left(response) >= IDLE - 5
    assert seconds_left(person.get("/")) >= IDLE - 5


def test_staying_signed_in_cannot_revive_a_session_that_has_ended(app, signed_in):
    person = signed_in(LOUISA_SIMPSON)
    token = csrf_token(text(person.get("/")))
    idle_out(person)
    response = person.post("/session/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert person.get("/").status_code == 302


def test_staying_signed_in_is_for_signed_in_people_only(client):
    token = csrf_token(text(client.get("/sign-in")))
    response = client.post("/session/extend", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


# --- htmx after the end ---------------------------------------------------------------------------------


def test_an_htmx_request_after_the_end_moves_the_whole_page_to_sign_in_and_back(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    token = csrf_token(text(person.get(f"/updates/{update_id}/edit")))
    idle_out(person)
    response = person.post(
        f"/updates/{update_id}/next-milestones",
        data={"csrf_token": token, "description": "Typed before the end"},
        headers={"HX-Request": "true", "X-CSRFToken": token,
                 "HX-Current-URL": f"http://localhost/updates/{update_id}/edit"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/sign-in?next=%2Fupdates%2F{update_id}%2Fedit"
    assert text(response) == ""
    page = person.get("/sign-in")
    assert "You were signed out because your session ended. Sign in again to continue." in flashes(text(page))


def test_an_htmx_request_without_a_session_moves_the_whole_page_and_ignores_another_sites_address(client):
    response = client.get("/periods", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in"
    assert text(response) == ""


def test_a_post_without_a_session_comes_back_to_its_page_only_when_its_address_is_one(client, update_id):
    token = csrf_token(text(client.get("/sign-in")))
    to_editor = client.post(f"/updates/{update_id}/edit", data={"csrf_token": token})
    assert to_editor.headers["Location"] == f"/sign-in?next=%2Fupdates%2F{update_id}%2Fedit"
    to_sign_in = client.post(f"/updates/{update_id}/submit", data={"csrf_token": token})
    assert to_sign_in.headers["Location"] == "/sign-in"


# --- A save kept over the end of a session --------------------------------------------------------------


def test_a_save_after_the_end_is_kept_without_its_token_and_saved_when_the_same_person_signs_in(
    app, signed_in, update_id
):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    before, version = snapshot(app, update_id), version_of(app, update_id)
    idle_out(person)

    response = save(person, update_id, form, key_activities="Written over forty minutes")
    assert response.status_code == 302 and response.headers["Location"] == f"/sign-in?next=%2Fupdates%2F{update_id}%2Fedit"
    assert snapshot(app, update_id) == before
    [kept] = kept_requests(app)
    assert kept.endpoint == "updates.edit" and kept.view_args == {"update_id": update_id}
    assert ["key_activities", "Written over forty minutes"] in kept.form
    assert not any(name == "csrf_token" for name, _ in kept.form)
    page = text(person.get("/sign-in"))
    assert ("You were signed out because your session ended. What you sent has been kept: sign in again and it "
            "will be saved.") in flashes(page)

    answer = sign_in(person, LOUISA_SIMPSON)
    assert answer.status_code == 302 and answer.headers["Location"] == f"/updates/{update_id}"
    assert stored(app, update_id)["key_activities"] == "Written over forty minutes"
    assert version_of(app, update_id) == version + 1
    assert kept_requests(app) == []
    assert "Draft saved" in flashes(text(person.get(f"/updates/{update_id}")))


def test_a_kept_save_meets_the_usual_merge_rules_when_someone_saved_in_between(app, signed_in, update_id):
    person, colleague = signed_in(LOUISA_SIMPSON), signed_in(HEIDI_ROBINSON)
    _, form = open_editor(person, update_id)
    _, colleague_form = open_editor(colleague, update_id)
    idle_out(person)
    save(person, update_id, form, key_activities="Mine, kept", engagement="Mine too")
    assert save(colleague, update_id, colleague_form, key_activities="Theirs", concerns="Their concern").status_code == 302

    answer = sign_in(person, LOUISA_SIMPSON)
    assert answer.status_code == 409
    html = text(answer)
    assert "Mine, kept" in html and "Theirs" in html
    saved = stored(app, update_id)
    assert saved["key_activities"] == "Theirs" and saved["concerns"] == "Their concern"
    assert kept_requests(app) == []


def test_a_kept_save_with_a_bad_field_shows_the_editor_with_the_error_and_stores_nothing(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    before = snapshot(app, update_id)
    idle_out(person)
    save(person, update_id, form, key_activities="Kept text", forecast_completion_date=["30", "2", "2024"])

    answer = sign_in(person, LOUISA_SIMPSON)
    assert answer.status_code == 422
    html = text(answer)
    assert "Kept text" in html and "must be a real date" in html
    assert snapshot(app, update_id) == before


def test_a_kept_save_is_not_applied_once_the_draft_has_been_submitted(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    idle_out(person)
    save(person, update_id, form, key_activities="Too late")
    set_state(app, update_id, UpdateState.SUBMITTED)
    before = snapshot(app, update_id)

    answer = sign_in(person, LOUISA_SIMPSON)
    assert answer.status_code == 302 and answer.headers["Location"] == f"/updates/{update_id}"
    assert snapshot(app, update_id) == before
    page = text(person.get(f"/updates/{update_id}"))
    assert any(message.startswith("What you sent when your session ended was not saved:") for message in flashes(page))


def test_a_kept_save_is_never_applied_for_someone_else_who_signs_in_on_that_browser(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    before = snapshot(app, update_id)
    idle_out(person)
    save(person, update_id, form, key_activities="Not for anyone else")

    answer = sign_in(person, HEIDI_ROBINSON)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert snapshot(app, update_id) == before
    assert kept_requests(app) == []


def test_a_save_after_the_end_with_a_bad_token_is_refused_and_not_kept(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    idle_out(person)
    assert save(person, update_id, form, csrf_token="forged", key_activities="Planted").status_code == 400
    assert kept_requests(app) == []


def test_only_the_editors_save_is_kept(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    token = csrf_token(text(person.get(f"/updates/{update_id}/edit")))
    idle_out(person)
    person.post(f"/updates/{update_id}/submit", data={"csrf_token": token})
    assert kept_requests(app) == []


def test_a_later_kept_save_replaces_the_earlier_one(app, signed_in, update_id):
    first, second = signed_in(LOUISA_SIMPSON), signed_in(LOUISA_SIMPSON)
    _, form = open_editor(first, update_id)
    _, second_form = open_editor(second, update_id)
    idle_out(first)
    idle_out(second)
    save(first, update_id, form, key_activities="First")
    save(second, update_id, second_form, key_activities="Second")
    [kept] = kept_requests(app)
    assert ["key_activities", "Second"] in kept.form


def test_a_kept_save_older_than_a_session_can_last_is_discarded(app, signed_in, update_id):
    person = signed_in(LOUISA_SIMPSON)
    _, form = open_editor(person, update_id)
    before = snapshot(app, update_id)
    idle_out(person)
    save(person, update_id, form, key_activities="From yesterday")
    with app.app_context():
        db.session.execute(sa.update(KeptRequest).values(created_at=utcnow() - dt.timedelta(hours=13)))
        db.session.commit()

    assert sign_in(person, LOUISA_SIMPSON).headers["Location"] == "/"
    assert snapshot(app, update_id) == before
    assert kept_requests(app) == []
