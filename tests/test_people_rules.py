"""The rules of a programme's people (app/people/services.py), asked of the services directly: nobody gives
themselves a role, a programme keeps an active PMO, an account shared with another programme is deactivated
only by someone who is PMO of every programme it works in, and an invitation makes an account with no password.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, LinkPurpose, PasswordResetToken, Programme, Role, RoleAssignment, User, Workstream
from app.models.users import check_password_in_constant_time
from app.people import services as people
from app.people.services import PeopleChangeRefused
from app.permissions import can
from tests.conftest import demo_programme, rolled_back, user_by_email
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, STEVE_COX


def another_programme(pmo: User | None = None) -> tuple[Programme, Workstream]:
    """A second programme with one workstream, and `pmo` as its PMO."""
    programme = Programme(name="Housing Recovery", organisation="Another Council")
    workstream = Workstream(programme=programme, code="HOU", title="Housing repairs")
    db.session.add_all([programme, workstream])
    if pmo is not None:
        db.session.add(RoleAssignment(user=pmo, role=Role.PMO, programme=programme))
    db.session.flush()
    return programme, workstream


def refusal(change) -> PeopleChangeRefused:
    with pytest.raises(PeopleChangeRefused) as raised:
        change()
    return raised.value


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- Granting ------------------------------------------------------------------------------------------------


def test_a_pmo_gives_a_role_to_someone_else_and_the_audit_trail_names_the_programme(app):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        assignment = people.grant_role(louisa, Role.CMT_MEMBER, programme, actor=heidi)
        assert assignment is not None and louisa.has_role(Role.CMT_MEMBER, programme.id)
        (event,) = events("grant_role")
        assert (event.actor_id, event.programme_id, event.object_id) == (heidi.id, programme.id, assignment.id)
        assert event.comment == f"{LOUISA_SIMPSON}: CMT member in Improvement Plan"


def test_nobody_gives_themselves_a_role(app):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        refused = refusal(lambda: people.grant_role(heidi, Role.CMT_MEMBER, programme, actor=heidi))
        assert refused.message == "You cannot give yourself a role: ask another PMO officer."
        assert not heidi.has_role(Role.CMT_MEMBER, programme.id)


def test_only_the_programmes_pmo_gives_roles_in_it(app):
    with rolled_back(app):
        nick, louisa, programme = user_by_email(NICK_BELL), user_by_email(LOUISA_SIMPSON), demo_programme()
        assert refusal(lambda: people.grant_role(louisa, Role.VIEWER, programme, actor=nick)).status == 403
        other, _workstream = another_programme(pmo=nick)
        # PMO of another programme gives nothing in this one.
        assert refusal(lambda: people.grant_role(louisa, Role.VIEWER, programme, actor=nick)).status == 403
        assert people.grant_role(louisa, Role.VIEWER, other, actor=nick) is not None


def test_a_workstream_role_names_a_workstream_of_the_programme_and_a_programme_role_none(app, ids):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        governance = db.session.get(Workstream, ids.workstreams["GOV"])
        _other, housing = another_programme()
        cases = [
            (Role.SPONSOR, None, "Sponsor is a workstream role: choose the workstream"),
            (Role.VIEWER, governance, "Viewer is a programme-wide role: choose no workstream"),
            (Role.SPONSOR, housing, "Housing repairs is not a workstream of Improvement Plan"),
        ]
        for role, workstream, message in cases:
            refused = refusal(lambda: people.grant_role(louisa, role, programme, workstream=workstream, actor=heidi))
            assert (refused.message, refused.status, refused.field) == (message, 422, "workstream_id")


def test_a_role_already_held_is_not_given_twice(app, ids):
    with rolled_back(app):
        heidi, nick, programme = user_by_email(HEIDI_ROBINSON), user_by_email(NICK_BELL), demo_programme()
        governance = db.session.get(Workstream, ids.workstreams["GOV"])
        assert people.grant_role(nick, Role.SPONSOR, programme, workstream=governance, actor=heidi) is None
        assert events("grant_role") == []


# --- Revoking and the last PMO ---------------------------------------------------------------------------


def _pmo_role(person: User, programme: Programme) -> RoleAssignment:
    return next(a for a in person.role_assignments if a.role is Role.PMO and a.programme_id == programme.id)


def test_the_last_pmos_pmo_role_cannot_be_removed_until_someone_else_is_pmo(app):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        refused = refusal(lambda: people.revoke_role(_pmo_role(heidi, programme), actor=heidi))
        assert refused.message == (
            "Heidi Robinson is the last PMO of Improvement Plan: make someone else PMO before you remove their PMO role."
        )
        assert refusal(lambda: people.revoke_role(_pmo_role(heidi, programme), actor=None)).status == 409
        people.grant_role(louisa, Role.PMO, programme, actor=heidi)
        people.revoke_role(_pmo_role(heidi, programme), actor=louisa)
        assert not heidi.has_role(Role.PMO, programme.id)
        (event,) = events("revoke_role")
        assert (event.actor_id, event.programme_id) == (louisa.id, programme.id)


def test_a_deactivated_pmo_does_not_count_as_the_programmes_other_pmo(app):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        people.grant_role(louisa, Role.PMO, programme, actor=heidi)
        louisa.active = False
        db.session.flush()
        assert refusal(lambda: people.revoke_role(_pmo_role(heidi, programme), actor=heidi)).status == 409
        # Louisa's own PMO role can go: Heidi remains.
        people.revoke_role(_pmo_role(louisa, programme), actor=heidi)


def test_a_pmo_may_remove_their_own_other_roles(app, ids):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        support = next(a for a in heidi.role_assignments if a.role is Role.PMO_SUPPORT)
        people.revoke_role(support, actor=heidi)
        assert support.workstream_id not in heidi.workstream_ids_with(Role.PMO_SUPPORT)
        assert can(heidi, "administer", programme)


# --- Deactivating ----------------------------------------------------------------------------------------


def test_a_pmo_deactivates_someone_who_works_only_in_their_programme_and_their_sessions_end(app):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        token = louisa.session_token
        assert people.deactivate_person(louisa, actor=heidi, programme=programme)
        assert not louisa.active and louisa.session_token != token
        (event,) = events("deactivate_user")
        assert (event.actor_id, event.programme_id, event.object_id) == (heidi.id, programme.id, louisa.id)
        assert not people.deactivate_person(louisa, actor=heidi, programme=programme)
        assert people.reactivate_person(louisa, actor=heidi, programme=programme) and louisa.active


def test_nobody_deactivates_their_own_account(app):
    with rolled_back(app):
        heidi = user_by_email(HEIDI_ROBINSON)
        refused = refusal(lambda: people.deactivate_person(heidi, actor=heidi))
        assert refused.message == "You cannot deactivate your own account: ask another PMO officer."
        assert heidi.active


def test_an_account_that_also_works_in_another_programme_is_deactivated_only_by_a_pmo_of_both(app):
    with rolled_back(app):
        heidi, louisa, steve = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), user_by_email(STEVE_COX)
        other, _housing = another_programme(pmo=steve)
        people.grant_role(louisa, Role.VIEWER, other, actor=steve)
        refused = refusal(lambda: people.deactivate_person(louisa, actor=heidi))
        assert refused.status == 403
        assert "also works in programmes you are not PMO of" in refused.message
        assert not can(heidi, "change_access", louisa) and not can(steve, "change_access", louisa)
        # Heidi revokes what Louisa holds in hers instead; PMO of both, she could deactivate.
        db.session.add(RoleAssignment(user=heidi, role=Role.PMO, programme=other))
        db.session.flush()
        db.session.expire(heidi, ["role_assignments"])
        assert can(heidi, "change_access", louisa)
        assert people.deactivate_person(louisa, actor=heidi)


def test_whoever_set_the_service_up_is_deactivated_only_by_someone_else_who_may_create_programmes(app):
    with rolled_back(app):
        heidi, louisa, programme = user_by_email(HEIDI_ROBINSON), user_by_email(LOUISA_SIMPSON), demo_programme()
        assert heidi.may_create_programmes
        people.grant_role(louisa, Role.PMO, programme, actor=heidi)
        refused = refusal(lambda: people.deactivate_person(heidi, actor=louisa))
        assert refused.status == 403 and "set up the service" in refused.message
        louisa.may_create_programmes = True
        assert people.deactivate_person(heidi, actor=louisa)


def test_the_last_pmo_of_a_programme_is_not_deactivated_even_from_the_command_line(app):
    with rolled_back(app):
        heidi = user_by_email(HEIDI_ROBINSON)
        refused = refusal(lambda: people.deactivate_person(heidi, actor=None))
        assert refused.message == (
            "Heidi Robinson is the last PMO of Improvement Plan: make someone else PMO before you deactivate them."
        )
        assert heidi.active


def test_an_account_with_no_role_is_no_programmes_to_deactivate(app):
    with rolled_back(app):
        heidi = user_by_email(HEIDI_ROBINSON)
        loner = User(name="No Role", email="no.role@example.org", password_hash=None)
        db.session.add(loner)
        db.session.flush()
        assert not can(heidi, "change_access", loner)
        assert people.deactivate_person(loner, actor=None)


# --- Inviting ---------------------------------------------------------------------------------------------


def test_an_invitation_makes_an_account_no_password_signs_in_to_and_a_link_that_lives_for_days(app, ids):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        governance = db.session.get(Workstream, ids.workstreams["GOV"])
        invitation = people.invite_person(
            programme, name="  Dana   Newcomer ", email="Dana.Newcomer@Example.org",
            grants=[(Role.PROJECT_MANAGER, governance), (Role.VIEWER, None)], actor=heidi,
        )
        dana = invitation.person
        assert invitation.created and (dana.name, dana.email) == ("Dana Newcomer", "dana.newcomer@example.org")
        assert dana.password_hash is None and not dana.has_password
        for password in ("", "None", "dana.newcomer@example.org", "!"):
            assert not dana.check_password(password)
            assert not check_password_in_constant_time(dana, password)
        assert dana.roles_for(governance.id) == {Role.PROJECT_MANAGER} and dana.has_role(Role.VIEWER, programme.id)
        (link,) = db.session.scalars(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == dana.id)).all()
        assert link.purpose is LinkPurpose.INVITATION
        assert 6.9 < (link.expires_at - link.created_at).total_seconds() / 86400 <= 7
        assert invitation.link.startswith("http://localhost/password/reset/")
        assert [e.programme_id for e in events("invite_user")] == [programme.id]


def test_inviting_an_email_that_has_an_account_gives_it_the_roles_and_no_new_account(app, ids):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        invitation = people.invite_person(
            programme, name="Someone Else", email=NICK_BELL.upper(), grants=[(Role.VIEWER, None), (Role.CMT_MEMBER, None)],
            actor=heidi,
        )
        assert not invitation.created and invitation.person.name == "Nick Bell" and invitation.link is None
        assert [a.role for a in invitation.granted] == [Role.VIEWER]
        assert invitation.already_held == [(Role.CMT_MEMBER, None)]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before
        assert invitation.person.check_password("waymark-demo-2023")


@pytest.mark.parametrize(("name", "email", "field", "message"), [
    ("", "a@example.org", "name", "Enter their full name"),
    ("A\x00B", "a@example.org", "name", "Name must be letters, spaces and punctuation only"),
    ("x" * 121, "a@example.org", "name", "Name must be 120 characters or fewer"),
    ("A Person", "", "email", "Enter their email address"),
    ("A Person", "not-an-email", "email", "Enter an email address in the correct format, like name@example.org"),
    ("A Person", "a" * 250 + "@example.org", "email", "Email address must be 254 characters or fewer"),
    ("A Person", HEIDI_ROBINSON, "email", "You cannot give yourself a role: ask another PMO officer."),
])
def test_an_invitation_needs_a_name_a_real_email_and_someone_else(app, name, email, field, message):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        refused = refusal(lambda: people.invite_person(
            programme, name=name, email=email, grants=[(Role.VIEWER, None)], actor=heidi
        ))
        assert (refused.field, refused.message, refused.status) == (field, message, 422)


def test_an_invitation_gives_at_least_one_role(app):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        refused = refusal(lambda: people.invite_person(programme, name="A", email="a@example.org", grants=[], actor=heidi))
        assert refused.message == "Choose at least one role to give them"


def test_inviting_again_replaces_the_link_and_is_only_for_someone_without_a_password(app):
    with rolled_back(app):
        heidi, programme = user_by_email(HEIDI_ROBINSON), demo_programme()
        dana = people.invite_person(
            programme, name="Dana Newcomer", email="dana@example.org", grants=[(Role.VIEWER, None)], actor=heidi
        ).person
        first = db.session.scalar(sa.select(PasswordResetToken.token_hash).where(PasswordResetToken.user_id == dana.id))
        people.resend_invitation(dana, programme, actor=heidi)
        usable = db.session.scalars(
            sa.select(PasswordResetToken.token_hash).where(
                PasswordResetToken.user_id == dana.id, PasswordResetToken.used_at.is_(None)
            )
        ).all()
        assert len(usable) == 1 and usable[0] != first
        louisa = user_by_email(LOUISA_SIMPSON)
        assert "has already set a password" in refusal(lambda: people.resend_invitation(louisa, programme, actor=heidi)).message


def test_the_first_pmo_is_created_only_when_there_is_nobody_yet(app):
    with rolled_back(app):
        refused = refusal(lambda: people.create_first_pmo(name="First Person", email="first@example.org"))
        assert refused.message.startswith("People already have accounts")


# --- Reading the outbox -----------------------------------------------------------------------------------


def test_a_pmo_reads_their_own_programmes_email_and_account_email_is_for_whoever_may_create_programmes(app):
    from app.models import OutboxMessage

    with rolled_back(app):
        heidi, steve, programme = user_by_email(HEIDI_ROBINSON), user_by_email(STEVE_COX), demo_programme()
        other, _housing = another_programme(pmo=steve)
        here = OutboxMessage(reason="submit", recipients=[], subject="", body="", programme_id=programme.id)
        there = OutboxMessage(reason="submit", recipients=[], subject="", body="", programme_id=other.id)
        account = OutboxMessage(reason="password_reset", recipients=[], subject="", body="", programme_id=None)
        assert [can(heidi, "view_message", m) for m in (here, there, account)] == [True, False, True]
        assert [can(steve, "view_message", m) for m in (here, there, account)] == [False, True, False]
