"""The workflow, walked case by case: every state × action × person, allowed exactly where the rules say
and refused everywhere else with nothing changed. The people include some who hold several roles at once, as
people do, and the update's own submitter, so the walk meets the rule that nobody approves their own
submission; every allowed action is first tried with a stale version, which is refused; and sign-off is tried
before its prerequisites are met."""
import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from app import workflow
from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    ProgrammeReport,
    ReportState,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.reports.services import freeze_revision
from tests.conftest import complete_for_submission, rolled_back, user_by_email
from tests.demo_ids import CODES
from tests.personas import LOUISA_SIMPSON, STEVE_COX

# Each capacity is one role, relative to the Governance workstream.
CAPACITIES = {
    "project manager of this workstream": (Role.PROJECT_MANAGER, "GOV"),
    "project manager of another workstream": (Role.PROJECT_MANAGER, "PPD"),
    "sponsor of this workstream": (Role.SPONSOR, "GOV"),
    "sponsor of another workstream": (Role.SPONSOR, "PPD"),
    "PMO support of this workstream": (Role.PMO_SUPPORT, "GOV"),
    "PMO support of another workstream": (Role.PMO_SUPPORT, "PPD"),
    "PMO": (Role.PMO, None),
    "CMT member": (Role.CMT_MEMBER, None),
    "lead executive director": (Role.LEAD_DIRECTOR, None),
    "IIB member": (Role.IIB_MEMBER, None),
    "viewer": (Role.VIEWER, None),
}
# The people the walk tries: one for each capacity alone, and some holding several.
PERSONAS = {name: (name,) for name in CAPACITIES} | {
    "project manager and sponsor of this workstream": ("project manager of this workstream", "sponsor of this workstream"),
    "PMO support and sponsor of this workstream": ("PMO support of this workstream", "sponsor of this workstream"),
    "sponsor of this workstream and CMT member": ("sponsor of this workstream", "CMT member"),
    "sponsor of another workstream and CMT member": ("sponsor of another workstream", "CMT member"),
    "project manager of this workstream and sponsor of another": (
        "project manager of this workstream", "sponsor of another workstream",
    ),
    "lead executive director and CMT member": ("lead executive director", "CMT member"),
}

# The specification, written out independently of app/workflow.py: (states it may leave, capacities that may fire it).
UPDATE_RULES = {
    "submit": (
        {UpdateState.DRAFT, UpdateState.RETURNED},
        {"project manager of this workstream", "PMO support of this workstream"},
    ),
    "return": ({UpdateState.SUBMITTED, UpdateState.APPROVED}, {"sponsor of this workstream", "CMT member"}),
    "approve": ({UpdateState.SUBMITTED}, {"sponsor of this workstream"}),
}
UPDATE_TARGETS = {"submit": UpdateState.SUBMITTED, "return": UpdateState.RETURNED, "approve": UpdateState.APPROVED}
REPORT_RULES = {
    "sign_off": ({ReportState.OPEN, ReportState.REOPENED}, {"CMT member"}),
    "reopen": ({ReportState.SIGNED_OFF}, {"CMT member"}),
}
REPORT_TARGETS = {"sign_off": ReportState.SIGNED_OFF, "reopen": ReportState.REOPENED}
# Sign-off needs every update approved and the overview written: (what is missing, the field the refusal names).
NOT_READY = {"an update not yet approved": "updates", "no overview": "overview"}
# Whoever else submitted the update: a demo project manager of the workstream.
SOMEONE_ELSE = "someone else"


def holds(who, capacities) -> bool:
    return bool(set(PERSONAS[who]) & capacities)


def update_expected(action, state, who, submitter) -> bool:
    sources, capacities = UPDATE_RULES[action]
    if action == "approve" and submitter == who:
        return False  # nobody approves their own submission, whatever their roles
    return state in sources and holds(who, capacities)


def submitters(state, who) -> list:
    """Who submitted the update: nobody yet for a draft; else someone else, or the person themself when they
    could have."""
    if state is UpdateState.DRAFT:
        return [None]
    if holds(who, UPDATE_RULES["submit"][1]):
        return [SOMEONE_ELSE, who]
    return [SOMEONE_ELSE]


def readiness(state) -> list[str]:
    """How ready the report is for sign-off: a signed-off one was ready; an open one may lack a prerequisite."""
    return ["ready"] if state is ReportState.SIGNED_OFF else ["ready", *NOT_READY]


def valid_inputs(action, ids):
    return {
        "submit": {},
        "return": {"reason": "Say more about the slipped milestones."},
        "approve": {"sponsor_comments": "Good progress this period.", "agreed_rag": None},
        "sign_off": {"cmt_meeting_date": dt.date(2024, 1, 9)},
        "reopen": {"reason": "The IIB challenged a rating.", "workstream_ids": [ids.workstreams["GOV"]]},
    }[action]


