"""The reporting calendar through HTTP: planning a period (its defaults and every validation), its page,
changing its dates, opening it (a second open period, a double open) and deleting it, who sees a planned
period and where it never appears."""
import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Programme, ProgrammeReport, ReportingPeriod, Role, RoleAssignment, WorkstreamUpdate
from tests.conftest import error_beside, post, text, user_by_email
from tests.personas import (
    ANGELA_PROBERT, COMMITTEE_MEMBER, HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR, STEVE_COX,
)
from tests.test_period_service import sign_off_nov_dec

JAN_FEB = {
    "start_date": ["1", "1", "2024"], "end_date": ["29", "2", "2024"], "drafts_due": ["23", "2", "2024"],
    "approvals_due": ["1", "3", "2024"], "sign_off_due": ["8", "3", "2024"], "iib_meeting_date": ["19", "3", "2024"],
}


@pytest.fixture
def pmo(person):
    return person(HEIDI_ROBINSON)


def boxes(html: str, name: str) -> list[str]:
    """The day, month and year a date input shows."""
    return [
        re.search(rf'id="{name}-{part}"[^>]*value="([^"]*)"', html).group(1)
        if re.search(rf'id="{name}-{part}"[^>]*value="([^"]*)"', html) else ""
        for part in ("day", "month", "year")
    ]


def plain(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def periods_of(app, programme_id) -> list[tuple]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(ReportingPeriod.start_date, ReportingPeriod.end_date, ReportingPeriod.opened_at.is_not(None))
                .where(ReportingPeriod.programme_id == programme_id)
                .order_by(ReportingPeriod.start_date)
            )
        ]


def period_at(app, start: dt.date) -> int | None:
    with app.app_context():
        return db.session.scalar(sa.select(ReportingPeriod.id).where(ReportingPeriod.start_date == start))


def drafts_of(app, period_id) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period_id))


def plan_jan_feb(client, ids, **changes) -> int:
    response = post(client, f"/programmes/{ids.programme}/periods/new", JAN_FEB | changes)
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# --- Planning ----------------------------------------------------------------------------------------------


def test_the_plan_page_suggests_the_cadence_after_the_last_period_and_the_settings_due_dates(pmo, ids):
    page = text(pmo.get(f"/programmes/{ids.programme}/periods/new"))
    assert boxes(page, "start_date") == ["01", "01", "2024"]
    assert boxes(page, "end_date") == ["29", "02", "2024"]
    # 4 days before the end, then 7, 7 and 11 days on (the demo programme's settings).
    assert boxes(page, "drafts_due") == ["25", "02", "2024"]
    assert boxes(page, "approvals_due") == ["03", "03", "2024"]
    assert boxes(page, "sign_off_due") == ["10", "03", "2024"]
    assert boxes(page, "iib_meeting_date") == ["21", "03", "2024"]


def test_the_pmo_plans_a_period_that_is_stored_but_not_opened(app, pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    assert periods_of(app, ids.programme)[-1] == (dt.date(2024, 1, 1), dt.date(2024, 2, 29), False)
    assert drafts_of(app, period_id) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id)) is None
    page = plain(text(pmo.get(f"/periods/{period_id}")))
    assert "1 January 2024 – 29 February 2024 is planned. Open it when its drafts should start." in page
    assert "Planned reporting period" in page and "Open the period" in page and "Period planned" in page


def test_a_period_overlapping_another_is_refused_beside_the_date_naming_the_other(app, pmo, ids):
    before = periods_of(app, ids.programme)
    response = post(pmo, f"/programmes/{ids.programme}/periods/new", JAN_FEB | {"start_date": ["15", "12", "2023"]})
    assert response.status_code == 422
    html = text(response)
    assert error_beside(html, "start_date") == (
        "The period overlaps 1 November 2023 – 31 December 2023, which is already in the calendar"
    )
    assert "There is a problem" in html
    # What they typed is kept.
    assert boxes(html, "start_date") == ["15", "12", "2023"] and boxes(html, "iib_meeting_date") == ["19", "3", "2024"]
    assert periods_of(app, ids.programme) == before


