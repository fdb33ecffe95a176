"""Every route, as every persona, against a draft, a submitted, an approved and a locked update: each answer
compared with the expected matrix in tests/authorization_matrix.py. A route the matrix does not decide, or
a decision for a route the app no longer has, fails the first test here.

How the cases run: for each state the demo database is copied afresh and the state built on it (personas with
one role each or none, the Governance update put into the state). Each persona signs in once; before every request
its session cookie is put back as it was just after signing in, so no request sees what an earlier one did
to the session. Every case starts from the state it names: a request that moved the data digest is
followed by a fresh copy of the database with the state rebuilt; one that changed only accounts (signing
out, a new password, a deactivation) has the accounts put back as they were, checked against the digest
(quicker).
Either way a refused request must leave the data as it found it (every row of content_rows() and of the
accounts), and an allowed POST must have made the change its check in EFFECTS looks for. A request that
names nothing of the state runs in the first state only. The answers of a state are gathered once, on its
first case, and each case then compares one.
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

from app.extensions import db, login_manager
from app.models import (
    RAG,
    AuditEvent,
    LinkPurpose,
    Milestone,
    MilestoneKind,
    OutboxMessage,
    PasswordResetToken,
    Programme,
    ProgrammeReport,
    Risk,
    RiskStatus,
    ReportingPeriod,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamOutcome,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.programmes.services import settings_fingerprint
from app.rag import RAG_METHODOLOGY_INTRO
from app.periods.rules import PeriodDates
from app.periods.services import plan_period
from app.reports.rendering import forget_bodies
from app.workstreams.services import workstream_fingerprint
from tests.authorization_matrix import (
    ANSWERS,
    APP_DIFFERS,
    CONFLICT,
    EFFECTS,
    ELSEWHERE,
    ELSEWHERE_EXCEPTIONS,
    FORBIDDEN,
    INVALID,
    LOGIN,
    MATRIX,
    MISSING,
    OK,
    PERSONAS,
    STATES,
    THIS_PROGRAMME,
    Seen,
    cases,
    same_in_every_state,
)
from tests.conftest import Browser, complete_for_submission, open_browser, user_by_email
from tests.demo_ids import demo_ids, second_programme_ids
from tests.personas import LOUISA_SIMPSON, NICK_BELL

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Routes that are htmx fragments: the page asks for them with HX-Request, as the browser would.
HTMX_FRAGMENTS = {"updates.row_list", "updates.rag_change_reason"}
# Requests whose success changes only accounts (and adds to the audit trail and outbox): undone in place.
ACCOUNTS_ONLY = {
    "POST /sign-out",
    "POST /account",
    "POST /password/reset/<token>",
    "POST /programmes/<programme_id>/people/<user_id>/deactivate",
    "POST /programmes/<programme_id>/people/<user_id>/reactivate",
}

PERSONA_PASSWORD = "persona-password-for-the-matrix"
NEW_PASSWORD = "violet harbour lantern 1987"
# An account that is none of the personas: signed into by the signed-out visitor, reset by the emailed
# link.
HOLDER_EMAIL = "account.holder@example.org"
HOLDER_PASSWORD = "holder-password-for-the-matrix"
RESET_TOKEN = "a-reset-link-token-for-the-authorisation-matrix"
# The programme's people the PMO's people pages act on, none of them a persona: a project manager of
# Governance (given a role, losing that one, deactivated), a deactivated one (reactivated), and someone
# invited who has not yet set a password (invited again).
MEMBER_EMAIL = "programme.member@example.org"
FORMER_MEMBER_EMAIL = "former.member@example.org"
INVITEE_EMAIL = "invited.person@example.org"
INVITATION_TOKEN = "an-invitation-token-for-the-authorisation-matrix"
STATIC_FILE = "images/waymark.svg"
# The reporting calendar's routes that act on a planned period, and the period every state plans.
PLANNED_PERIOD_ROUTES = {"periods.open_planned", "periods.delete"}
PLANNED_PERIOD = PeriodDates(
    dt.date(2024, 1, 1), dt.date(2024, 2, 29), dt.date(2024, 2, 23), dt.date(2024, 3, 1), dt.date(2024, 3, 8),
    dt.date(2024, 3, 19),
)
NOV_DEC_DUE_DATES = {"drafts_due": ["20", "12", "2023"], "approvals_due": ["5", "1", "2024"],
                     "sign_off_due": ["10", "1", "2024"], "iib_meeting_date": ["16", "1", "2024"]}
SEP_OCT_DUE_DATES = {"drafts_due": ["25", "10", "2023"], "approvals_due": ["3", "11", "2023"],
                     "sign_off_due": ["10", "11", "2023"], "iib_meeting_date": ["21", "11", "2023"]}
# Someone who is none of the personas completes and approves the submitted and approved updates.


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
    programme_id: int
    workstream_id: int
    second_workstream_id: int  # Procurement, second in the order: it can move up and down
    settings_based_on: str
    workstream_based_on: str
    rows: dict  # "next-milestones", "risks", "closed risk" -> {"id": ..., "position": ..., "description": ...}
    milestones_this_period: int
    holder_id: int
    member_id: int
    member_assignment_id: int
    former_member_id: int
    invitee_id: int
    invitation_token_hash: str
    persona_ids: dict
    session_tokens: dict  # user id -> the session token built (an ended session replaces it)
    # The reporting calendar: the state's period's version, Jan–Feb 2024 planned, and how many workstreams
    # a period opens with.
    period_version: int = 1
    planned_period_id: int = 0
    workstreams: int = 0


def _complete(update: WorkstreamUpdate, state: UpdateState) -> None:
    complete_for_submission(
        update, key_activities="Terms of reference agreed; board papers issued on time.",
        engagement="Monthly governance forum held.", concerns="None.", rag_rationale="On track.",
        rag_change_reason="The actions from last period were closed.",
    )
    update.state = state
    update.completed_by = user_by_email(LOUISA_SIMPSON)
    update.completion_date = dt.date(2023, 12, 20)
    update.submitted_at = utcnow()
    if state is UpdateState.APPROVED:
        update.sponsor_comments = "Good progress."
        update.agreed_rag = RAG.GREEN
        update.approved_by = user_by_email(NICK_BELL)
        update.approved_at = utcnow()


def _assignments(role: tuple, ids, other_ids) -> list[RoleAssignment]:
    """The persona's one role, in this programme (`ids`) or another (`other_ids`), or none."""
    if not role:
        return []
    role_name, code, programme = role
    where = ids if programme == THIS_PROGRAMME else other_ids
    return [RoleAssignment(role=Role[role_name], workstream_id=where.workstreams.get(code), programme_id=where.programme)]


