"""The draft editor's lists (milestones planned for next period, and risks) through HTTP, with and without htmx."""
from __future__ import annotations

import re

import pytest
from markupsafe import escape

from app.extensions import db
from app.models import UpdateState, WorkstreamUpdate
from tests.conftest import error_beside, post, text
from tests.editing import (
    add_rows, answer_messages, assert_list_answer, changed, events_since, fill_draft, get, hidden_value,
    last_event_id, list_section, read_form, references_shown, rows_of, set_state, single, snapshot, textarea,
    without,
)
from tests.personas import HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON

LISTS = ("next-milestones", "risks")
LABELS = {"next-milestones": "milestone", "risks": "risk"}
MODELS = {"next-milestones": "Milestone", "risks": "Risk"}
EMPTY_MESSAGES = {"next-milestones": "Enter the milestone", "risks": "Enter the risk"}
NEW_REFERENCES = {"next-milestones": ("PRC-M12", "PRC-M13"), "risks": ("PRC-R06", "PRC-R07")}


# --- The lists -------------------------------------------------------------------------------------------------


def filled_draft(app, person, ids):
    """Procurement's open draft, given some content so that a test can see it is left alone, and Louisa's client."""
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    return update_id, person(LOUISA_SIMPSON)


def rows_to_work_on(client, update_id, name, *descriptions) -> None:
    """The open draft carries its risks but starts with no milestones for next period: plan some."""
    if name == "next-milestones":
        add_rows(client, update_id, name, *descriptions)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_adding_a_row_gives_it_the_workstreams_next_reference_and_leaves_the_rest_alone(app, person, ids, name, htmx):
    update_id, louisa = filled_draft(app, person, ids)
    before, since = snapshot(app, update_id), last_event_id(app)
    existing = rows_of(app, update_id, name)
    for number, reference in enumerate(NEW_REFERENCES[name], start=1):
        description = f"  New {LABELS[name]} {number} <with> & markup  "
        response = post(louisa, f"/updates/{update_id}/{name}", htmx=htmx, description=description,
                        mitigation=" Its mitigation. ")
        html = assert_list_answer(response, name, update_id, htmx)
        assert answer_messages(louisa, response, htmx) == [f"{reference} added"]
        rows = rows_of(app, update_id, name)
        assert len(rows) == len(existing) + number
        new = rows[-1]
        assert new[1:4] == (len(rows), reference, f"New {LABELS[name]} {number} <with> & markup")
        if name == "risks":
            assert new[4:] == ("Its mitigation.", "OPEN", "")
        if htmx:
            assert references_shown(html, name) == [row[2] for row in rows]
            assert str(escape(new[3])) in html and "<with>" not in html
    events = events_since(app, since)
    assert [(e[0], e[1], e[3], e[5]) for e in events] == [
        (f"add_{LABELS[name]}", MODELS[name], LOUISA_SIMPSON, reference)
        for reference in NEW_REFERENCES[name]
    ]
    assert without(snapshot(app, update_id), name, "events") == without(before, name, "events")
    assert snapshot(app, update_id)[name][: len(existing)] == before[name]


