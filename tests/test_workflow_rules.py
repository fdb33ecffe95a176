"""What the workflow tells people and records as it acts: the words of each refusal, the audit trail's reason
and changed fields, the JSON line logged per transition, the packs started after sign-off, and a write that
loses a race refused as a conflict."""
import datetime as dt
import json
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app import workflow
from app.extensions import db
from app.logs import JsonFormatter
from app.models import (
    RAG,
    AuditEvent,
    ProgrammeReport,
    ReportState,
    UpdateState,
    WorkstreamUpdate,
)
from tests.conftest import complete_for_submission, rolled_back, user_by_email
from tests.demo_ids import CODES
from tests.personas import ANGELA_PROBERT, COMMITTEE_MEMBER, LOUISA_SIMPSON, NICK_BELL, STEVE_COX


SIGNED_OFF_REFUSAL = "The period is signed off and locked. A CMT member can reopen it as a new revision."
CHANGED = "It changed while you were looking at it. Reload the page to see the latest version."


def submittable_governance_update(ids):
    """The open period's Governance draft, complete enough to submit."""
    update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
    complete_for_submission(
        update, key_activities="Training rolled out.", engagement="Meetings.", concerns="None.",
        rag_rationale="On track.",
    )
    db.session.commit()
    return update


def open_report_ready_for_sign_off(ids):
    for code in CODES:
        update = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
        update.state, update.proposed_rag, update.agreed_rag = UpdateState.APPROVED, RAG.GREEN, RAG.GREEN
    report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["nov_dec"]))
    report.overview = "Steady progress across the programme."
    db.session.commit()
    return report


def signed_off_report(ids):
    return db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["sep_oct"]))


def refused(callable_, *args, **kwargs) -> workflow.WorkflowError:
    with pytest.raises(workflow.WorkflowError) as error:
        callable_(*args, **kwargs)
    db.session.rollback()
    return error.value


def assert_says(error, kind, message):
    assert type(error) is kind, (error, kind)
    assert (error.message, str(error)) == (message, message)


def latest_event():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()


def test_every_refusal_says_in_words_why_whether_for_roles_state_lock_submitter_or_a_stale_version(app, ids):
    with rolled_back(app):
        update = submittable_governance_update(ids)
        viewer, pm, sponsor = user_by_email(COMMITTEE_MEMBER), user_by_email(LOUISA_SIMPSON), user_by_email(NICK_BELL)
        assert_says(workflow.refusal("approve", update, viewer), workflow.NotAllowed,
                    "Your roles do not allow you to do this.")
        assert_says(workflow.refusal("approve", update, sponsor), workflow.WrongState,
                    "This cannot be done while it is draft.")
        assert_says(workflow.edit_refusal(update, viewer), workflow.NotAllowed,
                    "Your roles do not allow you to edit this.")
        assert_says(refused(workflow.perform, "submit", update, pm, version=update.version - 1), workflow.Conflict,
                    CHANGED)

        workflow.perform("submit", update, pm, version=update.version)
        assert_says(workflow.edit_refusal(update, pm), workflow.WrongState,
                    "This cannot be edited while it is submitted.")
        assert_says(refused(workflow.perform, "return", update, sponsor, reason="  "), workflow.InvalidInput,
                    "Check the information you gave.")

        update.completed_by = sponsor
        db.session.commit()
        assert_says(workflow.refusal("approve", update, sponsor), workflow.NotAllowed,
                    "You submitted this update, so someone else must approve it.")

        locked_update = db.session.get(WorkstreamUpdate, ids.update("GOV", "sep_oct"))
        assert_says(workflow.refusal("return", locked_update, sponsor), workflow.SignedOff, SIGNED_OFF_REFUSAL)
        assert_says(workflow.edit_refusal(locked_update, pm), workflow.SignedOff, SIGNED_OFF_REFUSAL)


def test_a_signed_off_reports_overview_is_refused_as_locked_before_and_after_it_is_reopened(app, ids):
    with rolled_back(app):
        report, lead_director = signed_off_report(ids), user_by_email(ANGELA_PROBERT)
        assert report.state is ReportState.SIGNED_OFF
        assert_says(workflow.edit_refusal(report, lead_director), workflow.SignedOff, SIGNED_OFF_REFUSAL)
        reopened = workflow.perform(
            "reopen", report, user_by_email(STEVE_COX), reason="The IIB challenged a rating.",
            workstream_ids=[ids.workstreams["GOV"]],
        )
        assert workflow.edit_refusal(reopened, lead_director) is None
        assert_says(workflow.edit_refusal(report, lead_director), workflow.SignedOff, SIGNED_OFF_REFUSAL)


def test_a_missing_justification_workstream_or_overview_is_named_beside_its_field_in_words(app, ids):
    with rolled_back(app):
        update = submittable_governance_update(ids)
        workflow.perform("submit", update, user_by_email(LOUISA_SIMPSON))
        error = refused(workflow.perform, "approve", update, user_by_email(NICK_BELL),
                        sponsor_comments="Agreed.", agreed_rag="AMBER", agreed_rag_justification=" ")
        assert error.errors == {
            "agreed_rag_justification": "Explain why you are agreeing a different rating from the one proposed"
        }
        error = refused(workflow.perform, "reopen", signed_off_report(ids), user_by_email(STEVE_COX),
                        reason="The IIB challenged a rating.", workstream_ids=[])
        assert error.errors == {"workstream_ids": "Select the workstreams whose updates need to change"}
        report = open_report_ready_for_sign_off(ids)
        report.overview = "  "
        db.session.commit()
        error = refused(
            workflow.perform, "sign_off", report, user_by_email(STEVE_COX), cmt_meeting_date=dt.date(2024, 1, 9)
        )
        assert error.errors == {"overview": "The lead executive director must write the programme overview first"}


