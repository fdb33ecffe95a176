"""Requests no page of the service sends: ids the database cannot hold, bodies that are not forms, choices
outside a field's options and dates that are not three boxes. Each is a clear 4xx and changes nothing."""
from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.forms import LONG_TEXT
from app.models import MilestoneStatus, Workstream, WorkstreamUpdate
from tests.conftest import csrf_token, error_beside, text
from tests.editing import open_editor, save
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON

TOO_BIG = ("2147483648", "9223372036854775808", "99999999999999999999999999")


@pytest.fixture
def pm(person):
    return person(LOUISA_SIMPSON)


def stored_update(app, update_id) -> tuple:
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        workstream = db.session.get(Workstream, update.workstream_id)
        return update.version, update.key_activities, update.proposed_rag, workstream.forecast_completion_date


@pytest.mark.parametrize("huge", TOO_BIG)
@pytest.mark.parametrize(
    "path",
    [
        "/updates/{}",
        "/updates/{}/edit",
        "/updates/{}/review",
        "/workstreams/{}",
        "/periods/{}",
        "/periods/{}/revisions/1",
        "/periods/{}/revisions/1.docx",
        "/periods/1/revisions/{}",
        "/periods/1/revisions/{}.docx",
    ],
)
def test_an_id_outside_the_databases_range_is_not_found(signed_in, path, huge):
    response = signed_in(HEIDI_ROBINSON).get(path.format(huge))
    assert response.status_code == 404


@pytest.mark.parametrize("huge", TOO_BIG)
@pytest.mark.parametrize("path", ["/updates/{}/submit", "/programmes/{}/people/invite", "/updates/{}/edit"])
def test_a_post_to_an_id_outside_the_databases_range_is_not_found(signed_in, path, huge):
    client = signed_in(HEIDI_ROBINSON)
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post(path.format(huge), data={"csrf_token": token})
    assert response.status_code == 404


def test_the_largest_id_a_column_holds_still_reaches_the_route(signed_in):
    assert signed_in(HEIDI_ROBINSON).get("/updates/2147483647").status_code == 404  # no such row, but routed


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", json.dumps({"key_activities": 1})),
        ("text/plain", "key_activities=1"),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="key_activities"\r\n\r\n1\r\n--x--\r\n'),
    ],
)
def test_a_body_that_is_not_a_form_is_refused_with_415_and_changes_nothing(app, pm, ids, content_type, body):
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    response = pm.post(
        f"/updates/{update_id}/edit", data=body, content_type=content_type, headers={"X-CSRFToken": pm.token}
    )
    assert response.status_code == 415
    assert "accepts only form submissions" in text(response)
    assert stored_update(app, update_id) == before


@pytest.mark.parametrize("value", ["PURPLE", "green", "GREEN\x00", "Green", ""])
def test_a_rating_outside_the_five_levels_is_refused_beside_the_field(app, pm, ids, value):
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    _, form = open_editor(pm, update_id)
    response = save(pm, update_id, form, proposed_rag=value, key_activities="Kept while the rating is refused")
    if value == "":
        assert response.status_code == 302  # no rating chosen yet is a partial draft
        return
    assert response.status_code == 422
    html = text(response)
    assert "Select a RAG rating from the five shown" in error_beside(html, "proposed_rag")
    assert "Kept while the rating is refused" in html
    assert stored_update(app, update_id) == before


@pytest.mark.parametrize(
    "boxes",
    [["2023-02-30"], ["30", "2"], ["30", "2", "2023", "1"], ["31", "09", "2023"], ["x", "y", "z"], ["1", "13", "2024"]],
)
def test_a_forecast_date_that_is_not_a_real_date_is_refused_and_the_stored_date_kept(app, pm, ids, boxes):
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    assert before[3] is not None, "the demo's Governance workstream has a forecast date"
    _, form = open_editor(pm, update_id)
    response = save(pm, update_id, form, forecast_completion_date=boxes)
    assert response.status_code == 422
    assert "must be a real date" in error_beside(text(response), "forecast_completion_date")
    assert stored_update(app, update_id) == before


def test_a_body_larger_than_any_page_posts_is_refused(app, pm, ids):
    update_id = ids.update("GOV", "nov_dec")
    response = pm.post(
        f"/updates/{update_id}/edit", data={"csrf_token": pm.token, "key_activities": "x" * (5 * 1024 * 1024)}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "field, forged",
    [("proposed_rag", "PURPLE"), ("forecast_completion_date", "30 February"), ("milestones-0-status", "FINISHED")],
)
def test_a_conflict_resolved_to_the_saved_value_keeps_the_stored_one_whatever_base_says(app, pm, ids, field, forged):
    """Choosing the saved value in a conflict leaves the field as stored; the page's copy of it (base::) is
    never what is saved, so a forged one changes nothing and fails nothing."""
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    response = pm.post(
        f"/updates/{update_id}/edit",
        data={"csrf_token": pm.token, "version": before[0], f"base::{field}": forged, f"resolve::{field}": "saved"},
    )
    assert response.status_code == 302
    assert stored_update(app, update_id) == before
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        assert update.milestones_this_period[0].status is None


def test_a_milestone_status_posted_without_the_ones_before_it_reaches_that_milestone(app, pm, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = stored_update(app, update_id)[0]
    response = pm.post(
        f"/updates/{update_id}/edit",
        data={"csrf_token": pm.token, "version": version, "milestones-1-status": "COMPLETE",
              "milestones-5-status": "DELAYED"},
    )
    assert response.status_code == 302
    with app.app_context():
        statuses = [m.status for m in db.session.get(WorkstreamUpdate, update_id).milestones_this_period]
    assert (statuses[1], statuses[5]) == (MilestoneStatus.COMPLETE, MilestoneStatus.DELAYED)


def test_a_conflict_resolved_to_the_saved_text_cannot_store_text_past_the_limit(app, pm, ids):
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    response = pm.post(
        f"/updates/{update_id}/edit",
        data={"csrf_token": pm.token, "version": before[0], "base::key_activities": "x" * (LONG_TEXT + 1),
              "resolve::key_activities": "saved"},
    )
    assert stored_update(app, update_id) == before, f"saved ({response.status_code})"


@pytest.mark.parametrize("name", ["milestones-²-status", "key_activities\x00", "milestones-٣-status"])
def test_a_field_name_no_page_sends_is_refused_with_400_and_changes_nothing(app, pm, ids, name):
    update_id = ids.update("GOV", "nov_dec")
    before = stored_update(app, update_id)
    response = pm.post(f"/updates/{update_id}/edit", data={"csrf_token": pm.token, "version": before[0], name: "COMPLETE"})
    assert response.status_code == 400
    assert "The form sent a field that none of this service" in text(response)
    assert stored_update(app, update_id) == before
