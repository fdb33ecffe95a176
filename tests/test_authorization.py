"""Every route, as every persona, against a draft, a submitted, an approved and a locked update: each answer
compared with the expected matrix in tests/authorization_matrix.py. A route the matrix does not decide, or
a decision for a route the app no longer has, fails the first test here.

How the cases run: for each state the demo database is copied afresh and the state built on it (single-role
personas, the Governance update put into the state). Each persona signs in once; before every request
its session cookie is put back as it was just after signing in, so no request sees what an earlier one did
to the session. Every case starts from the state it names: a request that changed content (any other
non-GET answered "ok", or any request that moved the data digest) is followed by a fresh copy of the
database with the state rebuilt; one that changed only accounts (signing out, a new password, a
deactivation) has the accounts put back as they were, checked against the digest, which is quicker.
Either way a refused request must leave the data as it found it. The answers of a state are gathered
once, on its first case, and each case then compares one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter

from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    OutboxMessage,
    PasswordResetToken,
    ProgrammeReport,
    Risk,
    RiskStatus,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.reports.rendering import forget_bodies
from tests.authorization_matrix import (
    ANSWERS,
    APP_DIFFERS,
    CONFLICT,
    FORBIDDEN,
    INVALID,
    LOGIN,
    MATRIX,
    MISSING,
    OK,
    PERSONAS,
    STATES,
    cases,
)
from tests.conftest import csrf_token
from tests.demo_ids import demo_ids

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Routes that are htmx fragments: the page asks for them with HX-Request, as the browser would.
HTMX_FRAGMENTS = {"updates.row_list", "updates.rag_change_reason"}
# Requests whose success changes no stored data (checked by the data digest all the same).
NO_LASTING_CHANGE = {"POST /sign-in", "POST /password/forgot"}
# Requests whose success changes only accounts (and adds to the audit trail and outbox): undone in place.
ACCOUNTS_ONLY = {
    "POST /sign-out",
    "POST /account",
    "POST /password/reset/<token>",
    "POST /admin/users/<user_id>/deactivate",
    "POST /admin/users/<user_id>/reactivate",
}

PERSONA_PASSWORD = "persona-password-for-the-matrix"
NEW_PASSWORD = "violet harbour lantern 1987"
# An account that is none of the personas: signed into by the signed-out visitor, reset by the emailed
# link, deactivated and reactivated by the PMO.
HOLDER_EMAIL = "account.holder@example.org"
HOLDER_PASSWORD = "holder-password-for-the-matrix"
RESET_TOKEN = "a-reset-link-token-for-the-authorisation-matrix"
STATIC_FILE = "images/waymark.svg"
# Someone who is none of the personas completes and approves the submitted and approved updates.
SUBMITTER = "louisa.simpson@example.org"
APPROVER = "nick.bell@example.org"


def email_of(persona: str) -> str:
    return re.sub(r"[^a-z]+", ".", persona.lower()) + "@personas.example.org"


# --- The routes the app registers --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


@dataclasses.dataclass(frozen=True)
class Route:
    endpoint: str
    request: str  # "METHOD path", the any-converter values written in
    method: str
    rule: object
    fixed: tuple  # the any-converter values, as (name, value) pairs


def _template(rule, fixed: dict) -> str:
    """The rule's path with its any-converter values filled in and other variables as <name>."""

    def replace(match):
        name = match.group(1).strip()
        return str(fixed[name]) if name in fixed else f"<{name}>"

    return _PLACEHOLDER.sub(replace, rule.rule)


def app_routes(app) -> dict[tuple[str, str], Route]:
    """(endpoint, request) -> Route for every method and any-converter value of every rule in the URL map."""
    routes = {}
    for rule in app.url_map.iter_rules():
        choices = {
            name: sorted(converter.items)
            for name, converter in rule._converters.items()
            if isinstance(converter, AnyConverter)
        }
        names = sorted(choices)
        for combination in itertools.product(*(choices[name] for name in names)):
            fixed = dict(zip(names, combination))
            for method in sorted(rule.methods - IGNORED_METHODS):
                request = f"{method} {_template(rule, fixed)}"
                routes[(rule.endpoint, request)] = Route(rule.endpoint, request, method, rule, tuple(fixed.items()))
    return routes


# --- The objects of each state ------------------------------------------------------------------------------


