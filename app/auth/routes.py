"""Signing in and out, session limits, and the person's own password (changed, or reset by emailed link)."""
import functools
import logging
import secrets
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_url, login_user, logout_user
from limits import parse_many
from limits.storage import MemoryStorage
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from app.auth import bp, kept_requests
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm, SignInForm
from app.auth.passwords import password_problem
from app.auth.services import (
    attempt_sign_in,
    change_password,
    end_sessions,
    find_password_link,
    reset_password as reset_password_with,
    send_reset_link,
    usable_reset_token,
)
from app.extensions import db, htmx, limiter, login_manager
from app.models import User
from app.models.users import normalise_email

SIGN_IN_FAILED = "Enter a correct email address and password"
SESSION_SECONDS_LEFT_HEADER = "Waymark-Session-Seconds-Left"

log = logging.getLogger("waymark.auth")

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
    """End a session idle for too long, or open for too long whatever happens. A form post that arrives
    just after the end is kept, to be applied once the same person signs in again."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    if session_seconds_left(now) < 0:
        kept_id = kept_requests.keep(current_user._get_current_object())
        logout_user()
        session.clear()
        if kept_id is not None:
            session[kept_requests.SESSION_KEY] = kept_id
            flash("You were signed out because your session ended. What you sent has been kept: sign in again "
                  "and it will be saved.", "info")
        else:
            flash("You were signed out because your session ended. Sign in again to continue.", "info")
        return _to_sign_in(_page_to_return_to())
    # Written at most once a minute, so the cookie is not rewritten on every request.
    if now - session.get("seen_at", 0) > 60:
        session["seen_at"] = now
    return None


def session_seconds_left(now: float) -> float:
    """How long this session has before it ends: idle time left, or time left in its whole life if less."""
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    return min(idle - (now - session.get("seen_at", now)), absolute - (now - session.get("signed_in_at", now)))


@bp.app_template_global("session_seconds_left")
def whole_seconds_left() -> int:
    return max(0, int(session_seconds_left(time.time())))


@bp.after_app_request
def tell_the_page_when_the_session_ends(response):
    """Pages warn before the session ends (static/js/session-timeout.mjs); htmx answers keep them up to date."""
    if current_user.is_authenticated and "seen_at" in session:
        response.headers[SESSION_SECONDS_LEFT_HEADER] = str(whole_seconds_left())
    return response


@login_manager.unauthorized_handler
def ask_to_sign_in():
    flash(login_manager.login_message, login_manager.login_message_category)
    return _to_sign_in(_page_to_return_to())


def _page_to_return_to() -> str | None:
    """The page asked for; for a post, its address if that is also a page (the editor's save, say)."""
    if request.method == "GET":
        return request.full_path
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:
        return None
    return request.path


def _to_sign_in(next_path: str | None):
    """To the sign-in page, coming back to `next_path` after. An htmx request moves the whole page there
    (with the page it came from as next), rather than placing a sign-in page inside a fragment."""
    if htmx:
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        page = current.path + (f"?{current.query}" if current.query else "") if current.netloc == request.host else None
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url("auth.sign_in", page)
        return response
    return redirect(login_url("auth.sign_in", next_path))


@bp.post("/session/extend")
@login_required
def extend_session():
    """'Stay signed in', and typing in a form: the session's idle time starts again."""
    session["seen_at"] = time.time()
    return "", 204


def over_limit(*checks: tuple[str, str]) -> bool:
    """Count this attempt against each (limit, key), e.g. ("10 per minute", "account:x@example.org"); True
    when any is exhausted. Counters live in the limiter's storage: Redis when configured, so every app
    server counts together. While Redis cannot be reached each app server counts on its own (in memory)
    rather than failing the request or letting every attempt through."""
    if current_app.config.get("RATELIMIT_EXEMPT_ALL"):
        return False
    shared = limiter.limiter
    try:
        return _count_attempt(shared, checks)
    except shared.storage.base_exceptions as error:
        log.warning("sign-in counters unavailable; counting in this process", extra={"error": type(error).__name__})
        return _count_attempt(_counters_in_this_process(type(shared)), checks)


def _count_attempt(counters, checks) -> bool:
    exceeded = False
    for limits, key in checks:
        for limit in parse_many(limits):
            if not counters.hit(limit, request.endpoint or "", key):
                exceeded = True
    return exceeded


@functools.cache
def _counters_in_this_process(strategy):
    return strategy(MemoryStorage())


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
            kept_id = session.get(kept_requests.SESSION_KEY)
            session.clear()
            login_user(user)
            session["signed_in_at"] = session["seen_at"] = time.time()
            if kept_id is not None and (answer := kept_requests.replay(kept_id, user)) is not None:
                return answer
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
        found = find_password_link(token)
        return render_template("account/reset_expired.html", invitation=found is not None and found.is_invitation), 404
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
    return (
        render_template("account/reset.html", form=form, token=token, invitation=reset.is_invitation, person=reset.user),
        200 if not form.errors else 422,
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, not protocol-relative, no backslash tricks."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            if "\\" not in target:
                return target
    return url_for("main.my_work")
