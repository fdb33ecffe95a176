"""A programme's people in a real browser, with axe-core run on every page visited: the PMO invites someone,
gives and removes roles, names a workstream's team, deactivates and reactivates an account; the invited person
chooses a password from the link in their invitation and signs in to find their work."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import HEIDI_ROBINSON, THOMAS_FARMER

NEW_PASSWORD = "copper meadow lantern 2029"


def sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile("/sign-in$"))


def open_people(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()


def success(page, text):
    expect(page.get_by_role("alert", name="Success")).to_contain_text(text)
    assert_accessible(page)


def test_the_pmo_invites_someone_who_chooses_a_password_from_the_link_and_signs_in(page):
    sign_in_as(page, HEIDI_ROBINSON)
    open_people(page)
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    who_holds_what = page.get_by_role("table", name="Who holds what")
    expect(who_holds_what.get_by_role("row").filter(has_text="Louisa Simpson")).to_contain_text("Project manager, Procurement")

    page.get_by_role("link", name="Invite a person").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter their full name")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Dana Newcomer")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("radio", name="Project manager").check()
    page.get_by_role("checkbox", name="Governance and decision making (GOV)").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address in the correct format")
    assert_accessible(page)
    page.get_by_label("Email address").fill("dana.newcomer@example.org")
    page.get_by_role("button", name="Send invitation").click()
    success(page, "Invitation sent to Dana Newcomer (dana.newcomer@example.org)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Newcomer")
    expect(page.get_by_text("has not yet chosen a password")).to_be_visible()

    # Email is not configured here: the invitation waits in the outbox, where the PMO reads the link.
    page.get_by_role("link", name="Outbox").click()
    assert_accessible(page)
    invitation = page.locator(".govuk-summary-card").filter(has_text="You are invited to Waymark").first
    link = re.search(r"http://[^/\s]+(/password/reset/\S+)", invitation.inner_text()).group(1)
    sign_out(page)

    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(page.get_by_text("Welcome to Waymark, Dana Newcomer")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 12 characters")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(re.compile("/sign-in$"))
    assert_accessible(page)
    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")

    sign_in_as(page, "dana.newcomer@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("link", name=re.compile(r"Write the highlight report\s+for Governance"))).to_be_visible()


def test_the_pmo_gives_and_removes_roles_names_a_team_and_deactivates_an_account(page):
    sign_in_as(page, HEIDI_ROBINSON)
    open_people(page)
    page.get_by_role("link", name="Thomas Farmer").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thomas Farmer")

    page.get_by_label("Role", exact=True).select_option(label="Sponsor")
    page.get_by_role("button", name="Give role").click()
    expect(page.get_by_role("alert")).to_contain_text("Sponsor is a workstream role: choose the workstream")
    assert_accessible(page)
    page.get_by_label("Role", exact=True).select_option(label="Viewer")
    page.get_by_role("button", name="Give role").click()
    success(page, "Thomas Farmer is now Viewer in Improvement Plan")
    page.get_by_role("button", name="Remove Viewer").click()
    success(page, "Thomas Farmer is no longer Viewer in Improvement Plan")

    page.get_by_role("button", name="Deactivate account").click()
    success(page, "Thomas Farmer can no longer sign in")
    expect(page.get_by_text("Deactivated: cannot sign in")).to_be_visible()
    page.get_by_role("button", name="Reactivate account").click()
    success(page, "Thomas Farmer can sign in again")

    # Her own page: no role for herself, no deactivating herself, and her PMO role stays while she is the last.
    open_people(page)
    page.get_by_role("link", name="Heidi Robinson").click()
    assert_accessible(page)
    expect(page.get_by_text("You cannot give yourself a role: another PMO officer can.")).to_be_visible()
    expect(page.get_by_text("You cannot deactivate your own account")).to_be_visible()
    expect(page.get_by_text("Heidi Robinson is the last PMO of Improvement Plan")).to_be_visible()

    open_people(page)
    page.get_by_role("link", name="Change the team of Governance and decision making").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("The workstream's people")
    page.get_by_role("button", name="Add to the workstream").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a person")
    assert_accessible(page)
    page.get_by_label("Person").select_option(label=f"Thomas Farmer ({THOMAS_FARMER})")
    page.get_by_role("radio", name="PMO support").check()
    page.get_by_role("button", name="Add to the workstream").click()
    success(page, "Thomas Farmer is now PMO support for Governance and decision making")
    expect(page.get_by_role("table", name="PMO support")).to_contain_text("Thomas Farmer")
    page.get_by_role("button", name="Remove Thomas Farmer as PMO support").click()
    success(page, "Thomas Farmer is no longer PMO support for Governance and decision making")
    expect(page.get_by_role("table", name="PMO support")).not_to_contain_text("Thomas Farmer")
