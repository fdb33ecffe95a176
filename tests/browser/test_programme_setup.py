"""The PMO sets a programme up in a real browser: creates it, keeps its settings, adds, edits, orders and retires
its workstreams. axe-core runs on every page visited, errors shown included."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import HEIDI_ROBINSON


def submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_the_pmo_creates_a_programme_and_adds_its_first_workstream(page):
    sign_in_as(page, HEIDI_ROBINSON)
    visit(page, "/programmes")
    page.get_by_role("button", name="Create a programme").click()
    assert_accessible(page)
    # Errors first: shown in the summary and beside each field.
    page.get_by_label("Months in each reporting period").fill("13")
    submit(page, "Create programme")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the programme's name")
    expect(summary).to_contain_text("The number of months must be between 1 and 12")
    page.get_by_label("Programme name").fill("Recovery Plan")
    page.get_by_label("Organisation").fill("Fenland District Council")
    page.get_by_label("Months in each reporting period").fill("3")
    submit(page, "Create programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Plan")
    expect(page.get_by_text("The programme has no workstreams yet")).to_be_visible()

    page.get_by_role("button", name="Add a workstream").click()
    assert_accessible(page)
    page.get_by_label("Code").fill("gv")
    submit(page, "Add workstream")
    expect(page.get_by_role("alert")).to_contain_text("Enter the workstream's name")
    page.get_by_label("Name", exact=True).fill("Governance")
    page.get_by_label("Outcomes").fill("Leadership:\nA new constitution\nMember training")
    page.get_by_role("group", name="Agreed completion date").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Agreed completion date").get_by_label("Month").fill("3")
    page.get_by_role("group", name="Agreed completion date").get_by_label("Year").fill("2025")
    submit(page, "Add workstream")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance")
    expect(page.get_by_text("It reports from the next period opened")).to_be_visible()
    expect(page.get_by_label("Code")).to_have_value("GV")

    page.get_by_role("link", name="Manage workstreams").first.click()
    assert_accessible(page)
    expect(page.get_by_role("rowheader", name=re.compile("^Governance"))).to_be_visible()


def test_the_pmo_keeps_the_settings_and_sees_each_error_beside_its_field(page, ids):
    sign_in_as(page, HEIDI_ROBINSON)
    page.get_by_role("link", name="Settings").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme settings")
    expect(page.get_by_text("A change applies to periods planned after it")).to_be_visible()
    page.get_by_label("Drafts are due, before the period ends").fill("40")
    page.get_by_label("Green", exact=True).fill("")
    submit(page, "Save settings")
    expect(page.get_by_role("alert")).to_contain_text("Drafts must be due between 0 and 27 days before the period ends")
    expect(page.get_by_role("alert")).to_contain_text("Enter what Green means")
    page.get_by_role("alert").get_by_role("link", name="Enter what Green means").click()
    expect(page.get_by_label("Green", exact=True)).to_be_focused()
    page.get_by_label("Drafts are due, before the period ends").fill("5")
    page.get_by_label("Green", exact=True).fill("Delivery to time, cost and quality appears highly likely.")
    submit(page, "Save settings")
    expect(page.get_by_text("Settings saved")).to_be_visible()


def test_the_pmo_orders_edits_and_retires_a_workstream(page, ids):
    sign_in_as(page, HEIDI_ROBINSON)
    visit(page, f"/programmes/{ids.programme}/workstreams/manage")
    page.get_by_role("button", name="Move up Procurement").click()
    page.wait_for_load_state()
    assert_accessible(page)
    first = page.get_by_role("table").get_by_role("rowheader").first
    expect(first).to_contain_text("Procurement")

    page.get_by_role("link", name=re.compile("^Governance and decision making")).click()
    assert_accessible(page)
    expect(page.get_by_text("The code cannot change")).to_be_visible()
    page.get_by_label("Code").fill("GVN")
    submit(page, "Save changes")
    expect(page.locator("#code-error")).to_contain_text("The code cannot change")

    page.get_by_role("link", name="Retire Governance and decision making").click()
    assert_accessible(page)
    page.get_by_role("radio", name="1 November 2023 – 31 December 2023").check()
    submit(page, "Retire workstream")
    expect(page.get_by_text("Governance and decision making retired from 1 November 2023 – 31 December 2023")).to_be_visible()
    expect(page.get_by_role("heading", name="Retired workstreams")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Governance and decision making \(GOV\)")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Re-activate Governance and decision making").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("It reports again from the next period opened")).to_be_visible()
