"""Who gets what from every route: the expected answers that tests/test_authorization.py checks.

Written from the product's rules, not from the app's code:

* Signing in, the health check, the static files and the password-reset pages (forgot, and the emailed
  link, whose token is the authority) are public. Everything else needs someone signed in; a signed-out
  visitor is sent to sign in ("login").
* Readers (IIB members, committee viewers) see signed-off material only: a period, its report and packs,
  and its updates once the period is signed off. Everyone else with a role (the officers) sees every
  period, the programme report being prepared included.
* A draft or submitted update is visible to its workstream's team (project managers, sponsor, PMO
  support) and to the programme staff (PMO, CMT members, lead executive director); once approved, to
  every officer; to readers once its period is signed off. The sponsor's review is read like the update.
* Only the workstream's project managers and PMO support edit its update (text, rating, milestone
  statuses, the next-period milestones and the risks), and only while it is a draft or returned and its
  period is not locked. Someone who may never do it is refused ("forbidden"); someone who may, but not
  in this state or because the period is locked, is told it cannot be done now ("conflict").
* Submit: the workstream's project managers and PMO support, from draft or returned. Return: the
  workstream's sponsor or any CMT member, from submitted or approved. Approve: the workstream's sponsor,
  from submitted, unless they submitted it. Nothing moves once the period is signed off.
* The lead executive director writes the programme overview while the report is open. A CMT member signs
  the report off (refused as not ready, "conflict", until every update is approved and the overview is
  written) and reopens a signed-off report as a new revision.
* The PMO administers their programme's people: who holds what, inviting someone, giving and taking away
  roles (not their own), naming each workstream's team, deactivating and reactivating accounts of people who
  work only in programmes they are PMO of (the programme member and former member here are). The outbox is the
  service's own page, not a programme's: whoever may create programmes, or the PMO of any programme (the PMO
  of another programme included), has it, and reads there only their own programmes' email.
* The PMO set the service up, so may create programmes. The PMO runs its programme's set-up: its settings,
  and its workstreams (adding, editing, ordering, retiring and re-activating them). Everyone else is
  refused, readers included.
* The PMO runs the programme's reporting calendar: plans a period, opens a planned one (saying so while
  another is open), deletes one never opened, and changes a period's dates until it is signed off (then
  "conflict").
* Anyone signed in manages their own account (changes their password) and can sign out.
* A role counts only in its own programme. The personas "of another programme" hold their one role in the demo's
  second programme (Initial Improvement Plan; the project manager's workstream is its TRN); "no role" is signed in
  and holds no role anywhere. Someone of another programme gets, on every request, exactly what someone with no
  role gets. Whatever is about this programme (its page and lists, its periods, reports, packs, workstreams and
  updates, and every change to them) is refused ("forbidden"), even where this programme's other officers are
  told "missing" (a report being prepared): the refusal comes first and says nothing of what the programme
  holds. What is about the person themselves (My work, their account, the list of their programmes, the
  addresses that send them to their own programme's lists) is theirs, as for anyone signed in. The one exception
  is the outbox above, for the PMO of another programme (ELSEWHERE_EXCEPTIONS).

Each update state is one case (tests/test_authorization.py builds them on the Governance workstream):

    draft      Nov–Dec Governance update as the demo loads it: a draft, its sections still empty
    submitted  the same update completed and submitted (by someone who is none of the personas)
    approved   the same update approved; the period is still open
    locked     Sep–Oct Governance update, approved, in the signed-off period

Period-level routes use Nov–Dec for the first three and Sep–Oct for the locked one; workstream routes
Governance. The routes that act on a planned period (opening, deleting) use Jan–Feb 2024, which every
state has planned (and nothing else shows but the calendar). Row routes act on a next-period milestone and a risk of the update: in the open period ones
added to it (the loaded draft plans no milestone of its own and carries every risk, which can be closed but
not removed), each with a row before and after it, and a risk is reopened from closed; in the locked period
its first of each.

A request whose address names nothing the state chooses (no update, period or row: the sign-in page, the
admin pages, a workstream's page) asks the same question in every state: its answers must be the same in
each, and it is asked once, in the first state.

These are answers, not what a page shows; for each request someone may make, EFFECTS says what it changes.

Answers: "ok" (2xx, or a redirect that is not to sign in), "login" (redirect to sign in), "forbidden"
(403), "conflict" (409), "invalid" (400/422), "missing" (404).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Callable

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RAG,
    LinkPurpose,
    Milestone,
    PasswordResetToken,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    ReportState,
    Risk,
    RiskStatus,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamUpdate,
)

OK, LOGIN, FORBIDDEN, CONFLICT, INVALID, MISSING = "ok", "login", "forbidden", "conflict", "invalid", "missing"
ANSWERS = (OK, LOGIN, FORBIDDEN, CONFLICT, INVALID, MISSING)

STATES = ("draft", "submitted", "approved", "locked")
OPEN_STATES = ("draft", "submitted", "approved")

# The programme a persona's role is in: this one (Improvement Plan) or another (the demo's Initial Improvement Plan).
THIS_PROGRAMME, ANOTHER_PROGRAMME = "this programme", "another programme"

# Each persona holds exactly one role, as (role, workstream code or None, programme): in this programme workstream
# roles are relative to Governance, "GOV"; in another, to its TRN. "no role" is signed in and holds none.
PERSONAS = {
    "signed out": None,
    "no role": (),
    "PM of this": ("PROJECT_MANAGER", "GOV", THIS_PROGRAMME),
    "PM of another": ("PROJECT_MANAGER", "PPD", THIS_PROGRAMME),
    "sponsor of this": ("SPONSOR", "GOV", THIS_PROGRAMME),
    "sponsor of another": ("SPONSOR", "PPD", THIS_PROGRAMME),
    "PMO support of this": ("PMO_SUPPORT", "GOV", THIS_PROGRAMME),
    "PMO support of another": ("PMO_SUPPORT", "PPD", THIS_PROGRAMME),
    "PMO": ("PMO", None, THIS_PROGRAMME),
    "CMT member": ("CMT_MEMBER", None, THIS_PROGRAMME),
    "lead director": ("LEAD_DIRECTOR", None, THIS_PROGRAMME),
    "IIB member": ("IIB_MEMBER", None, THIS_PROGRAMME),
    "viewer": ("VIEWER", None, THIS_PROGRAMME),
    "PMO of another programme": ("PMO", None, ANOTHER_PROGRAMME),
    "CMT member of another programme": ("CMT_MEMBER", None, ANOTHER_PROGRAMME),
    "lead director of another programme": ("LEAD_DIRECTOR", None, ANOTHER_PROGRAMME),
    "PM in another programme": ("PROJECT_MANAGER", "TRN", ANOTHER_PROGRAMME),
    "IIB member of another programme": ("IIB_MEMBER", None, ANOTHER_PROGRAMME),
}

TEAM = frozenset({"PM of this", "sponsor of this", "PMO support of this"})
OTHER_TEAMS = frozenset({"PM of another", "sponsor of another", "PMO support of another"})
STAFF = frozenset({"PMO", "CMT member", "lead director"})
READERS = frozenset({"IIB member", "viewer"})
OFFICERS = TEAM | OTHER_TEAMS | STAFF
EDITORS = frozenset({"PM of this", "PMO support of this"})
SPONSOR = frozenset({"sponsor of this"})
CMT = frozenset({"CMT member"})
LEAD_DIRECTOR = frozenset({"lead director"})
PMO = frozenset({"PMO"})
NO_ROLE = frozenset({"no role"})
ELSEWHERE = frozenset(name for name, role in PERSONAS.items() if role and role[2] == ANOTHER_PROGRAMME)
# Signed in, with no role in this programme.
OUTSIDERS = NO_ROLE | ELSEWHERE
# Whom the service's own pages also admit: the PMO of any programme.
PMO_OF_ANY = PMO | {"PMO of another programme"}


def who(otherwise: str = FORBIDDEN, signed_out: str = LOGIN, **answers: frozenset) -> dict[str, str]:
    """Each persona's answer: the personas listed under an answer (ok=..., conflict=...) get that answer,
    the signed-out visitor `signed_out`, everyone else `otherwise`."""
    result = {name: otherwise for name in PERSONAS}
    result["signed out"] = signed_out
    for answer, personas in answers.items():
        assert answer in ANSWERS, answer
        for name in personas:
            assert name in PERSONAS and name != "signed out", name
            result[name] = answer
    return result


def states(otherwise: dict | None = None, *, open: dict | None = None, **by_state: dict) -> dict[str, dict[str, str]]:
    """The answers in each state: named states first, then `open` for the three open ones, then `otherwise`."""
    result = {}
    for state in STATES:
        answers = by_state.get(state) or (open if state in OPEN_STATES else None) or otherwise
        assert answers is not None, f"no answers for the {state} state"
        result[state] = dict(answers)
    assert set(by_state) <= set(STATES), by_state
    return result


def always(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return states(answers)


# --- The common shapes ------------------------------------------------------------------------------------

EVERYONE = always(who(OK, signed_out=OK))
SIGNED_IN = always(who(OK))
# The programme's own pages: everyone with a role in it.
IN_PROGRAMME = always(who(OK, forbidden=OUTSIDERS))
# The service's own pages: the PMO of any programme.
PMO_ONLY = always(who(ok=PMO))
SERVICE_ADMIN = always(who(ok=PMO_OF_ANY))

# A period's pages, report and packs: officers always; readers once the period is signed off.
READ_PERIOD = states(open=who(OK, forbidden=READERS | OUTSIDERS), locked=who(OK, forbidden=OUTSIDERS))
# The programme report: signed off, for everyone who sees the period; being prepared (it holds every
# workstream's draft), for the programme staff only; other officers find no such report.
READ_REPORT = states(open=who(MISSING, forbidden=READERS | OUTSIDERS, ok=STAFF), locked=who(OK, forbidden=OUTSIDERS))

# An update's page and its review.
READ_UPDATE = states(
    draft=who(ok=TEAM | STAFF),
    submitted=who(ok=TEAM | STAFF),
    approved=who(ok=OFFICERS),
    locked=who(OK, forbidden=OUTSIDERS),
)

# Changing the update's content: its editors, while it is a draft (or returned) in an open period.
EDIT_UPDATE = states(draft=who(ok=EDITORS), otherwise=who(conflict=EDITORS))

# The programme overview: the lead executive director, while the report is open.
EDIT_OVERVIEW = states(open=who(ok=LEAD_DIRECTOR), locked=who(conflict=LEAD_DIRECTOR))


# --- Every route: endpoint -> request ("METHOD path", any-converter values filled in) -> state -> answers ---

MATRIX: dict[str, dict[str, dict[str, dict[str, str]]]] = {
    "static": {"GET /assets/<filename>": EVERYONE},
    "main.health": {"GET /healthz": EVERYONE},
    "main.my_work": {"GET /": SIGNED_IN},
    # Signed-in people asking for the sign-in page are sent to their work; posting it then does the same.
    "auth.sign_in": {"GET /sign-in": EVERYONE, "POST /sign-in": EVERYONE},
    "auth.sign_out": {"POST /sign-out": SIGNED_IN},
    "auth.extend_session": {"POST /session/extend": SIGNED_IN},
    "auth.account": {"GET /account": SIGNED_IN, "POST /account": SIGNED_IN},
    "auth.forgot_password": {"GET /password/forgot": EVERYONE, "POST /password/forgot": EVERYONE},
    # The emailed link is the authority, whoever happens to be signed in on the browser that opens it.
    "auth.reset_password": {"GET /password/reset/<token>": EVERYONE, "POST /password/reset/<token>": EVERYONE},
    # The programme-wide addresses send a person to their programme's page.
    "periods.all_programmes": {"GET /periods": SIGNED_IN},
    "periods.index": {"GET /programmes/<programme_id>/periods": IN_PROGRAMME},
    # The programmes the person holds a role in (none, for someone with no role).
    "programmes.index": {"GET /programmes": SIGNED_IN},
    "programmes.show": {"GET /programmes/<programme_id>": IN_PROGRAMME},
    "periods.show": {"GET /periods/<period_id>": READ_PERIOD},
    "reports.overview": {
        "GET /periods/<period_id>/overview": EDIT_OVERVIEW,
        "POST /periods/<period_id>/overview": EDIT_OVERVIEW,
    },
    "reports.sign_off": {
        # The confirmation page lists what still stops the sign-off; posting it is refused until then.
        "GET /periods/<period_id>/sign-off": states(open=who(ok=CMT), locked=who(conflict=CMT)),
        "POST /periods/<period_id>/sign-off": states(open=who(conflict=CMT), locked=who(conflict=CMT)),
    },
    "reports.reopen": {
        "GET /periods/<period_id>/reopen": states(open=who(conflict=CMT), locked=who(ok=CMT)),
        "POST /periods/<period_id>/reopen": states(open=who(conflict=CMT), locked=who(ok=CMT)),
    },
    "reports.show": {
        "GET /periods/<period_id>/report": READ_REPORT,
        "GET /periods/<period_id>/revisions/<revision>": READ_REPORT,
    },
    "reports.download": {
        "GET /periods/<period_id>/report.pdf": READ_REPORT,
        "GET /periods/<period_id>/report.docx": READ_REPORT,
        "GET /periods/<period_id>/revisions/<revision>.pdf": READ_REPORT,
        "GET /periods/<period_id>/revisions/<revision>.docx": READ_REPORT,
    },
    "workstreams.all_programmes": {"GET /workstreams": SIGNED_IN},
    "workstreams.index": {"GET /programmes/<programme_id>/workstreams": IN_PROGRAMME},
    "workstreams.show": {"GET /workstreams/<workstream_id>": IN_PROGRAMME},
    "updates.show": {"GET /updates/<update_id>": READ_UPDATE},
    "updates.review": {"GET /updates/<update_id>/review": READ_UPDATE},
    "updates.transition": {
        # The loaded draft is not complete: its editors get past the rules to the completeness check.
        "POST /updates/<update_id>/submit": states(draft=who(invalid=EDITORS), otherwise=who(conflict=EDITORS)),
        "POST /updates/<update_id>/return": states(
            submitted=who(ok=SPONSOR | CMT), approved=who(ok=SPONSOR | CMT), otherwise=who(conflict=SPONSOR | CMT)
        ),
        "POST /updates/<update_id>/approve": states(submitted=who(ok=SPONSOR), otherwise=who(conflict=SPONSOR)),
    },
    "updates.edit": {"GET /updates/<update_id>/edit": EDIT_UPDATE, "POST /updates/<update_id>/edit": EDIT_UPDATE},
    "updates.rag_change_reason": {"GET /updates/<update_id>/edit/rag-change-reason": EDIT_UPDATE},
    "updates.row_list": {
        "GET /updates/<update_id>/next-milestones": EDIT_UPDATE,
        "GET /updates/<update_id>/risks": EDIT_UPDATE,
    },
    "updates.add": {
        "POST /updates/<update_id>/next-milestones": EDIT_UPDATE,
        "POST /updates/<update_id>/risks": EDIT_UPDATE,
    },
    "updates.edit_row_view": {
        "GET /updates/<update_id>/next-milestones/<row_id>": EDIT_UPDATE,
        "POST /updates/<update_id>/next-milestones/<row_id>": EDIT_UPDATE,
        "GET /updates/<update_id>/risks/<row_id>": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>": EDIT_UPDATE,
    },
    "updates.remove": {
        "POST /updates/<update_id>/next-milestones/<row_id>/remove": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>/remove": EDIT_UPDATE,
    },
    "updates.move": {
        "POST /updates/<update_id>/next-milestones/<row_id>/move-up": EDIT_UPDATE,
        "POST /updates/<update_id>/next-milestones/<row_id>/move-down": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>/move-up": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>/move-down": EDIT_UPDATE,
    },
    "updates.close_risk": {
        "GET /updates/<update_id>/risks/<row_id>/close": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>/close": EDIT_UPDATE,
    },
    "updates.reopen_risk": {"POST /updates/<update_id>/risks/<row_id>/reopen": EDIT_UPDATE},
    # The reporting calendar, the programme's PMO's. Opening and deleting act on the planned Jan–Feb 2024.
    "periods.plan": {"GET /programmes/<programme_id>/periods/new": PMO_ONLY, "POST /programmes/<programme_id>/periods/new": PMO_ONLY},
    "periods.dates": {
        "GET /periods/<period_id>/dates": states(open=who(ok=PMO), locked=who(conflict=PMO)),
        "POST /periods/<period_id>/dates": states(open=who(ok=PMO), locked=who(conflict=PMO)),
    },
    "periods.open_planned": {"GET /periods/<period_id>/open": PMO_ONLY, "POST /periods/<period_id>/open": PMO_ONLY},
    "periods.delete": {"GET /periods/<period_id>/delete": PMO_ONLY, "POST /periods/<period_id>/delete": PMO_ONLY},
    "programmes.new": {"GET /programmes/new": PMO_ONLY, "POST /programmes/new": PMO_ONLY},
    "programmes.settings": {
        "GET /programmes/<programme_id>/settings": PMO_ONLY,
        "POST /programmes/<programme_id>/settings": PMO_ONLY,
    },
    "workstreams.manage": {"GET /programmes/<programme_id>/workstreams/manage": PMO_ONLY},
    "workstreams.new": {
        "GET /programmes/<programme_id>/workstreams/new": PMO_ONLY,
        "POST /programmes/<programme_id>/workstreams/new": PMO_ONLY,
    },
    "workstreams.edit": {"GET /workstreams/<workstream_id>/edit": PMO_ONLY, "POST /workstreams/<workstream_id>/edit": PMO_ONLY},
    # Procurement, second in the order, moves either way.
    "workstreams.move": {
        "POST /workstreams/<workstream_id>/move-up": PMO_ONLY,
        "POST /workstreams/<workstream_id>/move-down": PMO_ONLY,
    },
    # Governance, retired from the next period.
    "workstreams.retire": {
        "GET /workstreams/<workstream_id>/retire": PMO_ONLY,
        "POST /workstreams/<workstream_id>/retire": PMO_ONLY,
    },
    # Governance is not retired: there is nothing to re-activate.
    "workstreams.reactivate": {"POST /workstreams/<workstream_id>/reactivate": always(who(conflict=PMO))},
    "admin.outbox": {"GET /outbox": SERVICE_ADMIN},
    # The programme's people, and each workstream's team: its PMO. The person is the programme member (the
    # former member to reactivate, the invited person to invite again); the role removed is the member's.
    "people.index": {"GET /programmes/<programme_id>/people": PMO_ONLY},
    "people.invite": {
        "GET /programmes/<programme_id>/people/invite": PMO_ONLY,
        "POST /programmes/<programme_id>/people/invite": PMO_ONLY,
    },
    "people.show": {"GET /programmes/<programme_id>/people/<user_id>": PMO_ONLY},
    "people.grant": {"POST /programmes/<programme_id>/people/<user_id>/roles": PMO_ONLY},
    "people.revoke": {"POST /programmes/<programme_id>/people/<user_id>/roles/<assignment_id>/revoke": PMO_ONLY},
    "people.resend_invitation": {"POST /programmes/<programme_id>/people/<user_id>/invitation": PMO_ONLY},
    "people.change_access": {
        "POST /programmes/<programme_id>/people/<user_id>/deactivate": PMO_ONLY,
        "POST /programmes/<programme_id>/people/<user_id>/reactivate": PMO_ONLY,
    },
    "people.workstream_team": {
        "GET /workstreams/<workstream_id>/people": PMO_ONLY,
        "POST /workstreams/<workstream_id>/people": PMO_ONLY,
    },
    "people.remove_from_workstream": {"POST /workstreams/<workstream_id>/people/<assignment_id>/remove": PMO_ONLY},
}

# The requests on which someone of another programme may get more than someone with no role: the service's
# own pages, for the PMO of any programme.
ELSEWHERE_EXCEPTIONS: dict[str, frozenset] = {
    request: frozenset({"PMO of another programme"})
    for endpoint in ("admin.outbox",)
    for request in MATRIX[endpoint]
}


# --- Where the app answers otherwise today: (request, state, persona) -> why the matrix is right ----------
# Each is an expected failure (strict), so fixing the app turns it into an unexpected pass to remove here.

APP_DIFFERS: dict[tuple[str, str, str], str] = {}


# URL variables that name an object of the state.
STATE_OBJECTS = frozenset({"update_id", "period_id", "row_id", "revision"})


def same_in_every_state(request: str) -> bool:
    """True when the request names nothing the state chooses, so every state asks it the same question."""
    return not set(re.findall(r"<([^<>]+)>", request)) & STATE_OBJECTS


def cases() -> list[tuple[str, str, str, str, str]]:
    """(endpoint, request, state, persona, expected answer) for every distinct case, state by state: a
    request that is the same in every state is asked in the first state only."""
    return [
        (endpoint, request, state, persona, by_state[state][persona])
        for state in STATES
        for endpoint, requests in MATRIX.items()
        for request, by_state in requests.items()
        if state == STATES[0] or not same_in_every_state(request)
        for persona in PERSONAS
    ]


# --- What an allowed POST changes: request -> a check run after each "ok" answer ---------------------------
# Every request with an "ok" answer has one (tests/test_authorization.py fails a request without). A refused
# request, and one whose effect says nothing stored changes, must leave the data digest as it was.


@dataclasses.dataclass
class Seen:
    """What a check is given, in an app context after the request: the state's objects as built, the form as
    posted, the any-converter values of the route, the persona's account (None when signed out), their
    browser (to see who it is signed in as), and whether the stored data is as it was before the request."""

    objects: object
    form: dict
    fixed: dict
    user_id: int | None
    client: object
    nothing_stored_changed: bool


Effect = Callable[[Seen], None]


def _update(seen: Seen) -> WorkstreamUpdate:
    return db.session.get(WorkstreamUpdate, seen.objects.update_id)


def _latest_report(seen: Seen) -> ProgrammeReport:
    return db.session.scalar(
        sa.select(ProgrammeReport).where(ProgrammeReport.period_id == seen.objects.period_id)
        .order_by(ProgrammeReport.revision.desc()).limit(1)
    )


def _row_model(seen: Seen):
    return Milestone if seen.fixed.get("name") == "next-milestones" else Risk


def _signed_in_as(seen: Seen, user_id: int) -> bool:
    page = seen.client.get("/account")
    name = db.session.get(User, user_id).name
    return page.status_code == 200 and f"({name})" in page.get_data(as_text=True)


def nothing_stored(seen: Seen) -> None:
    assert seen.nothing_stored_changed, "it changed stored data"


def signs_in(seen: Seen) -> None:
    """The signed-out visitor is now the account holder it named; someone signed in is still themselves."""
    nothing_stored(seen)
    assert _signed_in_as(seen, seen.user_id or seen.objects.holder_id), "not signed in as expected"


def signs_out(seen: Seen) -> None:
    user = db.session.get(User, seen.user_id)
    assert user.session_token != seen.objects.session_tokens[seen.user_id], "their sessions did not end"
    assert seen.client.get("/").status_code == 302, "the browser is still signed in"


def _password_is(user_id: int, password: str) -> None:
    assert db.session.get(User, user_id).check_password(password), "the password did not change"


def changes_own_password(seen: Seen) -> None:
    _password_is(seen.user_id, seen.form["new_password"])


def resets_holders_password(seen: Seen) -> None:
    _password_is(seen.objects.holder_id, seen.form["new_password"])
    reset = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == seen.objects.holder_id))
    assert reset.used_at is not None, "the link can be used again"


def saves_overview(seen: Seen) -> None:
    report = _latest_report(seen)
    assert (report.overview, report.version) == (seen.form["overview"], seen.objects.report_version + 1)


def reopens_report(seen: Seen) -> None:
    report = _latest_report(seen)
    assert (report.revision, report.state, report.reopen_reason) == (2, ReportState.REOPENED, seen.form["reason"])
    assert _update(seen).state is UpdateState.RETURNED


def returns_update(seen: Seen) -> None:
    update = _update(seen)
    assert (update.state, update.return_reason, update.approved_by_id) == (
        UpdateState.RETURNED, seen.form["reason"], None
    )


def approves_update(seen: Seen) -> None:
    update = _update(seen)
    assert (update.state, update.agreed_rag, update.sponsor_comments, update.approved_by_id) == (
        UpdateState.APPROVED, RAG[seen.form["agreed_rag"]], seen.form["sponsor_comments"], seen.user_id
    )


def submits_update(seen: Seen) -> None:
    assert _update(seen).state is UpdateState.SUBMITTED


def saves_draft(seen: Seen) -> None:
    update = _update(seen)
    assert update.version == seen.objects.update_version + 1, "the version did not move on"
    assert (update.key_activities, update.proposed_rag) == (seen.form["key_activities"], RAG[seen.form["proposed_rag"]])
    assert all(m.status.name == "DELAYED" for m in update.milestones_this_period)


def adds_row(seen: Seen) -> None:
    model = _row_model(seen)
    rows = db.session.scalars(sa.select(model).where(model.update_id == seen.objects.update_id)).all()
    assert [row.description for row in rows].count(seen.form["description"]) == 1, "no new row"


def _row(seen: Seen, key: str | None = None):
    return db.session.get(_row_model(seen), seen.objects.rows[key or seen.fixed.get("name", "risks")]["id"])


def edits_row(seen: Seen) -> None:
    row = _row(seen)
    assert row.description == seen.form["description"]
    if isinstance(row, Risk):
        assert row.mitigation == seen.form["mitigation"]


def removes_row(seen: Seen) -> None:
    assert _row(seen) is None, "the row is still there"


def moves_row(seen: Seen) -> None:
    step = -1 if seen.fixed["direction"] == "up" else 1
    assert _row(seen).position == seen.objects.rows[seen.fixed["name"]]["position"] + step


def closes_risk(seen: Seen) -> None:
    risk = _row(seen)
    assert (risk.status, risk.closure_note) == (RiskStatus.CLOSED, seen.form["closure_note"])


def reopens_risk(seen: Seen) -> None:
    risk = _row(seen, "closed risk")
    assert (risk.status, risk.closure_note) == (RiskStatus.OPEN, "")


def _period(period_id: int) -> ReportingPeriod | None:
    return db.session.get(ReportingPeriod, period_id)


def plans_period(seen: Seen) -> None:
    start = dt.date(*reversed([int(part) for part in seen.form["start_date"]]))
    period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.start_date == start))
    assert period is not None and period.is_planned, "no period planned"
    assert not db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id)).all()


def changes_period_dates(seen: Seen) -> None:
    period = _period(seen.objects.period_id)
    assert period.drafts_due == dt.date(*reversed([int(part) for part in seen.form["drafts_due"]])), "the date did not change"
    assert period.version == seen.objects.period_version + 1


def opens_period(seen: Seen) -> None:
    period = _period(seen.objects.planned_period_id)
    assert not period.is_planned, "still only planned"
    drafts = db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id)).all()
    assert len(drafts) == seen.objects.workstreams, "not a draft for every workstream"
    assert db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id)) is not None


def deletes_period(seen: Seen) -> None:
    assert _period(seen.objects.planned_period_id) is None, "the period is still there"


def changes_access(seen: Seen) -> None:
    deactivating = seen.fixed["action"] == "deactivate"
    user_id = seen.objects.member_id if deactivating else seen.objects.former_member_id
    user = db.session.get(User, user_id)
    assert user.active is not deactivating
    assert user.session_token != seen.objects.session_tokens[user_id], "their sessions did not end"


def _holds(user_id: int, role: str, workstream_id: int | None, programme_id: int) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RoleAssignment).where(
            RoleAssignment.user_id == user_id, RoleAssignment.role == Role[role],
            RoleAssignment.workstream_id.is_(None) if workstream_id is None else RoleAssignment.workstream_id == workstream_id,
            RoleAssignment.programme_id == programme_id,
        )
    ) == 1


def invites_person(seen: Seen) -> None:
    user = db.session.scalar(sa.select(User).where(User.email == seen.form["email"]))
    assert user is not None and user.name == seen.form["name"], "no account was created"
    assert not user.has_password, "the account has a password"
    assert _holds(user.id, "VIEWER", None, seen.objects.programme_id), "the role was not given"
    link = db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    assert link is not None and link.purpose is LinkPurpose.INVITATION, "no invitation link"


def grants_role(seen: Seen) -> None:
    assert _holds(seen.objects.member_id, seen.form["role"], None, seen.objects.programme_id)


def names_workstream_person(seen: Seen) -> None:
    assert _holds(seen.objects.member_id, seen.form["role"], seen.objects.workstream_id, seen.objects.programme_id)


def revokes_role(seen: Seen) -> None:
    assert db.session.get(RoleAssignment, seen.objects.member_assignment_id) is None, "the role is still held"


def invites_again(seen: Seen) -> None:
    links = db.session.scalars(
        sa.select(PasswordResetToken).where(
            PasswordResetToken.user_id == seen.objects.invitee_id, PasswordResetToken.purpose == LinkPurpose.INVITATION,
            PasswordResetToken.used_at.is_(None),
        )
    ).all()
    assert len(links) == 1 and links[0].token_hash != seen.objects.invitation_token_hash, "no new invitation link"


def creates_programme(seen: Seen) -> None:
    programme = db.session.scalar(sa.select(Programme).where(Programme.name == seen.form["name"]))
    assert programme is not None, "no new programme"
    assert db.session.get(User, seen.user_id).has_role(Role.PMO, programme.id), "its creator is not its PMO"


def changes_settings(seen: Seen) -> None:
    programme = db.session.get(Programme, seen.objects.programme_id)
    assert (programme.organisation, programme.months_per_period) == (
        seen.form["organisation"], int(seen.form["months_per_period"])
    )


def adds_workstream(seen: Seen) -> None:
    workstream = db.session.scalar(sa.select(Workstream).where(
        Workstream.programme_id == seen.objects.programme_id, Workstream.code == seen.form["code"]))
    assert workstream is not None and workstream.title == seen.form["title"], "no new workstream"


def edits_workstream(seen: Seen) -> None:
    assert db.session.get(Workstream, seen.objects.workstream_id).title == seen.form["title"]


def moves_workstream(seen: Seen) -> None:
    order = db.session.scalars(sa.select(Workstream.id).where(Workstream.programme_id == seen.objects.programme_id)
                               .order_by(Workstream.display_order)).all()
    assert order.index(seen.objects.second_workstream_id) == (0 if seen.fixed["direction"] == "up" else 2)


def retires_workstream(seen: Seen) -> None:
    # From the next period: the first after the planned Jan–Feb 2024, the latest in the calendar.
    assert db.session.get(Workstream, seen.objects.workstream_id).retired_from == dt.date(2024, 3, 1)


EFFECTS: dict[str, Effect] = {
    "POST /sign-in": signs_in,
    "POST /sign-out": signs_out,
    "POST /session/extend": nothing_stored,
    "POST /account": changes_own_password,
    # No such account: the answer is the same, and nothing is stored or sent.
    "POST /password/forgot": nothing_stored,
    "POST /password/reset/<token>": resets_holders_password,
    "POST /periods/<period_id>/overview": saves_overview,
    "POST /periods/<period_id>/reopen": reopens_report,
    "POST /updates/<update_id>/submit": submits_update,
    "POST /updates/<update_id>/return": returns_update,
    "POST /updates/<update_id>/approve": approves_update,
    "POST /updates/<update_id>/edit": saves_draft,
    "POST /updates/<update_id>/next-milestones": adds_row,
    "POST /updates/<update_id>/risks": adds_row,
    "POST /updates/<update_id>/next-milestones/<row_id>": edits_row,
    "POST /updates/<update_id>/risks/<row_id>": edits_row,
    "POST /updates/<update_id>/next-milestones/<row_id>/remove": removes_row,
    "POST /updates/<update_id>/risks/<row_id>/remove": removes_row,
    "POST /updates/<update_id>/next-milestones/<row_id>/move-up": moves_row,
    "POST /updates/<update_id>/next-milestones/<row_id>/move-down": moves_row,
    "POST /updates/<update_id>/risks/<row_id>/move-up": moves_row,
    "POST /updates/<update_id>/risks/<row_id>/move-down": moves_row,
    "POST /updates/<update_id>/risks/<row_id>/close": closes_risk,
    "POST /updates/<update_id>/risks/<row_id>/reopen": reopens_risk,
    "POST /programmes/<programme_id>/people/invite": invites_person,
    "POST /programmes/<programme_id>/people/<user_id>/roles": grants_role,
    "POST /programmes/<programme_id>/people/<user_id>/roles/<assignment_id>/revoke": revokes_role,
    "POST /programmes/<programme_id>/people/<user_id>/invitation": invites_again,
    "POST /programmes/<programme_id>/people/<user_id>/deactivate": changes_access,
    "POST /programmes/<programme_id>/people/<user_id>/reactivate": changes_access,
    "POST /workstreams/<workstream_id>/people": names_workstream_person,
    "POST /workstreams/<workstream_id>/people/<assignment_id>/remove": revokes_role,
    "POST /programmes/new": creates_programme,
    "POST /programmes/<programme_id>/settings": changes_settings,
    "POST /programmes/<programme_id>/workstreams/new": adds_workstream,
    "POST /workstreams/<workstream_id>/edit": edits_workstream,
    "POST /workstreams/<workstream_id>/move-up": moves_workstream,
    "POST /workstreams/<workstream_id>/move-down": moves_workstream,
    "POST /workstreams/<workstream_id>/retire": retires_workstream,
    "POST /programmes/<programme_id>/periods/new": plans_period,
    "POST /periods/<period_id>/dates": changes_period_dates,
    "POST /periods/<period_id>/open": opens_period,
    "POST /periods/<period_id>/delete": deletes_period,
}
