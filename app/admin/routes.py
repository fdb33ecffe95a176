"""The PMO's views of the service itself: the people who can sign in, and the email outbox."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app import audit
from app.admin import bp
from app.auth.services import end_sessions
from app.extensions import db
from app.models import OutboxMessage, RoleAssignment, User
from app.notifications import smtp_configured
from app.permissions import require


@bp.get("/outbox")
@login_required
def outbox():
    require("administer_service")
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("admin/outbox.html", messages=messages, smtp=smtp_configured())


@bp.get("/admin/users")
@login_required
def users():
    require("administer_service")
    people = db.session.scalars(
        sa.select(User).options(selectinload(User.role_assignments).joinedload(RoleAssignment.workstream)).order_by(User.name)
    ).all()
    return render_template("admin/users.html", people=people)


@bp.post("/admin/users/<int:user_id>/<any(deactivate, reactivate):action>")
@login_required
def change_access(user_id: int, action: str):
    """Deactivating ends every session of the account at once; reactivating lets it sign in again."""
    require("administer_service")
    person = db.session.get(User, user_id) or abort(404)
    if person.id == current_user.id:
        abort(409, "You cannot deactivate your own account: ask another PMO officer.")
    person.active = action == "reactivate"
    end_sessions(person, f"Account {action}d", actor=current_user)
    audit.record(f"{action}_user", person, actor=current_user, comment=person.email)
    db.session.commit()
    flash(f"{person.name} {'can sign in again' if person.active else 'can no longer sign in'}", "success")
    return redirect(url_for("admin.users"))
