"""Signing in and out."""
import re

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import User
from tests.conftest import csrf_token, sign_in, user_by_email
from tests.personas import JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL


def test_sign_in_with_correct_details_goes_to_my_work(client):
    response = sign_in(client, LOUISA_SIMPSON)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "My work" in client.get("/").get_data(as_text=True)


def test_sign_in_email_is_case_insensitive(client):
    assert sign_in(client, "  Louisa.Simpson@Example.ORG ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    wrong_password = sign_in(client, LOUISA_SIMPSON, "not-her-password").get_data(as_text=True)
    unknown_email = sign_in(client, "nobody@example.org", DEMO_PASSWORD).get_data(as_text=True)
    message = "Enter a correct email address and password"
    assert message in wrong_password and message in unknown_email
    assert client.get("/").status_code == 302


def test_failed_sign_in_keeps_the_email_and_shows_an_error_summary(client):
    response = sign_in(client, LOUISA_SIMPSON, "not-her-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="govuk-error-summary' in html
    assert f'value="{LOUISA_SIMPSON}"' in html
    assert "<title>Error: Sign in" in html


def test_empty_fields_get_a_message_beside_each(client):
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    html = response.get_data(as_text=True)
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_deactivated_account_cannot_sign_in(app, client):
    with app.app_context():
        user = user_by_email(JODIE_TOWNSEND)
        user.active = False
        db.session.commit()
    response = sign_in(client, JODIE_TOWNSEND)
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_deactivation_ends_an_existing_session(app, signed_in):
    client = signed_in(JODIE_TOWNSEND)
    assert client.get("/").status_code == 200
    with app.app_context():
        user = user_by_email(JODIE_TOWNSEND)
        user.active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_in_follows_a_local_next_path(client):
    page = client.get("/sign-in?next=/periods")
    response = client.post(
        "/sign-in?next=/periods",
        data={
            "email": NICK_BELL,
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/periods"


def test_sign_in_ignores_a_next_address_on_another_site(client):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example"]:
        page = client.get("/sign-in")
        response = client.post(
            f"/sign-in?next={target}",
            data={
                "email": NICK_BELL,
                "password": DEMO_PASSWORD,
                "csrf_token": csrf_token(page.get_data(as_text=True)),
            },
        )
        assert response.headers["Location"] == "/", target
        client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})


def test_sign_in_without_csrf_token_is_refused_with_a_friendly_page(client):
    response = client.post("/sign-in", data={"email": NICK_BELL, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post_with_csrf(signed_in):
    client = signed_in(NICK_BELL)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_signed_in_person_visiting_sign_in_goes_to_my_work(signed_in):
    client = signed_in(NICK_BELL)
    assert client.get("/sign-in").headers["Location"] == "/"


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/periods/2")
    assert response.status_code == 302
    assert re.match(r"^/sign-in\?next=%2Fperiods%2F2$", response.headers["Location"])


def test_passwords_are_stored_with_a_strong_kdf(app):
    with app.app_context():
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"
        try:
            user = User(name="Test Person", email="test.person@example.org")
            user.set_password("a long enough passphrase")
        finally:
            app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
        assert user.password_hash.startswith("scrypt:")
        assert "a long enough passphrase" not in user.password_hash
        assert user.check_password("a long enough passphrase")
        assert not user.check_password("a long enough passphrasE")
