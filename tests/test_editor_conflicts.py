"""Two people saving the same draft: their saves merged, or shown as a conflict to resolve field by field."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import WorkstreamUpdate
from app.updates.services import draft_fields
from tests.conftest import text, user_by_email
from tests.editing import (
    as_a_browser_sends_it, base_values, changed, events_since, flashes, follow, last_event_id, open_editor,
    read_form, save, single, snapshot, stored, version_of,
)
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON


# --- Two people editing at once ----------------------------------------------------------------------------


def heidi_after_louisas_save(person, update_id, **louisas_changes):
    """Louisa and Heidi open the draft's editor, then Louisa saves her changes. Returns Heidi's client and the form
    she opened, from before Louisa's save."""
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    assert save(louisa, update_id, louisas_form, **louisas_changes).status_code == 302
    return heidi, heidis_form


def test_saves_of_different_fields_are_merged_and_the_second_person_is_told_what_was_kept(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(
        person, update_id, key_activities="Louisa's account.", **{"milestones-0-status": "COMPLETE"}
    )
    since = last_event_id(app)
    response = save(heidi, update_id, heidis_form, engagement="Heidi met the suppliers.")
    assert response.status_code == 302
    fields = stored(app, update_id)
    assert fields["key_activities"] == "Louisa's account."
    assert fields["milestones-0-status"] == "COMPLETE"
    assert fields["engagement"] == "Heidi met the suppliers."
    assert flashes(follow(heidi, response)) == [
        "Draft saved",
        "Someone else saved this draft while you were editing. Their changes to fields you did not touch were "
        "kept: Key activities, PRC-M04 status.",
    ]
    assert [e[:5] for e in events_since(app, since)] == [
        ("edit", "WorkstreamUpdate", update_id, HEIDI_ROBINSON, ["engagement"])
    ]


def _conflict(app, person, ids, louisas="Louisa's <b>account</b> & more.", heidis='Heidi\'s "account".'):
    """Louisa and Heidi open the editor; Louisa saves key activities, then Heidi saves hers and her engagement.
    Returns Heidi's client, the 409 answer and the snapshot after Louisa's save."""
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(person, update_id, key_activities=louisas)
    after_louisa = snapshot(app, update_id)
    response = save(heidi, update_id, heidis_form, key_activities=heidis, engagement="Heidi's engagement.")
    return heidi, response, after_louisa


def test_saves_of_the_same_field_conflict_with_409_showing_both_texts_and_storing_nothing(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, response, after_louisa = _conflict(app, person, ids)
    assert response.status_code == 409
    assert snapshot(app, update_id) == after_louisa
    assert stored(app, update_id)["key_activities"] == "Louisa's <b>account</b> & more."
    html = text(response)
    summary = re.search(r'<h2 class="govuk-error-summary__title">Someone else saved this draft while you were editing</h2>'
                        r'.*?</ul>', html, re.S)
    assert summary, "no conflict summary"
    assert re.findall(r'<a href="#resolve-([^"]+)">\s*([^<]*?)\s*</a>', summary.group(0)) == [
        ("key_activities", "Key activities")
    ]
    saved = re.search(r'<div class="govuk-inset-text wm-conflict" id="resolve-key_activities">.*?</fieldset>', html, re.S)
    assert saved, "the saved version is not shown beside the field"
    assert str(escape("Louisa's <b>account</b> & more.")) in saved.group(0)
    assert "<b>account</b>" not in html
    form = read_form(html)
    assert single(form, "key_activities") == 'Heidi\'s "account".'
    assert single(form, "engagement") == "Heidi's engagement."
    assert single(form, "resolve::key_activities") == "mine"
    assert set(re.findall(r'name="resolve::key_activities" type="radio" value="(\w+)"', html)) == {"mine", "saved"}
    assert [name for name in form if name.startswith("resolve::")] == ["resolve::key_activities"]
    # The page now starts from what is saved.
    assert base_values(form) == stored(app, update_id)
    assert single(form, "version") == str(version_of(app, update_id))


@pytest.mark.parametrize("choice, key_activities, fields_edited", [
    pytest.param("mine", 'Heidi\'s "account".', ["engagement", "key_activities"], id="mine-stores-the-second-text"),
    pytest.param("saved", "Louisa's <b>account</b> & more.", ["engagement"], id="saved-keeps-the-first-text"),
])
def test_resolving_a_conflict_stores_the_chosen_text_and_the_rest_of_the_second_save(
    app, person, ids, choice, key_activities, fields_edited
):
    update_id = ids.update("PRC", "nov_dec")
    heidi, response, _ = _conflict(app, person, ids)
    assert response.status_code == 409
    since = last_event_id(app)
    again = save(heidi, update_id, read_form(text(response)), **{"resolve::key_activities": choice})
    assert again.status_code == 302
    fields = stored(app, update_id)
    assert fields["key_activities"] == key_activities
    assert fields["engagement"] == "Heidi's engagement."
    assert [e[:5] for e in events_since(app, since)] == [
        ("edit", "WorkstreamUpdate", update_id, HEIDI_ROBINSON, fields_edited)
    ]


def test_a_conflict_over_a_milestone_status_names_the_milestone_and_shows_the_saved_status(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(person, update_id, **{"milestones-0-status": "COMPLETE"})
    after_louisa = snapshot(app, update_id)
    response = save(heidi, update_id, heidis_form, **{"milestones-0-status": "DELAYED"})
    assert response.status_code == 409
    assert snapshot(app, update_id) == after_louisa
    html = text(response)
    assert re.search(r'<a href="#resolve-milestones-0-status">\s*Milestone PRC-M04\s*</a>', html)
    saved = re.search(r'id="resolve-milestones-0-status">.*?</fieldset>', html, re.S).group(0)
    assert "PRC-M04 status: someone else saved a different version" in saved
    assert '<p class="govuk-body">Complete</p>' in saved
    assert single(read_form(html), "milestones-0-status") == "DELAYED"


def test_a_stale_form_without_base_inputs_never_overwrites_a_newer_value(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(
        person, update_id, key_activities="Louisa's newer text.", forecast_completion_date=["30", "4", "2024"]
    )
    stale_version = single(heidis_form, "version")
    after_louisa = snapshot(app, update_id)
    no_base = {name: values for name, values in heidis_form.items() if not name.startswith("base::")}
    cases = [
        # Only the field, typed differently.
        {"csrf_token": heidi.token, "version": stale_version, "key_activities": "Heidi's older text."},
        # The whole stale page with another field changed: its untouched key activities ("") and forecast must
        # not replace the newer ones.
        changed(no_base, {"engagement": "Heidi's engagement."}),
        # The stale forecast alone.
        {"csrf_token": heidi.token, "version": stale_version, "forecast_completion_date": ["29", "3", "2024"]},
    ]
    for data in cases:
        response = heidi.post(f"/updates/{update_id}/edit", data=data)
        assert response.status_code == 409, data
        assert "Someone else saved this draft while you were editing" in text(response)
        assert snapshot(app, update_id) == after_louisa
    assert stored(app, update_id)["key_activities"] == "Louisa's newer text."
    # What matches the stored draft is no conflict.
    response = heidi.post(f"/updates/{update_id}/edit", data={
        "csrf_token": heidi.token, "version": stale_version, "key_activities": "Louisa's newer text.",
    })
    assert response.status_code == 302


# --- What a browser sends ----------------------------------------------------------------------------------


def test_a_browser_save_after_someone_elses_save_reports_only_what_they_changed(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(person, update_id, key_activities="Louisa's account.")
    response = heidi.post(f"/updates/{update_id}/edit",
                          data=as_a_browser_sends_it(changed(heidis_form, {"engagement": "Heidi's engagement."})))
    assert response.status_code == 302
    assert flashes(follow(heidi, response))[-1].endswith("were kept: Key activities.")


def test_a_browser_changing_the_outcomes_after_someone_elses_save_of_another_field_is_merged(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, heidis_form = heidi_after_louisas_save(person, update_id, key_activities="Louisa's account.")
    outcomes = single(heidis_form, "outcomes") + "\nA new outcome"
    response = heidi.post(f"/updates/{update_id}/edit",
                          data=as_a_browser_sends_it(changed(heidis_form, {"outcomes": outcomes})))
    assert response.status_code == 302
    assert stored(app, update_id)["outcomes"].endswith("A new outcome")


def test_a_save_that_races_another_is_merged_not_an_error(app, ids):
    """Two saves read the same version; the one that writes second reads the draft again under its lock
    and merges (or conflicts), never fails and never overwrites."""
    from app.updates.services import save_draft

    update_id = ids.update("PRC", "nov_dec")
    with app.test_request_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        louisa = user_by_email(LOUISA_SIMPSON)
        base, version = draft_fields(update), update.version
        db.session.commit()  # this request has read the draft and holds no transaction
        # Someone else saves after this request read the draft...
        with sa.orm.Session(db.engine) as other:
            theirs = other.get(WorkstreamUpdate, update_id)
            theirs.engagement = "Their engagement, saved first."
            other.commit()
        # ...and this request saves what it read.
        result = save_draft(update, louisa, version, base, {**base, "key_activities": "My activities."})
        assert result.conflicts == {}
        stored = db.session.get(WorkstreamUpdate, update_id)
        assert (stored.key_activities, stored.engagement) == ("My activities.", "Their engagement, saved first.")
