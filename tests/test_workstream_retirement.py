"""Retiring a workstream from a given period, and re-activating it. A retired workstream keeps its history and its
place in the periods it reported in; it is in no later period. Its draft in an open period goes only while no one
has worked on it; once someone has, it reports in that period and is retired from the next one."""
from __future__ import annotations

import datetime as dt
import html
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Milestone, ReportingPeriod, Risk, UpdateState, Workstream, WorkstreamUpdate
from app.period_queries import active_workstreams, workstreams_for_new_period
from app.periods.services import open_period
from app.update_rules import period_status
from app.workstreams.retirement import retirement, update_started
from tests.conftest import demo_programme, error_beside, post, text, user_by_email
from tests.demo_ids import CODES, TITLES
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON, NICK_BELL, RICHARD_CARR
from tests.test_workstream_setup import NEW

JAN_FEB = dict(
    start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 2, 29), drafts_due=dt.date(2024, 2, 23),
    approvals_due=dt.date(2024, 3, 1), sign_off_due=dt.date(2024, 3, 8), iib_meeting_date=None, opened_by=None,
)


def codes_in(period_id: int) -> list[str]:
    return [row.workstream.code for row in period_status(db.session.get(ReportingPeriod, period_id))]


def gov_update(ids, period: str) -> WorkstreamUpdate | None:
    return db.session.scalar(sa.select(WorkstreamUpdate).where(
        WorkstreamUpdate.workstream_id == ids.workstreams["GOV"], WorkstreamUpdate.period_id == ids.periods[period]))


def status_rows(page: str) -> list[str]:
    """The workstreams of a period page's status table, by their row headers."""
    table = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    headers = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', table, re.S)
    return [re.sub(r"<[^>]+>", "", header).strip() for header in headers]


def beside(page: str, field: str) -> str:
    return html.unescape(error_beside(page, field))


def test_retiring_from_the_open_period_removes_its_draft_not_yet_started_and_keeps_every_earlier_period(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov, nov_dec = ids.workstreams["GOV"], ids.periods["nov_dec"]
    page = text(heidi.get(f"/workstreams/{gov}/retire"))
    assert "Its draft for this period has not been started: retiring it removes it." in page
    assert f'value="{nov_dec}"' in page and 'value="next"' in page
    with app.app_context():
        draft_id = gov_update(ids, "nov_dec").id
        rows = (len(gov_update(ids, "nov_dec").milestones), len(gov_update(ids, "nov_dec").risks))
        assert rows != (0, 0), "the draft carried milestones and risks forward"
    response = post(heidi, f"/workstreams/{gov}/retire", retire_from=str(nov_dec))
    assert response.status_code == 302
    with app.test_request_context():
        workstream = db.session.get(Workstream, gov)
        assert workstream.retired_from == dt.date(2023, 11, 1)
        assert db.session.get(WorkstreamUpdate, draft_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Milestone).where(Milestone.update_id == draft_id)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Risk).where(Risk.update_id == draft_id)) == 0
        assert "GOV" not in codes_in(nov_dec)
        assert codes_in(ids.periods["sep_oct"])[0] == "GOV" and codes_in(ids.periods["jul_aug"])[0] == "GOV"
        assert "GOV" not in [w.code for w in active_workstreams(ids.programme)]
        actions = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id).where(
                AuditEvent.action.in_(["remove_draft", "retire_workstream"])).order_by(AuditEvent.id)
        ).all()
        heidi_id = user_by_email(HEIDI_ROBINSON).id
        assert actions == [("remove_draft", draft_id, heidi_id), ("retire_workstream", gov, heidi_id)]
        assert "GOV" not in [w.code for w in workstreams_for_new_period(ids.programme, dt.date(2024, 1, 1))]
    # Earlier periods' status tables keep it; the open period's does not.
    assert status_rows(text(heidi.get(f"/periods/{ids.periods['sep_oct']}")))[0] == "Governance and decision making"
    assert status_rows(text(heidi.get(f"/periods/{nov_dec}"))) == [TITLES[code] for code in CODES[1:]]
    history = html.unescape(text(heidi.get(f"/periods/{nov_dec}")))
    assert "Draft removed" in history
    assert "Governance and decision making was retired from this period before its draft was started" in history
    listed = text(heidi.get(f"/programmes/{ids.programme}/workstreams"))
    assert "Retired workstreams" in listed and "Retired: not in periods from 1 November 2023" in listed


