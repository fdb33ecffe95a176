"""A database outage, on PostgreSQL: connections to the app's database refused and the open ones cut
(ALTER DATABASE ... ALLOW_CONNECTIONS false, pg_terminate_backend) while signed-in people and a load
balancer keep sending requests to the app served in a thread.

Every request gets an answer: the service-unavailable page (503, Retry-After) that needs no database, and
/healthz a 503 in JSON naming the database. Once connections are allowed again the next request is served
as usual, with no restart and the same sessions.
"""
from __future__ import annotations

import contextlib
import os
import threading
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from tests.conftest import build_app, csrf_token
from tests.demo_ids import demo_ids
from tests.editing import edit_form
from tests.http_browser import Browser
from tests.personas import LOUISA_SIMPSON, NICK_BELL

on_postgresql_only = pytest.mark.skipif(
    os.environ.get("WAYMARK_TEST_DATABASE") != "postgresql", reason="cuts PostgreSQL connections"
)


def test_healthz_says_ok_for_each_part_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_a_database_that_cannot_be_opened_gets_the_unavailable_page_and_healthz_says_so(tmp_path):
    """The same answers on any database: here an SQLite file in a folder that does not exist."""
    app = build_app(f"sqlite:///{tmp_path}/missing/waymark.sqlite")
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable (OperationalError)",
                                   "redis": "not configured"}
    # The sign-in page asks nothing of the database; signing in does.
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": LOUISA_SIMPSON, "password": "x", "csrf_token": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


@pytest.fixture
def outage_database(databases):
    """A database of this test's own, copied from the demo template, and a way to cut it off."""
    name = f"waymark_outage_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(databases.server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def run(statement: str, **parameters) -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(statement), parameters)

    run(f'CREATE DATABASE "{name}" TEMPLATE "{databases.template_name}"')

    def cut(off: bool) -> None:
        run(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if off else "true"}')
        if off:
            run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name", name=name)

    yield databases.server_url.set(database=name).render_as_string(hide_password=False), cut
    with contextlib.suppress(Exception):
        cut(False)
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@on_postgresql_only
def test_during_an_outage_every_request_is_answered_and_the_app_recovers_by_itself(outage_database):
    url, cut = outage_database
    app = build_app(url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ids = demo_ids(app)
        update_id = ids.update("GOV", "nov_dec")
        louisa = Browser.signed_in(server.server_port, LOUISA_SIMPSON)
        nick = Browser.signed_in(server.server_port, NICK_BELL)
        louisa.get(f"/updates/{update_id}/edit")
        form = edit_form(app, update_id, key_activities="Typed during the outage.")
        with app.app_context():
            db.engine.dispose()  # the form was read through the app's pool: let the outage meet fresh connections too
        signed_out = Browser(server.server_port)
        balancer = Browser(server.server_port)

        cut(True)
        requests = [
            (louisa, "GET", "/", None),
            (louisa, "GET", f"/updates/{update_id}", None),
            (louisa, "POST", f"/updates/{update_id}/edit", form),
            (nick, "GET", f"/periods/{ids.periods['nov_dec']}", None),
            (nick, "POST", f"/updates/{update_id}/approve", {"version": 1, "sponsor_comments": "Fine."}),
            (signed_out, "GET", "/sign-in", None),
            (signed_out, "POST", "/sign-in", {"email": LOUISA_SIMPSON, "password": DEMO_PASSWORD}),
        ] * 3
        for browser, method, path, fields in requests:
            status, page, headers = browser.exchange(method, path, fields)
            if path == "/sign-in" and method == "GET":
                # The sign-in page asks nothing of the database: it is served as usual.
                assert status == 200, (method, path, status)
                continue
            assert status == 503, (method, path, status)
            assert headers.get("Retry-After") == "30", (method, path)
            assert "Sorry, the service is unavailable" in page, (method, path)
        status, body, headers = balancer.exchange("GET", "/healthz")
        assert status == 503 and headers.get("Content-Type") == "application/json"
        assert '"status":"unavailable"' in body.replace(" ", "") and '"database":"unavailable' in body.replace(" ", "")

        cut(False)
        # The next requests are served as usual: no restart, the same sessions.
        assert balancer.exchange("GET", "/healthz")[0] == 200
        assert louisa.exchange("GET", f"/updates/{update_id}")[0] == 200
        status, _page, _headers = louisa.exchange("POST", f"/updates/{update_id}/edit", form)
        assert status == 302
        with app.app_context():
            from app.models import WorkstreamUpdate

            assert db.session.get(WorkstreamUpdate, update_id).key_activities == "Typed during the outage."
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
NOTHING_LISTENS = "redis://127.0.0.1:1/15"


@pytest.fixture
def app_with_redis(app, databases):
    """An app over a fresh demo database whose sign-in counters live at the given Redis address, limits
    enforced. The limiter is one object for every app this process builds, so afterwards it is pointed back
    at memory."""
    from app import create_app
    from app.config import TestConfig

    built = []

    def build(redis_url: str):
        application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=databases.url, REDIS_URL=redis_url,
                                 RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_EXEMPT_ALL=False)
        built.append(application)
        return application

    yield build
    for application in [*built, build_app(databases.url)]:
        with application.app_context():
            db.engine.dispose()


def wrong_sign_ins(client, count: int) -> list[int]:
    from tests.conftest import sign_in

    return [sign_in(client, "nobody.here@example.org", "wrong password").status_code for _ in range(count)]


def test_sign_in_attempts_are_counted_in_redis(app_with_redis):
    import redis

    store = redis.Redis.from_url(REDIS_TEST_URL)
    store.flushdb()
    try:
        app = app_with_redis(REDIS_TEST_URL)
        client = app.test_client()
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert wrong_sign_ins(client, 11) == [400] * 10 + [429]
        assert any(b"account:nobody.here@example.org" in key for key in store.keys())
    finally:
        store.flushdb()
        store.close()


def test_while_redis_is_down_sign_ins_are_counted_by_each_server_and_healthz_says_degraded(app_with_redis):
    app = app_with_redis(NOTHING_LISTENS)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable (ConnectionError)"}
    assert wrong_sign_ins(client, 11) == [400] * 10 + [429]
    from tests.conftest import sign_in

    # Someone else, from the same address, still signs in.
    assert sign_in(app.test_client(), LOUISA_SIMPSON).status_code == 302
