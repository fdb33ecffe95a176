"""The draft editor through HTTP: who may open it, what a save stores and audits, how two people's saves
are merged or shown as a conflict, the reason-for-change fragment, and the lists (milestones planned for
next period, risks) with and without htmx."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import (
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Risk,
    UpdateState,
    Workstream,
    WorkstreamOutcome,
    WorkstreamUpdate,
)
from app.updates.services import draft_fields
from tests.conftest import csrf_token, error_beside, htmx_headers, post, text, user_by_email
from tests.personas import HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR, STEVE_COX


LISTS = ("next-milestones", "risks")
LABELS = {"next-milestones": "milestone", "risks": "risk"}
EMPTY_MESSAGES = {"next-milestones": "Enter the milestone", "risks": "Enter the risk"}
NEW_REFERENCES = {"next-milestones": ("PRC-M12", "PRC-M13"), "risks": ("PRC-R06", "PRC-R07")}
LONG_FIELDS = {
    "key_activities": "Key activities must be 20,000 characters or fewer",
    "engagement": "Engagement must be 20,000 characters or fewer",
    "concerns": "Concerns and issues must be 20,000 characters or fewer",
    "rag_rationale": "RAG rating rationale must be 20,000 characters or fewer",
    "rag_change_reason": "Reason for the change of rating must be 20,000 characters or fewer",
    "workstream_description": "The project description must be 20,000 characters or fewer",
    "outcomes": "The project outcomes must be 20,000 characters or fewer",
}


# --- Requests and pages ------------------------------------------------------------------------------------


def get(client, path, htmx=False, **params):
    return client.get(path, query_string=params, headers=htmx_headers(client) if htmx else {})


def flashes(html: str) -> list[str]:
    """The messages of the page's notification banners."""
    return [
        re.sub(r"\s+", " ", message).strip()
        for message in re.findall(r'<p class="govuk-notification-banner__heading">(.*?)</p>', html, re.S)
    ]


def textarea(html: str, name: str) -> str:
    """The raw (still escaped) content of the named textarea."""
    match = re.search(rf'<textarea[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


class _FormReader(HTMLParser):
    """What a browser would send for one form: named inputs (checked radios only), textareas and selects,
    including controls elsewhere on the page that name the form in their form attribute."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: dict[str, list[str]] = {}
        self._textarea: list | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if a.get("id") == self.form_id:
                self.inside = self.found = True
            return
        if not (self.inside or a.get("form") == self.form_id) and tag != "option":
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image") or (kind in ("radio", "checkbox") and "checked" not in a):
                return
            self._add(a["name"], a.get("value") or "")
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # HTML drops one newline straight after <textarea>.
            self._add(name, value[1:] if value.startswith("\n") else value)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [self._options[0][0]]
            self._add(self._select, chosen[-1])
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def read_form(html: str, form_id: str = "draft-form") -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    assert reader.found, f"no form #{form_id} on the page"
    return reader.fields


def single(form: dict[str, list[str]], name: str) -> str:
    values = form[name]
    assert len(values) == 1, (name, values)
    return values[0]


def changed(form: dict[str, list[str]], changes: dict) -> dict[str, list[str]]:
    """The form with some fields set (a string, or a list for the three date boxes)."""
    result = {name: list(values) for name, values in form.items()}
    for name, value in changes.items():
        result[name] = list(value) if isinstance(value, (list, tuple)) else [value]
    return result


def base_values(form: dict[str, list[str]]) -> dict[str, str]:
    return {name.removeprefix("base::"): single(form, name) for name in form if name.startswith("base::")}


def open_editor(client, update_id) -> tuple[str, dict[str, list[str]]]:
    response = client.get(f"/updates/{update_id}/edit")
    assert response.status_code == 200
    html = text(response)
    return html, read_form(html)


def save(client, update_id, form: dict[str, list[str]], **changes):
    return client.post(f"/updates/{update_id}/edit", data=changed(form, changes))


def follow(client, response):
    """The page a redirect leads to (without its #fragment)."""
    assert response.status_code == 302, response.status_code
    return text(client.get(response.headers["Location"].split("#")[0]))


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*\btype="hidden"[^>]*\bvalue="([^"]*)"', html)
    assert match, f"no hidden input {name}"
    return unescape(match.group(1))


def list_section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}" class="wm-row-list".*?</section>', html, re.S)
    assert match, f"no list {name}"
    return match.group(0)


def references_shown(html: str, name: str) -> list[str]:
    return re.findall(r"<strong>([A-Z]{3}-[MR]\d+)</strong>", list_section(html, name))


