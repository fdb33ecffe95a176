"""The reporting calendar's rules, in one place: the cadence that follows the last period, the default due
dates from the programme's settings, what makes a period's dates valid, and when a period may be opened,
have its dates changed or be deleted.

The services (app/periods/services.py), the forms' pages, the permissions and the CLI all ask these.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from calendar import monthrange

from app.formatting import long_date
from app.models import Programme, ReportingPeriod
from app.reports.queries import is_signed_off, latest_reports

ONE_DAY = dt.timedelta(days=1)

# Every date a period has, in the order the pages show them, with the label each is shown with.
DATE_LABELS = {
    "start_date": "Start date",
    "end_date": "End date",
    "drafts_due": "Drafts due",
    "approvals_due": "Sponsor approval due",
    "sign_off_due": "CMT sign-off due",
    "iib_meeting_date": "IIB meeting",
}
DUE_DATES = ("drafts_due", "approvals_due", "sign_off_due", "iib_meeting_date")
# What to say when a date that must be given is not.
MISSING = {
    "start_date": "Enter the start date",
    "end_date": "Enter the end date",
    "drafts_due": "Enter the date drafts are due",
    "approvals_due": "Enter the date sponsor approval is due",
    "sign_off_due": "Enter the date CMT sign-off is due",
}


@dataclasses.dataclass(frozen=True)
class PeriodDates:
    start_date: dt.date | None
    end_date: dt.date | None
    drafts_due: dt.date | None
    approvals_due: dt.date | None
    sign_off_due: dt.date | None
    iib_meeting_date: dt.date | None = None

    @classmethod
    def of(cls, period: ReportingPeriod) -> PeriodDates:
        return cls(**{name: getattr(period, name) for name in DATE_LABELS})

    def as_dict(self) -> dict[str, dt.date | None]:
        return dataclasses.asdict(self)


# --- The cadence ------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when that month is shorter (31 January + 1 month
    is 29 February in a leap year)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def cadence_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months starting on `start`: 1 January to 29 February 2024."""
    return add_months(start, months) - ONE_DAY


def next_start(calendar_periods: list[ReportingPeriod]) -> dt.date | None:
    """Where the next period starts: the day after the calendar's last period ends (None for the first
    period of a programme, which the PMO chooses)."""
    if not calendar_periods:
        return None
    return max(period.end_date for period in calendar_periods) + ONE_DAY


def default_dates(programme: Programme, start: dt.date | None, end: dt.date | None = None) -> PeriodDates:
    """The period from `start` at the programme's cadence (unless `end` is given), with its due dates
    from the programme's settings: drafts a number of days before the end, then sponsor approval, CMT
    sign-off and the IIB meeting each a number of days after the one before."""
    if start is None:
        return PeriodDates(None, end, None, None, None, None)
    end = end or cadence_end(start, programme.months_per_period)
    drafts = end - dt.timedelta(days=programme.drafts_due_days_before_end)
    approvals = drafts + dt.timedelta(days=programme.approvals_due_days_after_drafts)
    sign_off = approvals + dt.timedelta(days=programme.sign_off_due_days_after_approvals)
    iib = sign_off + dt.timedelta(days=programme.iib_meeting_days_after_sign_off)
    return PeriodDates(start, end, drafts, approvals, sign_off, iib)


def latest_due_date(programme: Programme, end: dt.date) -> dt.date:
    """The latest a period's approvals, sign-off and IIB meeting may fall: the end of the cadence that
    follows it (the reports of a period are approved and signed off while the next one runs)."""
    return cadence_end(end + ONE_DAY, programme.months_per_period)


# --- Valid dates ----------------------------------------------------------------------------------------


