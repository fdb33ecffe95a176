"""The command-line tasks: `flask users create|grant|revoke|invite|resend-invitation|deactivate|reactivate|
create-first-pmo|list` and `flask demo load|sign-ins`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.demo import content, second_programme
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import AuditEvent, Milestone, ReportingPeriod, Role, RoleAssignment, User, Workstream, WorkstreamUpdate
from tests.conftest import build_app, csrf_token, sign_in
from tests.personas import (
    ANGELA_PROBERT, COMMITTEE_MEMBER, EVERYONE, HEIDI_ROBINSON, IMPROVEMENT_BOARD_CHAIR, LOUISA_SIMPSON, NICK_BELL,
    SECOND_PMO, SECOND_PROGRAMME_PEOPLE, THEME_LEAD_ORGANISATION, THOMAS_FARMER,
)

GOOD_PASSWORD = "correct-horse-battery"
IMPROVEMENT_PLAN = content.PROGRAMME["name"]
TRN, ORG = (spec["title"] for spec in second_programme.WORKSTREAMS)
INITIAL_IMPROVEMENT_PLAN = second_programme.PROGRAMME["name"]


def invoke(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def grant(app, *args: str):
    """`flask users grant ...` in Improvement Plan (the demo has two programmes, so each grant names one)."""
    return invoke(app, "users", "grant", *args, "--programme", IMPROVEMENT_PLAN)


def user_with(app, email: str) -> User | None:
    """The user (detached, with roles loaded) or None."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            _ = user.role_assignments
            db.session.expunge(user)
        return user


