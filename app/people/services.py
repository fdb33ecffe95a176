"""The people of a programme: inviting them, granting and revoking their roles, deactivating and reactivating
their accounts. The pages and `flask users` both call these, so the rules hold whichever is used:

* only the programme's PMO changes its people (the command line, run by whoever runs the server, is trusted
  and passes `actor=None`);
* nobody gives themselves a role: a PMO gives roles only to others;
* a programme always keeps an active PMO: nobody removes the last one's role, nor deactivates them;
* an account serves every programme its holder works in, so it is deactivated only by someone who is PMO of
  each of them (permissions "change_access"); never one's own.

Each function checks, changes, writes the audit trail and queues the email in the caller's transaction; the
caller commits. Role assignments are read afresh on every request (app.auth.routes.load_user), so a change
shows in the person's permissions and My work at once.
"""
from __future__ import annotations

import dataclasses
import unicodedata

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from app import audit, notifications
from app.auth.services import end_sessions, issue_password_link
from app.decision_locks import lock_programmes
from app.extensions import db
from app.models import LinkPurpose, Programme, Role, RoleAssignment, User, Workstream
from app.models.users import find_user, normalise_email
from app.permissions import can

NAME_LENGTH = 120
EMAIL_LENGTH = 254

# A role to give: programme-wide (no workstream) or for one workstream.
Grant = tuple[Role, Workstream | None]


class PeopleChangeRefused(Exception):
    """A change the rules refuse, with what to tell the person: `status` 403 when the one acting may never
    make it, 409 when it cannot be made (the last PMO, one's own account), 422 for an input that is wrong;
    `field`, the input the message belongs beside."""

    def __init__(self, message: str, *, status: int = 409, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclasses.dataclass
class Invitation:
    """What inviting someone did: a new account (with the link to set its password), or roles given to an
    account the email already had."""

    person: User
    created: bool
    granted: list[RoleAssignment]
    already_held: list[Grant]
    link: str | None = None


# --- Checking what is typed ---------------------------------------------------------------------------------


def checked_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PeopleChangeRefused("Enter their full name", status=422, field="name")
    if len(name) > NAME_LENGTH:
        raise PeopleChangeRefused(f"Name must be {NAME_LENGTH} characters or fewer", status=422, field="name")
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise PeopleChangeRefused("Name must be letters, spaces and punctuation only", status=422, field="name")
    return name


def checked_email(email: str | None) -> str:
    email = normalise_email(email)
    if not email:
        raise PeopleChangeRefused("Enter their email address", status=422, field="email")
    if len(email) > EMAIL_LENGTH:
        raise PeopleChangeRefused(
            f"Email address must be {EMAIL_LENGTH} characters or fewer", status=422, field="email"
        )
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise PeopleChangeRefused(
            "Enter an email address in the correct format, like name@example.org", status=422, field="email"
        ) from None
    return email


def describe_grant(role: Role, workstream: Workstream | None, programme: Programme) -> str:
    return f"{role.label} for {workstream.title}" if workstream is not None else f"{role.label} in {programme.name}"


# --- The rules ----------------------------------------------------------------------------------------------


def _hold_people_lock(programme_ids) -> None:
    """Changes to a programme's people are decided one at a time, on what is stored now: two PMOs removing
    each other at once must not leave the programme with none."""
    lock_programmes(programme_ids)


def _active_pmo_ids(programme_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(RoleAssignment.user_id)
            .join(User, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.programme_id == programme_id, RoleAssignment.role == Role.PMO, User.active.is_(True))
        )
    )


def revoke_refusal(assignment: RoleAssignment) -> PeopleChangeRefused | None:
    """Why the role cannot be taken away (it is the last active PMO's), or None."""
    person, programme = assignment.user, assignment.programme
    if assignment.role is Role.PMO and person.active and _active_pmo_ids(programme.id) == {person.id}:
        return PeopleChangeRefused(
            f"{person.name} is the last PMO of {programme.name}: make someone else PMO before you remove their "
            "PMO role."
        )
    return None


def _require_pmo(actor: User | None, programme: Programme) -> None:
    if actor is not None and not can(actor, "administer", programme):
        raise PeopleChangeRefused(f"Only the PMO of {programme.name} can change its people.", status=403)


def access_change_refusal(person: User, *, actor: User, deactivating: bool) -> PeopleChangeRefused | None:
    """Why `actor` may not deactivate (or reactivate) `person`'s account now, or None when they may."""
    return _access_permission_refusal(person, actor, deactivating) or (
        _last_pmo_refusal(person) if deactivating else None
    )


def _access_permission_refusal(person: User, actor: User, deactivating: bool) -> PeopleChangeRefused | None:
    verb = "deactivate" if deactivating else "reactivate"
    if person.id == actor.id:
        return PeopleChangeRefused(f"You cannot {verb} your own account: ask another PMO officer.")
    if can(actor, "change_access", person):
        return None
    if person.may_create_programmes and not actor.may_create_programmes:
        return PeopleChangeRefused(
            f"{person.name} set up the service: only someone else who may create programmes can {verb} their "
            "account.",
            status=403,
        )
    instead = "remove the roles they hold in yours instead" if deactivating else "ask the PMO of those programmes"
    return PeopleChangeRefused(
        f"{person.name} also works in programmes you are not PMO of, and their account serves those too: {instead}.",
        status=403,
    )


