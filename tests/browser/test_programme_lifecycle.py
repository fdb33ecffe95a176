"""A programme run through time in a real browser, from an empty database (no demo): the first PMO, created with
the README's one command, sets the programme up, invites its people and runs two full reporting cycles. axe-core
runs on every page visited."""
from __future__ import annotations

import re
import threading

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import OutboxMessage
from tests.browser.conftest import assert_accessible, visit
from tests.conftest import build_app

PASSWORD = "copper meadow lantern 2029"
PMO = ("Jane Doe", "jane.doe@example.org")
# The five people the PMO invites: (name, email, programme-wide role or None, workstream role or None, workstream codes).
PEOPLE = {
    "pm": ("Priya Manager", "priya.manager@example.org", None, "Project manager", ("GOV", "PRC")),
    "governance sponsor": ("Sam Sponsor", "sam.sponsor@example.org", "CMT member", "Sponsor", ("GOV",)),
    "procurement sponsor": ("Pat Sponsor", "pat.sponsor@example.org", None, "Sponsor", ("PRC",)),
    "lead director": ("Lee Director", "lee.director@example.org", "Lead executive director", None, ()),
    "cmt member": ("Chris Member", "chris.member@example.org", "CMT member", None, ()),
}
WORKSTREAMS = (
    ("GOV", "Governance and decision making", "Sound decision making across the authority."),
    ("PRC", "Procurement", "A procurement function that is fit for purpose."),
)


@pytest.fixture
def empty_service(databases):
    """The app over a migrated, empty database, served on its own port, with the first PMO created by
    `flask users create-first-pmo`; yields the address and the PMO's link to choose a password."""
    application = build_app(databases.fresh_url())
    with application.app_context():
        upgrade()
    result = application.test_cli_runner().invoke(
        args=["users", "create-first-pmo", "--name", PMO[0], "--email", PMO[1]]
    )
    assert result.exit_code == 0, result.output
    link = re.search(r"(/password/reset/\S+)", result.output).group(1)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application, f"http://127.0.0.1:{server.server_port}", link
    server.shutdown()
    thread.join(timeout=5)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_page(browser, empty_service):
    application, address, link = empty_service
    context = browser.new_context(base_url=address)
    page = context.new_page()
    yield application, page, link
    context.close()


def choose_password(page: Page, link: str) -> None:
    visit(page, link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(re.compile("/sign-in$"))
    assert_accessible(page)


def sign_in(page: Page, email: str) -> None:
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile("/sign-in$"))


def click(page: Page, role: str, name, **options) -> None:
    page.get_by_role(role, name=name, **options).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert", name="Success")).to_contain_text(text)
    assert_accessible(page)


def fill_date(page: Page, group: str, day: int, month: int, year: int) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day))
    fieldset.get_by_label("Month").fill(str(month))
    fieldset.get_by_label("Year").fill(str(year))


def invitation_link(application, email: str) -> str:
    with application.app_context():
        for message in db.session.query(OutboxMessage).order_by(OutboxMessage.id.desc()):
            if email in message.recipients:
                return re.search(r"(/password/reset/\S+)", message.body).group(1)
    raise AssertionError(f"no invitation to {email}")


def set_up_the_programme(page: Page) -> None:
    sign_in(page, PMO[1])
    expect(page.get_by_text("You do not hold a role in any programme yet")).to_be_visible()
    click(page, "link", "Create your first programme")
    page.get_by_label("Programme name").fill("Improvement Plan")
    page.get_by_label("Organisation").fill("A Combined Authority")
    page.get_by_role("button", name="Create programme").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement Plan")
    expect(page.get_by_text("The programme has no workstreams yet")).to_be_visible()
    expect(page.get_by_text("The programme has no reporting period yet.")).to_be_visible()
    programme_page = page.url
    for number, (code, title, description) in enumerate(WORKSTREAMS):
        if number:
            click(page, "link", "Manage workstreams")
        click(page, "button", "Add a workstream")
        page.get_by_label("Code").fill(code)
        page.get_by_label("Name", exact=True).fill(title)
        page.get_by_label("Description").fill(description)
        page.get_by_label("Outcomes").fill(f"{title} outcome one\n{title} outcome two")
        page.get_by_role("button", name="Add workstream").click()
        page.wait_for_load_state()
        assert_accessible(page)
        visit(page, programme_page)