@dataclasses.dataclass
class Objects:
    state: str
    update_id: int
    update_version: int
    period_id: int
    report_version: int
    workstream_id: int
    rows: dict  # list name -> {"id": ..., "description": ..., "mitigation": ...}
    milestones_this_period: int
    holder_id: int
    persona_ids: dict


def _person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _complete(update: WorkstreamUpdate, state: UpdateState) -> None:
    update.key_activities = "Terms of reference agreed; board papers issued on time."
    update.engagement = "Monthly governance forum held."
    update.concerns = "None."
    update.proposed_rag = RAG.GREEN
    update.rag_rationale = "On track."
    update.rag_change_reason = "The actions from last period were closed."
    for milestone in update.milestones_this_period:
        milestone.status = MilestoneStatus.COMPLETE
    update.state = state
    update.completed_by = _person(SUBMITTER)
    update.completion_date = dt.date(2023, 12, 20)
    update.submitted_at = utcnow()
    if state is UpdateState.APPROVED:
        update.sponsor_comments = "Good progress."
        update.agreed_rag = RAG.GREEN
        update.approved_by = _person(APPROVER)
        update.approved_at = utcnow()


def build(state: str, ids) -> Objects:
    """The personas, the account holder and the Governance update in `state`, committed."""
    persona_ids = {}
    for index, (name, role) in enumerate(PERSONAS.items()):
        if role is None:
            continue
        role_name, code = role
        person = User(name=f"Persona {name}", email=email_of(name), session_token=f"persona-session-{index}")
        person.set_password(PERSONA_PASSWORD)
        person.role_assignments = [RoleAssignment(role=Role[role_name], workstream_id=ids.workstreams.get(code))]
        db.session.add(person)
        persona_ids[name] = person
    holder = User(name="Account Holder", email=HOLDER_EMAIL, session_token="account-holder-session")
    holder.set_password(HOLDER_PASSWORD)
    db.session.add(holder)
    db.session.add(
        PasswordResetToken(
            user=holder,
            token_hash=hashlib.sha256(RESET_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
    )
    if state == "locked":
        period_id = ids.periods["sep_oct"]
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        milestone, risk = update.milestones_next_period[0], update.risks_in_order[0]
    else:
        period_id = ids.periods["nov_dec"]
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        # The loaded draft plans nothing for next period and carries every risk from the last (a carried
        # risk is closed, never removed): give the row routes a row of this update's own in each list.
        milestone = Milestone(
            kind=MilestoneKind.NEXT_PERIOD, position=1, reference="GOV-M90",
            description="Agree the governance framework.", status_note="",
        )
        risk = Risk(
            position=len(update.risks) + 1, reference="GOV-R90",
            description="Board papers late.", mitigation="Agree a timetable.", status=RiskStatus.OPEN, closure_note="",
        )
        update.milestones.append(milestone)
        update.risks.append(risk)
        if state == "submitted":
            _complete(update, UpdateState.SUBMITTED)
        elif state == "approved":
            _complete(update, UpdateState.APPROVED)
    db.session.commit()
    report = db.session.scalar(
        sa.select(ProgrammeReport)
        .where(ProgrammeReport.period_id == period_id)
        .order_by(ProgrammeReport.revision.desc())
        .limit(1)
    )
    return Objects(
        state=state,
        update_id=update.id,
        update_version=update.version,
        period_id=period_id,
        report_version=report.version,
        workstream_id=ids.workstreams["GOV"],
        rows={
            "next-milestones": {"id": milestone.id, "description": milestone.description},
            "risks": {"id": risk.id, "description": risk.description, "mitigation": risk.mitigation},
        },
        milestones_this_period=len(update.milestones_this_period),
        holder_id=holder.id,
        persona_ids={name: person.id for name, person in persona_ids.items()},
    )


ACCOUNT_TABLES = (User.__table__, PasswordResetToken.__table__)


@dataclasses.dataclass(frozen=True)
class Digest:
    """Enough of the stored data to see that a request changed something."""

    trail: tuple  # how many audit events and outbox messages: they only ever grow
    content: tuple
    accounts: tuple  # every row of the accounts tables, column by column


def _rows(table) -> tuple:
    return tuple(tuple(row) for row in db.session.execute(sa.select(table).order_by(table.c.id)))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def digest() -> Digest:
    updates, reports = WorkstreamUpdate.__table__, ProgrammeReport.__table__
    return Digest(
        trail=(_count(AuditEvent), _count(OutboxMessage)),
        content=(
            tuple(_count(model) for model in (Milestone, Risk, RoleAssignment)),
            tuple(db.session.execute(sa.select(updates.c.id, updates.c.state, updates.c.version).order_by("id"))),
            tuple(db.session.execute(sa.select(reports.c.id, reports.c.state, reports.c.version).order_by("id"))),
        ),
        accounts=tuple(_rows(table) for table in ACCOUNT_TABLES),
    )


def restore_accounts(accounts: tuple) -> None:
    """Put every account row back as it was (new rows are left for the digest to notice)."""
    for table, rows in zip(ACCOUNT_TABLES, accounts):
        current = {row[0]: row for row in _rows(table)}
        for row in rows:
            if current.get(row[0]) != row:
                db.session.execute(
                    sa.update(table).where(table.c.id == row[0]).values(dict(zip(table.c.keys(), row)))
                )
    db.session.commit()


# --- Requests ---------------------------------------------------------------------------------------------


def url_values(route: Route, objects: Objects) -> dict:
    fixed = dict(route.fixed)
    values = {}
    for name in route.rule.arguments:
        if name in fixed:
            values[name] = fixed[name]
        elif name == "update_id":
            values[name] = objects.update_id
        elif name == "period_id":
            values[name] = objects.period_id
        elif name == "workstream_id":
            values[name] = objects.workstream_id
        elif name == "row_id":
            values[name] = objects.rows[fixed.get("name", "risks")]["id"]
        elif name == "revision":
            values[name] = 1
        elif name == "filename":
            values[name] = STATIC_FILE
        elif name == "token":
            values[name] = RESET_TOKEN
        elif name == "user_id":
            values[name] = objects.holder_id
        else:
            raise LookupError(f"{route.request}: decide how to fill the URL variable {name!r}")
    return values


def plausible_form(route: Route, objects: Objects) -> dict:
    """Valid form data for the request, stating the object's current version."""
    endpoint, fixed = route.endpoint, dict(route.fixed)
    if endpoint == "auth.sign_in":
        return {"email": HOLDER_EMAIL, "password": HOLDER_PASSWORD}
    if endpoint == "auth.account":
        return {"current_password": PERSONA_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    if endpoint == "auth.forgot_password":
        # No such account: the answer is the same, and nothing is stored or sent.
        return {"email": "nobody.at.all@example.org"}
    if endpoint == "auth.reset_password":
        return {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    if endpoint in ("auth.sign_out", "admin.change_access", "updates.remove", "updates.move", "updates.reopen"):
        return {}
    if endpoint == "updates.transition":
        version = objects.update_version
        return {
            "submit": {"version": version},
            "return": {"version": version, "reason": "Please say more about the slipped milestones."},
            "approve": {"version": version, "sponsor_comments": "Good progress.", "agreed_rag": "AMBER",
                        "agreed_rag_justification": "A tougher view of the risks."},
        }[fixed["action"]]
    if endpoint == "updates.edit":
        data = {
            "version": objects.update_version,
            "key_activities": "Rewritten key activities.",
            "engagement": "Rewritten engagement.",
            "concerns": "None.",
            "proposed_rag": "AMBER",
            "rag_rationale": "Rewritten rationale.",
            "rag_change_reason": "Rewritten reason.",
        }
        for position in range(objects.milestones_this_period):
            data[f"milestones-{position}-status"] = "DELAYED"
            data[f"milestones-{position}-status_note"] = "Waiting for the board."
        return data
    if endpoint == "periods.overview":
        return {"version": objects.report_version, "overview": "A rewritten overview."}
    if endpoint == "periods.sign_off":
        return {"version": objects.report_version, "cmt_meeting_date": ["9", "1", "2024"]}
    if endpoint == "periods.reopen":
        return {"version": objects.report_version, "reason": "The IIB challenged a rating.",
                "workstream_ids": [objects.workstream_id]}
    if endpoint == "updates.add":
        return {"description": "A new row.", "mitigation": "A new mitigation."}
    if endpoint == "updates.edit_row_view":
        row = objects.rows[fixed["name"]]
        data = {"description": "Rewritten row.", "original_description": row["description"]}
        if fixed["name"] == "risks":
            data.update(mitigation="Rewritten mitigation.", original_mitigation=row["mitigation"])
        return data
    if endpoint == "updates.close":
        return {"closure_note": "The board papers are now on time."}
    raise LookupError(f"{route.request}: decide what plausible form data is")


def normalise(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return OK
    if 300 <= status < 400:
        location = urlsplit(response.headers.get("Location", ""))
        if location.path == "/sign-in" and "next" in parse_qs(location.query):
            return LOGIN
        return OK
    if status == 400 and b"Your session has expired" in response.data:
        return "refused for its CSRF token"
    return {400: INVALID, 422: INVALID, 403: FORBIDDEN, 404: MISSING, 409: CONFLICT}.get(status, f"status {status}")


@dataclasses.dataclass
class Browser:
    """A persona's test client, its CSRF token and its session cookie as it was just after signing in."""

    client: object
    token: str
    cookie: str | None


class Observations:
    """Every answer, gathered a state at a time on first use."""

    def __init__(self, app, databases):
        self.app, self.databases = app, databases
        self.routes = app_routes(app)
        self.ids = demo_ids(app)
        # state -> (endpoint, request, persona) -> (answer, the request as sent)
        self.answers: dict[str, dict[tuple[str, str, str], tuple[str, str]]] = {}
        self.failed: dict[str, Exception] = {}
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def answer(self, endpoint: str, request: str, state: str, persona: str) -> tuple[str, str]:
        if state in self.failed:
            raise RuntimeError(f"the {state} state could not be run") from self.failed[state]
        if state not in self.answers:
            try:
                self.answers[state] = self._run(state)
            except Exception as error:
                self.failed[state] = error
                raise
        return self.answers[state][(endpoint, request, persona)]

    # The database, fresh for the state.
    def _fresh(self, state: str, persona_ids: dict | None = None) -> Objects:
        with self.app.app_context():
            db.engine.dispose()
        self.databases.reset()
        forget_bodies()
        with self.app.app_context():
            objects = build(state, self.ids)
            db.session.remove()
        if persona_ids is not None:
            # The sessions signed in earlier name these ids (and the personas' fixed session tokens).
            assert objects.persona_ids == persona_ids, "the personas' ids changed when the state was rebuilt"
        return objects

    def _digest(self) -> Digest:
        with self.app.app_context():
            try:
                return digest()
            finally:
                db.session.remove()

    def _undo_accounts(self, original: Digest) -> bool:
        """Put the accounts back; True if that leaves the data as the state was built (the trail apart)."""
        with self.app.app_context():
            try:
                restore_accounts(original.accounts)
                now = digest()
            finally:
                db.session.remove()
        return (now.content, now.accounts) == (original.content, original.accounts)

    def _browser(self, persona: str) -> Browser:
        client = self.app.test_client()
        token = csrf_token(client.get("/sign-in").get_data(as_text=True))
        if PERSONAS[persona] is not None:
            response = client.post(
                "/sign-in", data={"email": email_of(persona), "password": PERSONA_PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 302 and urlsplit(response.headers["Location"]).path != "/sign-in", (
                f"could not sign in as {persona}"
            )
            token = csrf_token(client.get("/").get_data(as_text=True))
        cookie = client.get_cookie(self.cookie_name)
        return Browser(client, token, cookie.value if cookie else None)

    def _restore_session(self, browser: Browser) -> None:
        if browser.cookie is None:
            browser.client.delete_cookie(self.cookie_name)
        else:
            browser.client.set_cookie(self.cookie_name, browser.cookie)

    def _run(self, state: str) -> dict:
        objects = self._fresh(state)
        persona_ids = objects.persona_ids
        browsers = {persona: self._browser(persona) for persona in PERSONAS}
        original = baseline = self._digest()
        wanted = [
            (endpoint, request, self.routes.get((endpoint, request)))
            for endpoint, requests in MATRIX.items()
            for request in requests
        ]
        answers = {}
        for persona, browser in browsers.items():
            for endpoint, request, route in wanted:
                if route is None:
                    answers[(endpoint, request, persona)] = ("no such route", request)
                    continue
                answer, detail, undo = self._call(route, browser, objects, baseline)
                if undo == "accounts" and self._undo_accounts(original):
                    baseline = self._digest()
                elif undo is not None:
                    objects = self._fresh(state, persona_ids)
                    original = baseline = self._digest()
                answers[(endpoint, request, persona)] = (answer, f"{detail} as {persona} ({state})")
        return answers

    def _call(self, route: Route, browser: Browser, objects: Objects, baseline: Digest):
        """(answer, the request as sent with its status, what to undo: None, "accounts" or "everything")."""
        try:
            values = url_values(route, objects)
            path = route.rule.build(values, append_unknown=False)[1]
            assert self.app.url_map.bind("localhost").match(path, method=route.method)[0] == route.endpoint, path
            headers = {"HX-Request": "true"} if route.endpoint in HTMX_FRAGMENTS else {}
            self._restore_session(browser)
            if route.method == "GET":
                response = browser.client.get(path, headers=headers)
            else:
                data = {**plausible_form(route, objects), "csrf_token": browser.token}
                response = browser.client.open(path, method=route.method, data=data, headers=headers)
        except Exception as error:  # noqa: BLE001 - an exception is an answer to report, not to stop the run
            return f"error {type(error).__name__}: {error}", route.request, "everything"
        answer = normalise(response)
        detail = f"{route.method} {path} -> {response.status_code}"
        if "Location" in response.headers:
            detail += f" {response.headers['Location']}"
        if route.method == "GET":
            return answer, detail, None
        if answer == OK and route.request in ACCOUNTS_ONLY:
            return answer, detail, "accounts"
        if answer == OK and route.request not in NO_LASTING_CHANGE:
            return answer, detail, "everything"
        if self._digest() != baseline:
            if answer != OK:
                answer = f"{answer}, yet it changed stored data"
            return answer, detail, "everything"
        return answer, detail, None


# --- The tests ---------------------------------------------------------------------------------------------


def test_every_route_has_a_decision_and_every_decision_a_route(session_app):
    routes = app_routes(session_app)
    decided = {(endpoint, request) for endpoint, requests in MATRIX.items() for request in requests}
    problems = []
    undecided = sorted(set(routes) - decided)
    for endpoint in sorted({endpoint for endpoint, _ in undecided}):
        requests = [request for e, request in undecided if e == endpoint]
        what = "a new endpoint" if endpoint not in MATRIX else "new requests of"
        problems.append(f"{what} {endpoint} has no expected answers: {', '.join(requests)}")
    for endpoint, request in sorted(decided - set(routes)):
        problems.append(f"the matrix decides {request} ({endpoint}), which the app no longer has")
    assert not problems, "\n".join(problems)


def test_the_matrix_answers_every_state_and_persona():
    for endpoint, requests in MATRIX.items():
        for request, by_state in requests.items():
            assert set(by_state) == set(STATES), (endpoint, request)
            for state, answers in by_state.items():
                assert set(answers) == set(PERSONAS), (endpoint, request, state)
                assert set(answers.values()) <= set(ANSWERS), (endpoint, request, state)
    known = {(request, state, persona) for _endpoint, request, state, persona, _expected in cases()}
    assert set(APP_DIFFERS) <= known, sorted(set(APP_DIFFERS) - known)


@pytest.fixture(scope="module")
def observed(session_app, databases):
    # Who may fetch a pack is decided before it is built: build a stand-in, not a whole PDF per request.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("app.reports.exports.build", lambda content, draft, fingerprint, extension: b"pack")
        # Rate limits are not who-may-what (and the run signs in far more often than a person would).
        patch.setitem(session_app.config, "RATELIMIT_EXEMPT_ALL", True)
        observations = Observations(session_app, databases)
        yield observations
    with session_app.app_context():
        db.engine.dispose()
    databases.reset()
    forget_bodies()


def _params():
    params = []
    for endpoint, request, state, persona, expected in cases():
        reason = APP_DIFFERS.get((request, state, persona))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(endpoint, request, state, persona, expected, marks=marks,
                                   id=f"{state}: {request} as {persona}"))
    return params


@pytest.mark.parametrize(("endpoint", "route", "state", "persona", "expected"), _params())
def test_the_answer_is_as_the_matrix_says(observed, endpoint, route, state, persona, expected):
    actual, detail = observed.answer(endpoint, route, state, persona)
    assert actual == expected, f"{endpoint}: {detail}: expected {expected!r}, answered {actual!r}"
