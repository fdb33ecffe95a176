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
  the report off (refused as incomplete, "invalid", until every update is approved and the overview is
  written) and reopens a signed-off report as a new revision.
* The PMO administers the service: the outbox, the people who can sign in.
* Anyone signed in manages their own account (changes their password) and can sign out.

Each update state is one case (tests/test_authorization.py builds them on the Governance workstream):

    draft      Nov–Dec Governance update as the demo loads it: a draft, its sections still empty
    submitted  the same update completed and submitted (by someone who is none of the personas)
    approved   the same update approved; the period is still open
    locked     Sep–Oct Governance update, approved, in the signed-off period

Period-level routes use Nov–Dec for the first three and Sep–Oct for the locked one; workstream routes
Governance. Row routes act on a next-period milestone and a risk of the update: in the open period ones
added to it (the loaded draft plans no milestone of its own and carries every risk, which can be closed but
not removed), in the locked period its first of each.

These are answers only, not what a page shows.

Answers: "ok" (2xx, or a redirect that is not to sign in), "login" (redirect to sign in), "forbidden"
(403), "conflict" (409), "invalid" (400/422), "missing" (404).
"""
from __future__ import annotations

OK, LOGIN, FORBIDDEN, CONFLICT, INVALID, MISSING = "ok", "login", "forbidden", "conflict", "invalid", "missing"
ANSWERS = (OK, LOGIN, FORBIDDEN, CONFLICT, INVALID, MISSING)

STATES = ("draft", "submitted", "approved", "locked")
OPEN_STATES = ("draft", "submitted", "approved")

# Each persona holds exactly one role (workstream roles relative to Governance, "GOV"), or none at all.
PERSONAS = {
    "signed out": None,
    "PM of this": ("PROJECT_MANAGER", "GOV"),
    "PM of another": ("PROJECT_MANAGER", "PPD"),
    "sponsor of this": ("SPONSOR", "GOV"),
    "sponsor of another": ("SPONSOR", "PPD"),
    "PMO support of this": ("PMO_SUPPORT", "GOV"),
    "PMO support of another": ("PMO_SUPPORT", "PPD"),
    "PMO": ("PMO", None),
    "CMT member": ("CMT_MEMBER", None),
    "lead director": ("LEAD_DIRECTOR", None),
    "IIB member": ("IIB_MEMBER", None),
    "viewer": ("VIEWER", None),
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
PMO_ONLY = always(who(ok=PMO))

# A period's pages, report and packs: officers always; readers once the period is signed off.
READ_PERIOD = states(open=who(OK, forbidden=READERS), locked=who(OK))
# The programme report: signed off, for everyone who sees the period; being prepared (it holds every
# workstream's draft), for the programme staff only; other officers find no such report.
READ_REPORT = states(open=who(MISSING, forbidden=READERS, ok=STAFF), locked=who(OK))

# An update's page and its review.
READ_UPDATE = states(
    draft=who(ok=TEAM | STAFF),
    submitted=who(ok=TEAM | STAFF),
    approved=who(ok=OFFICERS),
    locked=who(OK),
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
    "auth.account": {"GET /account": SIGNED_IN, "POST /account": SIGNED_IN},
    "auth.forgot_password": {"GET /password/forgot": EVERYONE, "POST /password/forgot": EVERYONE},
    # The emailed link is the authority, whoever happens to be signed in on the browser that opens it.
    "auth.reset_password": {"GET /password/reset/<token>": EVERYONE, "POST /password/reset/<token>": EVERYONE},
    "periods.index": {"GET /periods": SIGNED_IN},
    "periods.show": {"GET /periods/<period_id>": READ_PERIOD},
    "periods.overview": {
        "GET /periods/<period_id>/overview": EDIT_OVERVIEW,
        "POST /periods/<period_id>/overview": EDIT_OVERVIEW,
    },
    "periods.sign_off": {
        # The confirmation page lists what still stops the sign-off; posting it is refused until then.
        "GET /periods/<period_id>/sign-off": states(open=who(ok=CMT), locked=who(conflict=CMT)),
        "POST /periods/<period_id>/sign-off": states(open=who(invalid=CMT), locked=who(conflict=CMT)),
    },
    "periods.reopen": {
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
    "workstreams.index": {"GET /workstreams": SIGNED_IN},
    "workstreams.show": {"GET /workstreams/<workstream_id>": SIGNED_IN},
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
    "updates.close": {
        "GET /updates/<update_id>/risks/<row_id>/close": EDIT_UPDATE,
        "POST /updates/<update_id>/risks/<row_id>/close": EDIT_UPDATE,
    },
    "updates.reopen": {"POST /updates/<update_id>/risks/<row_id>/reopen": EDIT_UPDATE},
    "admin.outbox": {"GET /outbox": PMO_ONLY},
    "admin.users": {"GET /admin/users": PMO_ONLY},
    "admin.change_access": {
        # Another person's account (not the PMO's own).
        "POST /admin/users/<user_id>/deactivate": PMO_ONLY,
        "POST /admin/users/<user_id>/reactivate": PMO_ONLY,
    },
}


# --- Where the app answers otherwise today: (request, state, persona) -> why the matrix is right ----------
# Each is an expected failure (strict), so fixing the app turns it into an unexpected pass to remove here.

APP_DIFFERS: dict[tuple[str, str, str], str] = {}


def cases() -> list[tuple[str, str, str, str, str]]:
    """(endpoint, request, state, persona, expected answer) for every case, state by state."""
    return [
        (endpoint, request, state, persona, by_state[state][persona])
        for state in STATES
        for endpoint, requests in MATRIX.items()
        for request, by_state in requests.items()
        for persona in PERSONAS
    ]