def test_an_end_before_the_start_is_refused(app, pmo, ids):
    response = post(pmo, f"/programmes/{ids.programme}/periods/new", JAN_FEB | {"end_date": ["31", "12", "2023"]})
    assert response.status_code == 422
    assert error_beside(text(response), "end_date") == "The end date must be after the start date"
    assert len(periods_of(app, ids.programme)) == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("drafts_due", ["1", "3", "2024"], "Drafts must be due within the period, between 1 January 2024 and 29 February 2024"),
        ("approvals_due", ["1", "5", "2024"],
         "Sponsor approval must be due by 30 April 2024, the end of the 2 months after the period"),
        ("sign_off_due", ["28", "2", "2024"], "CMT sign-off must be due on or after the date sponsor approval is due"),
        ("iib_meeting_date", ["7", "3", "2024"], "The IIB meeting must be on or after the date CMT sign-off is due"),
    ],
)
def test_due_dates_outside_the_period_or_out_of_order_are_refused(app, pmo, ids, field, value, message):
    response = post(pmo, f"/programmes/{ids.programme}/periods/new", JAN_FEB | {field: value})
    assert response.status_code == 422
    assert error_beside(text(response), field) == message
    assert len(periods_of(app, ids.programme)) == 3


@pytest.mark.parametrize("value", [["30", "2", "2024"], ["1", "13", "2024"], ["a", "1", "2024"], ["1", "1"]])
def test_a_date_that_is_not_real_is_refused(app, pmo, ids, value):
    response = post(pmo, f"/programmes/{ids.programme}/periods/new", JAN_FEB | {"end_date": value})
    assert response.status_code == 422
    assert error_beside(text(response), "end_date") == "End date must be a real date, like 7 11 2023"


def test_a_date_left_blank_is_asked_for_and_the_iib_meeting_may_be_left_blank(app, pmo, ids):
    response = post(pmo, f"/programmes/{ids.programme}/periods/new", JAN_FEB | {"drafts_due": ["", "", ""]})
    assert response.status_code == 422
    assert error_beside(text(response), "drafts_due") == "Enter the date drafts are due"
    period_id = plan_jan_feb(pmo, ids, iib_meeting_date=["", "", ""])
    with app.app_context():
        assert db.session.get(ReportingPeriod, period_id).iib_meeting_date is None


@pytest.mark.parametrize("email", [NICK_BELL, ANGELA_PROBERT, LOUISA_SIMPSON, RICHARD_CARR])
def test_only_the_pmo_plans(app, person, ids, email):
    client = person(email)
    assert client.get(f"/programmes/{ids.programme}/periods/new").status_code == 403
    assert post(client, f"/programmes/{ids.programme}/periods/new", JAN_FEB).status_code == 403
    assert len(periods_of(app, ids.programme)) == 3


def test_a_new_programmes_first_period_asks_for_its_start_first(app, pmo):
    with app.app_context():
        programme = Programme(name="Housing Delivery", organisation="Example Council")
        db.session.add(programme)
        db.session.flush()
        db.session.add(RoleAssignment(user=user_by_email(HEIDI_ROBINSON), role=Role.PMO, programme=programme))
        db.session.commit()
        programme_id = programme.id
    home = plain(text(pmo.get(f"/programmes/{programme_id}")))
    assert "The programme has no reporting period yet. Plan the first one" in home
    asked = text(pmo.get(f"/programmes/{programme_id}/periods/new"))
    assert "When does the first reporting period start?" in asked and 'method="get"' in asked
    assert boxes(asked, "start_date") == ["", "", ""]
    not_real = pmo.get(f"/programmes/{programme_id}/periods/new?start_date=31&start_date=4&start_date=2024")
    assert not_real.status_code == 422
    assert error_beside(text(not_real), "start_date") == "Start date must be a real date, like 7 11 2023"
    suggested = text(pmo.get(f"/programmes/{programme_id}/periods/new?start_date=1&start_date=4&start_date=2024"))
    assert boxes(suggested, "end_date") == ["31", "05", "2024"] and boxes(suggested, "drafts_due") == ["27", "05", "2024"]
    fields = {"start_date": ["1", "4", "2024"], "end_date": ["31", "5", "2024"], "drafts_due": ["27", "5", "2024"],
              "approvals_due": ["3", "6", "2024"], "sign_off_due": ["10", "6", "2024"], "iib_meeting_date": ["21", "6", "2024"]}
    assert post(pmo, f"/programmes/{programme_id}/periods/new", fields).status_code == 302
    assert periods_of(app, programme_id) == [(dt.date(2024, 4, 1), dt.date(2024, 5, 31), False)]