def _last_pmo_refusal(person: User) -> PeopleChangeRefused | None:
    """Deactivating `person` would leave a programme with no active PMO."""
    if not person.active:
        return None
    for programme_id in sorted({a.programme_id for a in person.role_assignments if a.role is Role.PMO}):
        if _active_pmo_ids(programme_id) == {person.id}:
            programme = db.session.get(Programme, programme_id)
            return PeopleChangeRefused(
                f"{person.name} is the last PMO of {programme.name}: make someone else PMO before you deactivate them."
            )
    return None


# --- Roles --------------------------------------------------------------------------------------------------


def grant_role(
    person: User, role: Role, programme: Programme, *, workstream: Workstream | None = None, actor: User | None
) -> RoleAssignment | None:
    """Give `person` the role in the programme (for `workstream`, for a workstream role); None when they
    already hold it."""
    _require_pmo(actor, programme)
    if actor is not None and actor.id == person.id:
        raise PeopleChangeRefused("You cannot give yourself a role: ask another PMO officer.", status=422)
    if role.is_workstream_role and workstream is None:
        raise PeopleChangeRefused(
            f"{role.label} is a workstream role: choose the workstream", status=422, field="workstream_id"
        )
    if not role.is_workstream_role and workstream is not None:
        raise PeopleChangeRefused(
            f"{role.label} is a programme-wide role: choose no workstream", status=422, field="workstream_id"
        )
    if workstream is not None and workstream.programme_id != programme.id:
        raise PeopleChangeRefused(
            f"{workstream.title} is not a workstream of {programme.name}", status=422, field="workstream_id"
        )
    _hold_people_lock([programme.id])
    workstream_id = workstream.id if workstream is not None else None
    # Asked of the database, after the lock: a grant made meanwhile by someone else counts.
    held = db.session.scalar(
        sa.select(RoleAssignment.id).where(
            RoleAssignment.user_id == person.id,
            RoleAssignment.role == role,
            RoleAssignment.programme_id == programme.id,
            RoleAssignment.workstream_id.is_(None) if workstream_id is None else RoleAssignment.workstream_id == workstream_id,
        )
    )
    if held is not None:
        return None
    assignment = RoleAssignment(user=person, role=role, programme=programme, workstream=workstream)
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "grant_role", assignment, actor=actor, programme_id=programme.id, workstream_id=workstream_id,
        comment=f"{person.email}: {describe_grant(role, workstream, programme)}",
    )
    return assignment


def revoke_role(assignment: RoleAssignment, *, actor: User | None) -> None:
    """Take the role away; never the last active PMO's PMO role."""
    programme, person = assignment.programme, assignment.user
    _require_pmo(actor, programme)
    _hold_people_lock([programme.id])
    if db.session.scalar(sa.select(RoleAssignment.id).where(RoleAssignment.id == assignment.id)) is None:
        return  # taken away meanwhile, by someone else
    if (refusal := revoke_refusal(assignment)) is not None:
        raise refusal
    audit.record(
        "revoke_role", assignment, actor=actor, programme_id=programme.id, workstream_id=assignment.workstream_id,
        comment=f"{person.email}: {describe_grant(assignment.role, assignment.workstream, programme)}",
    )
    workstream = assignment.workstream
    db.session.delete(assignment)
    db.session.flush()
    # What the request already loaded of the person's (and the workstream's) roles is read again.
    db.session.expire(person, ["role_assignments"])
    if workstream is not None:
        db.session.expire(workstream, ["role_assignments"])


# --- Invitations --------------------------------------------------------------------------------------------


def invite_person(
    programme: Programme, *, name: str, email: str, grants: list[Grant], actor: User | None
) -> Invitation:
    """Create an account without a password, give it the roles, and email a link to set the password; for an
    email that already has an account, give it the roles and tell them."""
    _require_pmo(actor, programme)
    if not grants:
        raise PeopleChangeRefused("Choose at least one role to give them", status=422, field="programme_roles")
    name, email = checked_name(name), checked_email(email)
    existing = find_user(email)
    if existing is not None and actor is not None and existing.id == actor.id:
        raise PeopleChangeRefused("You cannot give yourself a role: ask another PMO officer.", status=422, field="email")
    _hold_people_lock([programme.id])
    person = existing or User(name=name, email=email, password_hash=None)
    if existing is None:
        db.session.add(person)
        db.session.flush()
        audit.record("invite_user", person, actor=actor, programme_id=programme.id, comment=person.email)
    granted, already_held = [], []
    for role, workstream in grants:
        assignment = grant_role(person, role, programme, workstream=workstream, actor=actor)
        if assignment is None:
            already_held.append((role, workstream))
        else:
            granted.append(assignment)
    roles = "\n".join(f"- {describe_grant(a.role, a.workstream, programme)}" for a in granted)
    if existing is None:
        link = _send_invitation(person, programme, actor, roles)
        return Invitation(person, created=True, granted=granted, already_held=already_held, link=link)
    if granted:
        sign_in = (
            f"Sign in at {notifications.link_to('auth.sign_in')}"
            if person.has_password
            else "Set your password with the link in your invitation to Waymark (or ask for a new one from the "
            f"sign-in page, {notifications.link_to('auth.forgot_password')})"
        )
        notifications.queue(
            "grant_role",
            [person],
            f"Your roles in {programme.title} on Waymark",
            f"{_who(actor)} gave you these roles in {programme.title}:\n{roles}\n\n{sign_in}.\n",
            programme_id=programme.id,
        )
    return Invitation(person, created=False, granted=granted, already_held=already_held)