def assert_list_answer(response, name, update_id, htmx, status=200):
    """htmx: the whole list, retargeted at it. Without: back to the editor at the list."""
    if htmx:
        assert response.status_code == status
        assert response.headers["HX-Retarget"] == f"#{name}"
        assert response.headers["HX-Reswap"] == "outerHTML"
        html = text(response)
        assert "<html" not in html
        assert html.lstrip().startswith(f'<section id="{name}" class="wm-row-list"')
        return html
    assert response.status_code == 302
    assert response.headers["Location"] == f"/updates/{update_id}/edit#{name}"
    return None


def answer_messages(client, response, htmx) -> list[str]:
    """The messages an answer carries: htmx's status region, or the flashes on the page the redirect leads to."""
    if htmx:
        return [m.strip() for m in re.findall(r'<div id="editor-status"[^>]*data-hx-swap-oob="true">(.*?)</div>',
                                              text(response), re.S)]
    return flashes(follow(client, response))


# --- Reading and arranging the database ---------------------------------------------------------------------


def _rows(table, where):
    return sorted((tuple(row) for row in db.session.execute(sa.select(table).where(where))), key=lambda r: r[0])


def snapshot(app, update_id) -> dict:
    """Every stored column of the update, its milestones and risks, its workstream and outcomes, and the
    number of audit events."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        milestones, updates = Milestone.__table__, WorkstreamUpdate.__table__
        return {
            # Every save moves the version (milestones are rows of their own), so it is kept apart.
            "update": tuple(db.session.execute(
                sa.select(*(c for c in updates.c if c.name != "version")).where(updates.c.id == update_id)
            ).one()),
            "update version": update.version,
            "milestones this period": _rows(
                milestones, (milestones.c.update_id == update_id) & (milestones.c.kind != MilestoneKind.NEXT_PERIOD.name)
            ),
            "next-milestones": _rows(
                milestones, (milestones.c.update_id == update_id) & (milestones.c.kind == MilestoneKind.NEXT_PERIOD.name)
            ),
            "risks": _rows(Risk.__table__, Risk.__table__.c.update_id == update_id),
            "workstream": _rows(Workstream.__table__, Workstream.__table__.c.id == update.workstream_id),
            "outcomes": _rows(WorkstreamOutcome.__table__, WorkstreamOutcome.__table__.c.workstream_id == update.workstream_id),
            "events": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        }


def without(snap: dict, *parts) -> dict:
    return {key: value for key, value in snap.items() if key not in parts}


def stored(app, update_id) -> dict[str, str]:
    with app.app_context():
        return draft_fields(db.session.get(WorkstreamUpdate, update_id))


def version_of(app, update_id) -> int:
    with app.app_context():
        return db.session.get(WorkstreamUpdate, update_id).version


def last_event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def events_since(app, event_id) -> list[tuple]:
    """(action, object type, object id, actor email, changed fields, comment, from, to) of newer events."""
    with app.app_context():
        return [
            (e.action, e.object_type, e.object_id, e.actor.email if e.actor else None, e.changed_fields, e.comment,
             e.from_state, e.to_state)
            for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id))
        ]


def rows_of(app, update_id, name) -> list[tuple]:
    """The list's rows in order: (id, position, reference, description[, mitigation, status, closure note])."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        if name == "risks":
            return [(r.id, r.position, r.reference, r.description, r.mitigation, r.status.name, r.closure_note)
                    for r in sorted(update.risks, key=lambda r: r.position)]
        return [(m.id, m.position, m.reference, m.description)
                for m in sorted(update.milestones_next_period, key=lambda m: m.position)]