# --- Who sees a planned period, and where it never appears -----------------------------------------------


def test_officers_see_a_planned_period_marked_planned_and_readers_never(app, pmo, person, ids):
    period_id = plan_jan_feb(pmo, ids)
    for email in (STEVE_COX, ANGELA_PROBERT, LOUISA_SIMPSON):
        listing = text(person(email).get(f"/programmes/{ids.programme}/periods"))
        assert "1 January 2024 – 29 February 2024" in listing and "Planned" in listing, email
        page = person(email).get(f"/periods/{period_id}")
        assert page.status_code == 200 and "Open the period" not in text(page), email
    for email in (RICHARD_CARR, COMMITTEE_MEMBER):
        reader = person(email)
        assert "1 January 2024" not in text(reader.get(f"/programmes/{ids.programme}/periods")), email
        assert reader.get(f"/periods/{period_id}").status_code == 403, email


def test_a_planned_period_has_no_report_and_is_in_no_heat_map_trend_or_my_work(app, pmo, person, ids):
    period_id = plan_jan_feb(pmo, ids)
    cmt = person(STEVE_COX)
    for path in ("report", "overview", "sign-off", "reopen", "report.pdf", "revisions/1"):
        assert cmt.get(f"/periods/{period_id}/{path}").status_code == 404, path
    listing = text(cmt.get(f"/programmes/{ids.programme}/periods"))
    heatmap = listing[listing.index("Agreed ratings by workstream"):]
    assert "January 2024" not in heatmap
    assert "January 2024" not in text(cmt.get(f"/workstreams/{ids.workstreams['GOV']}"))
    for email in (HEIDI_ROBINSON, STEVE_COX, LOUISA_SIMPSON, ANGELA_PROBERT):
        assert "1 January 2024" not in text(person(email).get("/")), email
    # The open period's "last period" is still Sep–Oct, and its page its own.
    assert "1 January 2024" not in text(cmt.get(f"/periods/{ids.periods['nov_dec']}"))


def test_the_programme_page_shows_the_calendars_next_step(app, pmo, person, ids):
    home = plain(text(pmo.get(f"/programmes/{ids.programme}")))
    assert "1 November 2023 – 31 December 2023 is open: 0 of 5 workstream updates approved." in home
    assert "Plan the next period" in home
    period_id = plan_jan_feb(pmo, ids)
    home = plain(text(pmo.get(f"/programmes/{ids.programme}")))
    assert "1 January 2024 – 29 February 2024 is planned: open it when its drafts should start." in home
    assert f'href="/periods/{period_id}/open"' in text(pmo.get(f"/programmes/{ids.programme}"))
    others = plain(text(person(STEVE_COX).get(f"/programmes/{ids.programme}")))
    assert "1 January 2024 – 29 February 2024 is planned." in others and "Plan the next period" not in others


# --- Opening -----------------------------------------------------------------------------------------------


