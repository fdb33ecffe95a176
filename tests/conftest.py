"""Fixtures: a migrated demo database copied afresh for every test, the app, the demo's ids and signed-in
clients; and the helpers the test modules share to send requests, read answers and arrange rows."""
from __future__ import annotations

import contextlib
import dataclasses
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.config import TestConfig
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import RAG, MilestoneStatus, Programme, User
from app.reports.rendering import forget_bodies
from tests.databases import make_test_databases
from tests.demo_ids import demo_ids, second_programme_ids

# The editor tests' helpers assert too: pytest explains their failures as it does the tests' own.
pytest.register_assert_rewrite("tests.editing")


def build_app(database_url: str):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = make_test_databases(tmp_path_factory.mktemp("db"))
    dbs.create_template()
    template_app = build_app(dbs.template_url)
    with template_app.app_context():
        upgrade()
        from app.demo.loader import load_demo

        load_demo()
        db.engine.dispose()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def session_app(databases):
    databases.reset()
    application = build_app(databases.url)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def app(session_app, databases):
    """The app over a fresh copy of the demo database."""
    with session_app.app_context():
        db.engine.dispose()
    databases.reset()
    # Kept report bodies belong to the database they were rendered from.
    forget_bodies()
    return session_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ids(app):
    """The demo's periods, workstreams and updates by name (tests/demo_ids.py), in Improvement Plan."""
    return demo_ids(app)


@pytest.fixture
def second_ids(app):
    """The same for the demo's second programme, Initial Improvement Plan."""
    return second_programme_ids(app)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )


@pytest.fixture
def signed_in(app):
    """A new test client signed in as the demo person with this email."""

    def sign_in_as(email: str):
        client = app.test_client()
        response = sign_in(client, email)
        assert response.status_code == 302, f"could not sign in as {email}"
        return client

    return sign_in_as


@dataclasses.dataclass
class Browser:
    """A test client, its CSRF token and its session cookie as it was just after signing in."""

    client: object
    token: str
    cookie: str | None


def open_browser(app, email: str | None, password: str) -> Browser:
    """A new test client signed in with the email and password, or signed out for no email, as a Browser."""
    client = app.test_client()
    if email is None:
        token = csrf_token(text(client.get("/sign-in")))
    else:
        response = sign_in(client, email, password)
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path != "/sign-in", (
            f"could not sign in as {email}"
        )
        token = csrf_token(text(client.get("/")))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return Browser(client, token, cookie.value if cookie else None)


@pytest.fixture
def person(signed_in):
    """A signed-in client that knows its CSRF token (from the page's <meta name="csrf-token">), as `token`."""

    def sign_in_as(email: str):
        client = signed_in(email)
        client.token = csrf_token(text(client.get("/")))
        return client

    return sign_in_as


def text(response) -> str:
    return response.get_data(as_text=True)


def htmx_headers(client) -> dict:
    return {"HX-Request": "true", "X-CSRFToken": client.token}


def post(client, path, data=None, htmx=False, **fields):
    """POST as the page's forms do, from a `person` client: the csrf_token field, and with htmx also its header."""
    data = {"csrf_token": client.token, **(data or {}), **fields}
    return client.post(path, data=data, headers=htmx_headers(client) if htmx else {})


def error_beside(html: str, field_id: str) -> str:
    """The error message shown beside the field (GOV.UK's <p id="FIELD-error">), or '' when there is none."""
    match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    if not match:
        return ""
    message = re.sub(r'<span class="govuk-visually-hidden">Error:</span>', "", match.group(1))
    return re.sub(r"\s+", " ", message).strip()


def complete_for_submission(update, proposed_rag=RAG.GREEN, **texts) -> None:
    """Give the update what submitting it needs: its `texts` (key_activities, engagement, concerns, rag_rationale
    and any more), a proposed rating, and every milestone of this period complete."""
    for name, value in texts.items():
        setattr(update, name, value)
    update.proposed_rag = proposed_rag
    for milestone in update.milestones_this_period:
        milestone.status = MilestoneStatus.COMPLETE


def demo_programme() -> Programme:
    """The demo's Improvement Plan (the demo loads a second, smaller programme beside it)."""
    from app.demo.content import PROGRAMME

    return db.session.scalar(sa.select(Programme).where(Programme.name == PROGRAMME["name"]))


def user_by_email(email: str) -> User:
    """The user with this email, read in the app context the caller is in."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


@contextlib.contextmanager
def rolled_back(app):
    """A request context whose database work, commits included, is rolled back at the end.

    The session joins an outer transaction on one connection and turns its commits into savepoints,
    so a test can run many cases against the same data quickly.
    """
    with app.test_request_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own would pick the engine, not this connection.
        db.session = sa.orm.scoped_session(
            sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