def test_a_new_reference_counts_the_rows_of_earlier_periods(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    # PRC-M11 and PRC-R05 now appear only in earlier periods.
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        db.session.delete(next(m for m in update.milestones if m.reference == "PRC-M11"))
        db.session.delete(next(r for r in update.risks if r.reference == "PRC-R05"))
        db.session.commit()
    louisa = person(LOUISA_SIMPSON)
    assert post(louisa, f"/updates/{update_id}/next-milestones", description="Next.").status_code == 302
    assert post(louisa, f"/updates/{update_id}/risks", description="Next.").status_code == 302
    assert rows_of(app, update_id, "next-milestones")[-1][2] == "PRC-M12"
    assert rows_of(app, update_id, "risks")[-1][2] == "PRC-R06"
    # Another workstream counts its own references.
    gov = ids.update("GOV", "nov_dec")
    assert post(louisa, f"/updates/{gov}/next-milestones", description="Next.").status_code == 302
    assert post(louisa, f"/updates/{gov}/risks", description="Next.").status_code == 302
    assert rows_of(app, gov, "next-milestones")[-1][2] == "GOV-M13"
    assert rows_of(app, gov, "risks")[-1][2] == "GOV-R04"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_adding_an_empty_row_is_refused_with_422_beside_the_add_field(app, person, ids, name, htmx):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    before = snapshot(app, update_id)
    for data in ({"description": ""}, {}, {"description": "", "mitigation": "A mitigation <kept>."}):
        response = post(louisa, f"/updates/{update_id}/{name}", htmx=htmx, **data)
        assert response.status_code == 422, data
        html = text(response)
        if htmx:
            assert response.headers["HX-Retarget"] == f"#{name}"
            assert html.lstrip().startswith(f'<section id="{name}"')
        else:
            assert "<html" in html and 'id="draft-form"' in html
        assert error_beside(html, f"{name}-new-description") == EMPTY_MESSAGES[name]
        if "mitigation" in data and name == "risks":
            assert textarea(list_section(html, name), "mitigation") == str(escape("A mitigation <kept>."))
    assert snapshot(app, update_id) == before



@pytest.mark.parametrize("name", LISTS)
def test_adding_a_row_of_only_whitespace_is_refused_like_an_empty_one(app, person, ids, name):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    before = snapshot(app, update_id)
    response = post(louisa, f"/updates/{update_id}/{name}", htmx=True, description="   \n ")
    assert (response.status_code, snapshot(app, update_id)) == (422, before)
    assert error_beside(text(response), f"{name}-new-description") == EMPTY_MESSAGES[name]


def test_editing_a_row_to_only_whitespace_is_refused_like_an_empty_one(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    risk_id, _, _, description, mitigation = rows_of(app, update_id, "risks")[0][:5]
    before = snapshot(app, update_id)
    response = post(louisa, f"/updates/{update_id}/risks/{risk_id}", htmx=True, description="  ", mitigation=mitigation,
                    original_description=description, original_mitigation=mitigation)
    assert (response.status_code, snapshot(app, update_id)) == (422, before)


def test_closing_a_risk_with_a_note_of_only_whitespace_is_refused_like_an_empty_one(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    risk_id = rows_of(app, update_id, "risks")[0][0]
    before = snapshot(app, update_id)
    response = post(louisa, f"/updates/{update_id}/risks/{risk_id}/close", htmx=True, closure_note="  \n ")
    assert (response.status_code, snapshot(app, update_id)) == (422, before)
    assert error_beside(text(response), f"risks-{risk_id}-closure_note") == "Say why the risk is closed"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_editing_a_row_stores_it_audits_it_and_leaves_the_rest_alone(app, person, ids, name, htmx):
    update_id, louisa = filled_draft(app, person, ids)
    rows_to_work_on(louisa, update_id, name, "First milestone.", "Second milestone.")
    row_id, _, reference, description = rows_of(app, update_id, name)[1][:4]
    path = f"/updates/{update_id}/{name}/{row_id}"
    response = get(louisa, path, htmx=htmx)
    assert response.status_code == 200
    html = text(response)
    assert ("<html" in html) is not htmx
    form = read_form(html.replace(f'<form method="post" action="{path}"', f'<form id="row-form" method="post" action="{path}"'), "row-form")
    assert single(form, "description") == description
    assert single(form, "original_description") == description
    before, since = snapshot(app, update_id), last_event_id(app)

    # An empty description is refused, keeping the row.
    response = post(louisa, path, htmx=htmx, data=changed(form, {"description": ""}))
    assert response.status_code == 422
    assert error_beside(text(response), f"{name}-{row_id}-description") == EMPTY_MESSAGES[name]
    assert snapshot(app, update_id) == before

    changes = {"description": "  Reworded <carefully> & well.  "}
    if name == "risks":
        changes["mitigation"] = "A new mitigation."
    response = post(louisa, path, htmx=htmx, data=changed(form, changes))
    html = assert_list_answer(response, name, update_id, htmx)
    assert answer_messages(louisa, response, htmx) == [f"{reference} saved"]
    row = next(r for r in rows_of(app, update_id, name) if r[0] == row_id)
    assert row[3] == "Reworded <carefully> & well."
    if name == "risks":
        assert row[4] == "A new mitigation."
    if htmx:
        assert str(escape(row[3])) in html
    fields = ["description", "mitigation"] if name == "risks" else ["description"]
    assert [e[:6] for e in events_since(app, since)] == [
        (f"edit_{LABELS[name]}", MODELS[name], row_id, LOUISA_SIMPSON, fields, reference)
    ]
    after = snapshot(app, update_id)
    assert without(after, name, "events") == without(before, name, "events")
    assert [r for r in after[name] if r[0] != row_id] == [r for r in before[name] if r[0] != row_id]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_a_row_edit_from_a_stale_original_is_refused_with_409_showing_the_stored_text(app, person, ids, name, htmx):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    rows_to_work_on(louisa, update_id, name, "First milestone.")
    row_id, _, reference, original = rows_of(app, update_id, name)[0][:4]
    path = f"/updates/{update_id}/{name}/{row_id}"
    original_mitigation = rows_of(app, update_id, name)[0][4] if name == "risks" else None
    # Heidi rewords the row (and keeps its mitigation) after Louisa opened it.
    heidis = "Heidi's <newer> wording."
    originals = {"original_description": original}
    if name == "risks":
        originals["original_mitigation"] = original_mitigation
    response = post(heidi, path, description=heidis, mitigation=original_mitigation or "", **originals)
    assert response.status_code == 302
    before = snapshot(app, update_id)
    louisas = {"description": "Louisa's wording.", "mitigation": "Louisa's mitigation."}
    response = post(louisa, path, htmx=htmx, **louisas, **originals)
    assert response.status_code == 409
    html = text(response)
    assert ("<html" in html) is not htmx
    assert f"Someone else changed {reference} after you opened it." in html
    assert f"It now reads: “{escape(heidis)}”" in html
    assert textarea(html, "description") == str(escape("Louisa's wording."))
    if name == "risks":
        assert textarea(html, "mitigation") == str(escape("Louisa's mitigation."))
    # The answer's form now starts from Heidi's text.
    assert hidden_value(html, "original_description") == heidis
    assert snapshot(app, update_id) == before
    # Saving again from that answer replaces Heidi's text knowingly.
    resubmitted = {field: hidden_value(html, field) for field in originals}
    response = post(louisa, path, htmx=htmx, **louisas, **resubmitted)
    assert_list_answer(response, name, update_id, htmx)
    assert next(r for r in rows_of(app, update_id, name) if r[0] == row_id)[3] == "Louisa's wording."


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_moving_a_row_swaps_it_with_its_neighbour_and_audits_it(app, person, ids, name, htmx):
    update_id, louisa = filled_draft(app, person, ids)
    rows_to_work_on(louisa, update_id, name, "First.", "Second.", "Third.")
    rows = rows_of(app, update_id, name)
    order = [row[2] for row in rows]
    first, second, last = rows[0], rows[1], rows[-1]
    before, since = snapshot(app, update_id), last_event_id(app)

    response = post(louisa, f"/updates/{update_id}/{name}/{second[0]}/move-up", htmx=htmx)
    html = assert_list_answer(response, name, update_id, htmx)
    assert answer_messages(louisa, response, htmx) == [f"{second[2]} moved up"]
    expected = [order[1], order[0], *order[2:]]
    assert [row[2] for row in rows_of(app, update_id, name)] == expected
    assert [row[1] for row in rows_of(app, update_id, name)] == list(range(1, len(rows) + 1))
    if htmx:
        assert references_shown(html, name) == expected

    response = post(louisa, f"/updates/{update_id}/{name}/{second[0]}/move-down", htmx=htmx)
    assert_list_answer(response, name, update_id, htmx)
    assert [row[2] for row in rows_of(app, update_id, name)] == order
    assert [e[:6] for e in events_since(app, since)] == [
        (f"move_{LABELS[name]}", MODELS[name], second[0], LOUISA_SIMPSON, ["position"], second[2]),
    ] * 2

    # The first row cannot go higher nor the last lower: nothing changes and nothing is audited.
    since = last_event_id(app)
    for row, direction in ((first, "up"), (last, "down")):
        response = post(louisa, f"/updates/{update_id}/{name}/{row[0]}/move-{direction}", htmx=htmx)
        assert_list_answer(response, name, update_id, htmx)
    assert [row[2] for row in rows_of(app, update_id, name)] == order
    assert events_since(app, since) == []
    assert without(snapshot(app, update_id), "events") == without(before, "events")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_a_row_added_this_period_can_be_removed(app, person, ids, name, htmx):
    update_id, louisa = filled_draft(app, person, ids)
    first_id, second_id = add_rows(louisa, update_id, name, "Added by mistake.", "Kept.")
    before, since = snapshot(app, update_id), last_event_id(app)
    reference = next(r for r in rows_of(app, update_id, name) if r[0] == first_id)[2]
    response = post(louisa, f"/updates/{update_id}/{name}/{first_id}/remove", htmx=htmx)
    html = assert_list_answer(response, name, update_id, htmx)
    assert answer_messages(louisa, response, htmx) == [f"{reference} removed"]
    rows = rows_of(app, update_id, name)
    assert first_id not in [row[0] for row in rows]
    assert [row[1] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[-1][0] == second_id
    if htmx:
        assert reference not in references_shown(html, name)
    assert [e[:6] for e in events_since(app, since)] == [
        (f"remove_{LABELS[name]}", MODELS[name], first_id, LOUISA_SIMPSON, [], reference),
    ]
    assert without(snapshot(app, update_id), name, "events") == without(before, name, "events")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_carried_risk_cannot_be_removed_only_closed(app, person, ids, htmx):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    risk_id, _, reference = rows_of(app, update_id, "risks")[0][:3]
    assert reference == "PRC-R01"
    html = text(louisa.get(f"/updates/{update_id}/edit"))
    row = re.search(rf'<li class="wm-row" id="risks-{risk_id}">.*?</li>\s*</ul>', html, re.S).group(0)
    assert f"/risks/{risk_id}/close" in row and f"/risks/{risk_id}/remove" not in row
    before = snapshot(app, update_id)
    response = post(louisa, f"/updates/{update_id}/risks/{risk_id}/remove", htmx=htmx)
    assert response.status_code == 409
    html = text(response)
    assert "PRC-R01 was reported in an earlier period: close it with a note instead." in html
    if htmx:
        assert response.headers["HX-Retarget"] == "#risks"
        assert "PRC-R01" in references_shown(html, "risks")
    assert snapshot(app, update_id) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_closing_a_carried_risk_needs_a_note_and_it_can_be_reopened(app, person, ids, htmx):
    update_id, louisa = filled_draft(app, person, ids)
    risk_id, _, reference = rows_of(app, update_id, "risks")[2][:3]
    path = f"/updates/{update_id}/risks/{risk_id}/close"
    response = get(louisa, path, htmx=htmx)
    assert response.status_code == 200
    assert 'name="closure_note"' in text(response)
    assert ("<html" in text(response)) is not htmx
    before, since = snapshot(app, update_id), last_event_id(app)

    for note in ("", None):
        response = post(louisa, path, htmx=htmx, **({"closure_note": note} if note is not None else {}))
        assert response.status_code == 422
        assert error_beside(text(response), f"risks-{risk_id}-closure_note") == "Say why the risk is closed"
    assert snapshot(app, update_id) == before

    response = post(louisa, path, htmx=htmx, closure_note="  Staff retained <after> review.  ")
    html = assert_list_answer(response, "risks", update_id, htmx)
    assert answer_messages(louisa, response, htmx) == [f"{reference} closed"]
    row = next(r for r in rows_of(app, update_id, "risks") if r[0] == risk_id)
    assert row[5:] == ("CLOSED", "Staff retained <after> review.")
    if htmx:
        item = re.search(rf'<li class="wm-row wm-row--closed" id="risks-{risk_id}">.*?</li>\s*</ul>', html, re.S).group(0)
        assert "Closed" in item and "Staff retained &lt;after&gt; review." in item
        assert f"/risks/{risk_id}/reopen" in item and f"/risks/{risk_id}/close" not in item

    response = post(louisa, f"/updates/{update_id}/risks/{risk_id}/reopen", htmx=htmx)
    assert_list_answer(response, "risks", update_id, htmx)
    assert answer_messages(louisa, response, htmx) == [f"{reference} reopened"]
    row = next(r for r in rows_of(app, update_id, "risks") if r[0] == risk_id)
    assert row[5:] == ("OPEN", "")
    assert [e[0] + ":" + str(e[2]) + ":" + str(e[6]) + ">" + str(e[7]) for e in events_since(app, since)] == [
        f"close_risk:{risk_id}:OPEN>CLOSED", f"reopen_risk:{risk_id}:CLOSED>OPEN",
    ]
    assert without(snapshot(app, update_id), "events") == without(before, "events")


def test_reopening_a_risk_that_is_open_records_no_change(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    risk_id = rows_of(app, update_id, "risks")[0][0]
    since = last_event_id(app)
    post(person(LOUISA_SIMPSON), f"/updates/{update_id}/risks/{risk_id}/reopen", htmx=True)
    assert events_since(app, since) == []


@pytest.mark.parametrize("name", LISTS)
def test_the_list_on_its_own_is_a_fragment_for_htmx_and_otherwise_the_editor_at_the_list(app, person, ids, name):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    before = snapshot(app, update_id)
    response = get(louisa, f"/updates/{update_id}/{name}", htmx=True)
    html = assert_list_answer(response, name, update_id, htmx=True)
    assert references_shown(html, name) == [row[2] for row in rows_of(app, update_id, name)]
    response = get(louisa, f"/updates/{update_id}/{name}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/updates/{update_id}/edit#{name}"
    assert snapshot(app, update_id) == before


def _row_routes(update_id, name, row_id) -> list[tuple[str, str]]:
    path = f"/updates/{update_id}/{name}"
    routes = [
        ("GET", path), ("POST", path),
        ("GET", f"{path}/{row_id}"), ("POST", f"{path}/{row_id}"),
        ("POST", f"{path}/{row_id}/remove"), ("POST", f"{path}/{row_id}/move-up"), ("POST", f"{path}/{row_id}/move-down"),
    ]
    if name == "risks":
        routes += [("GET", f"{path}/{row_id}/close"), ("POST", f"{path}/{row_id}/close"), ("POST", f"{path}/{row_id}/reopen")]
    return routes


ROW_DATA = {"description": "Changed.", "mitigation": "Changed.", "original_description": "", "closure_note": "Done."}


def _call(client, method, path, htmx):
    if method == "GET":
        return get(client, path, htmx=htmx)
    return post(client, path, htmx=htmx, **ROW_DATA)


def assert_every_row_route_answers(client, update_id, row_ids: dict, status, routes=slice(None), htmx=(False, True)):
    """Every route of each list (`routes` of them) answers `status` for each of its rows in `row_ids`, plain and
    with htmx."""
    for name, rows in row_ids.items():
        for row_id in rows:
            for method, path in _row_routes(update_id, name, row_id)[routes]:
                for as_htmx in htmx:
                    assert _call(client, method, path, as_htmx).status_code == status, (method, path, as_htmx)


def first_rows(app, update_id) -> dict:
    return {name: [rows_of(app, update_id, name)[0][0]] for name in LISTS}


def test_every_row_route_answers_404_for_a_row_that_is_not_in_the_list(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    with app.app_context():
        this_period_milestone = db.session.get(WorkstreamUpdate, update_id).milestones_this_period[0].id
        other_update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        others = {"next-milestones": other_update.milestones[0].id, "risks": other_update.risks[0].id}
    before = snapshot(app, update_id)
    # Unknown, another update's, and (for the next period's list) one of this period's milestones.
    strangers = {
        "next-milestones": [999_999, others["next-milestones"], this_period_milestone],
        "risks": [999_999, others["risks"]],
    }
    assert_every_row_route_answers(person(LOUISA_SIMPSON), update_id, strangers, 404, routes=slice(2, None))
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_403_to_another_workstreams_project_manager(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    add_rows(person(LOUISA_SIMPSON), update_id, "next-milestones", "Planned.")
    jodie = person(JODIE_TOWNSEND)
    before = snapshot(app, update_id)
    assert_every_row_route_answers(jodie, update_id, first_rows(app, update_id), 403)
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_409_in_a_locked_period(app, person, ids):
    update_id = ids.update("PRC", "sep_oct")
    before = snapshot(app, update_id)
    for client in (person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)):
        assert_every_row_route_answers(client, update_id, first_rows(app, update_id), 409)
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_409_once_the_draft_is_submitted(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    add_rows(louisa, update_id, "next-milestones", "Planned.")
    set_state(app, update_id, UpdateState.SUBMITTED)
    before = snapshot(app, update_id)
    assert_every_row_route_answers(louisa, update_id, first_rows(app, update_id), 409, htmx=(True,))
    assert snapshot(app, update_id) == before
