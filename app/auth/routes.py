"""Signing in and out, session limits, and the person's own password (changed, or reset by emailed link)."""
import secrets
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from limits import parse_many
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from app.auth import bp
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm, SignInForm
from app.auth.passwords import password_problem
from app.auth.services import (
    attempt_sign_in,
    change_password,
    end_sessions,
    reset_password as reset_password_with,
    send_reset_link,
    usable_reset_token,
)
from app.extensions import db, limiter, login_manager
from app.models import User
from app.models.users import normalise_email

SIGN_IN_FAILED = "Enter a correct email address and password"

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str):
    """The person whose session this is, if the session has not been ended (sign-out, new password,
    deactivation all change the token it carries)."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id), options=[selectinload(User.role_assignments)])
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


@bp.before_app_request
def enforce_session_limits():
    """End a session idle for too long, or open for too long whatever happens."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if now - session.get("seen_at", now) > idle or now - session.get("signed_in_at", now) > absolute:
        logout_user()
        session.clear()
        flash("You were signed out because your session ended. Sign in again to continue.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None))
    # Written at most once a minute, so the cookie is not rewritten on every request.
    if now - session.get("seen_at", 0) > 60:
        session["seen_at"] = now
    return None


def over_limit(*checks: tuple[str, str]) -> bool:
    """Count this attempt against each (limit, key), e.g. ("10 per minute", "account:x@example.org"); True
    when any is exhausted. Counters live in the limiter's storage: Redis when configured, so every app
    server counts together."""
    if current_app.config.get("RATELIMIT_EXEMPT_ALL"):
        return False
    exceeded = False
    for limits, key in checks:
        for limit in parse_many(limits):
            if not limiter.limiter.hit(limit, request.endpoint or "", key):
                exceeded = True
    return exceeded


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.my_work"))
    form = SignInForm()
    # Per address, and per account whether or not it exists (no enumeration through the limits).
    if request.method == "POST" and over_limit(
        ("20 per minute; 200 per hour", "address:" + get_remote_address()),
        ("10 per minute; 50 per hour", "account:" + normalise_email(request.form.get("email", ""))),
    ):
        abort(429)
    if form.validate_on_submit():
        user = attempt_sign_in(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session["signed_in_at"] = session["seen_at"] = time.time()
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form), 200 if not form.errors else 400


@bp.post("/sign-out")
@login_required
def sign_out():
    end_sessions(current_user, "Signed out", actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Your current password is not right")
        elif problem := password_problem(form.new_password.data, current_user.name, current_user.email):
            form.new_password.errors.append(problem)
        else:
            person = current_user._get_current_object()
            change_password(person, form.new_password.data, actor=person, action="change_password")
            db.session.commit()
            # The password change ended every session, this one included: start a new one.
            login_user(person)
            session["signed_in_at"] = session["seen_at"] = time.time()
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    status = 200 if not form.errors else 422
    return render_template("account/show.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    if request.method == "POST" and over_limit(
        ("5 per minute; 20 per hour", "address:" + get_remote_address()),
        ("3 per hour", "account:" + normalise_email(request.form.get("email", ""))),
    ):
        abort(429)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_reset_link(form.email.data)
        return render_template("account/reset_sent.html", email=form.email.data)
    return render_template("account/forgot.html", form=form), 200 if not form.errors else 422


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if request.method == "POST" and over_limit(("10 per minute", "address:" + get_remote_address())):
        abort(429)
    reset = usable_reset_token(token)
    if reset is None:
        return render_template("account/reset_expired.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if problem := password_problem(form.new_password.data, reset.user.name, reset.user.email):
            form.new_password.errors.append(problem)
        else:
            reset_password_with(reset, form.new_password.data)
            logout_user()
            session.clear()
            flash("Your password has been set. Sign in with it.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("account/reset.html", form=form, token=token), 200 if not form.errors else 422


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, not protocol-relative, no backslash tricks."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            if "\\" not in target:
                return target
    return url_for("main.my_work")