def email_of(name):
    # Not @example.org: the demo's own people have addresses there ("pmo@example.org" among them).
    return (name.replace(" ", ".") + "@personas.example.org").lower()


@pytest.fixture
def personas(app, ids):
    with app.app_context():
        for name, capacities in PERSONAS.items():
            person = User(name=name.title(), email=email_of(name), password_hash="not-used")
            person.role_assignments = [
                RoleAssignment(role=role, workstream_id=ids.workstreams.get(code), programme_id=ids.programme)
                for role, code in (CAPACITIES[capacity] for capacity in capacities)
            ]
            db.session.add(person)
        db.session.commit()
    return ids


def persona(name):
    return db.session.scalar(sa.select(User).where(User.email == email_of(name)))


def complete_governance_update(ids, state, submitter=SOMEONE_ELSE):
    """The open period's Governance update, complete enough to submit, put into `state` (having been submitted
    by `submitter`, a persona's name or SOMEONE_ELSE, unless it is a draft)."""
    update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
    complete_for_submission(
        update, key_activities="Training rolled out.", engagement="Fortnightly workstream meetings.", concerns="None.",
        rag_rationale="On track.",
    )
    update.state = state
    if state is not UpdateState.DRAFT:
        update.completed_by = (
            user_by_email(LOUISA_SIMPSON)
            if submitter == SOMEONE_ELSE
            else persona(submitter)
        )
    if state is UpdateState.APPROVED:
        update.agreed_rag = RAG.GREEN
    db.session.commit()
    return update


def governance_report_in(ids, state, ready="ready"):
    """The open period's report put into `state`, ready for sign-off where it is open unless `ready` names
    what is missing."""
    period_id = ids.periods["nov_dec"]
    for code in CODES:
        update = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
        update.state, update.proposed_rag, update.agreed_rag = UpdateState.APPROVED, RAG.GREEN, RAG.GREEN
    report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id))
    report.overview = "Steady progress across the programme."
    db.session.commit()
    if state is not ReportState.OPEN:
        cmt = user_by_email(STEVE_COX)
        freeze_revision(report, cmt, dt.date(2024, 1, 9), utcnow())
        db.session.commit()
    if state is ReportState.REOPENED:
        report = ProgrammeReport(period_id=period_id, revision=2, state=ReportState.REOPENED, overview=report.overview)
        db.session.add(report)
        db.session.commit()
    if ready == "an update not yet approved":
        update = db.session.get(WorkstreamUpdate, ids.update("PRC", "nov_dec"))
        update.state, update.agreed_rag = UpdateState.SUBMITTED, None
    elif ready == "no overview":
        report.overview = ""
    db.session.commit()
    return report


def audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


UPDATE_CASES = [
    (action, state, who, submitter)
    for action, state, who in itertools.product(UPDATE_RULES, UpdateState, PERSONAS)
    for submitter in submitters(state, who)
]
REPORT_CASES = [
    (action, state, who, ready)
    for action, state, who in itertools.product(
        REPORT_RULES, [ReportState.OPEN, ReportState.SIGNED_OFF, ReportState.REOPENED], PERSONAS
    )
    for ready in readiness(state)
]


def refused_with_nothing_changed(action, target, person, version, inputs, model, error=workflow.WorkflowError):
    """Try the action, expect `error`, and return the refusal once the target is read back unchanged."""
    before = (target.state, target.version, getattr(target, "content_fingerprint", None), audit_count())
    with pytest.raises(error) as refused:
        workflow.perform(action, target, person, version=version, **inputs)
    db.session.rollback()
    target = db.session.get(model, target.id)
    assert (target.state, target.version, getattr(target, "content_fingerprint", None), audit_count()) == before
    return refused.value


def test_update_transitions_are_allowed_exactly_where_the_rules_say(app, personas):
    ids = personas
    for action, state, who, submitter in UPDATE_CASES:
        case = (action, state, who, submitter)
        expected = update_expected(action, state, who, submitter)
        inputs = valid_inputs(action, ids)
        with rolled_back(app):
            update = complete_governance_update(ids, state, submitter)
            person = persona(who)
            assert workflow.may(action, update, person) is expected, case
            if expected:
                # Acting on what the person saw before the latest change is refused.
                refused_with_nothing_changed(
                    action, update, person, update.version - 1, inputs, WorkstreamUpdate, workflow.Conflict
                )
                update = db.session.get(WorkstreamUpdate, update.id)
                changed = workflow.perform(action, update, person, version=update.version, **inputs)
                assert changed.state is UPDATE_TARGETS[action], case
                event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
                assert (event.action, event.actor_id, event.from_state, event.to_state) == (
                    action, person.id, state.name, UPDATE_TARGETS[action].name,
                ), case
            else:
                refusal = refused_with_nothing_changed(action, update, person, update.version, inputs, WorkstreamUpdate)
                sources, capacities = UPDATE_RULES[action]
                if action == "approve" and submitter == who and state in sources and holds(who, capacities):
                    # Refused for being the submitter, not for want of a role.
                    assert isinstance(refusal, workflow.NotAllowed) and "you submitted" in refusal.message.lower(), case