def build(state: str, ids, other_ids) -> Objects:
    """The personas, the account holder and the Governance update in `state`, committed."""
    persona_ids = {}
    for index, (name, role) in enumerate(PERSONAS.items()):
        if role is None:
            continue
        person = User(name=f"Persona {name}", email=email_of(name), session_token=f"persona-session-{index}",
                      may_create_programmes=name == "PMO")
        person.set_password(PERSONA_PASSWORD)
        person.role_assignments = _assignments(role, ids, other_ids)
        db.session.add(person)
        persona_ids[name] = person
    holder = User(name="Account Holder", email=HOLDER_EMAIL, session_token="account-holder-session")
    holder.set_password(HOLDER_PASSWORD)
    member_assignment = RoleAssignment(role=Role.PROJECT_MANAGER, workstream_id=ids.workstreams["GOV"], programme_id=ids.programme)
    member = User(name="Programme Member", email=MEMBER_EMAIL, session_token="programme-member-session",
                  role_assignments=[member_assignment])
    member.set_password(HOLDER_PASSWORD)
    former = User(name="Former Member", email=FORMER_MEMBER_EMAIL, session_token="former-member-session", active=False,
                  role_assignments=[RoleAssignment(role=Role.PROJECT_MANAGER, workstream_id=ids.workstreams["PPD"],
                                                   programme_id=ids.programme)])
    former.set_password(HOLDER_PASSWORD)
    invitee = User(name="Invited Person", email=INVITEE_EMAIL, session_token="invited-person-session",
                   role_assignments=[RoleAssignment(role=Role.VIEWER, programme_id=ids.programme)])
    db.session.add_all([holder, member, former, invitee])
    db.session.add_all([
        PasswordResetToken(
            user=holder,
            token_hash=hashlib.sha256(RESET_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(hours=1),
        ),
        PasswordResetToken(
            user=invitee,
            token_hash=hashlib.sha256(INVITATION_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(days=7),
            purpose=LinkPurpose.INVITATION,
        ),
    ])
    if state == "locked":
        period_id = ids.periods["sep_oct"]
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        milestone, risk = update.milestones_next_period[0], update.risks_in_order[0]
        closed_risk = risk
    else:
        period_id = ids.periods["nov_dec"]
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        # The loaded draft plans nothing for next period and carries every risk from the last (a carried
        # risk is closed, never removed): give the row routes a row of this update's own in each list, with
        # a row before and after it to move past, and a closed risk to reopen.
        milestones = [
            Milestone(
                kind=MilestoneKind.NEXT_PERIOD, position=position, reference=f"GOV-M9{position}",
                description=f"Agree the governance framework, step {position}.", status_note="",
            )
            for position in (1, 2, 3)
        ]
        last = max(r.position for r in update.risks)
        risk, closed_risk = (
            Risk(
                position=last + 1, reference="GOV-R90", description="Board papers late.",
                mitigation="Agree a timetable.", status=RiskStatus.OPEN, closure_note="",
            ),
            Risk(
                position=last + 2, reference="GOV-R91", description="Minutes late.", mitigation="A minute taker.",
                status=RiskStatus.CLOSED, closure_note="A minute taker was appointed.",
            ),
        )
        update.milestones.extend(milestones)
        update.risks.extend([risk, closed_risk])
        milestone = milestones[1]
        if state == "submitted":
            _complete(update, UpdateState.SUBMITTED)
        elif state == "approved":
            _complete(update, UpdateState.APPROVED)
    db.session.commit()
    planned = plan_period(db.session.get(Programme, ids.programme), PLANNED_PERIOD, planned_by=None)
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
        programme_id=ids.programme,
        workstream_id=ids.workstreams["GOV"],
        second_workstream_id=ids.workstreams["PRC"],
        settings_based_on=settings_fingerprint(db.session.get(Programme, ids.programme)),
        workstream_based_on=workstream_fingerprint(db.session.get(Workstream, ids.workstreams["GOV"])),
        rows={
            "next-milestones": {"id": milestone.id, "position": milestone.position, "description": milestone.description},
            "risks": {"id": risk.id, "position": risk.position, "description": risk.description,
                      "mitigation": risk.mitigation},
            "closed risk": {"id": closed_risk.id, "position": closed_risk.position},
        },
        milestones_this_period=len(update.milestones_this_period),
        holder_id=holder.id,
        member_id=member.id,
        member_assignment_id=member_assignment.id,
        former_member_id=former.id,
        invitee_id=invitee.id,
        invitation_token_hash=hashlib.sha256(INVITATION_TOKEN.encode()).hexdigest(),
        persona_ids={name: person.id for name, person in persona_ids.items()},
        session_tokens={
            person.id: person.session_token for person in [holder, member, former, invitee, *persona_ids.values()]
        },
        period_version=db.session.get(ReportingPeriod, period_id).version,
        planned_period_id=planned.id,
        workstreams=len(ids.workstreams),
    )


ACCOUNT_TABLES = (User.__table__, PasswordResetToken.__table__)


def content_rows(workstream_id: int) -> tuple:
    """Every programme, period, report, update, role assignment and workstream; the Governance workstream's
    outcomes and its updates' milestones and risks (no request reaches another workstream's rows)."""
    of_workstream = sa.select(WorkstreamUpdate.id).where(WorkstreamUpdate.workstream_id == workstream_id)
    return tuple(
        _rows(model.__table__, where)
        for model, where in (
            (Programme, None),
            (ReportingPeriod, None),
            (ProgrammeReport, None),
            (WorkstreamUpdate, None),
            (RoleAssignment, None),
            (Workstream, None),
            (WorkstreamOutcome, WorkstreamOutcome.workstream_id == workstream_id),
            (Milestone, Milestone.update_id.in_(of_workstream)),
            (Risk, Risk.update_id.in_(of_workstream)),
        )
    )


@dataclasses.dataclass(frozen=True)
class Digest:
    """Enough of the stored data to see that a request changed something."""

    trail: tuple  # how many audit events and outbox messages: they only ever grow
    content: tuple  # content_rows(), column by column
    accounts: tuple  # every row of the accounts tables, column by column


def _rows(table, where=None) -> tuple:
    query = sa.select(table).order_by(table.c.id)
    return tuple(tuple(row) for row in db.session.execute(query if where is None else query.where(where)))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def digest(workstream_id: int) -> Digest:
    return Digest(
        trail=(_count(AuditEvent), _count(OutboxMessage)),
        content=content_rows(workstream_id),
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
            values[name] = objects.planned_period_id if route.endpoint in PLANNED_PERIOD_ROUTES else objects.period_id
        elif name == "workstream_id":
            values[name] = objects.second_workstream_id if route.endpoint == "workstreams.move" else objects.workstream_id
        elif name == "programme_id":
            values[name] = objects.programme_id
        elif name == "row_id":
            rows = "closed risk" if route.endpoint == "updates.reopen_risk" else fixed.get("name", "risks")
            values[name] = objects.rows[rows]["id"]
        elif name == "revision":
            values[name] = 1
        elif name == "filename":
            values[name] = STATIC_FILE
        elif name == "token":
            values[name] = RESET_TOKEN
        elif name == "user_id":
            if fixed.get("action") == "reactivate":
                values[name] = objects.former_member_id
            elif route.endpoint == "people.resend_invitation":
                values[name] = objects.invitee_id
            else:
                values[name] = objects.member_id
        elif name == "assignment_id":
            values[name] = objects.member_assignment_id
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
    if endpoint in ("auth.sign_out", "auth.extend_session", "admin.change_access", "updates.remove", "updates.move", "updates.reopen_risk",
                    "workstreams.move", "workstreams.reactivate"):
        return {}
    if endpoint == "programmes.new":
        return {"name": "Recovery Plan", "organisation": "Fenland District Council", "months_per_period": "2"}
    if endpoint == "programmes.settings":
        return {
            "based_on": objects.settings_based_on, "name": "Improvement Plan", "organisation": "CPCA",
            "months_per_period": "3", "drafts_due_days_before_end": "4", "approvals_due_days_after_drafts": "7",
            "sign_off_due_days_after_approvals": "7", "iib_meeting_days_after_sign_off": "11",
            "rag_methodology_intro": RAG_METHODOLOGY_INTRO,
            **{f"definition_{rag.name.lower()}": rag.definition for rag in RAG},
        }
    if endpoint == "workstreams.new":
        return {"code": "DIG", "title": "Digital services", "description": "Services online.", "outcomes": "Grants online",
                "agreed_completion_date": ["31", "3", "2025"], "forecast_completion_date": ["", "", ""]}
    if endpoint == "workstreams.edit":
        return {"based_on": objects.workstream_based_on, "code": "GOV", "title": "Governance",
                "description": "Rewritten description.", "outcomes": "Leadership:\nMember remuneration",
                "agreed_completion_date": ["30", "5", "2024"], "forecast_completion_date": ["30", "9", "2024"]}
    if endpoint == "workstreams.retire":
        return {"retire_from": "next"}
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
    if endpoint == "reports.overview":
        return {"version": objects.report_version, "overview": "A rewritten overview."}
    if endpoint == "reports.sign_off":
        return {"version": objects.report_version, "cmt_meeting_date": ["9", "1", "2024"]}
    if endpoint == "reports.reopen":
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
    if endpoint == "updates.close_risk":
        return {"closure_note": "The board papers are now on time."}
    if endpoint == "people.invite":
        return {"name": "Newly Invited", "email": "newly.invited@example.org", "programme_roles": ["VIEWER"],
                "workstream_role": ""}
    if endpoint == "people.grant":
        return {"role": "IIB_MEMBER", "workstream_id": ""}
    if endpoint == "people.workstream_team":
        return {"user_id": objects.member_id, "role": "PMO_SUPPORT"}
    if endpoint in ("people.revoke", "people.resend_invitation", "people.change_access", "people.remove_from_workstream"):
        return {}
    if endpoint == "periods.plan":
        # After the planned Jan–Feb 2024.
        return {"start_date": ["1", "3", "2024"], "end_date": ["30", "4", "2024"], "drafts_due": ["26", "4", "2024"],
                "approvals_due": ["3", "5", "2024"], "sign_off_due": ["10", "5", "2024"],
                "iib_meeting_date": ["21", "5", "2024"]}
    if endpoint == "periods.dates":
        # Due dates within the period's reporting window (Sep–Oct's in the locked state, which refuses).
        return {"version": objects.period_version, **(SEP_OCT_DUE_DATES if objects.state == "locked" else NOV_DEC_DUE_DATES)}
    if endpoint == "periods.open_planned":
        # Nov–Dec is open in every state: the PMO says to open Jan–Feb as well.
        return {"while_another_is_open": "y"}
    if endpoint == "periods.delete":
        return {}
    raise LookupError(f"{route.request}: decide what plausible form data is")


def normalise(response, flashed) -> str:
    """The answer; `flashed()` gives the messages the response left for the next page."""
    status = response.status_code
    if status == 401 and urlsplit(response.headers.get("HX-Redirect", "")).path == "/sign-in":
        return LOGIN  # an htmx request moves the whole page to sign in
    if 200 <= status < 300:
        return OK
    if 300 <= status < 400:
        location = urlsplit(response.headers.get("Location", ""))
        # Sent to sign in, coming back after (next), or told to sign in to continue (a post with no page to
        # come back to); signing out also ends at the sign-in page, told something else.
        if location.path == "/sign-in" and (
            "next" in parse_qs(location.query) or login_manager.login_message in flashed()
        ):
            return LOGIN
        return OK
    if status == 400 and b"Your session has expired" in response.data:
        return "refused for its CSRF token"
    return {400: INVALID, 422: INVALID, 403: FORBIDDEN, 404: MISSING, 409: CONFLICT}.get(status, f"status {status}")


class Observations:
    """Every answer, gathered a state at a time on first use."""

    def __init__(self, app, databases):
        self.app, self.databases = app, databases
        self.routes = app_routes(app)
        # The demo as loaded, whatever an earlier test left in the database.
        with app.app_context():
            db.engine.dispose()
        databases.reset()
        self.ids = demo_ids(app)
        self.other_ids = second_programme_ids(app)
        # state -> (endpoint, request, persona) -> (answer, the request as sent)
        self.answers: dict[str, dict[tuple[str, str, str], tuple[str, str]]] = {}
        # state -> (endpoint, request) -> (method, path, form) as every persona sends it in that state
        self.sent: dict[str, dict[tuple[str, str], tuple]] = {}
        self.failed: dict[str, Exception] = {}
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def answer(self, endpoint: str, request: str, state: str, persona: str) -> tuple[str, str]:
        return self._answers(state)[(endpoint, request, persona)]

    def requests_sent(self, state: str) -> dict[tuple[str, str], tuple]:
        self._answers(state)
        return self.sent[state]

    def _answers(self, state: str) -> dict:
        if state in self.failed:
            raise RuntimeError(f"the {state} state could not be run") from self.failed[state]
        if state not in self.answers:
            try:
                self.answers[state] = self._run(state)
            except Exception as error:
                self.failed[state] = error
                raise
        return self.answers[state]

    # The database, fresh for the state.
    def _fresh(self, state: str, persona_ids: dict | None = None) -> Objects:
        with self.app.app_context():
            db.engine.dispose()
        self.databases.reset()
        forget_bodies()
        with self.app.app_context():
            objects = build(state, self.ids, self.other_ids)
            db.session.remove()
        if persona_ids is not None:
            # The sessions signed in earlier name these ids (and the personas' fixed session tokens).
            assert objects.persona_ids == persona_ids, "the personas' ids changed when the state was rebuilt"
        return objects

    def _digest(self) -> Digest:
        with self.app.app_context():
            try:
                return digest(self.ids.workstreams["GOV"])
            finally:
                db.session.remove()

    def _undo_accounts(self, original: Digest) -> bool:
        """Put the accounts back; True if that leaves the data as the state was built (the trail apart)."""
        with self.app.app_context():
            try:
                restore_accounts(original.accounts)
                now = digest(self.ids.workstreams["GOV"])
            finally:
                db.session.remove()
        return (now.content, now.accounts) == (original.content, original.accounts)

    def _browser(self, persona: str) -> Browser:
        return open_browser(self.app, email_of(persona) if PERSONAS[persona] is not None else None, PERSONA_PASSWORD)

    @staticmethod
    def _flashed(browser: Browser) -> list[str]:
        with browser.client.session_transaction() as session:
            return [message for _category, message in session.get("_flashes", [])]

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
        decided = [
            (endpoint, request, self.routes.get((endpoint, request)))
            for endpoint, requests in MATRIX.items()
            for request in requests
        ]
        self.sent[state] = {
            (endpoint, request): self._as_sent(route, objects) for endpoint, request, route in decided if route
        }
        wanted = [case for case in decided if state == STATES[0] or not same_in_every_state(case[1])]
        answers = {}
        for persona, browser in browsers.items():
            for endpoint, request, route in wanted:
                if route is None:
                    answers[(endpoint, request, persona)] = ("no such route", request)
                    continue
                answer, detail, undo = self._call(route, browser, objects, baseline, persona_ids.get(persona))
                if undo == "accounts" and self._undo_accounts(original):
                    baseline = self._digest()
                elif undo is not None:
                    objects = self._fresh(state, persona_ids)
                    original = baseline = self._digest()
                answers[(endpoint, request, persona)] = (answer, f"{detail} as {persona} ({state})")
        return answers

    def _as_sent(self, route: Route, objects: Objects) -> tuple:
        """(method, path, form) of the request in this state, its CSRF token apart."""
        path = route.rule.build(url_values(route, objects), append_unknown=False)[1]
        form = () if route.method == "GET" else tuple(sorted(plausible_form(route, objects).items(), key=repr))
        return route.method, path, repr(form)

    def _call(self, route: Route, browser: Browser, objects: Objects, baseline: Digest, user_id: int | None):
        """(answer, the request as sent with its status, what to undo: None, "accounts" or "everything").
        A POST answered "ok" must have made its change (EFFECTS); any other must have changed nothing."""
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
        answer = normalise(response, lambda: self._flashed(browser))
        detail = f"{route.method} {path} -> {response.status_code}"
        if "Location" in response.headers:
            detail += f" {response.headers['Location']}"
        if route.method == "GET":
            return answer, detail, None
        unchanged = self._digest() == baseline
        if answer == OK:
            missed = self._missed_effect(route, data, browser, objects, user_id, unchanged)
            if missed:
                answer = f"{answer}, but {missed}"
        elif not unchanged:
            answer = f"{answer}, yet it changed stored data"
        if unchanged:
            return answer, detail, None
        return answer, detail, "accounts" if route.request in ACCOUNTS_ONLY else "everything"

    def _missed_effect(self, route, form, browser, objects, user_id, unchanged) -> str | None:
        """What the allowed request failed to change, or None when its effect check passes."""
        effect = EFFECTS.get(route.request)
        if effect is None:
            return "the matrix has no effect check for it (EFFECTS)"
        seen = Seen(objects, form, dict(route.fixed), user_id, browser.client, unchanged)
        with self.app.app_context():
            try:
                effect(seen)
            except AssertionError as error:
                return f"{effect.__name__} failed: {error}"
            finally:
                db.session.remove()
        return None


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


def test_a_request_that_names_nothing_of_the_state_has_the_same_answers_in_every_state_and_is_asked_once():
    for endpoint, requests in MATRIX.items():
        for request, by_state in requests.items():
            if same_in_every_state(request):
                assert all(by_state[state] == by_state[STATES[0]] for state in STATES), (endpoint, request)
    asked = [(endpoint, request, persona) for endpoint, request, state, persona, _ in cases()
             if same_in_every_state(request)]
    assert len(asked) == len(set(asked))


def test_a_role_in_another_programme_gets_no_more_here_than_no_role_at_all():
    assert ELSEWHERE >= {
        "PMO of another programme", "CMT member of another programme", "PM in another programme",
        "IIB member of another programme",
    }
    differ = [
        f"{request} ({state}) as {persona}: {answers[persona]!r}, with no role {answers['no role']!r}"
        for requests in MATRIX.values()
        for request, by_state in requests.items()
        for state, answers in by_state.items()
        for persona in sorted(ELSEWHERE - ELSEWHERE_EXCEPTIONS.get(request, frozenset()))
        if answers[persona] != answers["no role"]
    ]
    assert not differ, "\n".join(differ)
    # Someone with no role is refused everything about the programme: only the public pages and their own are theirs.
    open_to_no_role = [
        request for requests in MATRIX.values() for request, by_state in requests.items()
        if any(answers["no role"] == OK for answers in by_state.values())
    ]
    assert sorted(open_to_no_role) == sorted([
        "GET /assets/<filename>", "GET /healthz", "GET /", "GET /sign-in", "POST /sign-in", "POST /sign-out",
        "POST /session/extend", "GET /account", "POST /account", "GET /password/forgot", "POST /password/forgot",
        "GET /password/reset/<token>", "POST /password/reset/<token>", "GET /periods", "GET /programmes",
        "GET /workstreams",
    ])


def test_every_request_someone_may_post_has_an_effect_check():
    allowed = {
        request
        for requests in MATRIX.values()
        for request, by_state in requests.items()
        if request.startswith("POST ") and any(OK in answers.values() for answers in by_state.values())
    }
    decided = {request for requests in MATRIX.values() for request in requests}
    assert not allowed - set(EFFECTS), f"allowed, with nothing to say what they change: {sorted(allowed - set(EFFECTS))}"
    assert set(EFFECTS) <= decided, sorted(set(EFFECTS) - decided)


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


def test_a_request_asked_in_one_state_only_is_sent_the_same_in_every_state(observed):
    """What makes asking it once enough: the same method, address and form whichever state was built."""
    first = observed.requests_sent(STATES[0])
    for state in STATES[1:]:
        sent = observed.requests_sent(state)
        differ = [request for (endpoint, request), as_sent in first.items()
                  if same_in_every_state(request) and sent[(endpoint, request)] != as_sent]
        assert not differ, f"{state}: {differ}"