def fill_draft(app, update_id) -> None:
    """Give the draft some content, so that a test can see it is left alone."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        update.key_activities = "Trained the team.\n- Wrote the templates & the <guidance>"
        update.engagement = "Met the \"Board\" twice."
        update.concerns = "None."
        update.rag_rationale = "On track."
        update.milestones_this_period[0].status = MilestoneStatus.DELAYED
        update.milestones_this_period[0].status_note = "Waiting for the trainer."
        db.session.commit()


def set_state(app, update_id, state) -> None:
    with app.app_context():
        db.session.get(WorkstreamUpdate, update_id).state = state
        db.session.commit()


def add_rows(client, update_id, name, *descriptions) -> list[int]:
    """Add rows through the route; returns their ids."""
    for description in descriptions:
        response = post(client, f"/updates/{update_id}/{name}", description=description, mitigation="Watch it.")
        assert flashes(follow(client, response))[-1].endswith(" added")
    return [row[0] for row in rows_of(client.application, update_id, name)[-len(descriptions):]]


# --- Opening the editor ---------------------------------------------------------------------------------------


def test_the_editor_opens_for_the_workstreams_project_manager_and_pmo_support_and_no_one_else(app, person, ids):
    clients = {email: person(email) for email in (LOUISA_SIMPSON, HEIDI_ROBINSON, JODIE_TOWNSEND, NICK_BELL, STEVE_COX, RICHARD_CARR)}
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
        ("edit", "WorkstreamUpdate", update_id, LOUISA_SIMPSON, ["PRC-M04 status", "PRC-M04 status note", "key_activities"], "",
         None, None),
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


# --- Two people editing at once ----------------------------------------------------------------------------


def test_saves_of_different_fields_are_merged_and_the_second_person_is_told_what_was_kept(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    response = save(louisa, update_id, louisas_form, key_activities="Louisa's account.",
                    **{"milestones-0-status": "COMPLETE"})
    assert response.status_code == 302
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
    assert [e[:5] for e in events_since(app, since)] == [("edit", "WorkstreamUpdate", update_id, HEIDI_ROBINSON, ["engagement"])]


def _conflict(app, person, ids, louisas="Louisa's <b>account</b> & more.", heidis='Heidi\'s "account".'):
    """Louisa and Heidi open the editor; Louisa saves key activities, then Heidi saves hers and her engagement.
    Returns Heidi's client, the 409 answer and the snapshot after Louisa's save."""
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    assert save(louisa, update_id, louisas_form, key_activities=louisas).status_code == 302
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


def test_resolving_a_conflict_with_mine_stores_the_second_persons_text(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, response, _ = _conflict(app, person, ids)
    assert response.status_code == 409
    since = last_event_id(app)
    again = save(heidi, update_id, read_form(text(response)), **{"resolve::key_activities": "mine"})
    assert again.status_code == 302
    fields = stored(app, update_id)
    assert fields["key_activities"] == 'Heidi\'s "account".'
    assert fields["engagement"] == "Heidi's engagement."
    assert [e[:5] for e in events_since(app, since)] == [
        ("edit", "WorkstreamUpdate", update_id, HEIDI_ROBINSON, ["engagement", "key_activities"])
    ]


def test_resolving_a_conflict_with_saved_keeps_the_first_persons_text(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    heidi, response, _ = _conflict(app, person, ids)
    assert response.status_code == 409
    since = last_event_id(app)
    again = save(heidi, update_id, read_form(text(response)), **{"resolve::key_activities": "saved"})
    assert again.status_code == 302
    fields = stored(app, update_id)
    assert fields["key_activities"] == "Louisa's <b>account</b> & more."
    assert fields["engagement"] == "Heidi's engagement."
    assert [e[:5] for e in events_since(app, since)] == [("edit", "WorkstreamUpdate", update_id, HEIDI_ROBINSON, ["engagement"])]


def test_a_conflict_over_a_milestone_status_names_the_milestone_and_shows_the_saved_status(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    assert save(louisa, update_id, louisas_form, **{"milestones-0-status": "COMPLETE"}).status_code == 302
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
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, heidis_form = open_editor(heidi, update_id)
    stale_version = single(heidis_form, "version")
    _, louisas_form = open_editor(louisa, update_id)
    assert save(louisa, update_id, louisas_form, key_activities="Louisa's newer text.",
                forecast_completion_date=["30", "4", "2024"]).status_code == 302
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
    response = get(person(LOUISA_SIMPSON), f"/updates/{update_id}/edit/rag-change-reason", htmx=True, proposed_rag="AMBER",
                   rag_change_reason=typed)
    assert response.status_code == 200
    html = text(response)
    assert textarea(html, "rag_change_reason") == str(escape(typed))
    assert "<script>alert" not in html


def test_the_reason_fragment_is_refused_to_people_who_cannot_edit_the_draft(app, person, ids):
    gov = ids.update("GOV", "nov_dec")
    for email in (JODIE_TOWNSEND, NICK_BELL, RICHARD_CARR):
        response = get(person(email), f"/updates/{gov}/edit/rag-change-reason", htmx=True, proposed_rag="AMBER")
        assert response.status_code == 403, email
    response = get(person(LOUISA_SIMPSON), f"/updates/{ids.update('GOV', 'sep_oct')}/edit/rag-change-reason", proposed_rag="AMBER")
    assert response.status_code == 409


# --- The lists -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_adding_a_row_gives_it_the_workstreams_next_reference_and_leaves_the_rest_alone(app, person, ids, name, htmx):
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
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
        (f"add_{LABELS[name]}", "Milestone" if name == "next-milestones" else "Risk", LOUISA_SIMPSON, reference)
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
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
    if name == "next-milestones":
        add_rows(louisa, update_id, name, "First milestone.", "Second milestone.")
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
        (f"edit_{LABELS[name]}", "Risk" if name == "risks" else "Milestone", row_id, LOUISA_SIMPSON, fields, reference)
    ]
    after = snapshot(app, update_id)
    assert without(after, name, "events") == without(before, name, "events")
    assert [r for r in after[name] if r[0] != row_id] == [r for r in before[name] if r[0] != row_id]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", LISTS)
def test_a_row_edit_from_a_stale_original_is_refused_with_409_showing_the_stored_text(app, person, ids, name, htmx):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    if name == "next-milestones":
        add_rows(louisa, update_id, name, "First milestone.")
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
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
    if name == "next-milestones":
        add_rows(louisa, update_id, name, "First.", "Second.", "Third.")
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
        (f"move_{LABELS[name]}", "Risk" if name == "risks" else "Milestone", second[0], LOUISA_SIMPSON, ["position"], second[2]),
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
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
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
        (f"remove_{LABELS[name]}", "Risk" if name == "risks" else "Milestone", first_id, LOUISA_SIMPSON, [], reference),
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
    update_id = ids.update("PRC", "nov_dec")
    fill_draft(app, update_id)
    louisa = person(LOUISA_SIMPSON)
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


def test_every_row_route_answers_404_for_a_row_that_is_not_in_the_list(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    with app.app_context():
        this_period_milestone = db.session.get(WorkstreamUpdate, update_id).milestones_this_period[0].id
        other_update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        others = {"next-milestones": other_update.milestones[0].id, "risks": other_update.risks[0].id}
    before = snapshot(app, update_id)
    for name in LISTS:
        # Unknown, another update's, and (for the next period's list) one of this period's milestones.
        strangers = [999_999, others[name]] + ([this_period_milestone] if name == "next-milestones" else [])
        for row_id in strangers:
            for method, path in _row_routes(update_id, name, row_id)[2:]:
                for htmx in (False, True):
                    assert _call(louisa, method, path, htmx).status_code == 404, (method, path, htmx)
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_403_to_another_workstreams_project_manager(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    add_rows(person(LOUISA_SIMPSON), update_id, "next-milestones", "Planned.")
    jodie = person(JODIE_TOWNSEND)
    before = snapshot(app, update_id)
    for name in LISTS:
        row_id = rows_of(app, update_id, name)[0][0]
        for method, path in _row_routes(update_id, name, row_id):
            for htmx in (False, True):
                assert _call(jodie, method, path, htmx).status_code == 403, (method, path, htmx)
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_409_in_a_locked_period(app, person, ids):
    update_id = ids.update("PRC", "sep_oct")
    before = snapshot(app, update_id)
    for client in (person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)):
        for name in LISTS:
            row_id = rows_of(app, update_id, name)[0][0]
            for method, path in _row_routes(update_id, name, row_id):
                for htmx in (False, True):
                    assert _call(client, method, path, htmx).status_code == 409, (method, path, htmx)
    assert snapshot(app, update_id) == before


def test_every_list_route_is_refused_with_409_once_the_draft_is_submitted(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    add_rows(louisa, update_id, "next-milestones", "Planned.")
    set_state(app, update_id, UpdateState.SUBMITTED)
    before = snapshot(app, update_id)
    for name in LISTS:
        row_id = rows_of(app, update_id, name)[0][0]
        for method, path in _row_routes(update_id, name, row_id):
            assert _call(louisa, method, path, True).status_code == 409, (method, path)
    assert snapshot(app, update_id) == before


# --- What a browser sends ----------------------------------------------------------------------------------


def as_a_browser_sends_it(form: dict[str, list[str]]) -> dict[str, list[str]]:
    """Browsers submit every line break in a form (textarea and hidden input alike) as CR LF."""
    return {name: [re.sub(r"\r\n|\r|\n", "\r\n", value) for value in values] for name, values in form.items()}



def test_a_browser_saving_the_unchanged_editor_records_nothing(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa = person(LOUISA_SIMPSON)
    _, form = open_editor(louisa, update_id)
    before, since = snapshot(app, update_id), last_event_id(app)
    assert louisa.post(f"/updates/{update_id}/edit", data=as_a_browser_sends_it(form)).status_code == 302
    assert events_since(app, since) == []
    assert snapshot(app, update_id) == before


def test_a_browser_save_after_someone_elses_save_reports_only_what_they_changed(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    assert save(louisa, update_id, louisas_form, key_activities="Louisa's account.").status_code == 302
    response = heidi.post(f"/updates/{update_id}/edit",
                          data=as_a_browser_sends_it(changed(heidis_form, {"engagement": "Heidi's engagement."})))
    assert response.status_code == 302
    assert flashes(follow(heidi, response))[-1].endswith("were kept: Key activities.")


def test_a_browser_changing_the_outcomes_after_someone_elses_save_of_another_field_is_merged(app, person, ids):
    update_id = ids.update("PRC", "nov_dec")
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    _, louisas_form = open_editor(louisa, update_id)
    _, heidis_form = open_editor(heidi, update_id)
    assert save(louisa, update_id, louisas_form, key_activities="Louisa's account.").status_code == 302
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
