"""People and the roles they hold, programme-wide or for one workstream."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, utcnow



class Role(enum.Enum):
    # Programme-wide roles
    PMO = "PMO"
    CMT_MEMBER = "CMT member"
    LEAD_DIRECTOR = "Lead executive director"
    IIB_MEMBER = "IIB member"
    VIEWER = "Viewer"
    # Roles held for one workstream
    PROJECT_MANAGER = "Project manager"
    SPONSOR = "Sponsor"
    PMO_SUPPORT = "PMO support"

    @property
    def label(self) -> str:
        return self.value

    @property
    def is_workstream_role(self) -> bool:
        return self in WORKSTREAM_ROLES


WORKSTREAM_ROLES = frozenset({Role.PROJECT_MANAGER, Role.SPONSOR, Role.PMO_SUPPORT})
PROGRAMME_ROLES = frozenset(Role) - WORKSTREAM_ROLES


# A hash of a random password, checked when the email is unknown so that a wrong email takes as
# long as a wrong password (no account enumeration by timing).
_TIMING_DECOY_HASHES: dict[str, str] = {}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Stored lower-cased so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # None until the person sets a password from their invitation link: no password signs in to an account
    # without one (see check_password and check_password_in_constant_time).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Part of every session cookie: changing it (sign-out, new password, deactivation) ends all sessions.
    session_token: Mapped[str] = mapped_column(sa.String(43), default=lambda: secrets.token_urlsafe(32))
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Whoever set the service up (`flask users create-first-pmo`) may create programmes, becoming their PMO.
    may_create_programmes: Mapped[bool] = mapped_column(default=False)

    # The signed-in person's assignments are loaded with them (auth.load_user); others' only when asked for.
    role_assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower_case"),)

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    @validates("email")
    def _normalise_email(self, _key, email: str) -> str:
        return normalise_email(email)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session cookie holds: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    def is_locked_out(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.password_changed_at = utcnow()

    @property
    def has_password(self) -> bool:
        """False for someone invited who has not yet set a password from their link."""
        return self.password_hash is not None

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    # Role questions, always within one programme: a role in one programme gives nothing in another.
    # Assignments are loaded with the user, so these cost no queries.
    def has_role(self, role: Role, programme_id: int | None) -> bool:
        return any(a.role is role and a.programme_id == programme_id for a in self.role_assignments)

    def has_any_role(self, *roles: Role, programme_id: int | None) -> bool:
        return any(a.role in roles and a.programme_id == programme_id for a in self.role_assignments)

    def roles_for(self, workstream_id: int) -> set[Role]:
        return {a.role for a in self.role_assignments if a.workstream_id == workstream_id}

    def workstream_ids_with(self, *roles: Role) -> set[int]:
        return {a.workstream_id for a in self.role_assignments if a.role in roles and a.workstream_id is not None}

    @property
    def programme_ids(self) -> set[int]:
        """The programmes this person holds any role in."""
        return {a.programme_id for a in self.role_assignments}

    def programme_roles(self, programme_id: int) -> list[Role]:
        return sorted(
            {a.role for a in self.role_assignments if a.workstream_id is None and a.programme_id == programme_id},
            key=list(Role).index,
        )


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_in_constant_time(user: User | None, password: str) -> bool:
    """Check the password, hashing once whether or not there is such a user, or the user has a password yet
    (no enumeration by timing, and no telling who has not yet accepted an invitation)."""
    if user is None or user.password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _TIMING_DECOY_HASHES:
            _TIMING_DECOY_HASHES[method] = generate_password_hash("timing-decoy", method=method)
        check_password_hash(_TIMING_DECOY_HASHES[method], password)
        return False
    return user.check_password(password)


class LinkPurpose(enum.Enum):
    """Why a link to set a password was sent: the person forgot theirs, or was invited and has none yet."""

    RESET = "Password reset"
    INVITATION = "Invitation"


class PasswordResetToken(db.Model):
    """A single-use, expiring link to set a password: a reset, or an invitation to a new account (which lives
    longer, INVITATION_LINK_DAYS). Only the token's SHA-256 is stored."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose), default=LinkPurpose.RESET)

    user: Mapped[User] = relationship()

    @property
    def is_invitation(self) -> bool:
        return self.purpose is LinkPurpose.INVITATION


class RoleAssignment(db.Model):
    __tablename__ = "role_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    workstream_id: Mapped[int | None] = mapped_column(index=True)

    user: Mapped[User] = relationship(back_populates="role_assignments")
    # `workstream` (None for a programme role) and `programme` are declared in programme.py, beside
    # Workstream: that module builds on this one, never the other way round.

    __table_args__ = (
        # A workstream role's programme is its workstream's programme.
        sa.ForeignKeyConstraint(
            ["workstream_id", "programme_id"],
            ["workstream.id", "workstream.programme_id"],
            name="fk_role_assignment_workstream_in_programme",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_id", "role", "workstream_id"),
        # NULLs are distinct in the constraint above, so programme roles need their own.
        sa.Index(
            "uq_role_assignment_programme_role",
            "user_id",
            "role",
            "programme_id",
            unique=True,
            sqlite_where=sa.text("workstream_id IS NULL"),
            postgresql_where=sa.text("workstream_id IS NULL"),
        ),
        # Workstream roles name their workstream; programme roles do not.
        sa.CheckConstraint(
            "(role IN ('PROJECT_MANAGER', 'SPONSOR', 'PMO_SUPPORT')) = (workstream_id IS NOT NULL)",
            name="workstream_role_has_workstream",
        ),
    )


class KeptRequest(db.Model):
    """A form post that arrived just after its sender's session ended without activity, kept so that it is
    applied once the same person signs in again (app/auth/kept_requests.py). The form's CSRF token is not kept."""

    __tablename__ = "kept_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One kept post per person: a later one replaces it.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    endpoint: Mapped[str] = mapped_column(sa.String(100))
    view_args: Mapped[dict] = mapped_column(sa.JSON)
    # The posted fields as [name, value] pairs, in the order sent (a name may repeat).
    form: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
