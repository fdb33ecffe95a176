"""Telling the people who act next. Messages are queued in the outbox inside the caller's transaction and
delivered after it commits: by SMTP through Flask-Mail when MAIL_SERVER is configured, otherwise they stay in
the outbox, which the PMO can read (development and tests)."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_mail import Message

from app.extensions import db, mail
from app.models import OutboxMessage, User
from app.models.types import utcnow

log = logging.getLogger(__name__)


def queue(
    reason: str, recipients: list[User], subject: str, body: str, *, programme_id: int | None = None
) -> OutboxMessage | None:
    """Add a message for the active recipients (each once), unless there is nobody to tell. `programme_id`
    is the programme it is about (None for the account emails that belong to none)."""
    addresses = sorted({person.email for person in recipients if person.active})
    if not addresses:
        return None
    message = OutboxMessage(reason=reason, recipients=addresses, subject=subject, body=body, programme_id=programme_id)
    db.session.add(message)
    return message


def link_to(endpoint: str, **values) -> str:
    """The full address of a page, for an email: the request's own host, or BASE_URL outside a request (a
    command such as `flask users invite`)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


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
