"""The workflow, walked case by case: every state × action × role, allowed exactly where the rules say
and refused everywhere else with nothing changed."""
import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from app import workflow
from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    MilestoneStatus,
    ProgrammeReport,
    ReportState,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.reports.services import lock
from tests.conftest import rolled_back
from tests.demo_ids import demo_ids

# People holding exactly one role each, relative to the Governance workstream.
PERSONAS = {
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

# The specification, written out independently of app/workflow.py: (states it may leave, who may fire it).
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


def valid_inputs(action, ids):
    return {
        "submit": {},
        "return": {"reason": "Say more about the slipped milestones."},
        "approve": {"sponsor_comments": "Good progress this period.", "agreed_rag": None},
        "sign_off": {"cmt_meeting_date": dt.date(2024, 1, 9)},
        "reopen": {"reason": "The IIB challenged a rating.", "workstream_ids": [ids.workstreams["GOV"]]},
    }[action]


@pytest.fixture
def personas(app):
    ids = demo_ids(app)
    with app.app_context():
        for name, (role, code) in PERSONAS.items():
            email = name.replace(" ", ".") + "@example.org"
            person = User(name=name.title(), email=email, password_hash="not-used")
            person.role_assignments = [RoleAssignment(role=role, workstream_id=ids.workstreams.get(code))]
            db.session.add(person)
        db.session.commit()
    return ids


def persona(name):
    return db.session.scalar(sa.select(User).where(User.email == (name.replace(" ", ".") + "@example.org").lower()))


def complete_governance_update(ids, state):
    """The open period's Governance update, complete enough to submit, put into `state`."""
    update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
    update.key_activities = "Training rolled out."
    update.engagement = "Fortnightly workstream meetings."
    update.concerns = "None."
    update.proposed_rag = RAG.GREEN
    update.rag_rationale = "On track."
    for milestone in update.milestones_this_period:
        milestone.status = MilestoneStatus.COMPLETE
    update.state = state
    if state in (UpdateState.SUBMITTED, UpdateState.APPROVED):
        update.completed_by = db.session.scalar(sa.select(User).where(User.email == "louisa.simpson@example.org"))
    if state is UpdateState.APPROVED:
        update.agreed_rag = RAG.GREEN
    db.session.commit()
    return update


def governance_report_in(ids, state):
    """The open period's report put into `state`, ready for sign-off where it is open."""
    period_id = ids.periods["nov_dec"]
    for code in ("GOV", "PRC", "PPD", "PTN", "CCC"):
        update = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
        update.state, update.proposed_rag, update.agreed_rag = UpdateState.APPROVED, RAG.GREEN, RAG.GREEN
    report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id))
    report.overview = "Steady progress across the programme."
    db.session.commit()
    if state is not ReportState.OPEN:
        cmt = db.session.scalar(sa.select(User).where(User.email == "steve.cox@example.org"))
        lock(report, cmt, dt.date(2024, 1, 9), utcnow())
        db.session.commit()
    if state is ReportState.REOPENED:
        report = ProgrammeReport(period_id=period_id, revision=2, state=ReportState.REOPENED, overview=report.overview)
        db.session.add(report)
        db.session.commit()
    return report


def audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


UPDATE_CASES = list(itertools.product(UPDATE_RULES, UpdateState, PERSONAS))
REPORT_CASES = list(itertools.product(REPORT_RULES, [ReportState.OPEN, ReportState.SIGNED_OFF, ReportState.REOPENED], PERSONAS))


def test_update_transitions_are_allowed_exactly_where_the_rules_say(app, personas):
    ids = personas
    for action, state, who in UPDATE_CASES:
        sources, allowed_people = UPDATE_RULES[action]
        expected = state in sources and who in allowed_people
        with rolled_back(app):
            update = complete_governance_update(ids, state)
            person = persona(who)
            assert workflow.may(action, update, person) is expected, (action, state, who)
            before = (update.state, update.version, audit_count())
            if expected:
                changed = workflow.perform(action, update, person, version=update.version, **valid_inputs(action, ids))
                assert changed.state is UPDATE_TARGETS[action], (action, state, who)
                event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
                assert (event.action, event.actor_id, event.from_state, event.to_state) == (
                    action, person.id, state.name, UPDATE_TARGETS[action].name,
                )
            else:
                with pytest.raises(workflow.WorkflowError):
                    workflow.perform(action, update, person, version=update.version, **valid_inputs(action, ids))
                db.session.rollback()
                update = db.session.get(WorkstreamUpdate, update.id)
                assert (update.state, update.version, audit_count()) == before, (action, state, who)


def test_report_transitions_are_allowed_exactly_where_the_rules_say(app, personas):
    ids = personas
    for action, state, who in REPORT_CASES:
        sources, allowed_people = REPORT_RULES[action]
        expected = state in sources and who in allowed_people
        with rolled_back(app):
            report = governance_report_in(ids, state)
            person = persona(who)
            assert workflow.may(action, report, person) is expected, (action, state, who)
            before = (report.state, report.version, report.content_fingerprint, audit_count())
            if expected:
                changed = workflow.perform(action, report, person, version=report.version, **valid_inputs(action, ids))
                assert changed.state is REPORT_TARGETS[action], (action, state, who)
            else:
                with pytest.raises(workflow.WorkflowError):
                    workflow.perform(action, report, person, version=report.version, **valid_inputs(action, ids))
                db.session.rollback()
                report = db.session.get(ProgrammeReport, report.id)
                assert (report.state, report.version, report.content_fingerprint, audit_count()) == before


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


def test_the_case_count_covers_every_state_action_and_role():
    assert len(UPDATE_CASES) == 3 * 4 * 11
    assert len(REPORT_CASES) == 2 * 3 * 11


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
