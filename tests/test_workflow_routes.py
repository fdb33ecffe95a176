"""Every workflow route through HTTP: who may use it, what it refuses and with which status, what it
shows beside the fields, the htmx partial answers, and a whole period from first draft to sign-off."""
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    MilestoneStatus,
    OutboxMessage,
    ProgrammeReport,
    ReportState,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    WorkstreamUpdate,
)
from app.reports.content import fingerprint
from tests.conftest import complete_for_submission, csrf_token, error_beside, post, text, user_by_email
from tests.demo_ids import CODES, TITLES
from tests.editing import edit_form
from tests.personas import (
    ANGELA_PROBERT, CMT_MEMBERS, COMMITTEE_MEMBER, HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL,
    PETER_TONKS, PROJECT_MANAGER_OF, RICHARD_CARR, SOMEONE_IN_EACH_ROLE, SPONSOR_OF, STEVE_COX, THOMAS_FARMER,
)


HTMX = {"HX-Request": "true"}
FINGERPRINT = re.compile(r"wm-fingerprint[^>]*>\s*([0-9a-f]{64})\s*<")


def act(client, update_id, action, *, htmx=False, csrf=True, **data):
    """POST a workflow action on an update."""
    if csrf:
        data["csrf_token"] = client.token
    return client.post(f"/updates/{update_id}/{action}", data=data, headers=HTMX if htmx else {})


def status_panel(html: str) -> str:
    """The status panel of an htmx answer: everything before the out-of-band section."""
    assert html.lstrip().startswith('<div id="status-panel"'), html[:200]
    return html[: html.index('<div id="update-section" data-hx-swap-oob="true">')]


# --- Reading and arranging the database ---------------------------------------------------------------------


def update_row(app, update_id) -> tuple:
    """Every column of the update and of its milestones."""
    with app.app_context():
        table = WorkstreamUpdate.__table__
        row = tuple(db.session.execute(sa.select(table).where(table.c.id == update_id)).one())
        update = db.session.get(WorkstreamUpdate, update_id)
        milestones = [(m.id, m.status, m.status_note) for m in update.milestones]
        return row, milestones


def report_rows(app, period_id) -> list[tuple]:
    with app.app_context():
        table = ProgrammeReport.__table__
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(table).where(table.c.period_id == period_id).order_by(table.c.revision)
            )
        ]


def event_and_message_counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
            db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
        )


def update_in(app, update_id) -> WorkstreamUpdate:
    """A detached copy of the update with its plain columns loaded."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        db.session.expunge(update)
        return update


def arrange(app, ids, code, state=UpdateState.DRAFT, *, completed_by=None) -> int:
    """Make the open period's update for `code` complete enough to submit and put it in `state`.
    Returns its version."""
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
        last = db.session.get(WorkstreamUpdate, ids.update(code, "sep_oct")).agreed_rag
        complete_for_submission(
            update, last, key_activities=f"{TITLES[code]}: work done this period.",
            engagement="Fortnightly workstream meetings.", concerns="None.",
            rag_rationale="On track against every milestone.",
        )
        update.state = state
        if state is not UpdateState.DRAFT:
            update.completed_by = user_by_email(completed_by or PROJECT_MANAGER_OF[code])
        if state is UpdateState.APPROVED:
            update.agreed_rag = last
            update.approved_by = user_by_email(SPONSOR_OF[code])
        db.session.commit()
        return update.version


def arrange_report(app, ids, *, overview="Steady progress across the programme.") -> int:
    """Every open-period update approved and the overview written. Returns the report's version."""
    for code in CODES:
        arrange(app, ids, code, UpdateState.APPROVED)
    with app.app_context():
        report = open_report(ids)
        report.overview = overview
        report.overview_by = user_by_email(ANGELA_PROBERT)
        db.session.commit()
        return report.version


def open_report(ids) -> ProgrammeReport:
    return db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == ids.periods["nov_dec"]))


def report_version(app, period_id) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(ProgrammeReport.version)
            .where(ProgrammeReport.period_id == period_id)
            .order_by(ProgrammeReport.revision.desc())
            .limit(1)
        )


# --- Transitions: who, when, with what ------------------------------------------------------------------------


def test_workflow_actions_send_a_signed_out_visitor_to_sign_in(app, client, ids):
    update_id = ids.update("GOV", "nov_dec")
    before = update_row(app, update_id)
    # A valid token for the signed-out session, so that it is the sign-in check that answers.
    token = csrf_token(text(client.get("/sign-in")))
    for action in ("submit", "return", "approve"):
        response = client.post(
            f"/updates/{update_id}/{action}",
            data={"csrf_token": token, "version": 1, "reason": "Redo.", "sponsor_comments": "Fine."},
        )
        # No page lives at an action's address, so sign-in does not lead back to it.
        assert response.status_code == 302, action
        assert response.headers["Location"] == "/sign-in", action
    assert update_row(app, update_id) == before


