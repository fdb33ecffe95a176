"""The draft editor's page through HTTP: who may open it, what it shows, and the reason-for-change fragment."""
from __future__ import annotations

import re

from markupsafe import escape

from app.models import UpdateState
from tests.conftest import csrf_token, post, text
from tests.editing import (
    base_values, fill_draft, get, open_editor, save, set_state, single, snapshot, stored, textarea, version_of,
)
from tests.personas import HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR, STEVE_COX


# --- Opening the editor ---------------------------------------------------------------------------------------


def test_the_editor_opens_for_the_workstreams_project_manager_and_pmo_support_and_no_one_else(app, person, ids):
    people = (LOUISA_SIMPSON, HEIDI_ROBINSON, JODIE_TOWNSEND, NICK_BELL, STEVE_COX, RICHARD_CARR)
    clients = {email: person(email) for email in people}
    for code in ("GOV", "PRC"):
        update_id = ids.update(code, "nov_dec")
        before = snapshot(app, update_id)
        for email in (LOUISA_SIMPSON, HEIDI_ROBINSON):
            assert clients[email].get(f"/updates/{update_id}/edit").status_code == 200, (code, email)
        for email in (JODIE_TOWNSEND, NICK_BELL, STEVE_COX, RICHARD_CARR):
            client = clients[email]
            assert client.get(f"/updates/{update_id}/edit").status_code == 403, (code, email)
            response = post(client, f"/updates/{update_id}/edit", version=1, key_activities="Not mine to write.")
            assert response.status_code == 403, (code, email)
        assert snapshot(app, update_id) == before
    # Jodie edits her own workstream's draft.
    assert clients[JODIE_TOWNSEND].get(f"/updates/{ids.update('PPD', 'nov_dec')}/edit").status_code == 200


def test_the_editor_is_refused_with_409_once_submitted_or_in_a_locked_period(app, person, ids):
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    submitted = ids.update("PRC", "nov_dec")
    set_state(app, submitted, UpdateState.SUBMITTED)
    locked = ids.update("PRC", "sep_oct")
    for update_id in (submitted, locked):
        before = snapshot(app, update_id)
        for client in (louisa, heidi):
            assert client.get(f"/updates/{update_id}/edit").status_code == 409
            response = post(client, f"/updates/{update_id}/edit", version=version_of(app, update_id),
                            key_activities="Changed after the event.")
            assert response.status_code == 409
        assert snapshot(app, update_id) == before
    # A returned draft is editable again.
    set_state(app, submitted, UpdateState.RETURNED)
    assert louisa.get(f"/updates/{submitted}/edit").status_code == 200


def test_a_save_refused_because_the_draft_was_submitted_meanwhile_shows_what_was_typed_to_copy(app, person, ids):
    louisa = person(LOUISA_SIMPSON)
    update_id = ids.update("PRC", "nov_dec")
    _html, form = open_editor(louisa, update_id)
    set_state(app, update_id, UpdateState.SUBMITTED)  # from the other tab, after this one opened the editor
    before = snapshot(app, update_id)
    typed = "Procurement board met <twice>.\n- Contract register published"
    response = save(louisa, update_id, form, key_activities=typed, concerns="A new concern.")
    assert response.status_code == 409
    page = text(response)
    assert "Your changes were not saved" in page and "This cannot be edited while it is submitted." in page
    assert f'href="/updates/{update_id}">Procurement' in page  # the breadcrumbs lead back to the update
    sent = re.findall(r'data-testid="sent-text">(.*?)</div>', page, re.S)
    assert escape(typed) in sent and "A new concern." in sent
    assert snapshot(app, update_id) == before


