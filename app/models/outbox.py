"""Email waiting to go, written in the same transaction as the change it reports (a transactional outbox)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The action that caused it (submit, approve, sign_off, ...).
    reason: Mapped[str] = mapped_column(sa.String(64))
    # The programme the message is about; None for the account emails that belong to no programme (a
    # password reset, the first PMO's invitation). It decides who may read the message in the outbox.
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    recipients: Mapped[list] = mapped_column(sa.JSON)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
