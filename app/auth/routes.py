"""Signing in and out."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from app.auth import bp
from app.auth.forms import SignInForm
from app.extensions import db, login_manager
from app.models import User
from app.models.users import check_sign_in

SIGN_IN_FAILED = "Enter a correct email address and password"

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id), options=[selectinload(User.role_assignments)])
    return user if user is not None and user.active else None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.my_work"))
    form = SignInForm()
    if form.validate_on_submit():
        user = check_sign_in(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form), 200 if not form.errors else 400


@bp.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, not protocol-relative, no backslash tricks."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            if "\\" not in target:
                return target
    return url_for("main.my_work")