def test_workflow_actions_without_a_csrf_token_are_refused_with_400(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV")
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    pm = person(LOUISA_SIMPSON)
    for htmx in (False, True):
        assert act(pm, update_id, "submit", htmx=htmx, csrf=False, version=version).status_code == 400
        response = act(pm, update_id, "submit", htmx=htmx, csrf=False, version=version, csrf_token="not-a-token")
        assert response.status_code == 400
    assert update_row(app, update_id) == before
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before = update_row(app, update_id)
    sponsor = person(NICK_BELL)
    assert act(sponsor, update_id, "return", csrf=False, version=version, reason="Redo it.").status_code == 400
    assert act(sponsor, update_id, "approve", csrf=False, version=version, sponsor_comments="Fine.").status_code == 400
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts
    # The same request with the token goes through.
    assert act(sponsor, update_id, "approve", version=version, sponsor_comments="Fine.").status_code == 302


def test_workflow_actions_are_refused_with_403_for_the_wrong_role(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV")
    counts = event_and_message_counts(app)
    before = update_row(app, update_id)
    for email in (JODIE_TOWNSEND, THOMAS_FARMER, NICK_BELL, STEVE_COX, ANGELA_PROBERT):
        assert act(person(email), update_id, "submit", version=version).status_code == 403, email
    assert update_row(app, update_id) == before

    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before = update_row(app, update_id)
    pm, pmo = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    for client, email in ((pm, LOUISA_SIMPSON), (pmo, HEIDI_ROBINSON), (person(STEVE_COX), STEVE_COX),
                          (person(ANGELA_PROBERT), ANGELA_PROBERT)):
        response = act(client, update_id, "approve", version=version, sponsor_comments="Looks fine.")
        assert response.status_code == 403, email
    for client, email in ((pm, LOUISA_SIMPSON), (pmo, HEIDI_ROBINSON)):
        response = act(client, update_id, "return", version=version, reason="Not good enough.")
        assert response.status_code == 403, email
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts


def test_an_action_from_the_wrong_state_is_refused_with_409_and_says_why(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    before = update_row(app, update_id)
    sponsor = person(NICK_BELL)
    response = act(sponsor, update_id, "approve", version=1, sponsor_comments="Good.")
    assert response.status_code == 409
    assert "This cannot be done while it is draft." in text(response)
    response = act(sponsor, update_id, "return", version=1, reason="Redo.")
    assert response.status_code == 409
    assert "This cannot be done while it is draft." in text(response)
    assert update_row(app, update_id) == before

    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before = update_row(app, update_id)
    response = act(person(LOUISA_SIMPSON), update_id, "submit", version=version)
    assert response.status_code == 409
    assert "This cannot be done while it is submitted." in text(response)
    assert update_row(app, update_id) == before


def test_returning_an_update_needs_reasons_shown_beside_the_field(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    sponsor = person(NICK_BELL)
    for reason in ("", "   \n  "):
        response = act(sponsor, update_id, "return", version=version, reason=reason)
        assert response.status_code == 422
        assert "Enter the reasons for returning the update" in error_beside(text(response), "reason")
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts
    response = act(sponsor, update_id, "return", version=version, reason="Say more about the slipped milestone.")
    assert response.status_code == 302
    assert update_in(app, update_id).return_reason == "Say more about the slipped milestone."


def test_approving_an_update_needs_sponsor_comments(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    response = act(person(NICK_BELL), update_id, "approve", version=version, sponsor_comments=" ", agreed_rag="GREEN")
    assert response.status_code == 422
    assert "Enter your sponsor comments" in error_beside(text(response), "sponsor_comments")
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts


def test_agreeing_a_different_rating_needs_a_justification_and_keeps_both_ratings(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    sponsor = person(NICK_BELL)
    response = act(sponsor, update_id, "approve", version=version, sponsor_comments="Good progress.", agreed_rag="AMBER")
    assert response.status_code == 422
    assert "Explain why you are agreeing a different rating from the one proposed" in error_beside(
        text(response), "agreed_rag_justification"
    )
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts

    response = act(
        sponsor, update_id, "approve", version=version, sponsor_comments="Good progress.", agreed_rag="AMBER",
        agreed_rag_justification="The board decision slipped a month.",
    )
    assert response.status_code == 302
    update = update_in(app, update_id)
    assert update.state is UpdateState.APPROVED
    assert (update.proposed_rag, update.agreed_rag) == (RAG.GREEN, RAG.AMBER)
    assert update.agreed_rag_justification == "The board decision slipped a month."
    page = text(person(LOUISA_SIMPSON).get(f"/updates/{update_id}"))
    assert "Agreed by the sponsor; the project team proposed Green." in page
    assert '<strong class="wm-rag wm-rag--amber">Amber</strong>' in page
    assert "The board decision slipped a month." in page


def test_submitting_an_incomplete_draft_is_refused_with_422_listing_what_is_missing(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    with app.app_context():
        first_milestone = db.session.get(WorkstreamUpdate, update_id).milestones_this_period[0].reference
    for htmx in (False, True):
        response = act(person(LOUISA_SIMPSON), update_id, "submit", htmx=htmx, version=1)
        assert response.status_code == 422
        html = status_panel(text(response)) if htmx else text(response)
        for message in (
            "Enter the key activities this period",
            "Enter the engagement this period",
            "Select a RAG rating",
            f"Select a status for milestone {first_milestone}",
        ):
            assert message in html, (message, htmx)
    assert update_row(app, update_id) == before
    assert update_in(app, update_id).state is UpdateState.DRAFT
    assert event_and_message_counts(app) == counts


def give_nick_the_project_manager_role_for_governance(app, ids):
    with app.app_context():
        db.session.add(
            RoleAssignment(
                user=user_by_email(NICK_BELL), role=Role.PROJECT_MANAGER, workstream_id=ids.workstreams["GOV"]
            )
        )
        db.session.commit()


def test_the_person_who_submitted_an_update_cannot_approve_it(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    give_nick_the_project_manager_role_for_governance(app, ids)
    version = arrange(app, ids, "GOV")
    nick = person(NICK_BELL)
    assert act(nick, update_id, "submit", version=version).status_code == 302
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, update_id)
        assert (update.state, update.completed_by.email) == (UpdateState.SUBMITTED, NICK_BELL)
        version = update.version
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    assert act(nick, update_id, "approve", version=version, sponsor_comments="Fine by me.").status_code == 403
    response = act(nick, update_id, "approve", htmx=True, version=version, sponsor_comments="Fine by me.")
    assert response.status_code == 403
    assert "You submitted this update, so someone else must approve it." in status_panel(text(response))
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts


def test_the_refusal_page_tells_the_submitter_why_they_cannot_approve(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    give_nick_the_project_manager_role_for_governance(app, ids)
    arrange(app, ids, "GOV", UpdateState.SUBMITTED, completed_by=NICK_BELL)
    version = update_in(app, update_id).version
    response = act(person(NICK_BELL), update_id, "approve", version=version, sponsor_comments="Fine by me.")
    assert response.status_code == 403
    assert "You submitted this update" in text(response)


def test_an_action_on_a_stale_version_is_refused_with_409_and_changes_nothing(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    assert version > 1
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    sponsor = person(NICK_BELL)
    response = act(sponsor, update_id, "approve", version=version - 1, sponsor_comments="Good.")
    assert response.status_code == 409
    assert "It changed while you were looking at it." in text(response)
    response = act(sponsor, update_id, "return", htmx=True, version=version - 1, reason="Redo.")
    assert response.status_code == 409
    assert "It changed while you were looking at it." in status_panel(text(response))
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts


# --- The same through htmx ----------------------------------------------------------------------------------


def test_an_htmx_action_answers_with_the_status_panel_and_the_section_and_history_out_of_band(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV")
    response = act(person(LOUISA_SIMPSON), update_id, "submit", htmx=True, version=version)
    assert response.status_code == 200
    html = text(response)
    assert "<html" not in html
    panel = status_panel(html)
    assert "Update submitted to the sponsor" in panel
    assert "Submitted" in panel and "With Nick Bell." in panel
    assert html.count('data-hx-swap-oob="true"') == 2
    assert '<div id="history-region" data-hx-swap-oob="true">' in html
    section = html[html.index('<div id="update-section"'):html.index('<div id="history-region"')]
    assert "Louisa Simpson" in section  # completed by, now that it is submitted
    history = html[html.index('<div id="history-region"'):]
    assert "Submitted to sponsor" in history
    update = update_in(app, update_id)
    assert update.state is UpdateState.SUBMITTED

    response = act(person(NICK_BELL), update_id, "approve", htmx=True, version=update.version,
                   sponsor_comments="A clear report.", agreed_rag="GREEN")
    assert response.status_code == 200
    assert "Update approved" in status_panel(text(response))
    assert "A clear report." in text(response)[text(response).index('<div id="update-section"'):]
    assert update_in(app, update_id).state is UpdateState.APPROVED


def test_htmx_validation_errors_answer_422_with_the_message_inside_the_panel(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before = update_row(app, update_id)
    sponsor = person(NICK_BELL)
    cases = [
        ("return", {"reason": ""}, "reason", "Enter the reasons for returning the update"),
        ("approve", {"sponsor_comments": ""}, "sponsor_comments", "Enter your sponsor comments"),
        (
            "approve",
            {"sponsor_comments": "Fine.", "agreed_rag": "RED"},
            "agreed_rag_justification",
            "Explain why you are agreeing a different rating from the one proposed",
        ),
    ]
    for action, data, field, message in cases:
        response = act(sponsor, update_id, action, htmx=True, version=version, **data)
        assert response.status_code == 422, action
        assert message in error_beside(status_panel(text(response)), field), action
    assert update_row(app, update_id) == before


# --- A whole period, through HTTP ---------------------------------------------------------------------------


def test_a_period_goes_from_drafts_to_a_signed_off_locked_report_through_http(app, person, ids):
    gov = ids.update("GOV", "nov_dec")
    period_id = ids.periods["nov_dec"]
    with app.app_context():
        last_event = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        references = [m.reference for m in db.session.get(WorkstreamUpdate, gov).milestones_this_period]
        report_id = open_report(ids).id
    assert len(references) > 1
    louisa, nick = person(LOUISA_SIMPSON), person(NICK_BELL)

    # Louisa writes the draft, changing the rating from last period's Green, and submits it.
    assert louisa.get(f"/updates/{gov}/edit").status_code == 200
    form = edit_form(app, gov, proposed_rag="AMBER", rag_change_reason="A key decision slipped.",
                     **{"milestones-1-status": "DELAYED", "milestones-1-status_note": "Moved to January."})
    response = post(louisa, f"/updates/{gov}/edit", **form)
    assert response.status_code == 302
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, gov)
        assert update.key_activities == form["key_activities"]
        assert update.proposed_rag is RAG.AMBER and update.rag_change_reason == "A key decision slipped."
        assert [m.status for m in update.milestones_this_period][:2] == [MilestoneStatus.COMPLETE, MilestoneStatus.DELAYED]
        assert update.milestones_this_period[1].status_note == "Moved to January."
    assert act(louisa, gov, "submit", version=update_in(app, gov).version).status_code == 302
    assert update_in(app, gov).state is UpdateState.SUBMITTED

    # Nick returns it; Louisa sees why at the top of the draft, revises it and submits it again.
    reason = "Say what the slipped decision means for the March milestone."
    assert act(nick, gov, "return", version=update_in(app, gov).version, reason=reason).status_code == 302
    assert update_in(app, gov).state is UpdateState.RETURNED
    page = text(louisa.get(f"/updates/{gov}/edit"))
    assert f"Returned: {reason}" in page
    assert page.index(f"Returned: {reason}") < page.index('<form method="post" id="draft-form"') < page.index("key_activities")
    form = edit_form(app, gov, proposed_rag="AMBER", rag_change_reason="A key decision slipped; March is at risk.",
                     **{"milestones-1-status": "DELAYED", "milestones-1-status_note": "Moved to January."})
    assert post(louisa, f"/updates/{gov}/edit", **form).status_code == 302
    assert act(louisa, gov, "submit", version=update_in(app, gov).version).status_code == 302

    # Nick approves with comments and a revised rating, justified.
    response = act(nick, gov, "approve", version=update_in(app, gov).version, sponsor_comments="Honest reporting.",
                   agreed_rag="GREEN_AMBER", agreed_rag_justification="The January date is agreed with the board.")
    assert response.status_code == 302
    update = update_in(app, gov)
    assert (update.state, update.proposed_rag, update.agreed_rag) == (UpdateState.APPROVED, RAG.AMBER, RAG.GREEN_AMBER)
    assert update.return_reason == ""

    # The other four are written and submitted; their sponsors approve them through HTTP.
    for code in CODES[1:]:
        arrange(app, ids, code, UpdateState.SUBMITTED)
    for code in CODES[1:]:
        update_id = ids.update(code, "nov_dec")
        sponsor = nick if SPONSOR_OF[code] == NICK_BELL else person(SPONSOR_OF[code])
        response = act(sponsor, update_id, "approve", version=update_in(app, update_id).version,
                       sponsor_comments=f"{TITLES[code]} is on track.")
        assert response.status_code == 302, code

    # Angela writes the overview.
    angela = person(ANGELA_PROBERT)
    assert angela.get(f"/periods/{period_id}/overview").status_code == 200
    overview = "Good progress across the plan.\n\nGovernance is rated Green/Amber after a slipped decision."
    response = post(angela, f"/periods/{period_id}/overview", version=report_version(app, period_id), overview=overview)
    assert response.status_code == 302

    # Steve sees what will be locked, then records the sign-off.
    steve = person(STEVE_COX)
    page = text(steve.get(f"/periods/{period_id}/sign-off"))
    lock_list = page[page.index("Workstream updates"):page.index("Lead executive director overview")]
    for code in CODES:
        assert TITLES[code] in lock_list, code
    assert lock_list.count("Approved") == 5
    assert "Written by Angela Probert" in page
    assert "cannot be signed off yet" not in page
    assert 'name="cmt_meeting_date"' in page
    response = post(steve, f"/periods/{period_id}/sign-off", version=report_version(app, period_id),
                    cmt_meeting_date=["9", "1", "2024"])
    assert response.status_code == 302
    with app.app_context():
        report = db.session.get(ProgrammeReport, report_id)
        assert report.state is ReportState.SIGNED_OFF
        assert report.cmt_meeting_date.isoformat() == "2024-01-09"
        assert report.signed_off_by.email == STEVE_COX
        assert report.overview == overview
        assert re.fullmatch(r"[0-9a-f]{64}", report.content_fingerprint)
        assert fingerprint(report.snapshot) == report.content_fingerprint
        stored_fingerprint = report.content_fingerprint
    shown = FINGERPRINT.findall(text(steve.get(f"/periods/{period_id}")))
    assert shown == [stored_fingerprint]

    # Locked: Louisa can no longer edit, and is not offered to.
    assert louisa.get(f"/updates/{gov}/edit").status_code == 409
    assert "Edit the draft" not in text(louisa.get(f"/updates/{gov}"))

    # The audit trail has every step, in order, with who did it.
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.id > last_event,
                sa.or_(
                    sa.and_(AuditEvent.object_type == "WorkstreamUpdate", AuditEvent.object_id == gov),
                    sa.and_(AuditEvent.object_type == "ProgrammeReport", AuditEvent.object_id == report_id),
                ),
            )
            .order_by(AuditEvent.id)
        ).all()
        trail = [(e.action, e.actor.email, e.from_state, e.to_state) for e in events]
    assert trail == [
        ("edit", LOUISA_SIMPSON, None, None),
        ("submit", LOUISA_SIMPSON, "DRAFT", "SUBMITTED"),
        ("return", NICK_BELL, "SUBMITTED", "RETURNED"),
        ("edit", LOUISA_SIMPSON, None, None),
        ("submit", LOUISA_SIMPSON, "RETURNED", "SUBMITTED"),
        ("approve", NICK_BELL, "SUBMITTED", "APPROVED"),
        ("edit_overview", ANGELA_PROBERT, None, None),
        ("sign_off", STEVE_COX, "OPEN", "SIGNED_OFF"),
    ]

    # The outbox told the right people at each step.
    with app.app_context():
        messages = [(m.reason, set(m.recipients), m.subject) for m in db.session.scalars(
            sa.select(OutboxMessage).order_by(OutboxMessage.id))]
        # Everyone with a role in this programme: the second demo programme's people hear nothing of it.
        everyone = {
            u.email for u in db.session.scalars(sa.select(User)) if ids.programme in {a.programme_id for a in u.role_assignments}
        }
    governance = [m for m in messages if m[2].startswith(TITLES["GOV"])]
    assert [(reason, recipients) for reason, recipients, _subject in governance] == [
        ("submit", {NICK_BELL}),
        ("return", {LOUISA_SIMPSON, HEIDI_ROBINSON}),
        ("submit", {NICK_BELL}),
        ("approve", {LOUISA_SIMPSON, HEIDI_ROBINSON}),
    ]
    approvals = {m[2].split(":")[0]: m[1] for m in messages if m[0] == "approve"}
    assert approvals[TITLES["PPD"]] == {JODIE_TOWNSEND, THOMAS_FARMER, HEIDI_ROBINSON}
    assert approvals[TITLES["PTN"]] == {PETER_TONKS, HEIDI_ROBINSON}
    assert [m[0] for m in messages[-2:]] == ["all_approved", "sign_off"]
    assert [m[0] for m in messages].count("all_approved") == 1
    assert messages[-2][1] == CMT_MEMBERS
    signed_off_recipients = messages[-1][1]
    assert RICHARD_CARR in signed_off_recipients and COMMITTEE_MEMBER not in signed_off_recipients
    assert signed_off_recipients == everyone - {COMMITTEE_MEMBER}
    officers = {LOUISA_SIMPSON, JODIE_TOWNSEND, PETER_TONKS, HEIDI_ROBINSON, THOMAS_FARMER, ANGELA_PROBERT}
    assert officers <= signed_off_recipients
    assert stored_fingerprint in next(m.body for m in _outbox(app) if m.reason == "sign_off")


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return messages


# --- Signing off and reopening -----------------------------------------------------------------------------


def test_sign_off_is_refused_while_an_update_is_unapproved_or_the_overview_is_empty(app, person, ids):
    period_id = ids.periods["nov_dec"]
    path = f"/periods/{period_id}/sign-off"
    steve = person(STEVE_COX)
    waiting = "Every workstream update must be approved first. Still waiting: " + ", ".join(TITLES.values())
    no_overview = "The lead executive director must write the programme overview first"

    page = text(steve.get(path))
    assert waiting in page and no_overview in page
    assert 'name="cmt_meeting_date"' not in page
    before, counts = report_rows(app, period_id), event_and_message_counts(app)
    response = post(steve, path, version=report_version(app, period_id), cmt_meeting_date=["9", "1", "2024"])
    assert response.status_code == 409
    assert "Every workstream update must be approved first" in text(response)
    assert report_rows(app, period_id) == before

    arrange_report(app, ids, overview="")
    page = text(steve.get(path))
    assert no_overview in page and "Every workstream update must be approved first" not in page
    before = report_rows(app, period_id)
    response = post(steve, path, version=report_version(app, period_id), cmt_meeting_date=["9", "1", "2024"])
    assert response.status_code == 409
    assert no_overview in text(response)
    assert report_rows(app, period_id) == before

    version = arrange_report(app, ids)
    page = text(steve.get(path))
    assert no_overview not in page and 'name="cmt_meeting_date"' in page
    before = report_rows(app, period_id)
    response = post(steve, path, version=version, cmt_meeting_date=["31", "2", "2024"])
    assert response.status_code == 422
    assert "must be a real date" in error_beside(text(response), "cmt_meeting_date")
    response = post(steve, path, version=version, cmt_meeting_date=["", "", ""])
    assert response.status_code == 422
    assert "Enter the date of the CMT meeting that signed the report off" in error_beside(text(response), "cmt_meeting_date")
    assert report_rows(app, period_id) == before
    assert event_and_message_counts(app) == counts
    # Ready, with a real date, it signs off.
    assert post(steve, path, version=version, cmt_meeting_date=["9", "1", "2024"]).status_code == 302
    assert report_rows(app, period_id)[0] != before[0]


def test_a_refused_sign_off_lists_every_blocking_reason(app, person, ids):
    period_id = ids.periods["nov_dec"]
    steve = person(STEVE_COX)
    response = post(steve, f"/periods/{period_id}/sign-off", version=report_version(app, period_id),
                    cmt_meeting_date=["9", "1", "2024"])
    assert response.status_code == 409
    assert "Every workstream update must be approved first" in text(response)
    assert "The lead executive director must write the programme overview first" in text(response)


def test_only_cmt_members_may_sign_off(app, person, ids):
    period_id = ids.periods["nov_dec"]
    path = f"/periods/{period_id}/sign-off"
    version = arrange_report(app, ids)
    before = report_rows(app, period_id)
    for email in (LOUISA_SIMPSON, HEIDI_ROBINSON, ANGELA_PROBERT, THOMAS_FARMER, RICHARD_CARR, COMMITTEE_MEMBER):
        client = person(email)
        assert client.get(path).status_code == 403, email
        assert post(client, path, version=version, cmt_meeting_date=["9", "1", "2024"]).status_code == 403, email
    assert report_rows(app, period_id) == before
    assert person(NICK_BELL).get(path).status_code == 200


def test_reopening_needs_a_reason_and_a_workstream_and_only_a_cmt_member_on_a_signed_off_report(app, person, ids):
    period_id = ids.periods["sep_oct"]
    path = f"/periods/{period_id}/reopen"
    version = report_version(app, period_id)
    governance = ids.workstreams["GOV"]
    before, counts = report_rows(app, period_id), event_and_message_counts(app)
    steve = person(STEVE_COX)
    assert steve.get(path).status_code == 200
    cases = [
        ({"reason": "", "workstream_ids": [governance]}, "reason", "Enter the reason for reopening the report"),
        ({"reason": "The IIB challenged a rating."}, "workstream_ids", "Select the workstreams whose updates need to change"),
    ]
    for data, field, message in cases:
        response = post(steve, path, version=version, **data)
        assert response.status_code == 422, field
        assert message in text(response), field
    response = post(steve, path, version=version)
    assert response.status_code == 422
    assert "Enter the reason for reopening the report" in text(response)
    assert "Select the workstreams whose updates need to change" in text(response)

    for email in (LOUISA_SIMPSON, HEIDI_ROBINSON, ANGELA_PROBERT, RICHARD_CARR):
        client = person(email)
        assert client.get(path).status_code == 403, email
        response = post(client, path, version=version, reason="Change it.", workstream_ids=[governance])
        assert response.status_code == 403, email
    assert report_rows(app, period_id) == before
    assert event_and_message_counts(app) == counts

    open_path = f"/periods/{ids.periods['nov_dec']}/reopen"
    open_before = report_rows(app, ids.periods["nov_dec"])
    assert steve.get(open_path).status_code == 409
    response = post(steve, open_path, version=report_version(app, ids.periods["nov_dec"]), reason="Change it.",
                    workstream_ids=[governance])
    assert response.status_code == 409
    assert report_rows(app, ids.periods["nov_dec"]) == open_before
    # With a reason and a workstream, a CMT member reopens the signed-off report.
    assert post(steve, path, version=version, reason="Change it.", workstream_ids=[governance]).status_code == 302
    assert len(report_rows(app, period_id)) == 2


# --- The overview --------------------------------------------------------------------------------------------


def test_only_the_lead_director_may_write_the_overview_and_never_on_a_locked_period(app, person, ids):
    open_period, locked_period = ids.periods["nov_dec"], ids.periods["sep_oct"]
    open_before, locked_before = report_rows(app, open_period), report_rows(app, locked_period)
    for email in (STEVE_COX, NICK_BELL, LOUISA_SIMPSON, HEIDI_ROBINSON):
        client = person(email)
        assert client.get(f"/periods/{open_period}/overview").status_code == 403, email
        response = post(client, f"/periods/{open_period}/overview", version=1, overview="Mine.")
        assert response.status_code == 403, email
    angela = person(ANGELA_PROBERT)
    assert angela.get(f"/periods/{locked_period}/overview").status_code == 409
    response = post(angela, f"/periods/{locked_period}/overview", version=report_version(app, locked_period),
                    overview="A new overview for a signed-off period.")
    assert response.status_code == 409
    assert report_rows(app, open_period) == open_before
    assert report_rows(app, locked_period) == locked_before

    assert angela.get(f"/periods/{open_period}/overview").status_code == 200
    response = post(angela, f"/periods/{open_period}/overview", version=1, overview="The programme is on track.")
    assert response.status_code == 302
    with app.app_context():
        report = open_report(ids)
        assert (report.overview, report.overview_by.email) == ("The programme is on track.", ANGELA_PROBERT)


def test_a_stale_overview_save_is_refused_with_409_keeping_the_typed_text(app, person, ids):
    period_id = ids.periods["nov_dec"]
    path = f"/periods/{period_id}/overview"
    angela = person(ANGELA_PROBERT)
    assert angela.get(path).status_code == 200
    opened_version = report_version(app, period_id)
    assert post(angela, path, version=opened_version, overview="Saved first, elsewhere.").status_code == 302
    before = report_rows(app, period_id)
    response = post(angela, path, version=opened_version, overview="Typed on the stale page.")
    assert response.status_code == 409
    assert "Someone else saved the overview after you opened it." in text(response)
    assert "Typed on the stale page." in text(response)
    assert report_rows(app, period_id) == before
    with app.app_context():
        assert open_report(ids).overview == "Saved first, elsewhere."


# --- Editing a draft -------------------------------------------------------------------------------------------


def test_only_the_workstreams_project_manager_and_pmo_support_may_edit_its_draft(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    path = f"/updates/{update_id}/edit"
    before = update_row(app, update_id)
    for email in (NICK_BELL, JODIE_TOWNSEND, THOMAS_FARMER, STEVE_COX, ANGELA_PROBERT, RICHARD_CARR):
        client = person(email)
        assert client.get(path).status_code == 403, email
        assert post(client, path, **edit_form(app, update_id)).status_code == 403, email
    assert update_row(app, update_id) == before
    for email in (LOUISA_SIMPSON, HEIDI_ROBINSON):
        assert person(email).get(path).status_code == 200, email
    assert post(person(HEIDI_ROBINSON), path, **edit_form(app, update_id)).status_code == 302
    assert update_row(app, update_id) != before


def test_a_draft_cannot_be_edited_once_submitted_or_locked(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    arrange(app, ids, "GOV", UpdateState.SUBMITTED)
    before = update_row(app, update_id)
    louisa = person(LOUISA_SIMPSON)
    assert louisa.get(f"/updates/{update_id}/edit").status_code == 409
    response = post(louisa, f"/updates/{update_id}/edit", **edit_form(app, update_id, key_activities="Changed."))
    assert response.status_code == 409
    assert update_row(app, update_id) == before

    locked_id = ids.update("GOV", "sep_oct")
    before = update_row(app, locked_id)
    for email in (LOUISA_SIMPSON, HEIDI_ROBINSON):
        client = louisa if email == LOUISA_SIMPSON else person(email)
        assert client.get(f"/updates/{locked_id}/edit").status_code == 409, email
        response = post(client, f"/updates/{locked_id}/edit", **edit_form(app, locked_id, key_activities="Changed."))
        assert response.status_code == 409, email
    assert update_row(app, locked_id) == before


def test_over_long_text_is_refused_with_422_beside_the_field_and_nothing_stored(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    path = f"/updates/{update_id}/edit"
    before, counts = update_row(app, update_id), event_and_message_counts(app)
    louisa = person(LOUISA_SIMPSON)
    response = post(louisa, path, **edit_form(app, update_id, key_activities="x" * 20_001))
    assert response.status_code == 422
    html = text(response)
    assert "Key activities must be 20,000 characters or fewer" in error_beside(html, "key_activities")
    assert error_beside(html, "engagement") == ""
    assert update_row(app, update_id) == before
    assert event_and_message_counts(app) == counts
    # Exactly the limit is accepted.
    assert post(louisa, path, **edit_form(app, update_id, key_activities="x" * 20_000)).status_code == 302
    assert update_in(app, update_id).key_activities == "x" * 20_000


def test_saving_a_draft_from_a_stale_version_is_refused_with_409_keeping_the_persons_text(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    path = f"/updates/{update_id}/edit"
    louisa, heidi = person(LOUISA_SIMPSON), person(HEIDI_ROBINSON)
    assert louisa.get(path).status_code == 200
    stale_form = edit_form(app, update_id, key_activities="Louisa wrote this account of the period.")
    assert post(heidi, path, **edit_form(app, update_id, key_activities="Heidi's account, saved first.")).status_code == 302
    before = update_row(app, update_id)
    response = post(louisa, path, **stale_form)
    assert response.status_code == 409
    html = text(response)
    assert "Someone else saved this draft while you were editing" in html
    assert "Louisa wrote this account of the period." in html
    assert "Heidi&#39;s account, saved first." in html
    assert update_row(app, update_id) == before
    assert update_in(app, update_id).key_activities == "Heidi's account, saved first."


# --- The outbox and signed-off revisions ------------------------------------------------------------------


def test_only_the_pmo_may_read_the_outbox(app, person, ids):
    update_id = ids.update("GOV", "nov_dec")
    version = arrange(app, ids, "GOV")
    assert act(person(LOUISA_SIMPSON), update_id, "submit", version=version).status_code == 302
    page = person(HEIDI_ROBINSON).get("/outbox")
    assert page.status_code == 200
    html = text(page)
    assert f"{TITLES['GOV']}: highlight report for 1 November 2023 – 31 December 2023 submitted for your approval" in html
    assert NICK_BELL in html
    for email in (LOUISA_SIMPSON, NICK_BELL, STEVE_COX, ANGELA_PROBERT, THOMAS_FARMER, RICHARD_CARR, COMMITTEE_MEMBER):
        assert person(email).get("/outbox").status_code == 403, email


def test_a_signed_off_revision_is_shown_to_everyone_and_others_are_404(app, person, ids):
    period_id = ids.periods["sep_oct"]
    with app.app_context():
        stored = db.session.scalar(
            sa.select(ProgrammeReport.content_fingerprint).where(ProgrammeReport.period_id == period_id)
        )
    for email in SOMEONE_IN_EACH_ROLE:
        client = person(email)
        response = client.get(f"/periods/{period_id}/revisions/1")
        assert response.status_code == 200, email
        assert FINGERPRINT.findall(text(response)) == [stored], email
        assert client.get(f"/periods/{period_id}/revisions/2").status_code == 404, email
    pmo = person(HEIDI_ROBINSON)
    # A revision being prepared is a draft for officers and hidden from readers.
    draft = pmo.get(f"/periods/{ids.periods['nov_dec']}/revisions/1")
    assert draft.status_code == 200 and "DRAFT – not signed off" in text(draft)
    assert person(RICHARD_CARR).get(f"/periods/{ids.periods['nov_dec']}/revisions/1").status_code in (403, 404)
    assert pmo.get("/periods/999999/revisions/1").status_code == 404