def test_report_transitions_are_allowed_exactly_where_the_rules_say(app, personas):
    ids = personas
    for action, state, who, ready in REPORT_CASES:
        case = (action, state, who, ready)
        sources, capacities = REPORT_RULES[action]
        may = state in sources and holds(who, capacities)
        inputs = valid_inputs(action, ids)
        with rolled_back(app):
            report = governance_report_in(ids, state, ready)
            person = persona(who)
            # May is about who and when; the prerequisites are checked when the action is performed.
            assert workflow.may(action, report, person) is may, case
            if not may:
                refused_with_nothing_changed(action, report, person, report.version, inputs, ProgrammeReport)
                continue
            refused_with_nothing_changed(
                action, report, person, report.version - 1, inputs, ProgrammeReport, workflow.Conflict
            )
            report = db.session.get(ProgrammeReport, report.id)
            if ready != "ready":
                refusal = refused_with_nothing_changed(action, report, person, report.version, inputs, ProgrammeReport,
                                                       workflow.Unready)
                assert NOT_READY[ready] in refusal.errors, case
                continue
            changed = workflow.perform(action, report, person, version=report.version, **inputs)
            assert changed.state is REPORT_TARGETS[action], case


def test_nothing_moves_an_update_in_a_signed_off_period(app, personas):
    ids = personas
    for action, who in itertools.product(UPDATE_RULES, PERSONAS):
        with rolled_back(app):
            report = governance_report_in(ids, ReportState.SIGNED_OFF)
            update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
            person = persona(who)
            assert not workflow.may(action, update, person)
            assert workflow.edit_refusal(update, person) is not None
            with pytest.raises(workflow.WorkflowError):
                workflow.perform(action, update, person, **valid_inputs(action, ids))
            db.session.rollback()
            assert db.session.get(ProgrammeReport, report.id).state is ReportState.SIGNED_OFF


def test_the_walk_meets_every_rule():
    # Every state, action and person, and for updates once submitted each possible submitter.
    assert {(a, s, w) for a, s, w, _ in UPDATE_CASES} == set(itertools.product(UPDATE_RULES, UpdateState, PERSONAS))
    assert {(a, s, w) for a, s, w, _ in REPORT_CASES} == set(
        itertools.product(REPORT_RULES, [ReportState.OPEN, ReportState.SIGNED_OFF, ReportState.REOPENED], PERSONAS)
    )
    # A person who may approve meets an update they submitted themselves, and one someone else submitted.
    own = [
        c for c in UPDATE_CASES
        if c[0] == "approve" and c[1] is UpdateState.SUBMITTED and c[2] == c[3] and holds(c[2], UPDATE_RULES["approve"][1])
    ]
    assert {who for _a, _s, who, _sub in own} == {
        "project manager and sponsor of this workstream", "PMO support and sponsor of this workstream",
    }
    assert all(update_expected("approve", UpdateState.SUBMITTED, who, SOMEONE_ELSE) for _a, _s, who, _sub in own)
    # Some people may act through one of their roles only.
    assert update_expected("approve", UpdateState.SUBMITTED, "sponsor of this workstream and CMT member", SOMEONE_ELSE)
    assert not update_expected("submit", UpdateState.DRAFT, "project manager of another workstream", None)
    # Each sign-off prerequisite is missing in turn for someone who may sign off.
    assert {ready for a, s, w, ready in REPORT_CASES if a == "sign_off" and holds(w, {"CMT member"})} == {
        "ready", *NOT_READY
    }
    assert len(UPDATE_CASES) == 3 * (17 + 3 * (17 + 5))
    assert len(REPORT_CASES) == 2 * 17 * (3 + 1 + 3)


def test_the_declared_table_matches_the_specification():
    for action, (sources, _people) in UPDATE_RULES.items():
        transition = workflow.TRANSITIONS[action]
        assert set(transition.sources) == sources and transition.target is UPDATE_TARGETS[action]
    for action, (sources, _people) in REPORT_RULES.items():
        transition = workflow.TRANSITIONS[action]
        assert set(transition.sources) == sources and transition.target is REPORT_TARGETS[action]
    assert set(workflow.TRANSITIONS) == set(UPDATE_RULES) | set(REPORT_RULES)


def test_drafts_are_held_by_the_project_team_and_submissions_by_the_sponsor():
    class Update:
        def __init__(self, state):
            self.state = state

    assert workflow.holder_roles(Update(UpdateState.DRAFT)) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
    assert workflow.holder_roles(Update(UpdateState.RETURNED)) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
    assert workflow.holder_roles(Update(UpdateState.SUBMITTED)) == (Role.SPONSOR,)
    assert workflow.holder_roles(Update(UpdateState.APPROVED)) == ()
    assert workflow.holder_roles(None) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