def resend_invitation(person: User, programme: Programme, *, actor: User | None) -> str:
    """A new invitation link for someone who has not yet set a password (the earlier link stops working)."""
    _require_pmo(actor, programme)
    if person.has_password:
        raise PeopleChangeRefused(
            f"{person.name} has already set a password. If they have forgotten it, they can ask for a new one "
            "from the sign-in page."
        )
    if not person.active:
        raise PeopleChangeRefused(f"{person.name}'s account is deactivated: reactivate it before inviting them again.")
    roles = "\n".join(
        f"- {describe_grant(a.role, a.workstream, programme)}"
        for a in person.role_assignments
        if a.programme_id == programme.id
    )
    link = _send_invitation(person, programme, actor, roles)
    audit.record("resend_invitation", person, actor=actor, programme_id=programme.id, comment=person.email)
    return link


def _send_invitation(person: User, programme: Programme, actor: User | None, roles: str) -> str:
    link = issue_password_link(person, LinkPurpose.INVITATION)
    days = current_app.config["INVITATION_LINK_DAYS"]
    notifications.queue(
        "invitation",
        [person],
        f"You are invited to Waymark for {programme.title}",
        f"{_who(actor)} invited you to Waymark, where {programme.title} prepares and approves its highlight "
        f"reports. Your roles:\n{roles}\n\n"
        f"Choose your password with this link within {days} days; it works once:\n{link}\n\n"
        f"Then sign in with your email address, {person.email}.\n",
        programme_id=programme.id,
    )
    return link


def _who(actor: User | None) -> str:
    return actor.name if actor is not None else "The Programme Management Office"


def create_first_pmo(*, name: str, email: str) -> tuple[User, str]:
    """The first person, on a database with no accounts: they may create programmes (becoming PMO of each).
    Returns them and the single-use link to set their password, which is emailed when mail is configured."""
    name, email = checked_name(name), checked_email(email)
    _hold_people_lock([])
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise PeopleChangeRefused(
            "People already have accounts: the first PMO is created only on an empty database. "
            "Invite people from a programme's People page, or with `flask users invite`."
        )
    person = User(name=name, email=email, password_hash=None, may_create_programmes=True)
    db.session.add(person)
    db.session.flush()
    audit.record("create_first_pmo", person, actor=None, comment=person.email)
    link = issue_password_link(person, LinkPurpose.INVITATION)
    days = current_app.config["INVITATION_LINK_DAYS"]
    notifications.queue(
        "invitation",
        [person],
        "Set your Waymark password",
        "Your Waymark account has been created, to set up the service: you may create programmes, and you "
        f"are the PMO of each one you create.\n\nChoose your password with this link within {days} days; it "
        f"works once:\n{link}\n\nThen sign in with your email address, {person.email}.\n",
    )
    return person, link


# --- Accounts -----------------------------------------------------------------------------------------------


def deactivate_person(person: User, *, actor: User | None, programme: Programme | None = None) -> bool:
    """Stop the person signing in, ending their sessions at once; False when the account was already
    deactivated. `programme` is the one the PMO acted from (for the audit trail)."""
    _refuse_unless_may_change_access(person, actor, deactivating=True)
    _hold_people_lock(person.programme_ids)
    if (refusal := _last_pmo_refusal(person)) is not None:
        raise refusal
    if not person.active:
        return False
    person.active = False
    end_sessions(person, "Account deactivated", actor=actor)
    audit.record(
        "deactivate_user", person, actor=actor, programme_id=programme.id if programme else None, comment=person.email
    )
    return True


def reactivate_person(person: User, *, actor: User | None, programme: Programme | None = None) -> bool:
    """Let the person sign in again (with their password, or by setting one); False when already active."""
    _refuse_unless_may_change_access(person, actor, deactivating=False)
    if person.active:
        return False
    person.active = True
    person.failed_sign_ins, person.locked_until = 0, None
    end_sessions(person, "Account reactivated", actor=actor)
    audit.record(
        "reactivate_user", person, actor=actor, programme_id=programme.id if programme else None, comment=person.email
    )
    return True


def _refuse_unless_may_change_access(person: User, actor: User | None, *, deactivating: bool) -> None:
    if actor is not None and (refusal := _access_permission_refusal(person, actor, deactivating)) is not None:
        raise refusal