def test_a_workstream_whose_draft_has_been_worked_on_reports_in_that_period_and_retires_from_the_next(app, person, ids):
    heidi, louisa = person(HEIDI_ROBINSON), person(LOUISA_SIMPSON)
    gov, nov_dec = ids.workstreams["GOV"], ids.periods["nov_dec"]
    # The project manager adds a risk to the draft: work has started on it.
    assert post(louisa, f"/updates/{ids.update('GOV', 'nov_dec')}/risks", description="Board papers late.",
                mitigation="A timetable.").status_code in (200, 302)
    page = html.unescape(text(heidi.get(f"/workstreams/{gov}/retire")))
    assert f'value="{nov_dec}"' not in page
    assert "It must report in 1 November 2023 – 31 December 2023: its update there has been worked on (draft)" in page
    assert "It reports in 1 November 2023 – 31 December 2023 for the last time." in page
    # Asking for the open period anyway (a page opened before the work started) is refused, saying what to do.
    refused = post(heidi, f"/workstreams/{gov}/retire", retire_from=str(nov_dec))
    assert refused.status_code == 422
    assert beside(text(refused), "retire_from") == (
        "Governance and decision making must report in 1 November 2023 – 31 December 2023: its update there has been "
        "worked on. Retire it from the next period instead"
    )
    with app.app_context():
        assert db.session.get(Workstream, gov).retired_from is None
        assert gov_update(ids, "nov_dec") is not None
    assert post(heidi, f"/workstreams/{gov}/retire", retire_from="next").status_code == 302
    with app.test_request_context():
        assert db.session.get(Workstream, gov).retired_from == dt.date(2024, 1, 1)
        assert gov_update(ids, "nov_dec") is not None, "its update stays: it reports in Nov–Dec for the last time"
        assert codes_in(nov_dec)[0] == "GOV"
        period = open_period(demo_programme(), **JAN_FEB, while_another_is_open=True)
        assert "GOV" not in codes_in(period.id)
        assert len(codes_in(period.id)) == 4


def test_a_submitted_update_keeps_its_workstream_in_the_period(app, person, ids):
    with app.app_context():
        update = gov_update(ids, "nov_dec")
        update.state = UpdateState.SUBMITTED
        db.session.commit()
    heidi = person(HEIDI_ROBINSON)
    response = post(heidi, f"/workstreams/{ids.workstreams['GOV']}/retire", retire_from=str(ids.periods["nov_dec"]))
    assert response.status_code == 422
    page = html.unescape(text(heidi.get(f"/workstreams/{ids.workstreams['GOV']}/retire")))
    assert "its update there has been worked on (submitted)" in page
    # Only one way remains: the page says what it is rather than offering a single radio button.
    assert 'type="radio"' not in page and 'name="retire_from" value="next"' in page


