"""The draft editor in a real browser: inline lists with and without JavaScript, two people editing the
same draft, and completing and submitting a draft with the keyboard alone. axe runs on every page."""
import re

import pytest
from playwright.sync_api import expect

from app.demo.people import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON


@pytest.fixture
def procurement_editor(ids):
    return f"/updates/{ids.update('PRC', 'nov_dec')}/edit"


def test_lists_change_in_place_with_javascript(page, procurement_editor):
    sign_in_as(page, LOUISA_SIMPSON)
    visit(page, procurement_editor)
    page.evaluate("window.wmMarker = 'still the same page'")
    milestones = page.locator("#next-milestones")

    page.get_by_label("Add a milestone for next period").fill("Launch the Procurement Hub")
    page.get_by_role("button", name="Add milestone").click()
    expect(milestones).to_contain_text("PRC-M12")
    expect(milestones).to_contain_text("Launch the Procurement Hub")
    expect(page.get_by_label("Add a milestone for next period")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Add a milestone for next period").fill("Review the contracts register")
    page.get_by_role("button", name="Add milestone").click()
    expect(milestones).to_contain_text("PRC-M13")

    milestones.get_by_role("link", name="Edit PRC-M12").click()
    editing = milestones.get_by_label("Milestone", exact=True)
    expect(editing).to_be_focused()
    assert_accessible(page)
    editing.fill("Launch the Procurement Hub to all staff")
    milestones.get_by_role("button", name="Save PRC-M12").click()
    expect(milestones).to_contain_text("Launch the Procurement Hub to all staff")

    milestones.get_by_role("button", name="Move up PRC-M13").click()
    expect(milestones.locator("li.wm-row").nth(0)).to_contain_text("PRC-M13")
    expect(milestones.get_by_role("button", name="Move down PRC-M13")).to_be_focused()
    milestones.get_by_role("button", name="Remove PRC-M13").click()
    expect(milestones).not_to_contain_text("PRC-M13")
    assert_accessible(page)

    risks = page.locator("#risks")
    risks.get_by_role("link", name="Close PRC-R04").click()
    risks.get_by_role("button", name="Close PRC-R04").click()
    expect(risks).to_contain_text("Say why the risk is closed")
    assert_accessible(page)
    risks.get_by_label("Why the risk is closed").fill("The register is complete and maintained.")
    risks.get_by_role("button", name="Close PRC-R04").click()
    expect(risks.locator("li.wm-row", has_text="PRC-R04")).to_contain_text("Closed")
    page.get_by_label("Add a risk").fill("Hub adoption is slow")
    page.get_by_label("Its mitigation").fill("Training and a launch campaign")
    page.get_by_role("button", name="Add risk").click()
    expect(risks).to_contain_text("PRC-R06")
    assert_accessible(page)
    assert page.evaluate("window.wmMarker") == "still the same page"


def test_lists_work_without_javascript(browser, base_url, procurement_editor):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_as(page, LOUISA_SIMPSON)
        visit(page, procurement_editor)
        page.get_by_role("button", name="Add milestone").click()
        expect(page.get_by_role("alert")).to_contain_text("Enter the milestone")
        assert_accessible(page)
        page.get_by_label("Add a milestone for next period").fill("Launch the Procurement Hub")
        page.get_by_role("button", name="Add milestone").click()
        expect(page.get_by_role("alert", name="Success")).to_contain_text("PRC-M12 added")
        assert re.search(r"/edit#next-milestones$", page.url)
        assert_accessible(page)
        page.locator("#next-milestones").get_by_role("link", name="Edit PRC-M12").click()
        assert_accessible(page)
        page.get_by_label("Milestone", exact=True).fill("Launch the Procurement Hub to all staff")
        page.get_by_role("button", name="Save PRC-M12").click()
        expect(page.locator("#next-milestones")).to_contain_text("Launch the Procurement Hub to all staff")
        page.get_by_label("Add a milestone for next period").fill("Review the contracts register")
        page.get_by_role("button", name="Add milestone").click()
        page.locator("#next-milestones").get_by_role("button", name="Move up PRC-M13").click()
        expect(page.locator("#next-milestones li.wm-row").nth(0)).to_contain_text("PRC-M13")
        page.locator("#next-milestones").get_by_role("button", name="Remove PRC-M12").click()
        expect(page.locator("#next-milestones")).not_to_contain_text("PRC-M12")
        assert_accessible(page)
        page.locator("#risks").get_by_role("link", name="Close PRC-R05").click()
        assert_accessible(page)
        page.get_by_label("Why the risk is closed").fill("Training has been delivered.")
        page.get_by_role("button", name="Close PRC-R05").click()
        expect(page.locator("#risks li.wm-row", has_text="PRC-R05")).to_contain_text("Closed")
        # The reason for a change of rating is always shown without JavaScript.
        expect(page.get_by_label("Reason for the change of rating")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()


def test_two_people_editing_the_same_draft_lose_nothing(browser, base_url, procurement_editor):
    louisa_context = browser.new_context(base_url=base_url)
    heidi_context = browser.new_context(base_url=base_url)
    louisa, heidi = louisa_context.new_page(), heidi_context.new_page()
    try:
        sign_in_as(louisa, LOUISA_SIMPSON)
        sign_in_as(heidi, HEIDI_ROBINSON)
        visit(louisa, procurement_editor)
        visit(heidi, procurement_editor)

        louisa.get_by_label("Key activities").fill("Louisa: templates uploaded to the Hub.")
        louisa.get_by_label("Engagement").fill("Louisa: subgroup met fortnightly.")
        louisa.get_by_role("button", name="Save draft").click()
        expect(louisa.get_by_role("alert", name="Success")).to_contain_text("Draft saved")

        heidi.get_by_label("Key activities").fill("Heidi: GFA signed off by CMT.")
        heidi.get_by_label("Concerns and issues").fill("Heidi: none.")
        heidi.get_by_role("button", name="Save draft").click()
        expect(heidi.get_by_role("alert")).to_contain_text("Someone else saved this draft while you were editing")
        assert_accessible(heidi)
        conflict = heidi.locator("#resolve-key_activities")
        expect(conflict).to_contain_text("Louisa: templates uploaded to the Hub.")
        expect(heidi.get_by_label("Key activities")).to_have_value("Heidi: GFA signed off by CMT.")
        expect(heidi.get_by_label("Concerns and issues")).to_have_value("Heidi: none.")
        conflict.get_by_label("Mine (in the box below)").check()
        heidi.get_by_label("Key activities").fill("Heidi: GFA signed off by CMT. Louisa: templates uploaded to the Hub.")
        heidi.get_by_role("button", name="Save draft").click()
        expect(heidi.get_by_role("alert", name="Success")).to_contain_text("Draft saved")
        assert_accessible(heidi)

        section = heidi.locator("#update-section")
        expect(section).to_contain_text("Heidi: GFA signed off by CMT. Louisa: templates uploaded to the Hub.")
        expect(section).to_contain_text("Louisa: subgroup met fortnightly.")
        expect(section).to_contain_text("Heidi: none.")
    finally:
        louisa_context.close()
        heidi_context.close()


def tab_to(page, matches, limit=400):
    """Press Tab until the focused element satisfies `matches` (a JS predicate over the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => ({matches}))(document.activeElement)"):
            return
    raise AssertionError(f"never reached an element where {matches}")


def by_id(element_id):
    return f"el.id === {element_id!r}"


def by_text(text):
    return f"el.textContent.trim().replace(/\\s+/g, ' ') === {text!r}"


def test_a_draft_can_be_completed_and_submitted_with_the_keyboard_alone(page, app, ids):
    page.goto("/sign-in")
    tab_to(page, by_id("email"))
    page.keyboard.type(LOUISA_SIMPSON)
    tab_to(page, by_id("password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    tab_to(page, "el.textContent.includes('for Governance and decision making')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/updates/{ids.update('GOV', 'nov_dec')}$"))
    tab_to(page, by_text("Edit the draft"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit$"))
    assert_accessible(page)

    for field, text in [
        ("key_activities", "Training rolled out to the districts (GOV-M04)."),
        ("engagement", "The workstream group met fortnightly."),
        ("concerns", "None this period."),
    ]:
        tab_to(page, by_id(field))
        page.keyboard.type(text)
    tab_to(page, "el.name === 'proposed_rag'")
    # Arrow keys move within the radio group; Green is the first option.
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Green", exact=True)).to_be_checked()
    tab_to(page, by_id("rag_rationale"))
    page.keyboard.type("Every milestone due this period is complete.")
    milestones = page.locator("select[id$='-status']").count()
    for position in range(milestones):
        tab_to(page, by_id(f"milestones-{position}-status"))
        page.keyboard.type("Complete")
    tab_to(page, by_text("Save draft"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Draft saved")
    assert_accessible(page)

    tab_to(page, by_text("Submit to sponsor"))
    page.keyboard.press("Enter")
    expect(page.locator("#status-panel")).to_contain_text("Update submitted to the sponsor")
    assert_accessible(page)


def test_a_save_after_the_draft_was_submitted_elsewhere_shows_the_typed_text_to_copy(page, app, ids, procurement_editor):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import UpdateState, WorkstreamUpdate

    sign_in_as(page, LOUISA_SIMPSON)
    visit(page, procurement_editor)
    page.get_by_label("Key activities").fill("Written while someone else submitted the draft.")
    update_id = ids.update("PRC", "nov_dec")
    with app.app_context():  # submitted from another tab meanwhile
        db.session.execute(
            sa.update(WorkstreamUpdate).where(WorkstreamUpdate.id == update_id).values(state=UpdateState.SUBMITTED)
        )
        db.session.commit()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Your changes were not saved")).to_be_visible()
    expect(page.get_by_test_id("sent-text").first).to_contain_text("Written while someone else submitted the draft.")
    assert_accessible(page)
