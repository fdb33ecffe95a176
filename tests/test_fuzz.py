"""Hostile requests to every route of the URL map, as each role that may use it and one that may not.

Every POST route gets its fields (derived from the WTForms classes its view names and from the forms on the
pages that post to it) and its URL ids filled with what no page sends: wrong types, integers out of every
range, values outside each choice, dates that are not three boxes or not real, control characters and NUL,
text past every limit, fields left out, repeated or misnamed, and JSON and multipart bodies; every GET route
gets hostile ids and query strings. Each request carries the persona's valid CSRF token, so it reaches the
form handling. What must hold, whatever is sent:

* never a 5xx;
* every refusal (4xx) tells the person something (an error summary, a heading, a message by a field);
* a refused request changes nothing, and a GET never changes anything: the digest of every table, every
  row in primary-key order, is the same after it as before.

Examples are independent: the demo database is copied once for the module and built up (single-role
personas, a submitted update, rows of the draft's own), then every example runs inside a transaction on one
connection that is rolled back after it (the app's commits become savepoints).

Hypothesis runs derandomized with a fixed number of examples per route and persona, so a run is the same
every time; the module reports how many examples it ran and how long they took.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import hashlib
import re
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import (
    RAG,
    Milestone,
    MilestoneKind,
    PasswordResetToken,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    Risk,
    RiskStatus,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.periods.rules import default_dates
from app.periods.services import plan_period
from app.reports import exports
from app.reports.rendering import forget_bodies
from tests import fuzzing
from tests.authorization_matrix import CONFLICT, INVALID, MATRIX, OK, PERSONAS, THIS_PROGRAMME
from tests.conftest import Browser, complete_for_submission, open_browser, user_by_email
from tests.demo_ids import demo_ids, second_programme_ids
from tests.personas import LOUISA_SIMPSON

settings.register_profile(
    "fuzz",
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")
GET_EXAMPLES = 4

# Routes not fuzzed, each with the reason. Every other route of the URL map is.
NOT_FUZZED: dict[str, str] = {
    # Static files are served by werkzeug from the static folder, with no database or form behind them.
    "GET /assets/<filename>": "static files: no form, no database",
}

# The one persona per role (and the signed-out visitor) each route is tried as when the role may use it.
# "Of this" personas hold their workstream role on Governance and on Procurement (the submitted update).
ROLE_PERSONAS = (
    "PM of this", "sponsor of this", "PMO support of this", "PMO", "CMT member", "lead director",
    "IIB member", "viewer", "signed out",
)
# Whom to try as the persona that may not: the nearest to being allowed first.
REFUSED_PREFERENCE = (
    "PM of another", "sponsor of another", "PMO support of another", "PM of this", "sponsor of this",
    "PMO support of this", "PMO", "CMT member", "lead director", "viewer", "IIB member", "signed out",
)
# Which state of tests/authorization_matrix.py each route's target is in: the one that lets the allowed
# personas reach the form (returning and approving need a submitted update, reopening a signed-off report).
TARGET_STATES = {
    "POST /updates/<update_id>/return": "submitted",
    "POST /updates/<update_id>/approve": "submitted",
    "GET /periods/<period_id>/reopen": "locked",
    "POST /periods/<period_id>/reopen": "locked",
}
ALLOWED_ANSWERS = (OK, INVALID, CONFLICT)
# The reporting calendar's routes that act on a planned period: their target is the one _build plans.
PLANNED_PERIOD_ROUTES = {"periods.open_planned", "periods.delete"}
PASSWORD = "persona-password-for-the-fuzz"
RESET_TOKEN = "a-reset-link-token-for-the-fuzz"
HOLDER_EMAIL = "fuzz.account.holder@example.org"
MEMBER_EMAIL = "fuzz.programme.member@example.org"
# Who looks at the pages to find what their forms post.
CRAWLERS = ("PM of this", "sponsor of this", "CMT member", "lead director", "PMO", "signed out")


def email_of(persona: str) -> str:
    return "fuzz." + re.sub(r"[^a-z]+", ".", persona.lower()) + "@personas.example.org"


# --- What is fuzzed, and as whom: decided at collection from the URL map and the matrix ----------------------

ROUTE_MAP_APP = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")  # only its URL map is read


def state_of(target: fuzzing.Target) -> str:
    return TARGET_STATES.get(target.request, "draft")


def personas_for(target: fuzzing.Target) -> tuple[list[str], str | None]:
    """(each role's persona that may use the route, one persona that may not). A route that treats every
    role alike is tried as one signed-in persona and the signed-out visitor; one the matrix has not decided
    yet, as every persona."""
    by_state = MATRIX.get(target.endpoint, {}).get(target.request)
    if by_state is None:
        return list(ROLE_PERSONAS), None
    answers = by_state[state_of(target)]
    signed_in = [p for p, role in PERSONAS.items() if role is not None]
    role_blind = all(by_state[s][p] == by_state[s][signed_in[0]] for s in by_state for p in signed_in)
    candidates = (ROLE_PERSONAS[0], "signed out") if role_blind else ROLE_PERSONAS
    allowed = [p for p in candidates if answers[p] in ALLOWED_ANSWERS]
    refused = next(
        (p for p in REFUSED_PREFERENCE if answers[p] not in ALLOWED_ANSWERS and (p in candidates or not role_blind)),
        None,
    )
    return allowed, refused


def _cases(method: str):
    cases = []
    for target in fuzzing.targets(ROUTE_MAP_APP):
        if target.method != method or target.request in NOT_FUZZED:
            continue
        allowed, refused = personas_for(target)
        for persona in allowed + ([refused] if refused else []):
            role = "may" if persona in allowed else "may not"
            cases.append(pytest.param(target, persona, id=f"{target.request} as {persona} ({role})"))
    return cases


# --- The data the module fuzzes ----------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    statuses: collections.Counter = dataclasses.field(default_factory=collections.Counter)


class Fuzz:
    """The built-up demo, a signed-in browser per persona, the fields each POST route reads, the real values
    of each URL variable, and the digest every refused request and every GET must leave as it was."""

    def __init__(self, app):
        self.app = app
        self.ids = demo_ids(app)
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.tallies: dict[str, Tally] = collections.defaultdict(Tally)
        with app.app_context():
            self.objects = _build(self.ids, second_programme_ids(app))
            exports.build_missing()  # signed-off packs are stored right after sign-off, as in production
            db.session.remove()
        self.browsers = {persona: self._browser(persona) for persona in PERSONAS}
        self.page_fields = self._crawl()
        self.sandbox = fuzzing.Sandbox(app)
        self.baseline = self.sandbox.digest()
        self.sandbox.connection.commit()
        self.sandbox.install()

    def _browser(self, persona: str) -> Browser:
        return open_browser(self.app, email_of(persona) if PERSONAS[persona] is not None else None, PASSWORD)

    def _crawl(self) -> dict[tuple, dict]:
        """(endpoint, any-converter values) -> {field name: (kind, values)} of every POST form the pages show,
        each page looked at by the crawlers who may see it; then the pages shown only in answer to a post."""
        found: dict[tuple, dict] = collections.defaultdict(dict)
        for target in fuzzing.targets(self.app):
            if target.method != "GET" or target.request in NOT_FUZZED or target.endpoint == "reports.download":
                continue
            allowed, _ = personas_for(target)
            for values in self._primary_values(target):
                path = target.path(values)
                for persona in (p for p in CRAWLERS if p in allowed):
                    self._restore(persona)
                    self._collect(found, path, self.browsers[persona].client.get(path))
        self._crawl_conflicts(found)
        return found

    def _crawl_conflicts(self, found: dict) -> None:
        """Where a form posts a field beside its base:: copy (what the person started from, as the draft
        editor does), save it on an older version with the field changed on top of a different base: the
        conflict page answering it holds the choices to resolve the conflict."""
        for target in fuzzing.targets(self.app):
            names = found.get((target.endpoint, tuple(sorted(target.fixed))), {}) if target.method == "POST" else {}
            texts = [n for n in names if "::" in n and names.get(n.split("::", 1)[1], ("",))[0] == "text"]
            if not texts:
                continue
            persona = personas_for(target)[0][0]
            path = target.path({name: values[0] for name, values in self.url_values(target).items()})
            browser = self._restore(persona)
            older = int(self.context(target)["version"][0]) - 1
            data = {"csrf_token": browser.token, "version": str(older), texts[0]: "What the person started from.",
                    texts[0].split("::", 1)[1]: "What the person typed."}
            response = browser.client.post(path, data=data)
            assert response.status_code == 409, f"{target.request}: no conflict to look at ({response.status_code})"
            self._collect(found, path, response)

    def _collect(self, found: dict, path: str, response) -> None:
        if response.status_code not in (200, 409) or response.mimetype != "text/html":
            return
        adapter = self.app.url_map.bind("localhost")
        for action, inputs in fuzzing.page_forms(response.get_data(as_text=True)).items():
            action_path = urlsplit(action).path or path
            try:
                rule, arguments = adapter.match(action_path, method="POST", return_rule=True)
            except Exception:  # noqa: BLE001 - a form posting elsewhere is not ours to fuzz
                continue
            key = (rule.endpoint, fuzzing.fixed_values(rule, arguments))
            for name, (kind, seen) in inputs.items():
                old_kind, old_seen = found[key].get(name, (kind, []))
                found[key][name] = (old_kind, list(dict.fromkeys(old_seen + seen)))

    def _primary_values(self, target) -> list[dict]:
        """The real values to crawl a GET page with: every combination of its variables' first values, and the
        submitted update and the signed-off period too."""
        values = {name: self.url_values(target)[name][:1] for name in target.variables}
        if "update_id" in values:
            values["update_id"] = [str(self.objects["draft"]), str(self.objects["submitted"])]
        if "period_id" in values:
            values["period_id"] = [str(self.ids.periods["nov_dec"]), str(self.ids.periods["sep_oct"])]
        combinations = [{}]
        for name, choices in values.items():
            combinations = [dict(c, **{name: choice}) for c in combinations for choice in choices]
        return combinations

    def _restore(self, persona: str) -> Browser:
        browser = self.browsers[persona]
        if browser.cookie is None:
            browser.client.delete_cookie(self.cookie_name)
        else:
            browser.client.set_cookie(self.cookie_name, browser.cookie)
        return browser

    # The request's parts.
    def url_values(self, target) -> dict[str, list[str]]:
        objects, ids, fixed = self.objects, self.ids, dict(target.fixed)
        state = state_of(target)
        update = objects["submitted"] if state == "submitted" else objects["draft"]
        period = ids.periods["sep_oct"] if state == "locked" else ids.periods["nov_dec"]
        if target.endpoint in PLANNED_PERIOD_ROUTES:
            period = objects["planned"]
        others = {
            "update_id": [ids.update("GOV", "sep_oct"), ids.update("PPD", "nov_dec")],
            "period_id": [p for p in [*ids.periods.values(), objects["planned"]] if p != period],
        }
        values = {
            "update_id": [update, *others["update_id"]],
            "period_id": [period, *others["period_id"]],
            "workstream_id": [ids.workstreams["GOV"], ids.workstreams["PPD"]],
            "programme_id": [ids.programme],
            "row_id": objects["rows"].get(fixed.get("name", "risks"), objects["rows"]["risks"]),
            "user_id": [objects["member"], objects["personas"]["PMO"], objects["holder"]],
            "assignment_id": [objects["member_assignment"], objects["pmo_assignment"]],
            "revision": [1, 2],
            "token": [RESET_TOKEN],
            "filename": ["images/waymark.svg"],
        }
        return {name: [str(v) for v in values.get(name, [])] for name in target.variables}

    def fields(self, target) -> list[fuzzing.Field]:
        classes = fuzzing.form_classes(self.app, target)
        from_classes = [field for cls in classes for field in fuzzing.class_fields(self.app, cls)]
        on_pages = self.page_fields.get((target.endpoint, tuple(sorted(target.fixed))), {})
        return fuzzing.merge_fields(from_classes, on_pages)

    def context(self, target) -> dict:
        """Real values for fields whose choices depend on the data: the version each form states."""
        versions = self.objects["versions"]
        state = state_of(target)
        version = versions["report", state] if "period_id" in target.variables else versions[state]
        if target.endpoint == "periods.dates":
            version = versions["period", state]
        return {"version": (str(version),), "workstream_ids": tuple(str(i) for i in self.ids.workstreams.values())}

    def send(self, target, persona: str, hostile: fuzzing.Hostile):
        browser = self._restore(persona)
        headers = {"X-CSRFToken": browser.token}
        if hostile.htmx:
            headers["HX-Request"] = "true"
        if target.method == "GET":
            query = hostile.encoded_pairs()
            return browser.client.get(hostile.path + ("?" + query if query else ""), headers=headers)
        body, content_type = hostile.payload()
        if hostile.body == "form":
            body = f"csrf_token={browser.token}&".encode() + body
        return browser.client.open(
            hostile.path, method=target.method, data=body, content_type=content_type, headers=headers
        )

    def close(self):
        self.sandbox.uninstall()


def _build(ids, other_ids) -> dict:
    """The personas (one role each, in this programme or another, or none), an account holder with a reset
    link, rows of the Governance draft's own in each list, and the Procurement update submitted; committed."""
    personas = {}
    for name, role in PERSONAS.items():
        if role is None:
            continue
        person = User(name=f"Fuzz {name}", email=email_of(name), may_create_programmes=name == "PMO")
        person.set_password(PASSWORD)
        if role:
            role_name, code, programme = role
            where = ids if programme == THIS_PROGRAMME else other_ids
            codes = ("GOV", "PRC") if code == "GOV" else (code,)
            person.role_assignments = [
                RoleAssignment(role=Role[role_name], workstream_id=where.workstreams.get(c), programme_id=where.programme)
                for c in codes
            ]
        db.session.add(person)
        personas[name] = person
    holder = User(name="Fuzz Account Holder", email=HOLDER_EMAIL)
    holder.set_password(PASSWORD)
    db.session.add(holder)
    # Someone of the programme (a project manager of Governance) for the PMO's people pages to act on.
    member_assignment = RoleAssignment(role=Role.PROJECT_MANAGER, workstream_id=ids.workstreams["GOV"], programme_id=ids.programme)
    member = User(name="Fuzz Programme Member", email=MEMBER_EMAIL, role_assignments=[member_assignment])
    member.set_password(PASSWORD)
    db.session.add(member)
    db.session.add(
        PasswordResetToken(
            user=holder, token_hash=hashlib.sha256(RESET_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(days=1),
        )
    )
    draft = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
    milestone = Milestone(
        kind=MilestoneKind.NEXT_PERIOD, position=1, reference="GOV-M90",
        description="Agree the governance framework.", status_note="",
    )
    risk = Risk(
        position=len(draft.risks) + 1, reference="GOV-R90", description="Board papers late.",
        mitigation="Agree a timetable.", status=RiskStatus.OPEN, closure_note="",
    )
    draft.milestones.append(milestone)
    draft.risks.append(risk)
    submitted = db.session.get(WorkstreamUpdate, ids.update("PRC", "nov_dec"))
    _submit(submitted)
    db.session.commit()
    other = db.session.get(WorkstreamUpdate, ids.update("PPD", "nov_dec"))
    reports = {
        state: db.session.scalar(
            sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods[period])
            .order_by(ProgrammeReport.revision.desc()).limit(1)
        )
        for state, period in (("draft", "nov_dec"), ("submitted", "nov_dec"), ("locked", "sep_oct"))
    }
    locked = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
    # A planned period for the calendar's routes that act on one (opening, deleting).
    planned = plan_period(
        db.session.get(Programme, ids.programme),
        default_dates(db.session.get(Programme, ids.programme), dt.date(2024, 1, 1)),
        planned_by=None,
    )
    db.session.commit()
    period_versions = {
        ("period", state): db.session.get(ReportingPeriod, ids.periods[name]).version
        for state, name in (("draft", "nov_dec"), ("submitted", "nov_dec"), ("locked", "sep_oct"))
    }
    return {
        "draft": draft.id,
        "submitted": submitted.id,
        "versions": {
            "draft": draft.version, "submitted": submitted.version, "locked": locked.version,
            **{("report", state): report.version for state, report in reports.items()},
            **period_versions,
        },
        "rows": {
            # The draft's own rows (one carried from last period among the risks), and one of another update.
            "next-milestones": [milestone.id, draft.milestones_this_period[0].id, other.milestones[0].id],
            "risks": [risk.id, draft.risks_in_order[0].id, other.risks[0].id],
        },
        "holder": holder.id,
        "member": member.id,
        "member_assignment": member_assignment.id,
        "pmo_assignment": personas["PMO"].role_assignments[0].id,
        "personas": {name: person.id for name, person in personas.items()},
        "planned": planned.id,
    }


def _submit(update: WorkstreamUpdate) -> None:
    complete_for_submission(
        update, key_activities="Contracts register updated.", engagement="Procurement board met.", concerns="None.",
        rag_rationale="On track.", rag_change_reason="The register is complete.",
    )
    update.state = UpdateState.SUBMITTED
    update.completed_by = user_by_email(LOUISA_SIMPSON)
    update.completion_date = dt.date(2023, 12, 20)
    update.submitted_at = utcnow()


@pytest.fixture(scope="module")
def fuzz(session_app, databases, request):
    started = time.perf_counter()
    with session_app.app_context():
        db.engine.dispose()
    databases.reset()
    forget_bodies()
    with pytest.MonkeyPatch.context() as patch:
        # Hostile ids and query strings are refused or resolved before a pack is built: build a stand-in.
        patch.setattr("app.reports.exports.build", lambda content, draft, fingerprint, extension: b"pack")
        state = Fuzz(session_app)
        setup = time.perf_counter() - started
        try:
            yield state
        finally:
            state.close()
            with session_app.app_context():
                db.engine.dispose()
            databases.reset()
            forget_bodies()
    _report(request.config, state, setup, time.perf_counter() - started)


def _report(config, state: Fuzz, setup: float, total: float) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        _write_report(reporter, state, setup, total)


def _write_report(reporter, state: Fuzz, setup: float, total: float) -> None:
    examples = sum(t.examples for t in state.tallies.values())
    reporter.write_line("")
    database = state.app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    reporter.write_line(
        f"fuzz ({database}): {examples} examples over {len(state.tallies)} requests "
        f"in {total:.1f} s (setup {setup:.1f} s)"
    )
    for request, tally in sorted(state.tallies.items()):
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(tally.statuses.items()))
        reporter.write_line(f"  {tally.examples:4d} examples {tally.seconds:5.1f} s  {request}: {statuses}")