def roles_of(app, email: str) -> list[tuple[Role, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(RoleAssignment.role, Workstream.code)
            .join(User, RoleAssignment.user_id == User.id)
            .outerjoin(Workstream, RoleAssignment.workstream_id == Workstream.id)
            .where(User.email == email)
        ).all()
        return sorted(((role, code) for role, code in rows), key=lambda pair: (pair[0].name, pair[1] or ""))


def table_counts(app) -> dict[str, int]:
    models = (User, RoleAssignment, Workstream, ReportingPeriod, WorkstreamUpdate, Milestone, AuditEvent)
    with app.app_context():
        return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


# --- users create ----------------------------------------------------------------------------------


def test_users_create_with_a_prompted_password_stores_the_email_lower_cased(app):
    result = invoke(
        app, "users", "create", "--name", "Alex Example", "--email", "Alex.Example@Example.ORG",
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created Alex Example <alex.example@example.org>." in result.output
    user = user_with(app, "alex.example@example.org")
    assert user is not None
    assert user.name == "Alex Example"
    assert user.email == "alex.example@example.org"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.check_password(GOOD_PASSWORD + "x")
    assert user.role_assignments == []
    assert user_with(app, "Alex.Example@Example.ORG") is None  # nothing stored in the typed case


def test_users_create_accepts_the_password_as_an_option_of_exactly_twelve_characters(app):
    password = "twelve-chars"
    assert len(password) == 12
    result = invoke(app, "users", "create", "--name", "Sam Option", "--email", "sam@example.org", "--password", password)
    assert result.exit_code == 0, result.output
    user = user_with(app, "sam@example.org")
    assert user is not None and user.check_password(password)


@pytest.mark.parametrize("how", ["option", "prompt"])
def test_users_create_rejects_a_password_shorter_than_twelve_characters(app, how):
    short = "eleven-char"
    assert len(short) == 11
    before = table_counts(app)
    args = ["users", "create", "--name", "Short Password", "--email", "short@example.org"]
    if how == "option":
        result = invoke(app, *args, "--password", short)
    else:
        result = invoke(app, *args, input=f"{short}\n{short}\n")
    assert result.exit_code == 1
    assert "Password must be at least 12 characters." in result.output
    assert user_with(app, "short@example.org") is None
    assert table_counts(app) == before


def test_users_create_refuses_when_the_prompted_passwords_do_not_match(app):
    result = invoke(
        app, "users", "create", "--name", "Mis Match", "--email", "mismatch@example.org",
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}-typo\n",
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert user_with(app, "mismatch@example.org") is None


def test_users_create_refuses_an_email_already_taken_whatever_its_case(app):
    before = table_counts(app)
    result = invoke(
        app, "users", "create", "--name", "Impostor", "--email", NICK_BELL.upper(), "--password", GOOD_PASSWORD
    )
    assert result.exit_code == 1
    assert f"Someone already has the email address {NICK_BELL.upper()}." in result.output
    assert table_counts(app) == before
    nick = user_with(app, NICK_BELL)
    assert nick.name == "Nick Bell"
    assert nick.check_password(DEMO_PASSWORD)
    assert not nick.check_password(GOOD_PASSWORD)


# --- users grant -----------------------------------------------------------------------------------


def test_users_grant_gives_a_programme_role(app):
    assert (Role.PMO, None) not in roles_of(app, LOUISA_SIMPSON)
    result = grant(app, LOUISA_SIMPSON, "pmo")
    assert result.exit_code == 0, result.output
    assert "Louisa Simpson is now PMO in Improvement Plan." in result.output
    assert (Role.PMO, None) in roles_of(app, LOUISA_SIMPSON)


@pytest.mark.parametrize("code", ["PRC", "prc"])
def test_users_grant_gives_a_workstream_role_for_the_workstream_code(app, code):
    before = roles_of(app, THOMAS_FARMER)
    assert (Role.PMO_SUPPORT, "PRC") not in before
    result = grant(app, THOMAS_FARMER, "pmo-support", "--workstream", code)
    assert result.exit_code == 0, result.output
    assert "Thomas Farmer is now PMO support for Procurement." in result.output
    after = roles_of(app, THOMAS_FARMER)
    assert sorted(after, key=repr) == sorted(before + [(Role.PMO_SUPPORT, "PRC")], key=repr)


def test_users_grant_refuses_a_workstream_role_without_a_workstream(app):
    before = table_counts(app)
    result = grant(app, THOMAS_FARMER, "sponsor")
    assert result.exit_code == 1
    assert "Sponsor is a workstream role: name the workstream with --workstream." in result.output
    assert table_counts(app) == before
    assert roles_of(app, THOMAS_FARMER) == [(Role.PMO_SUPPORT, "PPD")]


def test_users_grant_refuses_a_programme_role_with_a_workstream(app):
    before = table_counts(app)
    result = grant(app, THOMAS_FARMER, "cmt-member", "--workstream", "PRC")
    assert result.exit_code == 1
    assert "CMT member is a programme-wide role: leave out --workstream." in result.output
    assert table_counts(app) == before
    assert roles_of(app, THOMAS_FARMER) == [(Role.PMO_SUPPORT, "PPD")]


def test_users_grant_refuses_an_unknown_email(app):
    before = table_counts(app)
    result = grant(app, "nobody@example.org", "viewer")
    assert result.exit_code == 1
    assert "No one has the email address nobody@example.org." in result.output
    assert table_counts(app) == before


def test_users_grant_refuses_an_unknown_workstream_code(app):
    before = table_counts(app)
    result = grant(app, THOMAS_FARMER, "sponsor", "--workstream", "XYZ")
    assert result.exit_code == 1
    assert "No workstream has the code XYZ." in result.output
    assert table_counts(app) == before


def test_users_grant_without_a_programme_refuses_while_there_are_two(app):
    before = table_counts(app)
    result = invoke(app, "users", "grant", THOMAS_FARMER, "sponsor", "--workstream", "PRC")
    assert result.exit_code == 1
    assert "There is more than one programme: name it with --programme." in result.output
    assert table_counts(app) == before


def test_users_grant_finds_the_workstream_code_in_the_programme_named(app):
    before = roles_of(app, THOMAS_FARMER)
    result = invoke(
        app, "users", "grant", THOMAS_FARMER, "project-manager", "--workstream", "TRN", "--programme", INITIAL_IMPROVEMENT_PLAN
    )
    assert result.exit_code == 0, result.output
    assert "Thomas Farmer is now Project manager for Transport strategy, bus strategy and Business Board." in result.output
    assert sorted(roles_of(app, THOMAS_FARMER), key=repr) == sorted(before + [(Role.PROJECT_MANAGER, "TRN")], key=repr)
    # Improvement Plan's codes are not the second programme's.
    counts = table_counts(app)
    refused = invoke(
        app, "users", "grant", THOMAS_FARMER, "sponsor", "--workstream", "GOV", "--programme", INITIAL_IMPROVEMENT_PLAN
    )
    assert refused.exit_code == 1
    assert "No workstream has the code GOV." in refused.output
    assert table_counts(app) == counts


def test_users_grant_refuses_an_unknown_role_name(app):
    before = table_counts(app)
    result = grant(app, THOMAS_FARMER, "overlord")
    assert result.exit_code == 2
    assert "'overlord' is not one of" in result.output
    assert table_counts(app) == before


@pytest.mark.parametrize("args", [
    (LOUISA_SIMPSON, "pmo"),
    (THOMAS_FARMER, "sponsor", "--workstream", "PRC"),
], ids=["programme-role", "workstream-role"])
def test_users_grant_twice_grants_once(app, args):
    first = grant(app, *args)
    assert first.exit_code == 0, first.output
    after_first = table_counts(app)
    roles_after_first = roles_of(app, args[0])
    second = grant(app, *args)
    assert second.exit_code == 0, second.output
    assert "already holds that role" in second.output
    assert table_counts(app) == after_first
    assert roles_of(app, args[0]) == roles_after_first


def test_users_grant_of_a_demo_role_already_held_changes_nothing(app):
    before = table_counts(app)
    result = grant(app, NICK_BELL.upper(), "sponsor", "--workstream", "GOV")
    assert result.exit_code == 0, result.output
    assert "Nick Bell already holds that role." in result.output
    assert table_counts(app) == before


# --- users list ------------------------------------------------------------------------------------


def test_users_list_shows_everyone_with_their_roles(app):
    result = invoke(app, "users", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(EVERYONE) + len(SECOND_PROGRAMME_PEOPLE) == 19
    assert f"Nick Bell <{NICK_BELL}>: CMT member, Improvement Plan; Sponsor, Governance and decision making; Sponsor, Procurement" in lines
    assert f"Angela Probert <{ANGELA_PROBERT}>: Lead executive director, Improvement Plan" in lines
    assert f"Committee Member <{COMMITTEE_MEMBER}>: Viewer, Improvement Plan" in lines
    assert f"Thomas Farmer <{THOMAS_FARMER}>: PMO support, Project plans and delivery" in lines
    assert f"PMO <{SECOND_PMO}>: PMO, Initial Improvement Plan; PMO support, {TRN}; PMO support, {ORG}" in lines
    assert f"Theme lead, organisation <{THEME_LEAD_ORGANISATION}>: CMT member, Initial Improvement Plan; Sponsor, {ORG}" in lines
    heidi = next(line for line in lines if line.startswith(f"Heidi Robinson <{HEIDI_ROBINSON}>: "))
    assert heidi.split(": ", 1)[1].split("; ") == [
        "PMO, Improvement Plan",
        "PMO support, Governance and decision making",
        "PMO support, Procurement",
        "PMO support, Partnership working",
        "PMO support, Confidence, culture and capacity",
    ]
    # Sorted by name.
    names = [line.split(" <", 1)[0] for line in lines]
    assert names == sorted(names)


def test_users_list_shows_a_new_person_with_no_roles_and_then_the_role_granted(app):
    assert invoke(app, "users", "create", "--name", "Zed New", "--email", "zed@example.org", "--password", GOOD_PASSWORD).exit_code == 0
    assert "Zed New <zed@example.org>: no roles" in invoke(app, "users", "list").output.splitlines()
    assert grant(app, "zed@example.org", "viewer").exit_code == 0
    assert "Zed New <zed@example.org>: Viewer, Improvement Plan" in invoke(app, "users", "list").output.splitlines()


# --- demo load / sign-ins --------------------------------------------------------------------------


def test_demo_load_on_a_database_with_data_fails_with_a_clear_message(app):
    before = table_counts(app)
    result = invoke(app, "demo", "load")
    assert result.exit_code == 1
    assert "The database already has data; the demo loads only into an empty database." in result.output
    assert table_counts(app) == before


def test_demo_load_if_empty_on_a_database_with_data_succeeds_and_changes_nothing(app):
    before = table_counts(app)
    result = invoke(app, "demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "the demo was not loaded again" in result.output
    assert table_counts(app) == before
    assert before["User"] == 19


@pytest.fixture
def empty_app(databases):
    """An app over a new, migrated, empty database."""
    application = build_app(databases.fresh_url())
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("args", [("demo", "load"), ("demo", "load", "--if-empty")], ids=["load", "load-if-empty"])
def test_demo_load_into_an_empty_migrated_database_loads_the_demo(empty_app, args):
    assert table_counts(empty_app)["User"] == 0
    result = invoke(empty_app, *args)
    assert result.exit_code == 0, result.output
    assert (
        "Loaded the demo: Improvement Plan (5 workstreams, 3 reporting periods, 12 people) and "
        "Initial Improvement Plan (2 workstreams, 2 reporting periods, 7 people)."
    ) in result.output
    counts = table_counts(empty_app)
    assert counts["User"] == 12 + 7
    assert counts["Workstream"] == 5 + 2
    assert counts["ReportingPeriod"] == 3 + 2
    assert counts["WorkstreamUpdate"] == 5 * 3 + 2 * 2
    with empty_app.app_context():
        emails = set(db.session.scalars(sa.select(User.email)))
    assert emails == set(EVERYONE) | set(SECOND_PROGRAMME_PEOPLE)
    # And a second plain load is refused.
    again = invoke(empty_app, "demo", "load")
    assert again.exit_code == 1
    assert table_counts(empty_app) == counts


def sign_ins_by_programme(output: str) -> dict[str, list[str]]:
    """The `flask demo sign-ins` lines under each programme's heading, the password line apart."""
    groups, heading = {}, None
    for line in output.splitlines()[1:]:
        if not line.startswith(" "):
            heading = line.removesuffix(":")
            groups[heading] = []
        else:
            groups[heading].append(line.strip())
    return groups


def test_demo_sign_ins_prints_every_demo_email_under_its_programme_and_the_password(app):
    result = invoke(app, "demo", "sign-ins")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Demo sign-ins (every password is {DEMO_PASSWORD}):"
    groups = sign_ins_by_programme(result.output)
    assert list(groups) == [IMPROVEMENT_PLAN, INITIAL_IMPROVEMENT_PLAN]
    assert [line.split()[0] for line in groups[IMPROVEMENT_PLAN]] == EVERYONE
    assert [line.split()[0] for line in groups[INITIAL_IMPROVEMENT_PLAN]] == SECOND_PROGRAMME_PEOPLE
    assert "(not loaded)" not in result.output
    nick = next(line for line in groups[IMPROVEMENT_PLAN] if line.startswith(NICK_BELL))
    assert nick.split(None, 1)[1] == "CMT member, Improvement Plan; Sponsor, Governance and decision making; Sponsor, Procurement"
    chair = next(line for line in groups[INITIAL_IMPROVEMENT_PLAN] if line.startswith(IMPROVEMENT_BOARD_CHAIR))
    assert chair.split(None, 1)[1] == "IIB member, Initial Improvement Plan"
    # Each programme's people hold roles there only.
    for line in groups[IMPROVEMENT_PLAN]:
        assert INITIAL_IMPROVEMENT_PLAN not in line and TRN not in line and ORG not in line, line
    for line in groups[INITIAL_IMPROVEMENT_PLAN]:
        assert ", Improvement Plan" not in line, line


def test_the_readme_lists_every_demo_sign_in_of_both_programmes():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    demo = readme[readme.index("## Demo sign-ins"):readme.index("## Configuration")]
    listed = re.findall(r"^\| ([a-z.]+@example\.org) \|", demo, re.M)
    assert listed == EVERYONE + SECOND_PROGRAMME_PEOPLE
    assert f"**{IMPROVEMENT_PLAN}.**" in demo and f"**{INITIAL_IMPROVEMENT_PLAN}**" in demo


def test_demo_sign_ins_marks_accounts_not_loaded_on_an_empty_database(empty_app):
    result = invoke(empty_app, "demo", "sign-ins")
    assert result.exit_code == 0, result.output
    groups = sign_ins_by_programme(result.output)
    assert [line.split()[0] for line in groups[IMPROVEMENT_PLAN]] == EVERYONE
    assert [line.split()[0] for line in groups[INITIAL_IMPROVEMENT_PLAN]] == SECOND_PROGRAMME_PEOPLE
    assert all(line.endswith("(not loaded)") for lines in groups.values() for line in lines)


def test_users_create_refuses_a_blank_name_or_a_malformed_email(app):
    runner = app.test_cli_runner()
    blank = runner.invoke(args=["users", "create", "--name", "  ", "--email", "a.person@example.org", "--password", "a long enough password"])
    assert blank.exit_code != 0 and "full name" in blank.output
    malformed = runner.invoke(args=["users", "create", "--name", "A Person", "--email", "not-an-email", "--password", "a long enough password"])
    assert malformed.exit_code != 0 and "correct format" in malformed.output


# --- users revoke / invite / resend-invitation / deactivate / reactivate / create-first-pmo -----------------


def _link_path(output: str) -> str:
    return re.search(r"http://localhost:5000(/password/reset/\S+)", output).group(1)


def _set_password_from(app, path: str, password: str = GOOD_PASSWORD) -> None:
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    token = csrf_token(page.get_data(as_text=True))
    done = client.post(path, data={"csrf_token": token, "new_password": password, "confirm_password": password})
    assert done.status_code == 302


def test_users_revoke_takes_a_role_away_and_says_when_it_was_not_held(app):
    result = invoke(app, "users", "revoke", "--programme", "Improvement Plan", LOUISA_SIMPSON, "project-manager", "--workstream", "GOV")
    assert result.exit_code == 0, result.output
    assert "Louisa Simpson is no longer Project manager for Governance and decision making." in result.output
    assert roles_of(app, LOUISA_SIMPSON) == [(Role.PROJECT_MANAGER, "PRC")]
    again = invoke(app, "users", "revoke", "--programme", "Improvement Plan", LOUISA_SIMPSON, "project-manager", "--workstream", "GOV")
    assert again.exit_code == 0 and "Louisa Simpson does not hold that role." in again.output


def test_users_revoke_refuses_the_last_pmos_pmo_role(app):
    before = table_counts(app)
    result = invoke(app, "users", "revoke", "--programme", "Improvement Plan", HEIDI_ROBINSON, "pmo")
    assert result.exit_code == 1
    assert "Heidi Robinson is the last PMO of Improvement Plan" in result.output
    assert table_counts(app) == before


def test_users_invite_prints_a_link_without_mail_and_the_person_sets_a_password_with_it(app):
    result = invoke(app, "users", "invite", "--programme", "Improvement Plan", "Dana.Newcomer@example.org", "sponsor", "--workstream", "GOV",
                    "--workstream", "PRC", "--name", "Dana Newcomer")
    assert result.exit_code == 0, result.output
    assert ("Invited Dana Newcomer <dana.newcomer@example.org> as Sponsor for Governance and decision making; "
            "Sponsor for Procurement.") in result.output
    assert "Email is not configured (MAIL_SERVER)" in result.output
    dana = user_with(app, "dana.newcomer@example.org")
    assert dana.password_hash is None
    assert roles_of(app, "dana.newcomer@example.org") == [(Role.SPONSOR, "GOV"), (Role.SPONSOR, "PRC")]
    assert "Dana Newcomer <dana.newcomer@example.org> (invited, no password yet)" in invoke(app, "users", "list").output
    _set_password_from(app, _link_path(result.output))
    assert sign_in(app.test_client(), "dana.newcomer@example.org", GOOD_PASSWORD).status_code == 302
    listed = invoke(app, "users", "list", "--programme", "Improvement Plan").output
    assert "Dana Newcomer <dana.newcomer@example.org>: Sponsor" in listed


def test_users_invite_of_an_existing_account_grants_the_role_only(app):
    before = table_counts(app)
    result = invoke(app, "users", "invite", "--programme", "Improvement Plan", NICK_BELL, "viewer", "--name", "Nick")
    assert result.exit_code == 0, result.output
    assert f"{NICK_BELL} already has an account (Nick Bell): they are now Viewer in Improvement Plan." in result.output
    assert table_counts(app)["User"] == before["User"]
    assert "http://" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("not-an-email", "viewer", "--name", "A Person"), "Enter an email address in the correct format"),
    (("a.person@example.org", "viewer", "--name", "  "), "Enter their full name"),
    (("a.person@example.org", "sponsor", "--name", "A Person"), "Sponsor is a workstream role"),
])
def test_users_invite_refuses_what_the_pages_refuse(app, args, message):
    before = table_counts(app)
    result = invoke(app, "users", "invite", "--programme", "Improvement Plan", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert table_counts(app) == before


def test_users_resend_invitation_gives_a_new_link_and_the_old_one_stops(app):
    first = invoke(app, "users", "invite", "--programme", "Improvement Plan", "dana@example.org", "viewer", "--name", "Dana Newcomer")
    again = invoke(app, "users", "resend-invitation", "--programme", "Improvement Plan", "dana@example.org")
    assert again.exit_code == 0, again.output
    assert app.test_client().get(_link_path(first.output)).status_code == 404
    _set_password_from(app, _link_path(again.output))
    refused = invoke(app, "users", "resend-invitation", "--programme", "Improvement Plan", "dana@example.org")
    assert refused.exit_code == 1 and "has already set a password" in refused.output


def test_users_deactivate_and_reactivate_an_account(app):
    result = invoke(app, "users", "deactivate", LOUISA_SIMPSON)
    assert result.exit_code == 0 and "Louisa Simpson can no longer sign in." in result.output
    assert not user_with(app, LOUISA_SIMPSON).active
    assert "Louisa Simpson <louisa.simpson@example.org> (deactivated)" in invoke(app, "users", "list").output
    assert "already deactivated" in invoke(app, "users", "deactivate", LOUISA_SIMPSON).output
    result = invoke(app, "users", "reactivate", LOUISA_SIMPSON)
    assert result.exit_code == 0 and "Louisa Simpson can sign in again." in result.output
    assert user_with(app, LOUISA_SIMPSON).active


def test_users_deactivate_refuses_the_last_pmo(app):
    result = invoke(app, "users", "deactivate", HEIDI_ROBINSON)
    assert result.exit_code == 1
    assert "Heidi Robinson is the last PMO of Improvement Plan" in result.output
    assert user_with(app, HEIDI_ROBINSON).active


def test_users_create_first_pmo_on_an_empty_database_prints_a_link_to_set_their_password(empty_app):
    result = invoke(empty_app, "users", "create-first-pmo", "--name", "Pat First", "--email", "Pat.First@example.org")
    assert result.exit_code == 0, result.output
    assert "Created Pat First <pat.first@example.org>, who may create programmes." in result.output
    pat = user_with(empty_app, "pat.first@example.org")
    assert pat.may_create_programmes and pat.password_hash is None and pat.role_assignments == []
    _set_password_from(empty_app, _link_path(result.output))
    client = empty_app.test_client()
    assert sign_in(client, "pat.first@example.org", GOOD_PASSWORD).status_code == 302
    again = invoke(empty_app, "users", "create-first-pmo", "--name", "Sam Second", "--email", "sam@example.org")
    assert again.exit_code == 1 and "People already have accounts" in again.output
    assert user_with(empty_app, "sam@example.org") is None


def test_users_create_first_pmo_emails_the_link_when_mail_is_configured(empty_app, monkeypatch):
    from app.extensions import mail

    sent = []
    monkeypatch.setitem(empty_app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(mail, "send", sent.append)
    result = invoke(empty_app, "users", "create-first-pmo", "--name", "Pat First", "--email", "pat@example.org")
    assert result.exit_code == 0, result.output
    assert "Emailed them a link to choose their password" in result.output and "http://" not in result.output
    assert [m.recipients for m in sent] == [["pat@example.org"]] and "/password/reset/" in sent[0].body
