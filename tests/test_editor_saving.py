"""Saving the draft editor through HTTP: what a save stores and audits, and what it refuses beside the field."""
from __future__ import annotations

import datetime as dt
import re

from app.extensions import db
from app.models import WorkstreamUpdate
from tests.conftest import error_beside, text
from tests.editing import (
    as_a_browser_sends_it, base_values, events_since, fill_draft, flashes, follow, last_event_id, open_editor,
    read_form, save, single, snapshot, stored, without,
)
from tests.personas import LOUISA_SIMPSON

LONG_FIELDS = {
    "key_activities": "Key activities must be 20,000 characters or fewer",
    "engagement": "Engagement must be 20,000 characters or fewer",
    "concerns": "Concerns and issues must be 20,000 characters or fewer",
    "rag_rationale": "RAG rating rationale must be 20,000 characters or fewer",
    "rag_change_reason": "Reason for the change of rating must be 20,000 characters or fewer",
    "workstream_description": "The project description must be 20,000 characters or fewer",
    "outcomes": "The project outcomes must be 20,000 characters or fewer",
}


# --- Saving --------------------------------------------------------------------------------------------------


def test_a_partial_draft_saves_and_audits_the_changed_fields_with_milestones_named_by_reference(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before, since, fields_before = snapshot(app, update_id), last_event_id(app), stored(app, update_id)
    response = save(louisa, update_id, form, **{
        "key_activities": "  Ran the first training session.  ",
        "milestones-0-status": "DELAYED",
        "milestones-0-status_note": "The trainer is booked for January.",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == f"/updates/{update_id}"
    assert flashes(follow(louisa, response)) == ["Draft saved"]
    after = stored(app, update_id)
    assert after == {
        **fields_before,
        "key_activities": "Ran the first training session.",
        "milestones-0-status": "DELAYED",
        "milestones-0-status_note": "The trainer is booked for January.",
    }
    assert events_since(app, since) == [
        ("edit", "WorkstreamUpdate", update_id, LOUISA_SIMPSON,
         ["PRC-M04 status", "PRC-M04 status note", "key_activities"], "", None, None),
    ]
    # The lists and the workstream are untouched.
    parts = ("update", "update version", "milestones this period", "events")
    assert without(snapshot(app, update_id), *parts) == without(before, *parts)


def test_saving_with_nothing_changed_stores_nothing_and_writes_no_event(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before = snapshot(app, update_id)
    for _ in range(2):
        response = save(louisa, update_id, form)
        assert response.status_code == 302
        assert snapshot(app, update_id) == before
    # Surrounding whitespace is not a change either.
    response = save(louisa, update_id, form, key_activities="\n  " + single(form, "key_activities") + "  \n")
    assert response.status_code == 302
    assert snapshot(app, update_id) == before


def test_a_real_forecast_date_is_saved_to_the_workstream_with_an_edit_workstream_event(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before, since = snapshot(app, update_id), last_event_id(app)
    response = save(louisa, update_id, form, forecast_completion_date=[" 2", "2 ", "2024"])
    assert response.status_code == 302
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        assert update.workstream.forecast_completion_date == dt.date(2024, 2, 2)
        workstream_id = update.workstream_id
    assert events_since(app, since) == [
        ("edit_workstream", "Workstream", workstream_id, LOUISA_SIMPSON, ["forecast_completion_date"], "", None, None),
    ]
    assert without(snapshot(app, update_id), "workstream", "events", "update version") == without(
        before, "workstream", "events", "update version"
    )
    # Emptying the boxes clears the forecast.
    _, form = open_editor(louisa, update_id)
    assert form["forecast_completion_date"] == ["02", "02", "2024"]
    assert save(louisa, update_id, form, forecast_completion_date=["", "", ""]).status_code == 302
    assert stored(app, update_id)["forecast_completion_date"] == ""


def test_an_impossible_forecast_date_is_refused_with_422_beside_the_field_keeping_what_was_typed(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before = snapshot(app, update_id)
    for date in (["31", "2", "2024"], ["1", "13", "2024"], ["x", "1", "2024"]):
        response = save(louisa, update_id, form, forecast_completion_date=date,
                        key_activities="Typed & kept <b>safe</b>", engagement="Also typed.")
        assert response.status_code == 422, date
        html = text(response)
        assert "must be a real date" in error_beside(html, "forecast_completion_date"), date
        assert error_beside(html, "key_activities") == ""
        again = read_form(html)
        assert single(again, "key_activities") == "Typed & kept <b>safe</b>"
        assert single(again, "engagement") == "Also typed."
        assert again["forecast_completion_date"] == date
        assert base_values(again) == base_values(form)
    assert snapshot(app, update_id) == before


def test_a_forecast_later_than_the_agreed_date_shows_the_slippage_warning(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")  # agreed completion 29 March 2024
    louisa = person(LOUISA_SIMPSON)
    html, form = open_editor(louisa, update_id)
    assert "later than the agreed date" not in html
    assert save(louisa, update_id, form, forecast_completion_date=["30", "4", "2024"]).status_code == 302
    html, _ = open_editor(louisa, update_id)
    assert "The forecast completion date is 32 days later than the agreed date. The report shows the slippage." in html
    assert re.search(r'<details class="govuk-details"\s+open>', html)
    # An earlier forecast is no slippage.
    form = read_form(html)
    assert save(louisa, update_id, form, forecast_completion_date=["1", "3", "2024"]).status_code == 302
    assert "later than the agreed date" not in open_editor(louisa, update_id)[0]


def test_outcomes_with_heading_lines_are_stored_as_grouped_outcome_rows_and_shown_back(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before, since = snapshot(app, update_id), last_event_id(app)
    typed = "A new procurement hub\n\nLeadership:\n- Clearer roles\nBetter leaders\n\n  Culture :  \nShared values\n"
    assert save(louisa, update_id, form, outcomes=typed).status_code == 302
    with app.app_context():
        workstream = db.session.get(WorkstreamUpdate, update_id).workstream
        assert [(o.position, o.heading, o.text) for o in workstream.outcomes] == [
            (1, None, "A new procurement hub"),
            (2, "Leadership", "Clearer roles"),
            (3, "Leadership", "Better leaders"),
            (4, "Culture", "Shared values"),
        ]
    assert [e[:5] for e in events_since(app, since)] == [
        ("edit_workstream", "Workstream", before["workstream"][0][0], LOUISA_SIMPSON, ["outcomes"]),
    ]
    _, form = open_editor(louisa, update_id)
    shown = "A new procurement hub\nLeadership:\nClearer roles\nBetter leaders\nCulture:\nShared values"
    assert single(form, "outcomes") == shown
    assert base_values(form)["outcomes"] == shown
    # Saving what is shown changes nothing more.
    middle = snapshot(app, update_id)
    assert save(louisa, update_id, form).status_code == 302
    assert snapshot(app, update_id) == middle


def test_over_long_text_is_refused_with_422_beside_the_field_and_nothing_is_stored(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before = snapshot(app, update_id)
    for field, message in LONG_FIELDS.items():
        response = save(louisa, update_id, form, **{field: "x" * 20_001})
        assert response.status_code == 422, field
        html = text(response)
        assert message in error_beside(html, field), field
        assert single(read_form(html), field) == "x" * 20_001
    response = save(louisa, update_id, form, **{"milestones-1-status_note": "y" * 4_001})
    assert response.status_code == 422
    assert "Status note must be 4,000 characters or fewer" in error_beside(text(response), "milestones-1-status_note")
    assert snapshot(app, update_id) == before
    # The limit itself is accepted.
    assert save(louisa, update_id, form, key_activities="x" * 20_000).status_code == 302
    assert stored(app, update_id)["key_activities"] == "x" * 20_000


# --- What a browser sends ----------------------------------------------------------------------------------


def test_a_browser_saving_the_unchanged_editor_records_nothing(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before, since = snapshot(app, update_id), last_event_id(app)
    assert louisa.post(f"/updates/{update_id}/edit", data=as_a_browser_sends_it(form)).status_code == 302
    assert events_since(app, since) == []
    assert snapshot(app, update_id) == before