# --- The rules ---------------------------------------------------------------------------------------------


def _check(fuzz: Fuzz, target, persona: str, hostile: fuzzing.Hostile, seen: collections.Counter) -> None:
    started = time.perf_counter()
    with fuzz.sandbox.example():
        response = fuzz.send(target, persona, hostile)
        status = response.status_code
        refused = 400 <= status
        changed = []
        if refused or target.method == "GET":
            after = fuzz.sandbox.digest()
            changed = sorted(name for name, digest in after.items() if fuzz.baseline.get(name) != digest)
    if not refused and target.method != "GET":
        forget_bodies()  # a body rendered from what was just rolled back
    tally = fuzz.tallies[target.request]
    tally.examples += 1
    tally.seconds += time.perf_counter() - started
    tally.statuses[status] += 1
    seen[status] += 1
    sent = f"{target.method} {hostile.describe()} as {persona}"
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    assert status < 500, f"{sent} -> {status}"
    assert b"Your session has expired" not in response.data, f"{sent} was refused for its CSRF token"
    if 400 <= status < 500 and "HX-Redirect" in response.headers:
        # htmx moves the whole page (to sign in): the message is on the page it moves to, on this site.
        assert urlsplit(response.headers["HX-Redirect"]).netloc == "", f"{sent} -> {response.headers['HX-Redirect']}"
    elif 400 <= status < 500:
        assert fuzzing.refusal_message(body).strip(), f"{sent} -> {status} with nothing to read:\n{body[:500]}"
    what = "a GET" if target.method == "GET" else f"a refused request ({status})"
    assert not changed, f"{sent}: {what} changed {', '.join(changed)}"


