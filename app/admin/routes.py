"""The service's own pages: the email outbox. (A programme's people are its PMO's, in app/people.)"""
import sqlalchemy as sa
from flask import render_template
from flask_login import current_user, login_required

from app.admin import bp
from app.extensions import db
from app.models import OutboxMessage
from app.notifications import smtp_configured
from app.permissions import administered_programme_ids, can, require

OUTBOX_LIMIT = 200
# Messages that carry a single-use link to set a password: once sent, the link is the recipient's alone,
# so the outbox no longer shows it.
PASSWORD_LINK_REASONS = frozenset({"password_reset", "invitation"})


@bp.get("/outbox")
@login_required
def outbox():
    """The latest messages the person may read (permissions "view_message"): the email of the programmes they
    are PMO of, and the account emails that belong to no programme for whoever may create programmes. An
    install holds several programmes, and one programme's email (its drafts' subjects, its people's names,
    the links it sends) is not another's PMO's to read."""
    require("administer_service")
    readable = OutboxMessage.programme_id.in_(administered_programme_ids(current_user))
    if current_user.may_create_programmes:
        readable = readable | OutboxMessage.programme_id.is_(None)
    messages = [
        message
        for message in db.session.scalars(
            sa.select(OutboxMessage).where(readable).order_by(OutboxMessage.id.desc()).limit(OUTBOX_LIMIT)
        )
        if can(current_user, "view_message", message)
    ]
    return render_template(
        "admin/outbox.html", messages=messages, smtp=smtp_configured(), link_reasons=PASSWORD_LINK_REASONS
    )