def date_problems(
    programme: Programme, dates: PeriodDates, calendar_periods: list[ReportingPeriod], period: ReportingPeriod | None = None
) -> dict[str, str]:
    """{field: message} for what is wrong with the dates of `period` (a new one when None) among the
    programme's `calendar_periods`; empty when they are valid.

    A period ends after it starts, overlaps no other, and starts after the latest opened period (periods are
    opened in order, each carrying forward from the one before). Drafts are due within the period; sponsor
    approval, CMT sign-off and the IIB meeting follow in that order, by the end of the cadence after it."""
    errors = {name: message for name, message in MISSING.items() if getattr(dates, name) is None}
    start, end = dates.start_date, dates.end_date
    if errors.keys() & {"start_date", "end_date"}:
        return errors
    if end <= start:
        return {"end_date": "The end date must be after the start date", **errors}
    others = [p for p in calendar_periods if period is None or p.id != period.id]
    clash = next((p for p in sorted(others, key=lambda p: p.start_date) if p.overlaps(start, end)), None)
    if clash is not None:
        field = "start_date" if clash.start_date <= start <= clash.end_date else "end_date"
        errors[field] = f"The period overlaps {clash.label}, which is already in the calendar"
    elif period is None or period.is_planned:
        opened = [p for p in others if not p.is_planned]
        latest = max(opened, key=lambda p: p.end_date, default=None)
        if latest is not None and start <= latest.end_date:
            errors["start_date"] = (
                f"The period must start after {long_date(latest.end_date)}, the end of {latest.label}: periods "
                "are opened in order, so a new one comes after the latest opened period"
            )
    errors.update(_due_date_problems(programme, dates, errors))
    return errors


def _due_date_problems(programme: Programme, dates: PeriodDates, found: dict[str, str]) -> dict[str, str]:
    start, end = dates.start_date, dates.end_date
    limit = latest_due_date(programme, end)
    months = programme.months_per_period
    after_period = f"the end of the {months} month{'s' if months != 1 else ''} after the period"
    errors: dict[str, str] = {}
    if dates.drafts_due is not None and not start <= dates.drafts_due <= end:
        errors["drafts_due"] = (
            f"Drafts must be due within the period, between {long_date(start)} and {long_date(end)}"
        )
    # Each later date: on or after the one before it, and no later than the cadence after the period.
    sequence = (
        ("approvals_due", "drafts_due", "Sponsor approval must be due", "the date drafts are due"),
        ("sign_off_due", "approvals_due", "CMT sign-off must be due", "the date sponsor approval is due"),
        ("iib_meeting_date", "sign_off_due", "The IIB meeting must be", "the date CMT sign-off is due"),
    )
    for name, before, subject, before_text in sequence:
        day, earlier = getattr(dates, name), getattr(dates, before)
        if day is None or name in found:
            continue
        if earlier is not None and day < earlier:
            errors[name] = f"{subject} on or after {before_text}"
        elif day > limit:
            errors[name] = f"{subject} by {long_date(limit)}, {after_period}"
    return errors


# --- Opening, changing and deleting ---------------------------------------------------------------------


def open_periods(calendar_periods: list[ReportingPeriod]) -> list[ReportingPeriod]:
    """The opened periods whose latest revision is not signed off (drafts, approvals or a reopening under
    way), oldest first."""
    opened = [p for p in calendar_periods if not p.is_planned]
    reports = latest_reports([p.id for p in opened])
    return sorted(
        (p for p in opened if p.id in reports and not reports[p.id].is_signed_off), key=lambda p: p.start_date
    )


def still_open_text(periods: list[ReportingPeriod]) -> str:
    """"1 November 2023 – 31 December 2023 is still open", or "A and B are still open"."""
    labels = [p.label for p in periods]
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"{named} {'is' if len(labels) == 1 else 'are'} still open"


def opening_refusal(period: ReportingPeriod, calendar_periods: list[ReportingPeriod]) -> str | None:
    """Why the planned period cannot be opened now (None when it can). A second open period is not a
    refusal here: the PMO may open one while another is still open, saying so (`open_periods`)."""
    if not period.is_planned:
        return f"{period.label} is already open."
    earlier = [p for p in calendar_periods if p.is_planned and p.start_date < period.start_date]
    if earlier:
        first = min(earlier, key=lambda p: p.start_date)
        return f"Open {first.label} first: periods are opened in order, each carrying forward from the one before."
    clash = next((p for p in calendar_periods if p.id != period.id and p.overlaps(period.start_date, period.end_date)), None)
    if clash is not None:
        return f"{period.label} overlaps {clash.label}. Change its dates before opening it."
    return None


def dates_change_refusal(period: ReportingPeriod) -> str | None:
    """Due dates may change until the period's latest revision is signed off."""
    if is_signed_off(period):
        return (
            f"{period.label} is signed off, so its dates can no longer change. A CMT member can reopen it as a "
            "new revision."
        )
    return None


def deletion_refusal(period: ReportingPeriod) -> str | None:
    """Only a period with no activity yet (planned, not opened) can be deleted."""
    if not period.is_planned:
        return (
            f"{period.label} has been opened: its report and the workstreams' drafts belong to the record, so "
            "it cannot be deleted."
        )
    return None