def _reached_the_route(seen: collections.Counter) -> bool:
    """Not every answer was a refusal the route's checks make before reading anything (the body's kind, an
    id the database cannot hold)."""
    return any(status not in (404, 413, 415) for status in seen)


@pytest.mark.parametrize(("target", "persona"), _cases("POST"))
def test_hostile_posts_are_refused_with_a_message_and_change_nothing(fuzz, target, persona):
    fields = fuzz.fields(target)
    urls, context = fuzz.url_values(target), fuzz.context(target)
    seen = collections.Counter()

    @FUZZ
    @given(hostile=fuzzing.hostile_requests(target, urls, fields, context, query=False))
    def run(hostile):
        _check(fuzz, target, persona, hostile, seen)

    run()
    assert _reached_the_route(seen), f"no example as {persona} got past the checks every request meets: {seen}"


@pytest.mark.parametrize(("target", "persona"), _cases("GET"))
def test_hostile_gets_answer_without_error_and_change_nothing(fuzz, target, persona):
    names = fuzzing.query_names(fuzz.app, target)
    fields = [fuzzing.Field(name, "query") for name in names]
    urls = fuzz.url_values(target)
    seen = collections.Counter()

    @settings(FUZZ, max_examples=GET_EXAMPLES)
    @given(hostile=fuzzing.hostile_requests(target, urls, fields, {}, query=True))
    def run(hostile):
        _check(fuzz, target, persona, hostile, seen)

    run()