def test_the_audit_trail_keeps_each_transitions_reason_or_comments_and_the_inputs_given(app, ids):
    with rolled_back(app):
        update = submittable_governance_update(ids)
        pm, sponsor, cmt = user_by_email(LOUISA_SIMPSON), user_by_email(NICK_BELL), user_by_email(STEVE_COX)

        workflow.perform("submit", update, pm)
        event = latest_event()
        assert (event.action, event.comment, event.changed_fields, event.period_id) == (
            "submit", "", [], ids.periods["nov_dec"],
        )
        workflow.perform("return", update, sponsor, reason="  Say more about the slipped milestones.  ")
        event = latest_event()
        assert (event.action, event.comment, event.changed_fields) == (
            "return", "Say more about the slipped milestones.", ["reason"],
        )
        workflow.perform("submit", update, pm)
        # Inputs left empty (None, "") are not recorded as given.
        workflow.perform("approve", update, sponsor, sponsor_comments=" Good progress. ", agreed_rag=None,
                         agreed_rag_justification="")
        event = latest_event()
        assert (event.action, event.comment, event.changed_fields) == ("approve", "Good progress.", ["sponsor_comments"])

        report = open_report_ready_for_sign_off(ids)
        workflow.perform("sign_off", report, cmt, cmt_meeting_date=dt.date(2024, 1, 9))
        event = latest_event()
        assert (event.action, event.comment, event.changed_fields, event.period_id) == (
            "sign_off", "CMT meeting of 9 January 2024", ["cmt_meeting_date"], ids.periods["nov_dec"],
        )
        workflow.perform("reopen", report, cmt, reason="The IIB challenged a rating.",
                         workstream_ids=[ids.workstreams["GOV"]])
        event = latest_event()
        assert (event.action, event.comment, event.changed_fields) == (
            "reopen", "The IIB challenged a rating.", ["reason", "workstream_ids"],
        )


def test_each_transition_is_logged_as_one_json_line_naming_the_action_object_states_and_actor(app, ids, caplog):
    caplog.set_level(logging.INFO, logger="waymark")
    with rolled_back(app):
        update = submittable_governance_update(ids)
        pm = user_by_email(LOUISA_SIMPSON)
        workflow.perform("submit", update, pm)
        expected = {
            "logger": "waymark.workflow", "message": "transition", "action": "submit",
            "object": f"WorkstreamUpdate {update.id}", "from_state": "DRAFT", "to_state": "SUBMITTED",
            "user_id": pm.id,
        }
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "waymark.workflow"]
    assert [{key: line.get(key) for key in expected} for line in lines] == [expected]


def test_signing_off_starts_building_the_signed_off_revisions_packs(app, ids, monkeypatch):
    from app.reports import exports

    started = []
    monkeypatch.setattr(exports, "prebuild_after_sign_off", started.append)
    with rolled_back(app):
        report = open_report_ready_for_sign_off(ids)
        workflow.perform("sign_off", report, user_by_email(STEVE_COX), cmt_meeting_date=dt.date(2024, 1, 9))
        assert started == [report] and report.state is ReportState.SIGNED_OFF
        workflow.perform("reopen", report, user_by_email(STEVE_COX), reason="The IIB challenged a rating.",
                         workstream_ids=[ids.workstreams["GOV"]])
        assert started == [report]


def test_a_transition_decides_on_the_row_as_stored_when_it_has_locked_it_not_as_the_request_read_it(app, ids):
    with rolled_back(app):
        update = submittable_governance_update(ids)
        # Another request submits it after this one read the row as a draft.
        db.session.execute(
            sa.update(WorkstreamUpdate.__table__)
            .where(WorkstreamUpdate.__table__.c.id == update.id)
            .values(version=WorkstreamUpdate.__table__.c.version + 1, state=UpdateState.SUBMITTED.name)
        )
        db.session.commit()
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        set_committed_value(update, "state", UpdateState.DRAFT)
        error = refused(workflow.perform, "submit", update, user_by_email(LOUISA_SIMPSON))
        assert_says(error, workflow.WrongState, "This cannot be done while it is submitted.")
        assert db.session.get(WorkstreamUpdate, update.id).state is UpdateState.SUBMITTED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_a_draft_with_no_project_manager_on_its_workstream_is_held_by_the_workstreams_pmo_support(app, ids):
    from app.models import Role, RoleAssignment, Workstream

    with rolled_back(app):
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        workstream = db.session.get(Workstream, ids.workstreams["GOV"])
        pmo_support = workstream.pmo_support
        assert pmo_support and workstream.project_managers
        assert workflow.holders(update) == workstream.project_managers
        db.session.execute(sa.delete(RoleAssignment).where(
            RoleAssignment.workstream_id == workstream.id, RoleAssignment.role == Role.PROJECT_MANAGER,
        ))
        db.session.commit()
        db.session.expire_all()
        assert workflow.holders(db.session.get(WorkstreamUpdate, update.id)) == pmo_support


def test_when_mail_is_configured_a_transitions_email_is_sent_as_soon_as_it_is_committed(app, ids, monkeypatch):
    from app.extensions import mail
    from app.models import OutboxMessage

    sent = []
    monkeypatch.setattr(mail, "send", lambda message: sent.append(message.recipients))
    app.config["MAIL_SERVER"] = "smtp.invalid"
    try:
        with rolled_back(app):
            update = submittable_governance_update(ids)
            workflow.perform("submit", update, user_by_email(LOUISA_SIMPSON))
            assert sent and all(NICK_BELL in recipients for recipients in sent)
            unsent = sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            assert db.session.scalar(unsent) == 0
    finally:
        app.config["MAIL_SERVER"] = None
