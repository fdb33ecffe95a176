"""The end of a session in a real browser, with a two-minute idle limit: the timeout warning and 'Stay
signed in', typing as activity, a draft saved over a sign-in, and htmx moving the whole page to sign-in.

The page's clock is Playwright's and the server's is moved by hand, so no test waits for real time."""
from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.auth import routes as auth_routes
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import WorkstreamUpdate
from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import LOUISA_SIMPSON

IDLE_SECONDS = 120
# The warning shows for the last half of a short idle limit (and the last two minutes of a long one).
WARNING_SECONDS = 60


class ServerClock:
    """Stands in for the `time` module in app.auth.routes: real time plus however far a test has moved it."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def editor(app, ids, page, monkeypatch):
    """The project manager in the Procurement draft's editor, with both clocks under the test's control."""
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", IDLE_SECONDS // 60)
    server_clock = ServerClock()
    monkeypatch.setattr(auth_routes, "time", server_clock)
    page.clock.install()
    update_id = ids.update("PRC", "nov_dec")
    sign_in_as(page, LOUISA_SIMPSON)
    visit(page, f"/updates/{update_id}/edit")
    # Both clocks also move on by themselves, by the few seconds the test takes: each step below leaves
    # at least ten seconds' margin.

    def let_time_pass(seconds: int) -> None:
        server_clock.offset += seconds
        page.clock.run_for(seconds * 1000)

    return update_id, let_time_pass


def warning(page):
    return page.get_by_role("dialog", name="You’re about to be signed out")


def key_activities(app, update_id) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(WorkstreamUpdate.key_activities).where(WorkstreamUpdate.id == update_id))


def test_the_warning_comes_before_the_end_and_staying_signed_in_starts_the_idle_time_again(page, editor):
    _, let_time_pass = editor
    let_time_pass(IDLE_SECONDS - WARNING_SECONDS - 10)
    expect(warning(page)).to_be_hidden()

    let_time_pass(20)
    expect(warning(page)).to_be_visible()
    expect(warning(page)).to_contain_text(re.compile(r"For your security, we will sign you out in \d\d seconds\."))
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)

    with page.expect_response(lambda response: response.url.endswith("/session/extend")) as extended:
        page.get_by_role("button", name="Stay signed in").click()
    assert extended.value.status == 204
    expect(warning(page)).to_be_hidden()

    # The server agrees: well past the first limit, the session goes on.
    let_time_pass(IDLE_SECONDS - WARNING_SECONDS - 10)
    expect(warning(page)).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Draft saved")


def test_escape_in_the_warning_means_stay_signed_in(page, editor):
    _, let_time_pass = editor
    let_time_pass(IDLE_SECONDS - WARNING_SECONDS + 10)
    expect(warning(page)).to_be_visible()
    with page.expect_response(lambda response: response.url.endswith("/session/extend")):
        page.keyboard.press("Escape")
    expect(warning(page)).to_be_hidden()


def test_typing_in_the_editor_counts_as_activity(page, editor):
    _, let_time_pass = editor
    let_time_pass(35)
    with page.expect_response(lambda response: response.url.endswith("/session/extend")) as extended:
        page.get_by_label("Key activities").press_sequentially("Typing")
    assert extended.value.status == 204
    # Without the typing, 35 + 45 seconds would leave 40: inside the warning.
    let_time_pass(45)
    expect(warning(page)).to_be_hidden()


def test_a_draft_typed_past_the_end_is_saved_after_signing_in_again(app, page, editor):
    update_id, let_time_pass = editor
    page.get_by_label("Key activities").fill("Written while the session ran out")
    let_time_pass(IDLE_SECONDS + 10)

    signed_out = page.get_by_role("dialog", name="You have been signed out")
    expect(signed_out).to_be_visible()
    expect(signed_out).to_contain_text("What you have typed is still on this page.")
    assert_accessible(page)
    signed_out.get_by_role("button", name="Go back to the draft").click()
    expect(signed_out).to_be_hidden()
    expect(page.get_by_label("Key activities")).to_have_value("Written while the session ran out")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Sign in to Waymark")).to_be_visible()
    expect(page.get_by_text("What you sent has been kept: sign in again and it will be saved.")).to_be_visible()
    assert key_activities(app, update_id) != "Written while the session ran out"
    assert_accessible(page)

    page.get_by_label("Email address").fill(LOUISA_SIMPSON)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Draft saved")
    assert page.url.endswith(f"/updates/{update_id}")
    expect(page.locator("main")).to_contain_text("Written while the session ran out")
    assert key_activities(app, update_id) == "Written while the session ran out"
    assert_accessible(page)


def test_an_htmx_action_after_the_end_moves_the_whole_page_to_sign_in(page, editor, monkeypatch):
    update_id, _ = editor
    # Only the server's clock moves: the page has not yet noticed the end.
    auth_routes.time.offset += IDLE_SECONDS + 10
    page.get_by_label("Add a milestone for next period").fill("Launch the Procurement Hub")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_role("heading", name="Sign in to Waymark")).to_be_visible()
    assert page.url.endswith(f"/sign-in?next=%2Fupdates%2F{update_id}%2Fedit")
    assert page.locator("#next-milestones").count() == 0
    assert_accessible(page)
