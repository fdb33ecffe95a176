"""The PMO's views of the service itself: the email outbox."""
import sqlalchemy as sa
from flask import render_template
from flask_login import login_required

from app.admin import bp
from app.extensions import db
from app.models import OutboxMessage
from app.notifications import smtp_configured
from app.permissions import require


@bp.get("/outbox")
@login_required
def outbox():
    require("administer")
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("admin/outbox.html", messages=messages, smtp=smtp_configured())
