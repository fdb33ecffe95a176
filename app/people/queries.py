"""Reading a programme's people: who holds what in it, each person's standing, and the choices its forms offer."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import LinkPurpose, PasswordResetToken, Role, RoleAssignment, User, Workstream
from app.models.users import PROGRAMME_ROLES

# Roles in the order the pages list them.
ROLE_ORDER = list(Role)
PROGRAMME_ROLE_CHOICES = [role for role in Role if role in PROGRAMME_ROLES]
WORKSTREAM_ROLE_CHOICES = [Role.SPONSOR, Role.PROJECT_MANAGER, Role.PMO_SUPPORT]


@dataclasses.dataclass(frozen=True)
class PersonInProgramme:
    """A person and the roles they hold in one programme (their roles elsewhere are not this page's)."""

    person: User
    assignments: list[RoleAssignment]
    invitation_sent_at: dt.datetime | None = None

    @property
    def programme_roles(self) -> list[RoleAssignment]:
        return [a for a in self.assignments if a.workstream_id is None]

    @property
    def workstream_roles(self) -> list[RoleAssignment]:
        return [a for a in self.assignments if a.workstream_id is not None]

    @property
    def standing(self) -> str:
        """"Deactivated", "Invited" (no password set yet) or "Active"."""
        if not self.person.active:
            return "Deactivated"
        return "Active" if self.person.has_password else "Invited"


def _in_order(assignments, programme_id: int) -> list[RoleAssignment]:
    here = [a for a in assignments if a.programme_id == programme_id]
    return sorted(
        here,
        key=lambda a: (ROLE_ORDER.index(a.role), a.workstream.display_order if a.workstream else 0, a.workstream_id or 0),
    )


def people_of(programme_id: int) -> list[PersonInProgramme]:
    """Everyone holding a role in the programme, by name, with their roles in it."""
    holders = sa.select(RoleAssignment.user_id).where(RoleAssignment.programme_id == programme_id)
    people = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(holders))
        .options(selectinload(User.role_assignments).joinedload(RoleAssignment.workstream))
        .order_by(User.name, User.id)
    ).all()
    sent = _invitations_sent([p.id for p in people if not p.has_password])
    return [PersonInProgramme(p, _in_order(p.role_assignments, programme_id), sent.get(p.id)) for p in people]


def person_in(programme_id: int, user_id: int) -> PersonInProgramme | None:
    """The person, if they hold a role in the programme."""
    person = db.session.scalar(
        sa.select(User)
        .where(User.id == user_id)
        .options(selectinload(User.role_assignments).joinedload(RoleAssignment.workstream))
    )
    if person is None or programme_id not in person.programme_ids:
        return None
    sent = _invitations_sent([person.id]) if not person.has_password else {}
    return PersonInProgramme(person, _in_order(person.role_assignments, programme_id), sent.get(person.id))


def _invitations_sent(user_ids: list[int]) -> dict[int, dt.datetime]:
    """When each person's latest invitation was sent."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(PasswordResetToken.user_id, sa.func.max(PasswordResetToken.created_at))
        .where(PasswordResetToken.user_id.in_(user_ids), PasswordResetToken.purpose == LinkPurpose.INVITATION)
        .group_by(PasswordResetToken.user_id)
    ).all()
    return {user_id: _aware(sent_at) for user_id, sent_at in rows}


def _aware(value: dt.datetime) -> dt.datetime:
    # An aggregate comes back without the column's type: naive on SQLite.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def assignment_in(programme_id: int, assignment_id: int, *, user_id: int | None = None,
                  workstream_id: int | None = None) -> RoleAssignment | None:
    """The role assignment, if it is in the programme (and the person's, or the workstream's, when named)."""
    assignment = db.session.scalar(
        sa.select(RoleAssignment)
        .where(RoleAssignment.id == assignment_id, RoleAssignment.programme_id == programme_id)
        .options(joinedload(RoleAssignment.user).selectinload(User.role_assignments), joinedload(RoleAssignment.workstream))
    )
    if assignment is None:
        return None
    if user_id is not None and assignment.user_id != user_id:
        return None
    if workstream_id is not None and assignment.workstream_id != workstream_id:
        return None
    return assignment


def workstream_with_team(workstream_id: int) -> Workstream | None:
    return db.session.scalar(
        sa.select(Workstream)
        .where(Workstream.id == workstream_id)
        .options(
            joinedload(Workstream.programme),
            selectinload(Workstream.role_assignments).joinedload(RoleAssignment.user),
        )
    )


def team_of(workstream: Workstream) -> list[tuple[Role, list[RoleAssignment]]]:
    """Each workstream role with its holders' assignments, by name."""
    return [
        (role, sorted((a for a in workstream.role_assignments if a.role is role), key=lambda a: (a.user.name, a.user_id)))
        for role in WORKSTREAM_ROLE_CHOICES
    ]
