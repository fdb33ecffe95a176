"""The approval journey in a real browser: draft, submit, return, resubmit, approve with a revised
rating, overview, CMT sign-off, and then no way to edit. axe-core runs on every page visited."""
import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import RAG, UpdateState, WorkstreamUpdate
from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.conftest import complete_for_submission, user_by_email
from tests.personas import ANGELA_PROBERT, LOUISA_SIMPSON, NICK_BELL, PETER_TONKS, SPONSOR_OF, STEVE_COX


def sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile("/sign-in$"))


def fill_governance_draft(page, key_activities):
    page.get_by_role("link", name="Edit the draft").click()
    assert_accessible(page)
    page.get_by_label("Key activities").fill(key_activities)
    page.get_by_label("Engagement").fill("The workstream group met fortnightly.")
    page.get_by_label("Concerns and issues").fill("None this period.")
    page.get_by_role("radio", name="Green", exact=True).check()
    page.get_by_label("RAG rating rationale").fill("Milestones are on track.")
    statuses = page.get_by_label("Status", exact=True)
    for index in range(statuses.count()):
        statuses.nth(index).select_option("COMPLETE")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Draft saved")
    assert_accessible(page)


def approve_the_other_workstreams(app, ids):
    with app.app_context():
        for code in ("PRC", "PPD", "PTN", "CCC"):
            update = db.session.get(WorkstreamUpdate, ids.update(code, "nov_dec"))
            complete_for_submission(
                update, key_activities="Recorded.", engagement="Recorded.", concerns="Recorded.",
                rag_rationale="Recorded.",
            )
            update.sponsor_comments = "Agreed."
            update.agreed_rag = RAG.GREEN
            update.state = UpdateState.APPROVED
            update.approved_by = user_by_email(SPONSOR_OF[code])
        db.session.commit()


def test_an_update_goes_from_draft_to_a_locked_signed_off_report(page, app, ids):
    update_path = f"/updates/{ids.update('GOV', 'nov_dec')}"
    period_path = f"/periods/{ids.periods['nov_dec']}"

    # The project manager drafts and submits.
    sign_in_as(page, LOUISA_SIMPSON)
    page.get_by_role("link", name=re.compile(r"Write the highlight report\s+for Governance")).click()
    assert_accessible(page)
    fill_governance_draft(page, "Training rolled out to the districts.")
    page.get_by_role("button", name="Submit to sponsor").click()
    panel = page.locator("#status-panel")
    expect(panel).to_contain_text("Update submitted to the sponsor")
    expect(panel).to_contain_text("Submitted")
    assert_accessible(page)
    sign_out(page)

    # The sponsor returns it with reasons.
    sign_in_as(page, NICK_BELL)
    page.get_by_role("link", name=re.compile(r"Review the highlight report\s+for Governance")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Return to project manager").click()
    expect(page.locator("#status-panel")).to_contain_text("Enter the reasons for returning the update")
    assert_accessible(page)
    page.get_by_label("Reasons for returning the update").fill("Link each activity to its milestone.")
    page.get_by_role("button", name="Return to project manager").click()
    expect(page.locator("#status-panel")).to_contain_text("Update returned to the project manager")
    assert_accessible(page)
    sign_out(page)

    # The project manager sees why, revises and resubmits.
    sign_in_as(page, LOUISA_SIMPSON)
    page.get_by_role("link", name=re.compile(r"Revise the returned highlight report\s+for Governance")).click()
    expect(page.get_by_text("Returned: Link each activity to its milestone.")).to_be_visible()
    fill_governance_draft(page, "Training rolled out to the districts (GOV-M04).")
    page.get_by_role("button", name="Submit to sponsor").click()
    expect(page.locator("#status-panel")).to_contain_text("Update submitted to the sponsor")
    sign_out(page)

    # The sponsor approves with comments and a revised rating.
    sign_in_as(page, NICK_BELL)
    visit(page, update_path)
    page.get_by_label("Sponsor comments").fill("Good progress; the audit findings need watching.")
    page.get_by_role("radio", name="Green/Amber").check()
    page.get_by_label("Why you are agreeing a different rating").fill("The audit findings are not yet resolved.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#status-panel")).to_contain_text("Update approved")
    expect(page.locator("#update-section")).to_contain_text("the project team proposed Green")
    assert_accessible(page)
    sign_out(page)

    approve_the_other_workstreams(app, ids)

    # The lead executive director writes the overview.
    sign_in_as(page, ANGELA_PROBERT)
    visit(page, period_path)
    page.get_by_role("link", name="Write the programme overview").click()
    assert_accessible(page)
    page.get_by_label("Lead executive director overview").fill("Steady progress in November and December.")
    page.get_by_role("button", name="Save overview").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Overview saved")
    assert_accessible(page)
    sign_out(page)

    # CMT signs it off after seeing what will be locked.
    sign_in_as(page, STEVE_COX)
    visit(page, period_path)
    page.get_by_role("link", name="Sign off and lock the report").click()
    assert_accessible(page)
    expect(page.get_by_role("table")).to_contain_text("Governance and decision making")
    page.get_by_label("Day").fill("9")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Sign off and lock the report").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Programme report signed off and locked")
    expect(page.locator("dd.wm-fingerprint")).to_have_text(re.compile(r"^\s*[0-9a-f]{64}\s*$"))
    assert_accessible(page)
    sign_out(page)

    # The project manager finds no way to edit.
    sign_in_as(page, LOUISA_SIMPSON)
    visit(page, update_path)
    expect(page.get_by_role("link", name="Edit the draft")).to_have_count(0)
    expect(page.locator("#status-panel")).to_contain_text("Locked")
    response = page.goto(f"{update_path}/edit")
    assert response.status == 409
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This cannot be changed now")


def test_cmt_reopens_a_signed_off_report_as_revision_2_and_revision_1_stays_readable(page, app, ids):
    period_path = f"/periods/{ids.periods['sep_oct']}"
    sign_in_as(page, STEVE_COX)
    visit(page, period_path)
    fingerprint = page.locator("dd.wm-fingerprint").inner_text().strip()
    page.get_by_role("link", name="Reopen as a new revision").click()
    assert_accessible(page)
    page.get_by_role("button", name="Reopen as a new revision").click()
    assert_accessible(page)
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason for reopening the report")
    page.get_by_label("Reason for reopening").fill("The IIB questioned the Partnership working rating.")
    page.get_by_label("Partnership working").check()
    page.get_by_role("button", name="Reopen as a new revision").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("reopened as a new revision")
    expect(page.get_by_text("Revision 2 was opened because: The IIB questioned the Partnership working rating.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Revision 1").click()
    assert_accessible(page)
    expect(page.locator("dd.wm-fingerprint")).to_have_text(fingerprint)
    sign_out(page)

    sign_in_as(page, PETER_TONKS)
    expect(page.get_by_role("link", name=re.compile(r"Revise the returned highlight report\s+for Partnership working"))).to_be_visible()
