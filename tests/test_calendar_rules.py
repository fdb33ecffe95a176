"""The reporting calendar's rules (app/periods/rules.py): the cadence after the last period, the default due
dates from the programme's settings, and what makes a period's dates valid."""
import datetime as dt

import pytest

from app.demo.loader import PERIODS
from app.models import Programme, ReportingPeriod
from app.periods.rules import (
    PeriodDates,
    add_months,
    cadence_end,
    date_problems,
    default_dates,
    latest_due_date,
    next_start,
    opening_refusal,
    still_open_text,
)

D = dt.date
OPENED = dt.datetime(2023, 11, 1, 9, tzinfo=dt.timezone.utc)


def programme(months=2, drafts=4, approvals=7, sign_off=7, iib=11) -> Programme:
    return Programme(
        name="Improvement Plan", months_per_period=months, drafts_due_days_before_end=drafts,
        approvals_due_days_after_drafts=approvals, sign_off_due_days_after_approvals=sign_off,
        iib_meeting_days_after_sign_off=iib,
    )


def period(start, end, *, planned=False, id=None, **due) -> ReportingPeriod:
    dates = dict(drafts_due=end, approvals_due=end, sign_off_due=end, iib_meeting_date=None) | due
    return ReportingPeriod(id=id, start_date=start, end_date=end, opened_at=None if planned else OPENED, **dates)


def dates(start, end, drafts, approvals, sign_off, iib=None) -> PeriodDates:
    return PeriodDates(start, end, drafts, approvals, sign_off, iib)


# --- The cadence -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 1), 2, D(2024, 3, 1)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year's February
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 11, 1), 2, D(2024, 1, 1)),  # into the next year
        (D(2023, 12, 31), 12, D(2024, 12, 31)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2024, 1, 1), 2, D(2024, 2, 29)),  # January–February in a leap year ends on 29 February
        (D(2023, 1, 1), 2, D(2023, 2, 28)),
        (D(2023, 11, 1), 2, D(2023, 12, 31)),
        (D(2024, 3, 1), 3, D(2024, 5, 31)),
        (D(2024, 4, 1), 1, D(2024, 4, 30)),
    ],
)
def test_a_period_ends_the_day_before_its_cadence_brings_the_next_start(start, months, end):
    assert cadence_end(start, months) == end


def test_the_next_period_starts_the_day_after_the_calendars_last_period_ends():
    calendar = [period(D(2023, 9, 1), D(2023, 10, 31)), period(D(2023, 11, 1), D(2023, 12, 31))]
    assert next_start(calendar) == D(2024, 1, 1)
    # A planned period is in the calendar too: the next one follows it.
    assert next_start(calendar + [period(D(2024, 1, 1), D(2024, 2, 29), planned=True)]) == D(2024, 3, 1)


def test_a_programmes_first_period_has_no_default_start():
    assert next_start([]) is None
    assert default_dates(programme(), None) == PeriodDates(None, None, None, None, None, None)


def test_the_default_dates_follow_the_cadence_and_the_programmes_settings():
    # 1 January 2024 + 2 months: ends 29 February; drafts 4 days before the end, then 7, 7 and 11 days on.
    assert default_dates(programme(), D(2024, 1, 1)) == dates(
        D(2024, 1, 1), D(2024, 2, 29), D(2024, 2, 25), D(2024, 3, 3), D(2024, 3, 10), D(2024, 3, 21)
    )
    settings = programme(months=3, drafts=10, approvals=5, sign_off=3, iib=1)
    assert default_dates(settings, D(2024, 4, 1)) == dates(
        D(2024, 4, 1), D(2024, 6, 30), D(2024, 6, 20), D(2024, 6, 25), D(2024, 6, 28), D(2024, 6, 29)
    )


def test_a_given_end_keeps_its_place_and_the_due_dates_follow_it():
    assert default_dates(programme(), D(2024, 1, 1), D(2024, 1, 31)).drafts_due == D(2024, 1, 27)


def test_the_default_dates_are_valid_for_the_cadence_after_the_demos_last_period():
    calendar = [period(D(2023, 11, 1), D(2023, 12, 31))]
    assert date_problems(programme(), default_dates(programme(), next_start(calendar)), calendar) == {}


# --- Valid dates -------------------------------------------------------------------------------------------


def test_the_demos_own_periods_are_valid_under_the_rules():
    calendar = []
    for fields in PERIODS.values():
        assert date_problems(programme(), PeriodDates(**fields), calendar) == {}, fields
        calendar.append(period(**{"start": fields["start_date"], "end": fields["end_date"]}))


def test_every_date_but_the_iib_meeting_must_be_given():
    problems = date_problems(programme(), PeriodDates(D(2024, 1, 1), D(2024, 2, 29), None, None, None, None), [])
    assert problems == {
        "drafts_due": "Enter the date drafts are due",
        "approvals_due": "Enter the date sponsor approval is due",
        "sign_off_due": "Enter the date CMT sign-off is due",
    }
    assert date_problems(programme(), PeriodDates(None, None, None, None, None), [])["start_date"] == "Enter the start date"


@pytest.mark.parametrize("end", [D(2024, 1, 1), D(2023, 12, 1)])
def test_a_period_ends_after_it_starts(end):
    problems = date_problems(programme(), dates(D(2024, 1, 1), end, end, end, end), [])
    assert problems == {"end_date": "The end date must be after the start date"}


