"""Email: queued in the outbox with the change, sent by SMTP when configured, kept when sending fails."""
import sqlalchemy as sa

from app.extensions import db, mail
from app.models import OutboxMessage, User
from app.notifications import deliver_pending, queue
from tests.personas import JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL


def people(*emails):
    return list(db.session.scalars(sa.select(User).where(User.email.in_(emails))))


def test_queue_writes_one_message_to_the_active_recipients_only(app):
    with app.app_context():
        inactive = people(JODIE_TOWNSEND)[0]
        inactive.active = False
        message = queue("submit", people(NICK_BELL, JODIE_TOWNSEND) * 2, "Subject", "Body")
        db.session.commit()
        assert message.recipients == [NICK_BELL]
        assert queue("submit", [inactive], "Subject", "Body") is None


def test_without_mail_server_messages_stay_in_the_outbox(app):
    with app.app_context():
        queue("submit", people(NICK_BELL), "Subject", "Body")
        db.session.commit()
        assert deliver_pending() == 0
        assert db.session.scalars(sa.select(OutboxMessage)).one().sent_at is None


def test_with_mail_server_messages_are_sent_and_failures_stay_queued(app, monkeypatch):
    sent = []
    app.config["MAIL_SERVER"] = "smtp.invalid"
    try:
        with app.app_context():
            queue("submit", people(NICK_BELL), "First", "Body")
            queue("approve", people(LOUISA_SIMPSON), "Second", "Body")
            db.session.commit()

            def fake_send(message):
                if message.subject == "Second":
                    raise ConnectionRefusedError("SMTP server down")
                sent.append((message.subject, message.recipients))

            monkeypatch.setattr(mail, "send", fake_send)
            assert deliver_pending() == 1
            first, second = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
            assert sent == [("First", [NICK_BELL])]
            assert first.sent_at is not None and second.sent_at is None
            assert "SMTP server down" in second.last_error
    finally:
        app.config["MAIL_SERVER"] = None