def invite_the_people(application, page: Page) -> None:
    for name, email, programme_role, workstream_role, codes in PEOPLE.values():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
        assert_accessible(page)
        click(page, "link", "Invite a person")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email address").fill(email)
        if programme_role:
            page.get_by_role("checkbox", name=programme_role, exact=True).check()
        if workstream_role:
            page.get_by_role("radio", name=workstream_role, exact=True).check()
            for code in codes:
                page.get_by_role("checkbox", name=re.compile(rf"\({code}\)$")).check()
        page.get_by_role("button", name="Send invitation").click()
        success(page, f"Invitation sent to {name}")
    sign_out(page)
    for _name, email, *_roles in PEOPLE.values():
        choose_password(page, invitation_link(application, email))


def plan_and_open(page: Page, first_start: tuple[int, int, int] | None) -> str:
    """As the PMO, plan the next period (its start asked for the first one only) and open it; the period's address."""
    sign_in(page, PMO[1])
    click(page, "link", "Improvement Plan")
    if first_start:
        click(page, "button", "Plan the first period")
        fill_date(page, "Start date", *first_start)
        click(page, "button", "Continue")
    else:
        click(page, "button", "Plan the next period")
    click(page, "button", "Plan the period")
    click(page, "button", re.compile("^Open "))
    click(page, "button", "Open the period")
    success(page, "is open")
    address = page.url
    sign_out(page)
    return address


def draft_and_submit(
    page: Page, code: str, rating: str, *, milestone: str | None, risk: str | None, last_rating: str | None
) -> None:
    title = dict((c, t) for c, t, _d in WORKSTREAMS)[code]
    click(page, "link", re.compile(rf"(Write|Revise) the .*highlight report\s+for {title}"))
    click(page, "link", "Edit the draft")
    if milestone:
        page.get_by_label("Add a milestone for next period").fill(milestone)
        page.get_by_role("button", name="Add milestone").click()
        expect(page.locator("#next-milestones")).to_contain_text(milestone)
        expect(page.get_by_label("Add a milestone for next period")).to_be_focused()
        # The next list is added to on the editor as it now stands.
        page.reload()
        assert_accessible(page)
    if risk:
        page.get_by_label("Add a risk").fill(risk)
        page.get_by_label("Its mitigation").fill("A plan agreed with the sponsor.")
        expect(page.get_by_label("Add a risk")).to_have_value(risk)
        page.get_by_role("button", name="Add risk").click()
        expect(page.locator("#risks")).to_contain_text(risk)
    assert_accessible(page)
    # The sections are written on the editor as it now stands (its lists were changed in place).
    page.reload()
    assert_accessible(page)
    page.get_by_label("Key activities").fill(f"{title}: the period's activities.")
    page.get_by_label("Engagement").fill("The workstream group met fortnightly.")
    page.get_by_label("Concerns and issues").fill("None this period.")
    page.get_by_role("radio", name=rating, exact=True).check()
    page.get_by_label("RAG rating rationale").fill("Milestones are on track.")
    statuses = page.get_by_label("Status", exact=True)
    for index in range(statuses.count()):
        statuses.nth(index).select_option("COMPLETE")
    if last_rating not in (None, rating):
        # Asked for (in place) once the rating differs from last period's agreed one.
        reason = page.get_by_label("Reason for the change of rating")
        expect(reason).to_be_visible()
        reason.fill("The audit findings are not yet resolved.")
    page.get_by_role("button", name="Save draft").click()
    success(page, "Draft saved")
    page.get_by_role("button", name="Submit to sponsor").click()
    expect(page.locator("#status-panel")).to_contain_text("Update submitted to the sponsor")
    assert_accessible(page)
    page.get_by_role("link", name="My work").first.click()
    assert_accessible(page)