def test_every_route_is_fuzzed_or_excluded_with_a_reason(session_app):
    every = {target.request for target in fuzzing.targets(session_app)}
    fuzzed = {p.values[0].request for p in _cases("POST") + _cases("GET")}
    assert set(NOT_FUZZED) <= every, sorted(set(NOT_FUZZED) - every)
    assert every - set(NOT_FUZZED) == fuzzed, sorted(every - set(NOT_FUZZED) - fuzzed)
    for target in fuzzing.targets(session_app):
        if target.request in NOT_FUZZED:
            continue
        allowed, refused = personas_for(target)
        assert allowed, f"{target.request}: no persona may use it, so the fuzz would never reach its form"
        everyone = "signed out" in allowed
        assert refused or everyone, f"{target.request}: nobody is tried who may not use it"


def test_the_fields_of_each_form_are_derived_from_its_class_and_its_pages(fuzz):
    """The derivation finds what the editor really posts: the date's three boxes under one name, each
    milestone's status, the hidden base values the merge compares with, and the row forms' hidden originals."""
    by_request = {t.request: t for t in fuzzing.targets(fuzz.app)}
    edit = {f.name: f for f in fuzz.fields(by_request["POST /updates/<update_id>/edit"])}
    assert edit["forecast_completion_date"].kind == "date"
    assert edit["proposed_rag"].choices == tuple(rag.name for rag in RAG)
    assert edit["milestones-0-status"].kind == "choice" and "DELAYED" in edit["milestones-0-status"].choices
    assert edit["version"].kind == "integer"
    assert "base::key_activities" in edit and "rag_change_reason" in edit
    # From the conflict page, for every field: keep what the person typed, or use the saved text.
    assert set(edit["resolve::proposed_rag"].choices) == {"mine", "saved"}
    row = {f.name for f in fuzz.fields(by_request["POST /updates/<update_id>/risks/<row_id>"])}
    assert {"description", "mitigation", "original_description", "original_mitigation"} <= row
    reopen = {f.name: f for f in fuzz.fields(by_request["POST /periods/<period_id>/reopen"])}
    assert reopen["workstream_ids"].kind == "choices"


def test_the_checks_see_a_refusal_with_nothing_to_read_and_a_changed_row(fuzz):
    browser = fuzz._restore("PMO")
    not_found = browser.client.get("/updates/2147483647").get_data(as_text=True)
    assert "Page not found" in fuzzing.refusal_message(not_found)
    assert fuzzing.refusal_message("") == ""
    assert fuzzing.refusal_message("<html><body><h2>Waymark</h2><main> </main></body></html>") == ""
    with fuzz.app.app_context(), fuzz.sandbox.example():
        db.session.execute(sa.update(User).where(User.email == HOLDER_EMAIL).values(name="Someone Else"))
        db.session.commit()
        changed = {name for name, digest in fuzz.sandbox.digest().items() if fuzz.baseline[name] != digest}
    assert changed == {"user_account"}
    assert fuzz.sandbox.digest() == fuzz.baseline, "the example's transaction was not rolled back"
