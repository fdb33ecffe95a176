"""Accounts and sessions: lock-out, rate limits, sessions that really end, timeouts, password rules, password
change and reset, PMO deactivation, and the security headers every response carries."""
import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa

from app.auth.passwords import password_problem
from app.demo.people import DEMO_PASSWORD
from app.extensions import db, limiter
from app.models import AuditEvent, OutboxMessage, User
from app.models.types import utcnow
from tests.conftest import csrf_token, sign_in
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL

GOOD_PASSWORD = "correct horse battery staple"


def user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def token_of(client):
    return csrf_token(client.get("/").get_data(as_text=True))


def test_password_rules_follow_the_ncsc_guidance():
    assert password_problem("short") == "Password must be at least 12 characters"
    assert "too common" in password_problem("password1234")
    assert "too common" in password_problem("qwertyuiop12")
    assert "too common" in password_problem("aaaaaaaaaaaa")
    assert "your name" in password_problem("louisasimpson", "Louisa Simpson", LOUISA_SIMPSON)
    assert "your name" in password_problem("Louisa.Simpson2023!", "Louisa Simpson", LOUISA_SIMPSON)
    assert "harder to guess" in password_problem("zxcvbnm,./asdf")
    assert password_problem(GOOD_PASSWORD, "Louisa Simpson", LOUISA_SIMPSON) is None


def test_five_wrong_passwords_lock_the_account_for_a_while_and_the_audit_trail_says_so(app, client):
    for _ in range(5):
        assert sign_in(client, LOUISA_SIMPSON, "not her password").status_code == 400
    locked = user(app, LOUISA_SIMPSON)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    response = sign_in(client, LOUISA_SIMPSON)
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "lock_account", AuditEvent.object_id == locked.id)) == 1
        db.session.get(User, locked.id).locked_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert sign_in(client, LOUISA_SIMPSON).status_code == 302


def test_a_copied_session_cookie_stops_working_after_sign_out(app, signed_in):
    first = signed_in(LOUISA_SIMPSON)
    cookie = first.get_cookie("session").value
    second = app.test_client()
    second.set_cookie("session", cookie)
    assert second.get("/").status_code == 200
    first.post("/sign-out", data={"csrf_token": token_of(first)})
    assert second.get("/").status_code == 302


def test_an_idle_session_ends(app, signed_in):
    client = signed_in(LOUISA_SIMPSON)
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 31 * 60
    response = client.get("/periods")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 302


def test_a_session_ends_after_twelve_hours_however_active(app, signed_in):
    client = signed_in(LOUISA_SIMPSON)
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 12 * 3600 - 1
    assert client.get("/").status_code == 302


def test_sign_in_is_rate_limited_per_account(app, client):
    app.config["RATELIMIT_EXEMPT_ALL"] = False
    limiter.reset()
    try:
        answers = [sign_in(client, "nobody.here@example.org", "wrong password").status_code for _ in range(11)]
    finally:
        app.config["RATELIMIT_EXEMPT_ALL"] = True
    assert answers[:10] == [400] * 10
    assert answers[10] == 429


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, signed_in):
    here, elsewhere = signed_in(LOUISA_SIMPSON), signed_in(LOUISA_SIMPSON)
    wrong = here.post("/account", data={"csrf_token": token_of(here), "current_password": "nope nope nope",
                                        "new_password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD})
    assert wrong.status_code == 422 and "Your current password is not right" in wrong.get_data(as_text=True)
    common = here.post("/account", data={"csrf_token": token_of(here), "current_password": DEMO_PASSWORD,
                                         "new_password": "password1234", "confirm_password": "password1234"})
    assert common.status_code == 422 and "too common" in common.get_data(as_text=True)
    done = here.post("/account", data={"csrf_token": token_of(here), "current_password": DEMO_PASSWORD,
                                       "new_password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD})
    assert done.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert sign_in(app.test_client(), LOUISA_SIMPSON, GOOD_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id.desc()).limit(1)) == (
            "Your Waymark password has been changed")


def test_a_reset_link_works_once_and_the_page_never_says_whether_an_account_exists(app, client):
    def ask(email):
        page = client.get("/password/forgot")
        return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(page.get_data(as_text=True))})

    def what_the_page_says(response, email):
        """The answer as the person sees it: status, title and main content, the address they typed set aside.
        (The rest of the page carries a CSRF token and a nonce, which differ from one response to the next.)"""
        html = response.get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        main = re.search(r"<main\b.*?</main>", html, re.S).group(0)
        assert email in main
        return response.status_code, title, main.replace(email, "ADDRESS")

    unknown, known = ask("nobody.here@example.org"), ask(LOUISA_SIMPSON)
    assert "Check your email" in known.get_data(as_text=True)
    assert what_the_page_says(unknown, "nobody.here@example.org") == what_the_page_says(known, LOUISA_SIMPSON)
    with app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.reason == "password_reset"))
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    form = client.get(link)
    assert form.status_code == 200
    token = csrf_token(form.get_data(as_text=True))
    short = client.post(link, data={"csrf_token": token, "new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422
    done = client.post(link, data={"csrf_token": token, "new_password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD})
    assert done.status_code == 302
    assert client.get(link).status_code == 404
    assert sign_in(app.test_client(), LOUISA_SIMPSON, GOOD_PASSWORD).status_code == 302
    assert client.get("/password/reset/not-a-real-token").status_code == 404


def test_an_expired_reset_link_is_refused(app, client):
    from app.models import PasswordResetToken

    page = client.get("/password/forgot")
    client.post(
        "/password/forgot", data={"email": LOUISA_SIMPSON, "csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    with app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.reason == "password_reset"))
        reset = db.session.scalars(sa.select(PasswordResetToken)).one()
        reset.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    assert client.get(link).status_code == 404


def test_only_the_pmo_manages_access_and_deactivation_ends_sessions_at_once(app, signed_in, ids):
    target = user(app, LOUISA_SIMPSON)
    victim = signed_in(LOUISA_SIMPSON)
    people = f"/programmes/{ids.programme}/people"
    assert signed_in(NICK_BELL).get(people).status_code == 403
    pmo = signed_in(HEIDI_ROBINSON)
    assert LOUISA_SIMPSON in pmo.get(people).get_data(as_text=True)
    person = f"{people}/{target.id}"
    assert pmo.post(f"{person}/deactivate", data={"csrf_token": token_of(pmo)}).status_code == 302
    assert victim.get("/").status_code == 302
    assert sign_in(app.test_client(), LOUISA_SIMPSON).status_code == 400
    pmo_id = user(app, HEIDI_ROBINSON).id
    assert pmo.post(f"{people}/{pmo_id}/deactivate", data={"csrf_token": token_of(pmo)}).status_code == 409
    assert pmo.post(f"{person}/reactivate", data={"csrf_token": token_of(pmo)}).status_code == 302
    assert sign_in(app.test_client(), LOUISA_SIMPSON).status_code == 302


@pytest.mark.parametrize("path", ["/sign-in", "/"])
def test_every_response_carries_the_security_headers(app, signed_in, path):
    response = (signed_in(LOUISA_SIMPSON) if path == "/" else app.test_client()).get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "style-src 'self'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_production_adds_hsts_and_secure_cookies(tmp_path):
    from app import create_app
    from app.config import ProductionConfig

    app = create_app(ProductionConfig, SECRET_KEY="k" * 48, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite")
    response = app.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
