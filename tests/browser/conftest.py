"""Browser fixtures: the app served on a local port, Debian's Chromium driven by Playwright, and an
axe-core check that every page a test visits passes WCAG 2.2 AA rules."""
from __future__ import annotations

import functools
import json
import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from app.demo.people import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = functools.cache(lambda: AXE_SCRIPT.read_text(encoding="utf-8"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(session_app):
    server = make_server("127.0.0.1", 0, session_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def base_url(live_server, app):
    """The served app, over a fresh copy of the demo database (the `app` fixture resets it)."""
    return live_server


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A page that fails the test on any Content-Security-Policy violation in the pages it visits."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: violations.append(f"{page.url}: {message.text}")
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


class AccessibilityViolations(AssertionError):
    pass


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it stands and fail on any violation."""
    # After a click that navigates, wait for the new document (every page has a main landmark), not the
    # moment between two pages.
    page.wait_for_load_state("load")
    page.locator("main").first.wait_for(state="attached", timeout=10_000)
    # The page template's first script marks the body when JavaScript runs.
    if not page.evaluate("document.body.classList.contains('js-enabled')"):
        _assert_accessible_without_javascript(page)
        return
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
        # govern (a <script> tag would be refused, rightly).
        page.evaluate(AXE_SOURCE())
    _run_axe(page)


def _assert_accessible_without_javascript(page: Page) -> None:
    """axe needs JavaScript: check the page's HTML, scripts removed, in a page that runs it."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
    context = page.context.browser.new_context()
    try:
        copy = context.new_page()
        copy.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        copy.goto(page.url)
        copy.evaluate(AXE_SOURCE())
        _run_axe(copy, shown_as=page.url)
    finally:
        context.close()


def _run_axe(page: Page, shown_as: str | None = None) -> None:
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    if violations:
        raise AccessibilityViolations(f"{shown_as or page.url}: {json.dumps(violations, indent=2)}")


def visit(page: Page, path: str) -> None:
    """Open a page, check it loaded without a server error, and check its accessibility."""
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path} answered {response and response.status}"
    assert_accessible(page)


def sign_in_as(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert_accessible(page)