def approve(page: Page, email: str, title: str) -> None:
    sign_in(page, email)
    click(page, "link", re.compile(rf"Review the highlight report\s+for {title}"))
    page.get_by_label("Sponsor comments").fill("Agreed.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#status-panel")).to_contain_text("Update approved")
    assert_accessible(page)
    sign_out(page)


def run_the_cycle(
    page: Page, period: str, cmt_day: tuple[int, int, int], ratings: dict[str, str], *, last: dict[str, str] | None
) -> None:
    """The project manager drafts both updates, the sponsors approve, the lead director writes the overview and
    a CMT member signs the report off."""
    sign_in(page, PEOPLE["pm"][1])
    first = last is None
    draft_and_submit(
        page, "GOV", ratings["GOV"], milestone="Agree the constitution" if first else None,
        risk="Board papers are late" if first else None, last_rating=(last or {}).get("GOV"),
    )
    draft_and_submit(
        page, "PRC", ratings["PRC"], milestone="Launch the procurement hub" if first else None, risk=None,
        last_rating=(last or {}).get("PRC"),
    )
    sign_out(page)
    approve(page, PEOPLE["governance sponsor"][1], "Governance and decision making")
    approve(page, PEOPLE["procurement sponsor"][1], "Procurement")

    sign_in(page, PEOPLE["lead director"][1])
    visit(page, period)
    click(page, "link", "Write the programme overview")
    page.get_by_label("Lead executive director overview").fill("Steady progress this period.")
    page.get_by_role("button", name="Save overview").click()
    success(page, "Overview saved")
    sign_out(page)

    sign_in(page, PEOPLE["cmt member"][1])
    visit(page, period)
    click(page, "link", "Sign off and lock the report")
    day, month, year = cmt_day
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))
    page.get_by_role("button", name="Sign off and lock the report").click()
    success(page, "Programme report signed off and locked")
    sign_out(page)


def test_a_new_programme_runs_two_full_cycles_from_an_empty_database(empty_page):
    application, page, link = empty_page
    choose_password(page, link)
    set_up_the_programme(page)
    invite_the_people(application, page)

    first = plan_and_open(page, first_start=(1, 1, 2025))
    first_ratings = {"GOV": "Green", "PRC": "Amber"}
    run_the_cycle(page, first, (14, 3, 2025), first_ratings, last=None)

    second = plan_and_open(page, first_start=None)
    # The second period's drafts start from the first: its planned milestones and open risks, same references.
    sign_in(page, PEOPLE["pm"][1])
    click(page, "link", re.compile(r"Write the highlight report\s+for Governance and decision making"))
    expect(page.locator("main")).to_contain_text("GOV-M01")
    expect(page.locator("main")).to_contain_text("Agree the constitution")
    expect(page.locator("main")).to_contain_text("GOV-R01")
    expect(page.locator("main")).to_contain_text("Board papers are late")
    sign_out(page)

    run_the_cycle(page, second, (14, 5, 2025), {"GOV": "Green/Amber", "PRC": "Amber"}, last=first_ratings)

    # The second pack's status table shows last period's ratings from the first.
    sign_in(page, PEOPLE["cmt member"][1])
    visit(page, second)
    click(page, "link", re.compile("^Read the programme report"))
    status = page.locator("#status")
    for title, this_period, last_period in (
        ("Governance and decision making", "Green/Amber", "Green"),
        ("Procurement", "Amber", "Amber"),
    ):
        cells = status.get_by_role("row").filter(has_text=title).get_by_role("cell")
        expect(cells.nth(0)).to_have_text(re.compile(rf"^\s*{re.escape(this_period)}\s*$"))
        expect(cells.nth(1)).to_have_text(re.compile(rf"^\s*{re.escape(last_period)}\s*$"))
