"""Signing in with lock-out, ending sessions, and setting passwords (changed or reset by emailed link)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

import sqlalchemy as sa
from flask import current_app

from app import audit, notifications
from app.extensions import db
from app.models import LinkPurpose, PasswordResetToken, User
from app.models.types import utcnow
from app.models.users import check_password_in_constant_time, find_user

log = logging.getLogger("waymark.auth")

MAX_FAILED_SIGN_INS = 5
LOCK_OUT = dt.timedelta(minutes=15)
RESET_LINK_LIFETIME = dt.timedelta(hours=1)


def attempt_sign_in(email: str, password: str) -> User | None:
    """The user, if the email and password are right and the account is active and not locked out.

    Every failure looks the same to the person signing in; five in a row lock the account for 15 minutes
    (written to the audit trail)."""
    user = find_user(email)
    correct = check_password_in_constant_time(user, password)
    now = utcnow()
    if user is None or not user.active:
        log.info("sign-in refused", extra={"event": "sign_in_refused", "known_account": user is not None})
        return None
    if user.is_locked_out(now):
        log.info("sign-in refused: locked out", extra={"event": "sign_in_locked", "user_id": user.id})
        return None
    if correct:
        user.failed_sign_ins, user.locked_until = 0, None
        db.session.commit()
        return user
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
        user.failed_sign_ins, user.locked_until = 0, now + LOCK_OUT
        audit.record(
            "lock_account", user, actor=None,
            comment=f"{MAX_FAILED_SIGN_INS} failed sign-ins in a row: locked until {user.locked_until:%H:%M} UTC",
        )
    db.session.commit()
    log.info("sign-in refused: wrong password", extra={"event": "sign_in_failed", "user_id": user.id})
    return None


def end_sessions(user: User, reason: str, actor: User | None = None) -> None:
    """End every session of the user (each cookie carries the token this replaces)."""
    user.end_sessions()
    audit.record("end_sessions", user, actor=actor, comment=reason)


def change_password(user: User, new_password: str, *, actor: User | None, action: str, tell: bool = True) -> None:
    """Set the password and end every session; `tell` the person by email (not when they have just set
    their first one from an invitation: there was no password to take over)."""
    user.set_password(new_password)
    user.failed_sign_ins, user.locked_until = 0, None
    end_sessions(user, "Password changed", actor=actor)
    audit.record(action, user, actor=actor)
    if tell:
        notifications.queue(
            action,
            [user],
            "Your Waymark password has been changed",
            "Your password was changed and you were signed out everywhere else.\n\n"
            "If you did not do this, contact the Programme Management Office at once.\n",
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(user: User, purpose: LinkPurpose = LinkPurpose.RESET) -> str:
    """A new single-use link for the person to set a password, as a full address. An invitation replaces any
    earlier invitation of theirs (only the latest one sent works) and lives INVITATION_LINK_DAYS; a reset link
    an hour."""
    token = secrets.token_urlsafe(32)
    if purpose is LinkPurpose.INVITATION:
        lifetime = dt.timedelta(days=current_app.config["INVITATION_LINK_DAYS"])
        # The earlier invitations are used up (kept, so their page can say a newer one was sent).
        db.session.execute(
            sa.update(PasswordResetToken)
            .where(
                PasswordResetToken.user_id == user.id,
                PasswordResetToken.purpose == LinkPurpose.INVITATION,
                PasswordResetToken.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
    else:
        lifetime = RESET_LINK_LIFETIME
    db.session.add(
        PasswordResetToken(user=user, token_hash=_hash(token), expires_at=utcnow() + lifetime, purpose=purpose)
    )
    return notifications.link_to("auth.reset_password", token=token)


def send_reset_link(email: str) -> None:
    """Email a single-use link to an active account with this address (the page says the same either way).
    Someone invited who has not yet set a password gets one too: the email address is the authority."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = issue_password_link(user)
    audit.record("request_password_reset", user, actor=None)
    notifications.queue(
        "password_reset",
        [user],
        "Set a new Waymark password",
        "Someone (we hope you) asked to set a new password for your Waymark account.\n\n"
        f"Use this link within an hour; it works once:\n{link}\n\n"
        "If you did not ask, ignore this email: your password has not changed.\n",
    )
    db.session.commit()
    notifications.deliver_pending()


def find_password_link(token: str) -> PasswordResetToken | None:
    """The link with this token, whether or not it can still be used."""
    return db.session.scalar(sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token)))


def usable_reset_token(token: str) -> PasswordResetToken | None:
    found = find_password_link(token)
    if found is None or found.used_at is not None or found.expires_at <= utcnow() or not found.user.active:
        return None
    return found


def reset_password(reset: PasswordResetToken, new_password: str) -> User:
    """Set the password from the link. Every other link still out for the person stops working too."""
    now = utcnow()
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == reset.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    reset.used_at = now
    if reset.is_invitation:
        change_password(reset.user, new_password, actor=None, action="accept_invitation", tell=False)
    else:
        change_password(reset.user, new_password, actor=None, action="reset_password")
    db.session.commit()
    notifications.deliver_pending()
    return reset.user
