"""The main journeys in a real browser, with axe-core run on every page visited."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import COMMITTEE_MEMBER, LOUISA_SIMPSON, RICHARD_CARR, STEVE_COX


def status_cells(page, workstream):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=workstream))
    cells = row.get_by_role("cell")
    return cells.nth(1).inner_text().strip(), cells.nth(2).inner_text().strip()


def test_cmt_member_reads_the_sep_oct_overview_with_the_seed_ratings(page):
    sign_in_as(page, STEVE_COX)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_role("link", name="Reporting periods").first.click()
    page.wait_for_url(re.compile(r"/periods$"))
    assert_accessible(page)
    page.get_by_role("link", name="1 September 2023 – 31 October 2023").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("1 September 2023 – 31 October 2023")
    expected = {
        "Governance and decision making": ("Green", "Green"),
        "Procurement": ("Green", "Green"),
        "Project plans and delivery": ("Green", "Green"),
        "Partnership working": ("Green/Amber", "Green/Amber"),
        "Confidence, culture and capacity": ("Green", "Green"),
    }
    for workstream, ratings in expected.items():
        assert status_cells(page, workstream) == ratings, workstream
    page.get_by_role("link", name="Partnership working").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership working")
    expect(page.get_by_text("Report completed and presented to IIB")).to_be_visible()


def test_project_manager_finds_their_open_drafts_in_my_work(page):
    sign_in_as(page, LOUISA_SIMPSON)
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table).to_contain_text("Governance and decision making")
    expect(table).to_contain_text("Procurement")
    table.get_by_role("link", name=re.compile(r"^Write the highlight report\s+for Procurement$")).click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Procurement")
    expect(page.get_by_text("Procurement training for all staff")).to_be_visible()
    visit(page, "/workstreams")
    page.get_by_role("link", name="Procurement").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Procurement")


def test_iib_member_reads_signed_off_reports_and_is_refused_drafts(page):
    sign_in_as(page, RICHARD_CARR)
    expect(page.get_by_role("link", name=re.compile("Read the signed-off programme report"))).to_have_count(2)
    visit(page, "/periods")
    expect(page.get_by_role("link", name="1 November 2023 – 31 December 2023")).to_have_count(0)
    page.get_by_role("link", name="1 September 2023 – 31 October 2023").click()
    assert_accessible(page)
    expect(page.locator("dd.wm-fingerprint")).to_have_text(re.compile(r"^\s*[0-9a-f]{64}\s*$"))


def test_wrong_password_shows_an_accessible_error_and_keeps_the_email(page):
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(LOUISA_SIMPSON)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value(LOUISA_SIMPSON)
    assert page.title().startswith("Error: ")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_keyboard_user_can_skip_to_the_content_and_sign_out(page):
    sign_in_as(page, COMMITTEE_MEMBER)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Sign out")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/sign-in$"))
    assert_accessible(page)
    expect(page.get_by_text("You have signed out")).to_be_visible()
