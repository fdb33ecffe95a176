"""Every page, for every kind of person: who gets it, who is refused, and what it shows."""
import re

import pytest
import sqlalchemy as sa

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import WorkstreamUpdate
from tests.personas import (
    ANGELA_PROBERT, COMMITTEE_MEMBER, HEIDI_ROBINSON, JODIE_TOWNSEND, LOUISA_SIMPSON, NICK_BELL, READERS,
    RICHARD_CARR, SOMEONE_IN_EACH_ROLE, STEVE_COX, THOMAS_FARMER,
)



def page_paths(ids):
    """(name, path, people refused with 403) for every page."""
    return [
        ("my work", "/", set()),
        ("programme", f"/programmes/{ids.programme}", set()),
        ("periods", f"/programmes/{ids.programme}/periods", set()),
        ("workstreams", f"/programmes/{ids.programme}/workstreams", set()),
        ("signed-off period", f"/periods/{ids.periods['sep_oct']}", set()),
        ("open period", f"/periods/{ids.periods['nov_dec']}", READERS),
        ("workstream", f"/workstreams/{ids.workstreams['GOV']}", set()),
        ("signed-off update", f"/updates/{ids.update('GOV', 'sep_oct')}", set()),
        ("draft update", f"/updates/{ids.update('GOV', 'nov_dec')}", {JODIE_TOWNSEND, THOMAS_FARMER, *READERS}),
    ]


def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, ids):
    for name, path, _refused in page_paths(ids):
        response = client.get(path)
        assert response.status_code == 302, name
        assert response.headers["Location"].startswith("/sign-in?next="), name


@pytest.mark.parametrize("email", SOMEONE_IN_EACH_ROLE)
def test_each_role_gets_exactly_the_pages_it_may_see(signed_in, ids, email):
    client = signed_in(email)
    for name, path, refused in page_paths(ids):
        expected = 403 if email in refused else 200
        assert client.get(path).status_code == expected, f"{name} for {email}"


def test_missing_objects_are_404(signed_in):
    client = signed_in(HEIDI_ROBINSON)
    for path in ["/periods/999999", "/workstreams/999999", "/updates/999999", "/no-such-page"]:
        assert client.get(path).status_code == 404, path


def test_a_person_with_no_roles_sees_no_period(app, signed_in, ids):
    from app.models import User

    with app.app_context():
        user = User(name="New Starter", email="new.starter@example.org")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = signed_in("new.starter@example.org")
    assert "You do not hold a role in any programme yet" in client.get("/").get_data(as_text=True)
    assert client.get(f"/periods/{ids.periods['sep_oct']}").status_code == 403
    assert client.get(f"/updates/{ids.update('GOV', 'sep_oct')}").status_code == 403


def status_table(html):
    """{workstream: (this period, last period)} from a period page's status table."""
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row".*?</tr>', html, re.S)
    table = {}
    for row in rows:
        name = re.sub(r"<[^>]+>", "", re.search(r"<th.*?</th>", row, re.S).group(0)).strip()
        cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)
        ratings = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells[1:3]]
        table[name] = tuple(ratings)
    return table


SEED_STATUS_TABLE = {
    "Governance and decision making": ("Green", "Green"),
    "Procurement": ("Green", "Green"),
    "Project plans and delivery": ("Green", "Green"),
    "Partnership working": ("Green/Amber", "Green/Amber"),
    "Confidence, culture and capacity": ("Green", "Green"),
}


@pytest.mark.parametrize("email", [STEVE_COX, RICHARD_CARR, COMMITTEE_MEMBER])
def test_sep_oct_overview_shows_the_seed_status_table(signed_in, ids, email):
    client = signed_in(email)
    html = client.get(f"/periods/{ids.periods['sep_oct']}").get_data(as_text=True)
    assert "1 September 2023 – 31 October 2023" in html
    assert status_table(html) == SEED_STATUS_TABLE
    assert list(status_table(html)) == list(SEED_STATUS_TABLE)
    assert "I am pleased to present the highlight report for the Improvement Plan for September and October 2023." in html
    assert re.search(r"wm-fingerprint[^>]*>\s*[0-9a-f]{64}\s*<", html)


def test_open_period_overview_shows_drafts_with_their_holders(signed_in, ids):
    html = signed_in(LOUISA_SIMPSON).get(f"/periods/{ids.periods['nov_dec']}").get_data(as_text=True)
    table = status_table(html)
    assert table["Governance and decision making"] == ("Not yet rated", "Green")
    assert table["Partnership working"] == ("Not yet rated", "Green/Amber")
    governance_row = re.search(r"Governance and decision making</a>.*?</tr>", html, re.S).group(0)
    assert "Draft" in governance_row and "Louisa Simpson" in governance_row


