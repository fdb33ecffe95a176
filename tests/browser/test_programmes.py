"""The demo's two programmes in a real browser, with axe-core on every page: the second programme's PMO works in
Initial Improvement Plan only, and someone with roles in both sees each programme apart."""
import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, RoleAssignment
from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.conftest import user_by_email
from tests.personas import LOUISA_SIMPSON, SECOND_PMO

TRANSPORT = "Transport strategy, bus strategy and Business Board"
ORGANISATION = "Design and implement an organisation for today's performance"
MARCH = "1 March 2023 – 31 March 2023"


def test_the_second_programmes_pmo_follows_its_monthly_periods_and_is_refused_the_first_programme(page, ids, second_ids):
    sign_in_as(page, SECOND_PMO)
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Initial Improvement Plan, Cambridgeshire and Peterborough Combined Authority"]
    )
    tasks = page.get_by_role("table")
    expect(tasks.get_by_role("link", name=re.compile(r"^Write the highlight report"))).to_have_count(4)
    expect(tasks).not_to_contain_text("Governance and decision making")

    page.get_by_role("link", name="Reporting periods").first.click()
    assert_accessible(page)
    expect(page.get_by_role("link", name=re.compile(r"^1 (February|March) 2023 – "))).to_have_count(2)
    expect(page.get_by_role("link", name="1 November 2023 – 31 December 2023")).to_have_count(0)
    page.get_by_role("link", name=MARCH).click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(MARCH)
    page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=TRANSPORT)).get_by_role("link").first.click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(TRANSPORT)
    # February planned it; March carries it under the same reference.
    expect(page.get_by_role("row").filter(has_text="TRN-M01")).to_contain_text(
        "The future role and configuration of the Business Board is also timetabled for the CA Board in March."
    )
    page.get_by_role("link", name="Edit the draft").click()
    assert_accessible(page)

    visit(page, "/workstreams")
    expect(page.get_by_role("link", name=ORGANISATION)).to_be_visible()
    expect(page.get_by_role("link", name="Procurement")).to_have_count(0)

    for address in (
        f"/programmes/{ids.programme}",
        f"/periods/{ids.periods['sep_oct']}/report",
        f"/updates/{ids.update('GOV', 'nov_dec')}",
    ):
        visit(page, address)
        expect(page.get_by_role("heading", level=1)).not_to_contain_text("Governance")
        expect(page.locator("main")).not_to_contain_text("Governance and decision making")


def test_someone_in_both_programmes_sees_my_work_and_the_programmes_list_programme_by_programme(app, page, second_ids):
    with app.app_context():
        db.session.add(
            RoleAssignment(
                user=user_by_email(LOUISA_SIMPSON), role=Role.PROJECT_MANAGER,
                programme_id=second_ids.programme, workstream_id=second_ids.workstreams["TRN"],
            )
        )
        db.session.commit()
    sign_in_as(page, LOUISA_SIMPSON)
    expect(page.get_by_role("heading", level=2)).to_have_text([
        "Improvement Plan, Cambridgeshire and Peterborough Combined Authority",
        "Initial Improvement Plan, Cambridgeshire and Peterborough Combined Authority",
    ])
    first, second = page.get_by_role("table").all()
    expect(first).to_contain_text("Governance and decision making")
    expect(first).not_to_contain_text(TRANSPORT)
    expect(second.get_by_role("link", name=re.compile(rf"^Write the highlight report\s+for {TRANSPORT}$"))).to_have_count(2)
    expect(second).not_to_contain_text("Procurement")

    page.get_by_role("link", name="Programmes").click()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Initial Improvement Plan")).to_be_visible()
    page.get_by_role("link", name="Initial Improvement Plan").click()
    assert_accessible(page)
    # The navigation now follows the programme in view.
    page.get_by_role("link", name="Workstreams").first.click()
    assert_accessible(page)
    expect(page.get_by_role("link", name=TRANSPORT)).to_be_visible()
    expect(page.get_by_role("link", name="Governance and decision making")).to_have_count(0)
