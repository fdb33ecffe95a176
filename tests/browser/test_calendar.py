"""The reporting calendar in a real browser, axe-core on every page: on the demo, once Nov–Dec 2023 is
signed off, the PMO plans 1 January – 29 February 2024 (correcting a mistake the page points out), changes
a date, opens it, and finds the Governance draft carrying forward Nov–Dec's milestones and risks with the
same references; a period planned while Nov–Dec is open asks before opening and can be deleted; and a new
programme's PMO is asked when its first period starts."""
import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import Milestone, MilestoneKind, MilestoneStatus, Programme, Role, RoleAssignment, WorkstreamUpdate
from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.conftest import user_by_email
from tests.demo_ids import TITLES
from tests.personas import HEIDI_ROBINSON
from tests.test_period_service import cmt_signs_off_nov_dec
from tests.test_workflow_routes import arrange_report


def nov_dec_signed_off_with_a_plan_for_january(app, ids) -> tuple[list[str], list[str]]:
    """Nov–Dec worked through and signed off, its Governance update reporting a milestone delayed and planning
    two for next period. Returns the references Jan–Feb's Governance draft must start from: its milestones
    (the delayed one, then those planned) and its open risks."""
    arrange_report(app, ids)
    with app.app_context():
        gov = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        delayed = gov.milestones_this_period[0]
        delayed.status, delayed.status_note = MilestoneStatus.DELAYED, "Waiting for the Board's decision."
        gov.milestones += [
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=1, reference="GOV-M13", description="Publish the assurance framework."),
            Milestone(kind=MilestoneKind.NEXT_PERIOD, position=2, reference="GOV-M14", description="Review the committee structure."),
        ]
        db.session.commit()
        expected = ([delayed.reference, "GOV-M13", "GOV-M14"], [r.reference for r in gov.open_risks])
    cmt_signs_off_nov_dec(app, ids)
    return expected


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def date_shown(page, legend: str) -> list[str]:
    group = page.get_by_role("group", name=legend)
    return [group.get_by_label(part).input_value() for part in ("Day", "Month", "Year")]


def test_once_nov_dec_is_signed_off_the_pmo_plans_and_opens_jan_feb_and_finds_the_carried_forward_draft(page, app, ids):
    milestones, risks = nov_dec_signed_off_with_a_plan_for_january(app, ids)
    sign_in_as(page, HEIDI_ROBINSON)
    visit(page, f"/programmes/{ids.programme}")
    page.get_by_role("button", name="Plan the next period").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan the next reporting period")
    assert date_shown(page, "Start date") == ["01", "01", "2024"]
    assert date_shown(page, "End date") == ["29", "02", "2024"]
    assert date_shown(page, "Drafts due") == ["25", "02", "2024"]

    # A mistake: the end typed before the start. The page says so beside the date and keeps the rest.
    fill_date(page, "End date", "31", "12", "2023")
    page.get_by_role("button", name="Plan the period").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The end date must be after the start date")
    assert_accessible(page)
    assert date_shown(page, "IIB meeting") == ["21", "03", "2024"]
    fill_date(page, "End date", "29", "2", "2024")
    page.get_by_role("button", name="Plan the period").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 January 2024 – 29 February 2024 is planned")
    expect(page.locator("main")).to_contain_text("Planned reporting period")
    assert_accessible(page)

    # The IIB meeting moves; the period's page keeps the change in its history.
    page.get_by_role("link", name="Change the dates").click()
    assert_accessible(page)
    fill_date(page, "IIB meeting", "26", "3", "2024")
    page.get_by_role("button", name="Save the dates").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("The dates are saved.")
    expect(page.locator("#history")).to_contain_text("IIB meeting: 21 March 2024 → 26 March 2024")
    assert_accessible(page)

    page.get_by_role("button", name="Open the period").click()
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("Each draft starts from the workstream's update for 1 November 2023 – 31 December 2023")
    expect(page.get_by_label(re.compile("Open it while"))).to_have_count(0)
    page.get_by_role("button", name="Open the period").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 January 2024 – 29 February 2024 is open")
    assert_accessible(page)
    period_url = page.url

    # Opening again finds it open.
    visit(page, period_url + "/open")
    expect(page.get_by_role("heading", level=1)).to_have_text("1 January 2024 – 29 February 2024 is already open")

    # The Governance draft starts from Nov–Dec: the delayed milestone, the two planned, the open risks.
    visit(page, period_url)
    page.get_by_role("link", name=TITLES["GOV"], exact=True).click()
    assert_accessible(page)
    main = page.locator("main")
    expect(main).to_contain_text("1 January 2024 – 29 February 2024")
    for reference in milestones + risks:
        expect(main).to_contain_text(reference)
    milestone_cells = page.locator("table").filter(has_text="GOV-M13").first.locator("td.wm-nowrap")
    assert [cell.inner_text() for cell in milestone_cells.all()][: len(milestones)] == milestones
    expect(main).to_contain_text("Publish the assurance framework.")


def test_a_period_planned_while_nov_dec_is_open_asks_before_opening_and_can_be_deleted(page, app, ids):
    sign_in_as(page, HEIDI_ROBINSON)
    visit(page, f"/programmes/{ids.programme}/periods")
    page.get_by_role("button", name="Plan the next period").click()
    page.get_by_role("button", name="Plan the period").click()
    assert_accessible(page)
    page.get_by_role("button", name="Open the period").click()
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("1 November 2023 – 31 December 2023 is still open. Two periods are open at once when a sign-off is late.")
    page.get_by_role("button", name="Open the period").click()
    expect(page.get_by_role("alert")).to_contain_text("confirm that you want to open this period as well")
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Delete the period").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete the period").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 January 2024 – 29 February 2024 is deleted")
    assert_accessible(page)
    expect(page.locator("main")).not_to_contain_text("Planned")


def test_a_new_programmes_pmo_is_asked_when_the_first_period_starts(page, app):
    with app.app_context():
        programme = Programme(name="Housing Delivery", organisation="Example Council")
        db.session.add(programme)
        db.session.flush()
        db.session.add(RoleAssignment(user=user_by_email(HEIDI_ROBINSON), role=Role.PMO, programme=programme))
        db.session.commit()
        programme_id = programme.id
    sign_in_as(page, HEIDI_ROBINSON)
    visit(page, f"/programmes/{programme_id}")
    expect(page.locator("main")).to_contain_text("The programme has no reporting period yet.")
    page.get_by_role("button", name="Plan the first period").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("When does the first reporting period start?")
    fill_date(page, "Start date", "1", "4", "2024")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    assert date_shown(page, "End date") == ["31", "05", "2024"]
    page.get_by_role("button", name="Plan the period").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 April 2024 – 31 May 2024 is planned")
    assert_accessible(page)