def test_the_editor_sends_a_signed_out_visitor_to_sign_in(app, client, ids):
    update_id = ids.update("PRC", "nov_dec")
    before = snapshot(app, update_id)
    response = client.get(f"/updates/{update_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    token = csrf_token(text(client.get("/sign-in")))
    response = client.post(f"/updates/{update_id}/edit", data={"csrf_token": token, "version": 1, "key_activities": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert snapshot(app, update_id) == before


def test_the_editor_page_carries_the_stored_draft_as_base_inputs_and_its_version(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    html, form = open_editor(person(LOUISA_SIMPSON), update_id)
    expected = stored(app, update_id)
    assert base_values(form) == expected
    assert expected["key_activities"] == "Trained the team.\n- Wrote the templates & the <guidance>"
    assert expected["milestones-0-status"] == "DELAYED"
    assert "\n" in expected["outcomes"] and expected["forecast_completion_date"] == "2024-03-29"
    assert single(form, "version") == str(version_of(app, update_id))
    # The boxes start from the same values.
    assert single(form, "key_activities") == expected["key_activities"]
    assert single(form, "milestones-0-status") == "DELAYED"
    assert form["forecast_completion_date"] == ["29", "03", "2024"]
    assert "&lt;guidance&gt;" in html and "<guidance>" not in html


def test_the_editor_shows_last_periods_agreed_rating(app, person, ids):
    html, _ = open_editor(person(HEIDI_ROBINSON), ids.update("PTN", "nov_dec"))
    assert re.search(
        r"Last period \(1 September 2023 – 31 October 2023\) the sponsor agreed\s*"
        r'<strong class="wm-rag wm-rag--green-amber[^"]*">Green/Amber</strong>',
        html,
    )
    html, _ = open_editor(person(LOUISA_SIMPSON), ids.update("GOV", "nov_dec"))
    assert re.search(r'the sponsor agreed\s*<strong class="wm-rag wm-rag--green[^"]*">Green</strong>', html)
    assert "Last period&#39;s agreed rating was Green." in html


def test_the_editor_shows_when_each_milestone_was_first_planned_and_how_often_it_was_delayed(app, person, ids):
    html, _ = open_editor(person(LOUISA_SIMPSON), ids.update("PRC", "nov_dec"))
    ages = {}
    for position, reference in re.findall(r'<fieldset class="govuk-fieldset wm-milestone" id="milestones-(\d+)".*?'
                                          r'<legend[^>]*>(PRC-M\d+):', html, re.S):
        age = re.search(rf'<p class="govuk-body-s" id="milestones-{position}-age">(.*?)</p>', html, re.S).group(1)
        ages[reference] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", age)).strip()
    assert len(ages) == 11
    for reference in ("PRC-M01", "PRC-M02", "PRC-M03", "PRC-M04"):
        assert ages[reference] == "First planned for July 2023. Delayed in 1 earlier period", reference
    for number in range(5, 12):
        assert ages[f"PRC-M{number:02d}"] == "First planned for September 2023.", number


# --- The reason for a change of rating ----------------------------------------------------------------------


def test_the_reason_for_a_change_of_rating_is_shown_only_when_the_rating_differs_from_last_periods(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")  # last period agreed Green
    path = f"/updates/{update_id}/edit/rag-change-reason"
    for client in (person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)):
        for proposed, needed in (("AMBER", True), ("RED", True), ("GREEN_AMBER", True), ("GREEN", False),
                                 ("", False), ("PURPLE", False), (None, False)):
            params = {"proposed_rag": proposed} if proposed is not None else {}
            for htmx in (True, False):
                response = get(client, path, htmx=htmx, **params)
                assert response.status_code == 200, proposed
                html = text(response)
                assert "<html" not in html
                opening = re.match(r'\s*<div id="rag-change-reason" class="([^"]*)">', html)
                assert opening, html[:200]
                assert ("wm-js-hidden" not in opening.group(1)) is needed, proposed
                assert 'name="rag_change_reason"' in html
                assert "Last period&#39;s agreed rating was Green." in html


def test_the_typed_reason_for_a_change_of_rating_is_echoed_back_escaped(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    typed = '<script>alert("x")</script> & the board\'s "view"\nsecond line'
    response = get(person(LOUISA_SIMPSON), f"/updates/{update_id}/edit/rag-change-reason", htmx=True,
                   proposed_rag="AMBER", rag_change_reason=typed)
    assert response.status_code == 200
    html = text(response)
    assert textarea(html, "rag_change_reason") == str(escape(typed))
    assert "<script>alert" not in html


def test_the_reason_fragment_is_refused_to_people_who_cannot_edit_the_draft(app, person, ids):
    gov = ids.update("GOV", "nov_dec")
    for email in (JODIE_TOWNSEND, NICK_BELL, RICHARD_CARR):
        response = get(person(email), f"/updates/{gov}/edit/rag-change-reason", htmx=True, proposed_rag="AMBER")
        assert response.status_code == 403, email
    locked = ids.update("GOV", "sep_oct")
    response = get(person(LOUISA_SIMPSON), f"/updates/{locked}/edit/rag-change-reason", proposed_rag="AMBER")
    assert response.status_code == 409