def test_a_period_overlapping_another_names_it_beside_the_date_that_runs_into_it():
    calendar = [period(D(2023, 11, 1), D(2023, 12, 31)), period(D(2024, 3, 1), D(2024, 4, 30), planned=True)]
    starts_inside = date_problems(programme(), dates(D(2023, 12, 15), D(2024, 2, 14), D(2024, 2, 1), D(2024, 2, 8), D(2024, 2, 9)), calendar)
    assert starts_inside == {
        "start_date": "The period overlaps 1 November 2023 – 31 December 2023, which is already in the calendar"
    }
    runs_into = date_problems(programme(), dates(D(2024, 1, 1), D(2024, 3, 15), D(2024, 2, 1), D(2024, 2, 8), D(2024, 2, 9)), calendar)
    assert runs_into == {"end_date": "The period overlaps 1 March 2024 – 30 April 2024, which is already in the calendar"}


def test_a_period_changing_its_own_dates_does_not_overlap_itself():
    planned = period(D(2024, 1, 1), D(2024, 2, 29), planned=True, id=7)
    calendar = [period(D(2023, 11, 1), D(2023, 12, 31), id=6), planned]
    moved = dates(D(2024, 1, 1), D(2024, 2, 28), D(2024, 2, 20), D(2024, 3, 1), D(2024, 3, 8))
    assert date_problems(programme(), moved, calendar, planned) == {}


def test_a_new_period_comes_after_the_latest_opened_one():
    calendar = [period(D(2023, 7, 1), D(2023, 8, 31)), period(D(2024, 1, 1), D(2024, 2, 29))]
    in_the_gap = dates(D(2023, 9, 1), D(2023, 10, 31), D(2023, 10, 27), D(2023, 11, 3), D(2023, 11, 10))
    assert date_problems(programme(), in_the_gap, calendar) == {
        "start_date": "The period must start after 29 February 2024, the end of 1 January 2024 – 29 February 2024: "
        "periods are opened in order, so a new one comes after the latest opened period"
    }


@pytest.mark.parametrize(
    ("drafts", "expected"),
    [
        (D(2023, 12, 31), "Drafts must be due within the period, between 1 January 2024 and 29 February 2024"),
        (D(2024, 3, 1), "Drafts must be due within the period, between 1 January 2024 and 29 February 2024"),
    ],
)
def test_drafts_are_due_within_the_period(drafts, expected):
    problems = date_problems(programme(), dates(D(2024, 1, 1), D(2024, 2, 29), drafts, D(2024, 3, 3), D(2024, 3, 10)), [])
    assert problems == {"drafts_due": expected}


def test_approvals_sign_off_and_the_iib_meeting_fall_by_the_end_of_the_cadence_after_the_period():
    assert latest_due_date(programme(), D(2024, 2, 29)) == D(2024, 4, 30)
    late = dates(D(2024, 1, 1), D(2024, 2, 29), D(2024, 2, 25), D(2024, 5, 1), D(2024, 5, 2), D(2024, 5, 3))
    assert date_problems(programme(), late, []) == {
        "approvals_due": "Sponsor approval must be due by 30 April 2024, the end of the 2 months after the period",
        "sign_off_due": "CMT sign-off must be due by 30 April 2024, the end of the 2 months after the period",
        "iib_meeting_date": "The IIB meeting must be by 30 April 2024, the end of the 2 months after the period",
    }
    on_the_last_day = dates(D(2024, 1, 1), D(2024, 2, 29), D(2024, 2, 25), D(2024, 4, 30), D(2024, 4, 30), D(2024, 4, 30))
    assert date_problems(programme(), on_the_last_day, []) == {}
    assert "the end of the 1 month after" in date_problems(programme(months=1), late, [])["approvals_due"]


def test_the_due_dates_come_in_order():
    out_of_order = dates(D(2024, 1, 1), D(2024, 2, 29), D(2024, 2, 25), D(2024, 2, 24), D(2024, 2, 23), D(2024, 2, 22))
    assert date_problems(programme(), out_of_order, []) == {
        "approvals_due": "Sponsor approval must be due on or after the date drafts are due",
        "sign_off_due": "CMT sign-off must be due on or after the date sponsor approval is due",
        "iib_meeting_date": "The IIB meeting must be on or after the date CMT sign-off is due",
    }
    same_day = dates(D(2024, 1, 1), D(2024, 2, 29), D(2024, 2, 25), D(2024, 2, 25), D(2024, 2, 25), D(2024, 2, 25))
    assert date_problems(programme(), same_day, []) == {}


# --- Opening -----------------------------------------------------------------------------------------------


def test_a_planned_period_opens_after_every_earlier_planned_one():
    first = period(D(2024, 1, 1), D(2024, 2, 29), planned=True, id=1)
    second = period(D(2024, 3, 1), D(2024, 4, 30), planned=True, id=2)
    calendar = [period(D(2023, 11, 1), D(2023, 12, 31), id=3), first, second]
    assert opening_refusal(first, calendar) is None
    assert opening_refusal(second, calendar) == (
        "Open 1 January 2024 – 29 February 2024 first: periods are opened in order, each carrying forward from the "
        "one before."
    )


def test_an_opened_period_cannot_be_opened_again():
    opened = period(D(2023, 11, 1), D(2023, 12, 31), id=3)
    assert opening_refusal(opened, [opened]) == "1 November 2023 – 31 December 2023 is already open."


def test_the_periods_still_open_are_named_in_a_sentence():
    nov_dec = period(D(2023, 11, 1), D(2023, 12, 31))
    sep_oct = period(D(2023, 9, 1), D(2023, 10, 31))
    assert still_open_text([nov_dec]) == "1 November 2023 – 31 December 2023 is still open"
    assert still_open_text([sep_oct, nov_dec]) == (
        "1 September 2023 – 31 October 2023 and 1 November 2023 – 31 December 2023 are still open"
    )