@pytest.mark.parametrize("email, periods", [(HEIDI_ROBINSON, 3), (RICHARD_CARR, 2), (COMMITTEE_MEMBER, 2)])
def test_the_programme_page_counts_only_the_periods_its_reader_may_see(ids, signed_in, email, periods):
    html = signed_in(email).get(f"/programmes/{ids.programme}").get_data(as_text=True)
    assert f"{periods} reporting periods" in html


def test_readers_do_not_see_the_open_period_in_the_list(ids, signed_in):
    html = signed_in(RICHARD_CARR).get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    assert "1 September 2023 – 31 October 2023" in html
    assert "1 November 2023 – 31 December 2023" not in html


def test_project_manager_sees_their_drafts_in_my_work(signed_in):
    html = signed_in(LOUISA_SIMPSON).get("/").get_data(as_text=True)
    assert html.count("Write the highlight report") == 2
    assert "Governance and decision making" in html and "Procurement" in html
    assert "22 December 2023" in html


def test_lead_director_is_asked_for_the_overview(signed_in):
    html = signed_in(ANGELA_PROBERT).get("/").get_data(as_text=True)
    assert "Write the programme overview" in html
    assert "1 November 2023 – 31 December 2023" in html


def test_cmt_member_sees_sign_off_progress(signed_in):
    html = signed_in(STEVE_COX).get("/").get_data(as_text=True)
    assert "Sign off the programme report" in html
    assert "0 of 5 workstream updates approved" in html


def test_sponsor_is_asked_to_review_a_submitted_update(app, signed_in, ids):
    from app.models import UpdateState

    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        update.state = UpdateState.SUBMITTED
        db.session.commit()
    html = signed_in(NICK_BELL).get("/").get_data(as_text=True)
    assert "Review the highlight report" in html
    assert "5 January 2024" in html
    assert "Review the highlight report" not in signed_in(STEVE_COX).get("/").get_data(as_text=True)


def test_iib_member_is_offered_the_signed_off_reports(signed_in):
    html = signed_in(RICHARD_CARR).get("/").get_data(as_text=True)
    assert html.count("Read the signed-off programme report") == 2
    assert "1 November 2023 – 31 December 2023" not in html


def test_update_page_shows_every_section_in_the_seed_order(signed_in, ids):
    html = signed_in(RICHARD_CARR).get(f"/updates/{ids.update('PRC', 'sep_oct')}").get_data(as_text=True)
    headings = [
        "Project description",
        "Project outcomes",
        "Workstream sponsor",
        "Project managers",
        "PMO support",
        "Agreed completion date",
        "Forecast completion date",
        "Reporting period",
        "Project status",
        "Key activities",
        "Engagement",
        "Concerns and issues",
        "RAG rating rationale",
        "Workstream sponsor comments",
        "Key milestones and activities this period",
        "Key milestones and activities planned for next period",
        "Project risks",
        "Completed by",
        "Completion date",
    ]
    main = html[html.index('<main'):]
    positions = [main.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Redesign the procurement function" in html
    assert "Working closely with the Board to ensure there is agreement of the delegated financial options proposed." in html
    assert "29 March 2024" in html


def test_officers_text_is_escaped_on_the_update_page(app, signed_in, ids):
    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        update.key_activities = '<script>alert("x")</script>\n- <b>bold</b> item'
        db.session.commit()
    html = signed_in(LOUISA_SIMPSON).get(f"/updates/{ids.update('GOV', 'nov_dec')}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;bold&lt;/b&gt; item</li>" in html


def test_workstream_page_lists_only_updates_the_reader_may_see(signed_in, ids):
    path = f"/workstreams/{ids.workstreams['GOV']}"
    officer = signed_in(LOUISA_SIMPSON).get(path).get_data(as_text=True)
    assert "1 November 2023 – 31 December 2023" in officer
    assert "Plan for embedding new structures" in officer
    reader_client = signed_in(RICHARD_CARR)
    reader = reader_client.get(path).get_data(as_text=True)
    assert "1 September 2023 – 31 October 2023" in reader
    assert "1 November 2023 – 31 December 2023" not in reader


def test_no_page_changes_anything_on_get(app, signed_in, ids):
    def fingerprint_of_database():
        with app.app_context():
            rows = db.session.execute(sa.select(WorkstreamUpdate.id, WorkstreamUpdate.version)).all()
            from app.models import AuditEvent

            events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        return sorted(rows), events

    before = fingerprint_of_database()
    client = signed_in(HEIDI_ROBINSON)
    for _name, path, _refused in page_paths(ids):
        client.get(path)
    assert fingerprint_of_database() == before