def test_a_signed_off_period_or_an_unknown_choice_is_refused(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    signed_off = post(heidi, f"/workstreams/{gov}/retire", retire_from=str(ids.periods["sep_oct"]))
    assert signed_off.status_code == 422
    assert beside(text(signed_off), "retire_from") == (
        "1 September 2023 – 31 October 2023 is signed off with Governance and decision making in it: select a later period"
    )
    for value in ("", "2147483647", "nxt", "next\x00", "-1"):
        refused = post(heidi, f"/workstreams/{gov}/retire", retire_from=value)
        assert refused.status_code == 422
        assert beside(text(refused), "retire_from") == "Select the period it stops reporting in"
    with app.app_context():
        assert db.session.get(Workstream, gov).retired_from is None


def test_a_retired_workstream_is_re_activated_and_reports_from_the_next_period_opened(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    gov = ids.workstreams["GOV"]
    post(heidi, f"/workstreams/{gov}/retire", retire_from=str(ids.periods["nov_dec"]))
    edit = text(heidi.get(f"/workstreams/{gov}/edit"))
    assert f'action="/workstreams/{gov}/reactivate"' in edit
    assert heidi.get(f"/workstreams/{gov}/retire").status_code == 409, "already retired"
    assert post(heidi, f"/workstreams/{gov}/move-up").status_code == 409
    response = post(heidi, f"/workstreams/{gov}/reactivate")
    assert response.status_code == 302
    with app.test_request_context():
        assert db.session.get(Workstream, gov).retired_from is None
        assert "GOV" not in codes_in(ids.periods["nov_dec"]), "not into the period it was taken out of"
        period = open_period(demo_programme(), **JAN_FEB, while_another_is_open=True)
        assert codes_in(period.id)[0] == "GOV"
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reactivate_workstream"))
        assert (event.workstream_id, event.changed_fields) == (gov, ["retired_from"])
    assert post(heidi, f"/workstreams/{gov}/reactivate").status_code == 409, "it is no longer retired"


def test_only_the_pmo_retires_and_re_activates(app, person, ids):
    gov = ids.workstreams["GOV"]
    for email in (NICK_BELL, LOUISA_SIMPSON, RICHARD_CARR):
        someone = person(email)
        assert someone.get(f"/workstreams/{gov}/retire").status_code == 403
        assert post(someone, f"/workstreams/{gov}/retire", retire_from="next").status_code == 403
        assert post(someone, f"/workstreams/{gov}/reactivate").status_code == 403
    with app.app_context():
        assert db.session.get(Workstream, gov).retired_from is None
    assert post(person(HEIDI_ROBINSON), "/workstreams/2147483647/retire", retire_from="next").status_code == 404


# --- The rules beneath ---------------------------------------------------------------------------------------


def test_a_draft_is_started_once_anything_but_its_creation_is_in_the_trail_or_it_moved_on(app, ids):
    with app.test_request_context():
        update = gov_update(ids, "nov_dec")
        assert not update_started(update)
        db.session.add(AuditEvent(action="add_risk", object_type="Risk", object_id=1, period_id=update.period_id,
                                  workstream_id=update.workstream_id, actor=None))
        db.session.flush()
        assert update_started(update)
        db.session.rollback()
        update = gov_update(ids, "nov_dec")
        update.state = UpdateState.RETURNED
        assert update_started(update)


def test_the_periods_a_workstream_can_be_retired_from_stop_at_the_latest_started_or_signed_off_one(app, ids):
    with app.test_request_context():
        jan_feb = open_period(demo_programme(), **JAN_FEB, while_another_is_open=True)
        gov = db.session.get(Workstream, ids.workstreams["GOV"])
        choices = retirement(gov).choices
        assert [c.value for c in choices] == [str(ids.periods["nov_dec"]), str(jan_feb.id), "next"]
        assert [len(c.drafts_removed) for c in choices] == [2, 1, 0]
        assert choices[-1].retired_from == dt.date(2024, 3, 1)
        # Work on the latest draft keeps both periods.
        db.session.add(AuditEvent(action="edit", object_type="WorkstreamUpdate", object_id=1, period_id=jan_feb.id,
                                  workstream_id=gov.id, actor=None))
        db.session.flush()
        plan = retirement(gov)
        assert [c.value for c in plan.choices] == ["next"]
        assert [period.id for period, _update in plan.reporting_in] == [jan_feb.id]


def test_a_workstream_retired_from_a_date_reports_in_periods_starting_before_it_only(app, ids):
    with app.test_request_context():
        gov = db.session.get(Workstream, ids.workstreams["GOV"])
        gov.retired_from = dt.date(2024, 3, 1)
        db.session.flush()
        starting = lambda day: [w.code for w in workstreams_for_new_period(ids.programme, day)]  # noqa: E731
        assert "GOV" in starting(dt.date(2024, 2, 29))
        assert "GOV" not in starting(dt.date(2024, 3, 1))
        assert gov.reports_in_period_from(dt.date(2024, 2, 29)) and not gov.reports_in_period_from(dt.date(2024, 3, 1))


def test_a_period_planned_but_not_opened_can_be_the_first_it_does_not_report_in(app, person, ids):
    """The reporting calendar plans a period before opening it: a workstream can be retired from it, so that
    opening it gives the workstream no draft."""
    with app.app_context():
        planned = ReportingPeriod(programme_id=ids.programme, **{k: v for k, v in JAN_FEB.items() if k != "opened_by"})
        db.session.add(planned)
        db.session.commit()
        planned_id = planned.id
    heidi = person(HEIDI_ROBINSON)
    page = html.unescape(text(heidi.get(f"/workstreams/{ids.workstreams['GOV']}/retire")))
    assert f'value="{planned_id}"' in page and "Not opened yet: it will have no draft in it." in page
    assert "It reports for the last time in 1 January 2024 – 29 February 2024, when it opens." in page
    assert post(heidi, f"/workstreams/{ids.workstreams['GOV']}/retire", retire_from=str(planned_id)).status_code == 302
    with app.test_request_context():
        assert db.session.get(Workstream, ids.workstreams["GOV"]).retired_from == dt.date(2024, 1, 1)
        assert gov_update(ids, "nov_dec") is not None, "it still reports in the open period"
        assert "GOV" not in [w.code for w in workstreams_for_new_period(ids.programme, dt.date(2024, 1, 1))]


def test_a_period_it_has_no_update_in_is_not_one_to_retire_it_from(app, person, ids):
    heidi = person(HEIDI_ROBINSON)
    post(heidi, f"/programmes/{ids.programme}/workstreams/new", **NEW)
    with app.app_context():
        digital = db.session.scalar(sa.select(Workstream).where(Workstream.code == "DIG")).id
    page = text(heidi.get(f"/workstreams/{digital}/retire"))
    assert f'value="{ids.periods["nov_dec"]}"' not in page
    assert "It is not in 1 November 2023 – 31 December 2023, the latest period." in html.unescape(page)
    refused = post(heidi, f"/workstreams/{digital}/retire", retire_from=str(ids.periods["nov_dec"]))
    assert refused.status_code == 422
    assert beside(text(refused), "retire_from") == (
        "Digital services has no update in 1 November 2023 – 31 December 2023: retire it from the next period"
    )