def test_the_open_page_says_what_opening_creates_and_asks_about_the_period_still_open(pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    page = plain(text(pmo.get(f"/periods/{period_id}/open")))
    assert "a draft highlight report for each of these 5 workstreams" in page
    assert "Each draft starts from the workstream's update for 1 November 2023 – 31 December 2023" in page
    assert "1 November 2023 – 31 December 2023 is still open. Two periods are open at once when a sign-off is late." in page
    assert "Open it while 1 November 2023 – 31 December 2023 is still open" in page


def test_a_second_open_period_is_refused_without_the_pmos_confirmation(app, pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    refused = post(pmo, f"/periods/{period_id}/open")
    assert refused.status_code == 422
    assert error_beside(text(refused), "while_another_is_open") == (
        "1 November 2023 – 31 December 2023 is still open: confirm that you want to open this period as well"
    )
    assert drafts_of(app, period_id) == 0
    opened = post(pmo, f"/periods/{period_id}/open", {"while_another_is_open": "y"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/periods/{period_id}")
    assert drafts_of(app, period_id) == 5
    page = plain(text(pmo.get(f"/periods/{period_id}")))
    assert "1 January 2024 – 29 February 2024 is open: its report and the workstreams' drafts are ready." in page


def test_once_nov_dec_is_signed_off_jan_feb_opens_with_no_question_and_carries_forward(app, pmo, person, ids):
    sign_off_nov_dec(app, ids)
    period_id = plan_jan_feb(pmo, ids)
    page = text(pmo.get(f"/periods/{period_id}/open"))
    assert "still open" not in page and "while_another_is_open" not in page
    assert post(pmo, f"/periods/{period_id}/open").status_code == 302
    with app.app_context():
        draft = db.session.scalar(
            sa.select(WorkstreamUpdate).where(
                WorkstreamUpdate.period_id == period_id, WorkstreamUpdate.workstream_id == ids.workstreams["GOV"]
            )
        )
        before = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        assert [r.reference for r in draft.risks] == [r.reference for r in before.open_risks]
        draft_id = draft.id
    # The project manager finds the draft in My work.
    work = text(person(LOUISA_SIMPSON).get("/"))
    assert f'href="/updates/{draft_id}"' in work and "1 January 2024 – 29 February 2024" in work


def test_a_double_click_opens_the_period_once_and_the_second_says_it_is_open(app, pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    first = post(pmo, f"/periods/{period_id}/open", {"while_another_is_open": "y"})
    second = post(pmo, f"/periods/{period_id}/open", {"while_another_is_open": "y"})
    assert (first.status_code, second.status_code) == (302, 409)
    assert "1 January 2024 – 29 February 2024 is already open Heidi Robinson opened it" in plain(text(second))
    assert drafts_of(app, period_id) == 5
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "open_period", AuditEvent.period_id == period_id)
        ) == 1
    # Asking for the open page again says so too.
    again = pmo.get(f"/periods/{period_id}/open")
    assert again.status_code == 409 and "is already open" in plain(text(again))


def test_a_later_planned_period_waits_for_the_earlier_one(app, pmo, ids):
    plan_jan_feb(pmo, ids)
    mar_apr = plan_jan_feb(
        pmo, ids, start_date=["1", "3", "2024"], end_date=["30", "4", "2024"], drafts_due=["26", "4", "2024"],
        approvals_due=["3", "5", "2024"], sign_off_due=["10", "5", "2024"], iib_meeting_date=["21", "5", "2024"],
    )
    refused = post(pmo, f"/periods/{mar_apr}/open", {"while_another_is_open": "y"})
    assert refused.status_code == 409
    assert "Open 1 January 2024 – 29 February 2024 first" in text(refused)
    assert drafts_of(app, mar_apr) == 0


@pytest.mark.parametrize("email", [STEVE_COX, LOUISA_SIMPSON, RICHARD_CARR])
def test_only_the_pmo_opens_a_period(app, pmo, person, ids, email):
    period_id = plan_jan_feb(pmo, ids)
    client = person(email)
    assert client.get(f"/periods/{period_id}/open").status_code == 403
    assert post(client, f"/periods/{period_id}/open", {"while_another_is_open": "y"}).status_code == 403
    assert drafts_of(app, period_id) == 0


# --- Deleting ----------------------------------------------------------------------------------------------


def test_a_planned_period_is_deleted_after_confirmation_and_audited(app, pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    assert "removes only its dates from the calendar" in plain(text(pmo.get(f"/periods/{period_id}/delete")))
    response = post(pmo, f"/periods/{period_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/programmes/{ids.programme}/periods")
    assert len(periods_of(app, ids.programme)) == 3
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "delete_period"))
        assert (event.object_id, event.actor.email) == (period_id, HEIDI_ROBINSON)
        assert event.comment.startswith("1 January 2024 – 29 February 2024. Start date: 1 January 2024")
    assert pmo.get(f"/periods/{period_id}").status_code == 404


def test_an_opened_period_cannot_be_deleted_and_says_why(app, pmo, ids):
    for path in (f"/periods/{ids.periods['nov_dec']}/delete",):
        assert pmo.get(path).status_code == 409
        refused = post(pmo, path)
        assert refused.status_code == 409
        assert "has been opened: its report and the workstreams' drafts belong to the record" in plain(text(refused))
    assert len(periods_of(app, ids.programme)) == 3


# --- Changing dates ----------------------------------------------------------------------------------------


def due_dates_form(html: str, **changes) -> dict:
    form = {"version": re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)}
    for name in ("drafts_due", "approvals_due", "sign_off_due", "iib_meeting_date"):
        form[name] = changes.get(name, boxes(html, name))
    return form


def test_the_pmo_changes_the_open_periods_due_dates_and_each_change_is_audited(app, pmo, ids):
    path = f"/periods/{ids.periods['nov_dec']}/dates"
    page = text(pmo.get(path))
    assert 'id="start_date-day"' not in page and boxes(page, "drafts_due") == ["22", "12", "2023"]
    response = post(pmo, path, due_dates_form(page, drafts_due=["20", "12", "2023"], iib_meeting_date=["23", "1", "2024"]))
    assert response.status_code == 302
    assert "The dates are saved." in plain(text(pmo.get(response.headers["Location"])))
    with app.app_context():
        period = db.session.get(ReportingPeriod, ids.periods["nov_dec"])
        assert (period.drafts_due, period.iib_meeting_date) == (dt.date(2023, 12, 20), dt.date(2024, 1, 23))
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_period_dates"))
        assert event.comment == (
            "Drafts due: 22 December 2023 → 20 December 2023; IIB meeting: 16 January 2024 → 23 January 2024"
        )
    # The period's history shows it.
    assert "Dates changed" in text(pmo.get(f"/periods/{ids.periods['nov_dec']}"))


def test_a_planned_periods_start_and_end_can_change_too(app, pmo, ids):
    period_id = plan_jan_feb(pmo, ids)
    page = text(pmo.get(f"/periods/{period_id}/dates"))
    form = due_dates_form(page) | {"start_date": ["1", "1", "2024"], "end_date": ["28", "2", "2024"]}
    assert post(pmo, f"/periods/{period_id}/dates", form).status_code == 302
    assert periods_of(app, ids.programme)[-1] == (dt.date(2024, 1, 1), dt.date(2024, 2, 28), False)


def test_invalid_due_dates_are_refused_beside_the_field(app, pmo, ids):
    path = f"/periods/{ids.periods['nov_dec']}/dates"
    response = post(pmo, path, due_dates_form(text(pmo.get(path)), approvals_due=["21", "12", "2023"]))
    assert response.status_code == 422
    assert error_beside(text(response), "approvals_due") == "Sponsor approval must be due on or after the date drafts are due"
    assert boxes(text(response), "approvals_due") == ["21", "12", "2023"]


def test_dates_changed_by_someone_else_meanwhile_are_not_overwritten(app, pmo, ids):
    path = f"/periods/{ids.periods['nov_dec']}/dates"
    page = text(pmo.get(path))
    # The same page open in two tabs: the first save moves the version on.
    assert post(pmo, path, due_dates_form(page, drafts_due=["21", "12", "2023"])).status_code == 302
    stale = post(pmo, path, due_dates_form(page, drafts_due=["19", "12", "2023"]))
    assert stale.status_code == 409
    assert "Someone else changed the period's dates after you opened the page" in plain(text(stale))
    assert boxes(text(stale), "drafts_due") == ["19", "12", "2023"]
    with app.app_context():
        assert db.session.get(ReportingPeriod, ids.periods["nov_dec"]).drafts_due == dt.date(2023, 12, 21)


def test_dates_cannot_change_once_the_period_is_signed_off(app, pmo, ids):
    path = f"/periods/{ids.periods['sep_oct']}/dates"
    assert pmo.get(path).status_code == 409
    refused = post(pmo, path, {"version": 1, "drafts_due": ["20", "10", "2023"], "approvals_due": ["3", "11", "2023"],
                               "sign_off_due": ["10", "11", "2023"], "iib_meeting_date": ["21", "11", "2023"]})
    assert refused.status_code == 409
    assert "is signed off, so its dates can no longer change" in plain(text(refused))
    with app.app_context():
        assert db.session.get(ReportingPeriod, ids.periods["sep_oct"]).drafts_due == dt.date(2023, 10, 27)


def test_the_change_link_shows_for_the_pmo_until_sign_off(pmo, person, ids):
    assert f"/periods/{ids.periods['nov_dec']}/dates" in text(pmo.get(f"/periods/{ids.periods['nov_dec']}"))
    assert "/dates" not in text(pmo.get(f"/periods/{ids.periods['sep_oct']}"))
    assert "/dates" not in text(person(STEVE_COX).get(f"/periods/{ids.periods['nov_dec']}"))


def test_readers_see_the_signed_off_periods_on_the_programme_page_and_nothing_of_one_under_way(person, ids):
    home = plain(text(person(RICHARD_CARR).get(f"/programmes/{ids.programme}")))
    assert "2 reporting periods" in home
    assert "is open" not in home and "is planned" not in home and "Plan the" not in home
