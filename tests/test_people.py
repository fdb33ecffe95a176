"""A programme's people pages, for its PMO: who holds what, inviting someone by email (and their accepting),
giving and removing roles, each workstream's team, deactivating and reactivating accounts; and the outbox,
which shows a PMO their own programmes' email only."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import (
    AuditEvent,
    OutboxMessage,
    PasswordResetToken,
    Programme,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from tests.conftest import (
    complete_for_submission,
    csrf_token,
    error_beside,
    post,
    sign_in,
    text,
    user_by_email,
    user_id,
)
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, STEVE_COX, THOMAS_FARMER

NEW_PASSWORD = "amber kestrel quietly 2031"


@pytest.fixture
def pmo(person):
    return person(HEIDI_ROBINSON)


def people_path(ids, *rest) -> str:
    return "/".join([f"/programmes/{ids.programme}/people", *(str(part) for part in rest)])


def roles_of(app, email: str) -> set[tuple[Role, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(RoleAssignment.role, RoleAssignment.workstream_id).join(User).where(User.email == email)
        ).all()
    return {(role, workstream_id) for role, workstream_id in rows}


def assignment_id(app, email: str, role: Role, workstream_id: int | None = None) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(RoleAssignment.id).join(User).where(
                User.email == email, RoleAssignment.role == role,
                RoleAssignment.workstream_id.is_(None) if workstream_id is None
                else RoleAssignment.workstream_id == workstream_id,
            )
        )


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, RoleAssignment, PasswordResetToken, OutboxMessage)
        )


def add_second_programme(app, pmo_email: str | None = None, member_email: str | None = None) -> dict:
    """Another programme with one workstream; `pmo_email` its PMO, `member_email` a viewer of it."""
    with app.app_context():
        programme = Programme(name="Housing Recovery", organisation="Another Council")
        workstream = Workstream(programme=programme, code="HOU", title="Housing repairs")
        db.session.add_all([programme, workstream])
        for email, role in ((pmo_email, Role.PMO), (member_email, Role.VIEWER)):
            if email:
                db.session.add(RoleAssignment(user=user_by_email(email), role=role, programme=programme))
        db.session.commit()
        return {"programme": programme.id, "workstream": workstream.id}


def outbox_link(app, email: str) -> str:
    """The path of the latest password link emailed to `email`."""
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).all()
        body = next(m.body for m in messages if email in m.recipients and "/password/reset/" in m.body)
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


# --- Who holds what ------------------------------------------------------------------------------------------


def test_the_people_page_shows_each_person_with_their_roles_in_this_programme_only(app, pmo, ids, signed_in):
    others = add_second_programme(app, pmo_email=STEVE_COX, member_email=LOUISA_SIMPSON)
    with app.app_context():
        outsider = User(name="Only Elsewhere", email="only.elsewhere@example.org", password_hash=None)
        outsider.role_assignments = [RoleAssignment(role=Role.VIEWER, programme_id=others["programme"])]
        db.session.add(outsider)
        louisa = user_by_email(LOUISA_SIMPSON)
        louisa.active = False
        db.session.commit()
    page = pmo.get(people_path(ids))
    assert page.status_code == 200
    html = text(page)
    row = re.search(r"Louisa Simpson</a>.*?</tr>", html, re.S).group(0)
    assert "Project manager, Governance and decision making" in row and "Project manager, Procurement" in row
    assert "Deactivated" in row
    assert "Viewer" not in row, "a role in another programme is shown"
    assert "Only Elsewhere" not in html
    assert html.count('<tr class="govuk-table__row">') >= 12
    # The navigation leads the PMO here.
    assert f'href="{people_path(ids)}"' in text(pmo.get("/"))
    assert f'href="{people_path(ids)}"' not in text(signed_in(NICK_BELL).get("/"))


def test_only_the_programmes_pmo_sees_its_people_pages_and_another_programmes_pmo_does_not(app, person, ids):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    steve = person(STEVE_COX)
    louisa_id = user_id(app, LOUISA_SIMPSON)
    for path in (people_path(ids), people_path(ids, "invite"), people_path(ids, louisa_id),
                 f"/workstreams/{ids.workstreams['GOV']}/people"):
        assert steve.get(path).status_code == 403, path
        assert person(NICK_BELL).get(path).status_code == 403, path
    assert steve.get(f"/programmes/{others['programme']}/people").status_code == 200
    assert steve.get(f"/workstreams/{others['workstream']}/people").status_code == 200
    assert person(HEIDI_ROBINSON).get(f"/workstreams/{others['workstream']}/people").status_code == 403


def test_a_person_not_in_the_programme_and_ids_beyond_any_row_are_not_found(app, pmo, ids):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    with app.app_context():
        stranger = User(name="Stranger", email="stranger@example.org", password_hash=None)
        stranger.role_assignments = [RoleAssignment(role=Role.VIEWER, programme_id=others["programme"])]
        db.session.add(stranger)
        db.session.commit()
        stranger_id = stranger.id
    assert pmo.get(people_path(ids, stranger_id)).status_code == 404
    assert post(pmo, people_path(ids, stranger_id, "deactivate")).status_code == 404
    assert pmo.get(people_path(ids, 2**31)).status_code == 404
    assert pmo.get(f"/programmes/{2**40}/people").status_code == 404
    assert post(pmo, people_path(ids, user_id(app, LOUISA_SIMPSON), "roles", 2**31 - 1, "revoke")).status_code == 404


# --- Inviting ------------------------------------------------------------------------------------------------


def invite(pmo, ids, **fields):
    data = {"name": "Dana Newcomer", "email": "dana.newcomer@example.org", "programme_roles": [], "workstream_role": ""}
    data.update(fields)
    return post(pmo, people_path(ids, "invite"), data)


def test_an_invited_person_sets_a_password_from_the_link_and_signs_in_with_the_role_given(app, pmo, ids):
    answer = invite(pmo, ids, workstream_role="PROJECT_MANAGER", workstream_ids=[str(ids.workstreams["GOV"])])
    assert answer.status_code == 302
    shown = text(pmo.get(answer.headers["Location"]))
    assert "Invitation sent to Dana Newcomer (dana.newcomer@example.org)" in shown and "Invited" in shown
    with app.app_context():
        dana = user_by_email("dana.newcomer@example.org")
        assert dana.password_hash is None
        message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.reason == "invitation")).one()
        assert message.recipients == ["dana.newcomer@example.org"] and message.programme_id == ids.programme
        assert "Project manager for Governance and decision making" in message.body
        assert "within 7 days" in message.body
    # No password signs in before one is set.
    for password in ("", "x" * 12, DEMO_PASSWORD):
        assert sign_in(app.test_client(), "dana.newcomer@example.org", password).status_code == 400
    browser = app.test_client()
    link = outbox_link(app, "dana.newcomer@example.org")
    form = browser.get(link)
    assert form.status_code == 200
    assert "Choose your password" in text(form) and "Welcome to Waymark, Dana Newcomer" in text(form)
    token = csrf_token(text(form))
    done = browser.post(link, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser.get(link).status_code == 404, "the link works twice"
    dana_browser = app.test_client()
    assert sign_in(dana_browser, "dana.newcomer@example.org", NEW_PASSWORD).status_code == 302
    assert "Write the highlight report" in text(dana_browser.get("/"))
    with app.app_context():
        dana_id = user_by_email("dana.newcomer@example.org").id
        dana_role = db.session.scalar(sa.select(RoleAssignment.id).where(RoleAssignment.user_id == dana_id))
        trail = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.programme_id).where(
                sa.or_(
                    sa.and_(AuditEvent.object_type == "User", AuditEvent.object_id == dana_id),
                    sa.and_(AuditEvent.object_type == "RoleAssignment", AuditEvent.object_id == dana_role),
                )
            ).order_by(AuditEvent.id)
        ).all()
        assert [action for action, _ in trail] == ["invite_user", "grant_role", "end_sessions", "accept_invitation"]
        assert [programme for _, programme in trail][:2] == [ids.programme, ids.programme]
        # Setting the first password sends no "your password was changed" email.
        assert not db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.reason == "accept_invitation")).all()


def test_an_expired_or_replaced_invitation_link_says_to_ask_for_a_new_invitation(app, pmo, ids):
    assert invite(pmo, ids, programme_roles=["VIEWER"]).status_code == 302
    first = outbox_link(app, "dana.newcomer@example.org")
    dana_id = user_id(app, "dana.newcomer@example.org")
    again = post(pmo, people_path(ids, dana_id, "invitation"))
    assert again.status_code == 302
    assert "the link in the earlier one no longer works" in text(pmo.get(again.headers["Location"]))
    second = outbox_link(app, "dana.newcomer@example.org")
    assert second != first
    replaced = app.test_client().get(first)
    assert replaced.status_code == 404 and "Ask your programme's PMO to send you a new invitation" in text(replaced)
    with app.app_context():
        link = db.session.scalars(
            sa.select(PasswordResetToken).where(PasswordResetToken.user_id == dana_id, PasswordResetToken.used_at.is_(None))
        ).one()
        link.expires_at = utcnow()
        db.session.commit()
    assert app.test_client().get(second).status_code == 404


def test_inviting_someone_who_has_a_password_again_is_refused(app, pmo, ids):
    answer = post(pmo, people_path(ids, user_id(app, LOUISA_SIMPSON), "invitation"))
    assert answer.status_code == 409 and "has already set a password" in text(answer)


def test_inviting_an_email_that_already_has_an_account_gives_it_the_role_and_says_so(app, pmo, ids):
    others = add_second_programme(app, pmo_email=STEVE_COX, member_email="committee.member@example.org")
    before = counts(app)
    answer = post(person_of(app, STEVE_COX), f"/programmes/{others['programme']}/people/invite", {
        "name": "Louisa S", "email": LOUISA_SIMPSON.upper(), "programme_roles": ["CMT_MEMBER"], "workstream_role": "",
    })
    assert answer.status_code == 302
    assert (Role.CMT_MEMBER, None) in roles_of(app, LOUISA_SIMPSON)
    users, assignments, links, messages = counts(app)
    assert (users, assignments, links) == (before[0], before[1] + 1, before[2])
    with app.app_context():
        told = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert told.reason == "grant_role" and told.recipients == [LOUISA_SIMPSON]
        assert told.programme_id == others["programme"] and "CMT member in Housing Recovery" in told.body
        assert user_by_email(LOUISA_SIMPSON).name == "Louisa Simpson"


def person_of(app, email):
    from tests.conftest import open_browser

    browser = open_browser(app, email, DEMO_PASSWORD)
    browser.client.token = browser.token
    return browser.client


def test_inviting_yourself_is_refused_beside_the_email(app, pmo, ids):
    before = counts(app)
    answer = invite(pmo, ids, email=HEIDI_ROBINSON, programme_roles=["CMT_MEMBER"])
    assert answer.status_code == 422
    assert error_beside(text(answer), "email") == "You cannot give yourself a role: ask another PMO officer."
    assert counts(app) == before


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter their email address"),
    ("not-an-email", "Enter an email address in the correct format, like name@example.org"),
    ("two@@example.org", "Enter an email address in the correct format, like name@example.org"),
    ("a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".example.org", "Email address must be 254 characters or fewer"),
    ("line\nbreak@example.org", "Enter an email address in the correct format, like name@example.org"),
])
def test_an_invitation_to_a_bad_email_is_refused_beside_the_field_keeping_the_rest(app, pmo, ids, email, message):
    before = counts(app)
    answer = invite(pmo, ids, email=email, programme_roles=["VIEWER"])
    assert answer.status_code == 422
    html = text(answer)
    assert error_beside(html, "email") == message
    assert 'value="Dana Newcomer"' in html and 'value="VIEWER" checked' in html
    assert "There is a problem" in html
    assert counts(app) == before


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({}, "programme_roles", "Choose at least one role to give them"),
    ({"programme_roles": ["OVERLORD"]}, "programme_roles", "Choose programme-wide roles from the list"),
    ({"programme_roles": ["SPONSOR"]}, "programme_roles", "Choose programme-wide roles from the list"),
    ({"workstream_role": "OVERLORD"}, "workstream_role", "Choose a workstream role from the list"),
    ({"workstream_role": "SPONSOR"}, "workstream_ids", "Choose the workstreams they are sponsor for"),
    ({"workstream_ids": ["1"]}, "workstream_role", "Choose their role in the workstreams you chose"),
    ({"workstream_role": "SPONSOR", "workstream_ids": ["abc"]}, "workstream_ids", None),
    ({"name": ""}, "name", "Enter their full name"),
])
def test_an_invitation_with_unknown_or_missing_roles_is_refused_and_stores_nothing(app, pmo, ids, fields, field, message):
    fields = {k: ([str(ids.workstreams["GOV"])] if v == ["1"] else v) for k, v in fields.items()}
    before = counts(app)
    answer = invite(pmo, ids, **fields)
    assert answer.status_code == 422
    found = error_beside(text(answer), field if field != "programme_roles" else "programme_roles")
    assert found and (message is None or found == message), found
    assert counts(app) == before


def test_an_invitation_for_a_workstream_of_another_programme_is_refused(app, pmo, ids):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    before = counts(app)
    answer = invite(pmo, ids, workstream_role="SPONSOR", workstream_ids=[str(others["workstream"])])
    assert answer.status_code == 422
    assert error_beside(text(answer), "workstream_ids") == "Choose workstreams from the list"
    assert counts(app) == before


def test_a_json_body_is_refused_and_stores_nothing(app, pmo, ids):
    before = counts(app)
    body = json.dumps({"name": "Dana", "email": "dana@example.org", "programme_roles": ["VIEWER"], "csrf_token": pmo.token})
    for path in (people_path(ids, "invite"), people_path(ids, user_id(app, LOUISA_SIMPSON), "roles"),
                 f"/workstreams/{ids.workstreams['GOV']}/people"):
        answer = pmo.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": pmo.token})
        assert answer.status_code == 415, path
    assert counts(app) == before


# --- Giving and removing roles ---------------------------------------------------------------------------


def test_the_pmo_gives_a_role_and_it_is_audited_with_the_programme(app, pmo, ids):
    louisa = user_id(app, LOUISA_SIMPSON)
    answer = post(pmo, people_path(ids, louisa, "roles"), role="CMT_MEMBER", workstream_id="")
    assert answer.status_code == 302
    assert "Louisa Simpson is now CMT member in Improvement Plan" in text(pmo.get(answer.headers["Location"]))
    assert (Role.CMT_MEMBER, None) in roles_of(app, LOUISA_SIMPSON)
    again = post(pmo, people_path(ids, louisa, "roles"), role="CMT_MEMBER", workstream_id="")
    assert "already holds CMT member" in text(pmo.get(again.headers["Location"]))
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "grant_role")).one()
        assert (event.programme_id, event.actor_id) == (ids.programme, user_id(app, HEIDI_ROBINSON))


def test_the_pmo_cannot_give_themselves_a_role(app, pmo, ids):
    heidi = user_id(app, HEIDI_ROBINSON)
    page = text(pmo.get(people_path(ids, heidi)))
    assert "You cannot give yourself a role: another PMO officer can." in page
    assert 'action="' + people_path(ids, heidi, "roles") + '"' not in page
    before = counts(app)
    answer = post(pmo, people_path(ids, heidi, "roles"), role="CMT_MEMBER", workstream_id="")
    assert answer.status_code == 422
    summary = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', text(answer), re.S).group(0)
    assert "You cannot give yourself a role: ask another PMO officer." in summary
    assert counts(app) == before


@pytest.mark.parametrize(("role", "workstream", "field", "message"), [
    ("SPONSOR", "", "workstream_id", "Sponsor is a workstream role: choose the workstream"),
    ("VIEWER", "GOV", "workstream_id", "Viewer is a programme-wide role: choose no workstream"),
    ("OVERLORD", "", "role", "Choose a role from the list"),
    ("", "", "role", "Choose a role"),
    ("SPONSOR", "other", "workstream_id", "Choose a workstream from the list"),
    ("SPONSOR", str(2**31 - 1), "workstream_id", "Choose a workstream from the list"),
])
def test_a_role_that_does_not_fit_is_refused_beside_its_field(app, pmo, ids, role, workstream, field, message):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    workstream_id = {"GOV": str(ids.workstreams["GOV"]), "other": str(others["workstream"])}.get(workstream, workstream)
    before = counts(app)
    answer = post(pmo, people_path(ids, user_id(app, LOUISA_SIMPSON), "roles"), role=role, workstream_id=workstream_id)
    assert answer.status_code == 422
    assert error_beside(text(answer), field) == message
    assert counts(app) == before


def test_removing_a_role_takes_it_away_and_the_last_pmos_role_stays(app, pmo, ids):
    louisa = user_id(app, LOUISA_SIMPSON)
    gov = ids.workstreams["GOV"]
    answer = post(pmo, people_path(ids, louisa, "roles", assignment_id(app, LOUISA_SIMPSON, Role.PROJECT_MANAGER, gov), "revoke"))
    assert answer.status_code == 302
    assert (Role.PROJECT_MANAGER, gov) not in roles_of(app, LOUISA_SIMPSON)
    heidi = user_id(app, HEIDI_ROBINSON)
    pmo_role = assignment_id(app, HEIDI_ROBINSON, Role.PMO)
    assert "Heidi Robinson is the last PMO of Improvement Plan" in text(pmo.get(people_path(ids, heidi)))
    refused = post(pmo, people_path(ids, heidi, "roles", pmo_role, "revoke"))
    assert refused.status_code == 409
    assert "make someone else PMO before you remove their PMO role" in text(refused)
    assert (Role.PMO, None) in roles_of(app, HEIDI_ROBINSON)
    # Another PMO, and then Heidi may step down: she is sent to the programme, no longer its PMO.
    assert post(pmo, people_path(ids, louisa, "roles"), role="PMO", workstream_id="").status_code == 302
    stepped_down = post(pmo, people_path(ids, heidi, "roles", pmo_role, "revoke"))
    assert stepped_down.headers["Location"] == f"/programmes/{ids.programme}"
    assert pmo.get(people_path(ids)).status_code == 403


def test_a_role_is_removed_only_through_its_own_persons_address(app, pmo, ids):
    nick_role = assignment_id(app, NICK_BELL, Role.CMT_MEMBER)
    answer = post(pmo, people_path(ids, user_id(app, LOUISA_SIMPSON), "roles", nick_role, "revoke"))
    assert answer.status_code == 404
    assert (Role.CMT_MEMBER, None) in roles_of(app, NICK_BELL)


def test_removing_someones_last_role_here_returns_to_the_people_page(app, pmo, ids):
    farmer = user_id(app, THOMAS_FARMER)
    only = assignment_id(app, THOMAS_FARMER, Role.PMO_SUPPORT, ids.workstreams["PPD"])
    answer = post(pmo, people_path(ids, farmer, "roles", only, "revoke"))
    assert answer.headers["Location"] == people_path(ids)
    assert pmo.get(people_path(ids, farmer)).status_code == 404


# --- Changes count at once ----------------------------------------------------------------------------


def submit_governance(app, ids) -> int:
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        complete_for_submission(update, key_activities="Done.", engagement="Met.", concerns="None.", rag_rationale="Fine.",
                                rag_change_reason="Improved.")
        update.state = UpdateState.SUBMITTED
        update.completed_by = user_by_email(LOUISA_SIMPSON)
        db.session.commit()
        return update.version


REVIEW_GOVERNANCE = 'Review the highlight report<span class="govuk-visually-hidden"> for Governance and decision making'


def test_naming_a_sponsor_shows_the_update_in_their_my_work_and_lets_them_approve_and_removing_them_undoes_both(
    app, pmo, person, ids
):
    version = submit_governance(app, ids)
    steve = person(STEVE_COX)  # signed in before the change: the change counts in the same session
    update_path = f"/updates/{ids.update('GOV', 'nov_dec')}"
    approval = {"version": version, "sponsor_comments": "Agreed.", "agreed_rag": "GREEN", "agreed_rag_justification": ""}
    assert REVIEW_GOVERNANCE not in text(steve.get("/"))
    team = f"/workstreams/{ids.workstreams['GOV']}/people"
    assert post(pmo, team, user_id=user_id(app, STEVE_COX), role="SPONSOR").status_code == 302
    assert REVIEW_GOVERNANCE in text(steve.get("/"))
    sponsor = assignment_id(app, STEVE_COX, Role.SPONSOR, ids.workstreams["GOV"])
    assert post(pmo, f"{team}/{sponsor}/remove").status_code == 302
    assert REVIEW_GOVERNANCE not in text(steve.get("/"))
    assert post(steve, f"{update_path}/approve", approval).status_code == 403
    assert post(pmo, team, user_id=user_id(app, STEVE_COX), role="SPONSOR").status_code == 302
    assert post(steve, f"{update_path}/approve", approval).status_code == 302
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        assert (update.state, update.approved_by.email) == (UpdateState.APPROVED, STEVE_COX)


# --- A workstream's team ----------------------------------------------------------------------------------


def test_the_workstream_page_lists_its_team_and_adds_and_removes_people(app, pmo, ids):
    team = f"/workstreams/{ids.workstreams['GOV']}/people"
    html = text(pmo.get(team))
    assert "Nick Bell" in html and "Louisa Simpson" in html and "Heidi Robinson" in html
    answer = post(pmo, team, user_id=user_id(app, THOMAS_FARMER), role="PMO_SUPPORT")
    assert answer.status_code == 302
    assert "Thomas Farmer is now PMO support for Governance and decision making" in text(pmo.get(team))
    assert (Role.PMO_SUPPORT, ids.workstreams["GOV"]) in roles_of(app, THOMAS_FARMER)
    # A role of another workstream is not removed through this one's address.
    ppd = assignment_id(app, THOMAS_FARMER, Role.PMO_SUPPORT, ids.workstreams["PPD"])
    assert post(pmo, f"{team}/{ppd}/remove").status_code == 404
    gov = assignment_id(app, THOMAS_FARMER, Role.PMO_SUPPORT, ids.workstreams["GOV"])
    assert post(pmo, f"{team}/{gov}/remove").status_code == 302
    assert (Role.PMO_SUPPORT, ids.workstreams["GOV"]) not in roles_of(app, THOMAS_FARMER)


@pytest.mark.parametrize(("who", "role", "field", "message"), [
    ("self", "SPONSOR", "user_id", "You cannot give yourself a role: ask another PMO officer."),
    ("", "SPONSOR", "user_id", "Choose a person"),
    ("stranger", "SPONSOR", "user_id", "Choose a person from the list"),
    ("huge", "SPONSOR", "user_id", "Choose a person from the list"),
    ("farmer", "VIEWER", "role", "Choose their role in the workstream"),
    ("farmer", None, "role", "Choose their role in the workstream"),
])
def test_the_workstream_team_refuses_what_does_not_fit_beside_its_field(app, pmo, ids, who, role, field, message):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    with app.app_context():
        stranger = User(name="Stranger", email="stranger@example.org", password_hash=None)
        stranger.role_assignments = [RoleAssignment(role=Role.VIEWER, programme_id=others["programme"])]
        db.session.add(stranger)
        db.session.commit()
    ids_of = {"self": user_id(app, HEIDI_ROBINSON), "farmer": user_id(app, THOMAS_FARMER), "": "",
              "stranger": user_id(app, "stranger@example.org"), "huge": 2**63}
    before = counts(app)
    data = {"user_id": ids_of[who]}
    if role is not None:
        data["role"] = role
    answer = post(pmo, f"/workstreams/{ids.workstreams['GOV']}/people", data)
    assert answer.status_code == 422
    assert error_beside(text(answer), field) == message
    assert counts(app) == before


# --- Deactivating and reactivating ------------------------------------------------------------------------


def test_deactivating_signs_the_person_out_at_once_and_reactivating_lets_them_back(app, pmo, person, ids):
    louisa = person(LOUISA_SIMPSON)
    target = people_path(ids, user_id(app, LOUISA_SIMPSON))
    answer = post(pmo, f"{target}/deactivate")
    assert answer.status_code == 302 and "Louisa Simpson can no longer sign in" in text(pmo.get(answer.headers["Location"]))
    assert louisa.get("/").status_code == 302
    assert sign_in(app.test_client(), LOUISA_SIMPSON).status_code == 400
    assert "Deactivated" in text(pmo.get(target)) and "Reactivate account" in text(pmo.get(target))
    assert post(pmo, f"{target}/reactivate").status_code == 302
    assert sign_in(app.test_client(), LOUISA_SIMPSON).status_code == 302
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.programme_id == ids.programme).order_by(AuditEvent.id)
        ).all()
        assert actions[-2:] == ["deactivate_user", "reactivate_user"]


def test_nobody_deactivates_their_own_account(app, pmo, ids):
    heidi = people_path(ids, user_id(app, HEIDI_ROBINSON))
    assert "You cannot deactivate your own account" in text(pmo.get(heidi))
    answer = post(pmo, f"{heidi}/deactivate")
    assert answer.status_code == 409
    with app.app_context():
        assert user_by_email(HEIDI_ROBINSON).active


def test_someone_who_also_works_in_another_programme_keeps_their_account_and_loses_this_programmes_roles(
    app, pmo, ids
):
    add_second_programme(app, pmo_email=STEVE_COX, member_email=LOUISA_SIMPSON)
    louisa = people_path(ids, user_id(app, LOUISA_SIMPSON))
    page = text(pmo.get(louisa))
    assert "also works in programmes you are not PMO of" in page and "Deactivate account" not in page
    answer = post(pmo, f"{louisa}/deactivate")
    assert answer.status_code == 403 and "remove the roles they hold in yours instead" in text(answer)
    with app.app_context():
        assert user_by_email(LOUISA_SIMPSON).active


# --- The outbox -------------------------------------------------------------------------------------------


def test_the_outbox_shows_a_pmo_their_own_programmes_email_and_account_email_only_to_who_may_create_programmes(
    app, person, ids
):
    others = add_second_programme(app, pmo_email=STEVE_COX)
    with app.app_context():
        db.session.add_all([
            OutboxMessage(reason="submit", recipients=[NICK_BELL], subject="About Improvement Plan", body="Here.",
                          programme_id=ids.programme),
            OutboxMessage(reason="submit", recipients=[STEVE_COX], subject="About Housing Recovery", body="There.",
                          programme_id=others["programme"]),
            OutboxMessage(reason="password_reset", recipients=[LOUISA_SIMPSON], subject="Set a new Waymark password",
                          body="http://localhost/password/reset/secret-unsent", programme_id=None),
            OutboxMessage(reason="password_reset", recipients=[NICK_BELL], subject="Set a new Waymark password",
                          body="http://localhost/password/reset/secret-sent", programme_id=None, sent_at=utcnow()),
        ])
        db.session.commit()
    heidi = text(person(HEIDI_ROBINSON).get("/outbox"))
    assert "About Improvement Plan" in heidi and "About Housing Recovery" not in heidi
    assert "secret-unsent" in heidi, "a service administrator reads unsent account email"
    assert "secret-sent" not in heidi and "It held a single-use link" in heidi
    steve = text(person(STEVE_COX).get("/outbox"))
    assert "About Housing Recovery" in steve and "About Improvement Plan" not in steve
    assert "Set a new Waymark password" not in steve


# --- Accounts without a password ------------------------------------------------------------------------


def test_signing_in_to_an_account_without_a_password_takes_one_hash_like_any_other(app, pmo, ids, monkeypatch):
    from app.models import users

    assert invite(pmo, ids, programme_roles=["VIEWER"]).status_code == 302
    checked = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda hashed, password: checked.append(hashed) or real(hashed, password))
    for email in ("dana.newcomer@example.org", "nobody.at.all@example.org", LOUISA_SIMPSON):
        checked.clear()
        assert sign_in(app.test_client(), email, "not the password at all").status_code == 400
        assert len(checked) == 1, email


def test_forgot_password_gives_someone_invited_a_link_that_sets_their_first_password(app, pmo, ids):
    assert invite(pmo, ids, programme_roles=["VIEWER"]).status_code == 302
    browser = app.test_client()
    page = browser.get("/password/forgot")
    browser.post("/password/forgot", data={"email": "dana.newcomer@example.org", "csrf_token": csrf_token(text(page))})
    with app.app_context():
        message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.reason == "password_reset")).one()
        assert message.programme_id is None
    link = re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)
    form = browser.get(link)
    assert "Choose a new password" in text(form)
    done = browser.post(link, data={"csrf_token": csrf_token(text(form)), "new_password": NEW_PASSWORD,
                                    "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(app.test_client(), "dana.newcomer@example.org", NEW_PASSWORD).status_code == 302
    # The invitation link went with it.
    assert app.test_client().get(outbox_link(app, "dana.newcomer@example.org")).status_code == 404
