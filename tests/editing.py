"""What the editor tests share: reading the editor's page and form as a browser would, saving it, and reading
and arranging the draft in the database."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Risk,
    Workstream,
    WorkstreamOutcome,
    WorkstreamUpdate,
)
from app.updates.services import draft_fields
from tests.conftest import htmx_headers, post, text


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


def edit_fields(update: WorkstreamUpdate, milestone_status="COMPLETE", milestone_note="", **fields) -> dict:
    """A complete edit form for the update at its current version, every milestone of this period given the
    status and note; `fields` override the defaults."""
    data = {
        "version": update.version,
        "key_activities": "Trained every committee chair.\n- Board papers reformatted",
        "engagement": "Met the member working group twice.",
        "concerns": "None this period.",
        "proposed_rag": "GREEN",
        "rag_rationale": "Every milestone complete or on track.",
        "rag_change_reason": "",
    }
    for position, _milestone in enumerate(update.milestones_this_period):
        data[f"milestones-{position}-status"] = milestone_status
        data[f"milestones-{position}-status_note"] = milestone_note
    return {**data, **fields}


def edit_form(app, update_id, **fields) -> dict:
    """edit_fields for the update with this id."""
    with app.app_context():
        return edit_fields(db.session.get(WorkstreamUpdate, update_id), **fields)


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


# --- What a browser sends ----------------------------------------------------------------------------------


def as_a_browser_sends_it(form: dict[str, list[str]]) -> dict[str, list[str]]:
    """Browsers submit every line break in a form (textarea and hidden input alike) as CR LF."""
    return {name: [re.sub(r"\r\n|\r|\n", "\r\n", value) for value in values] for name, values in form.items()}
