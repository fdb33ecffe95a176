"""Telling the people who act next. Messages are queued in the outbox inside the caller's transaction and
delivered after it commits: by SMTP through Flask-Mail when MAIL_SERVER is configured, otherwise they stay in
the outbox, which the PMO can read (development and tests)."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from app.extensions import db, mail
from app.models import OutboxMessage, User
from app.models.types import utcnow

log = logging.getLogger(__name__)


def queue(reason: str, recipients: list[User], subject: str, body: str) -> OutboxMessage | None:
    """Add a message for the active recipients (each once), unless there is nobody to tell."""
    addresses = sorted({person.email for person in recipients if person.active})
    if not addresses:
        return None
    message = OutboxMessage(reason=reason, recipients=addresses, subject=subject, body=body)
    db.session.add(message)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def deliver_pending(limit: int = 100) -> int:
    """Send unsent messages by SMTP; returns how many went. Failures stay queued with their error."""
    if not smtp_configured():
        return 0
    sent = 0
    pending = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    for message in pending:
        try:
            mail.send(Message(subject=message.subject, recipients=message.recipients, body=message.body))
        except Exception as error:  # noqa: BLE001 - any SMTP failure leaves the message queued for retry
            message.last_error = f"{type(error).__name__}: {error}"
            log.warning("email %s not sent: %s", message.id, message.last_error)
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
    db.session.commit()
    return sent
