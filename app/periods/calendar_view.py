"""What the programme's page says of its reporting calendar: how many periods the person can see, and the
next step (plan the first period, plan the next, open the planned one, or how the open ones are going)."""
from __future__ import annotations

import dataclasses

from app.models import Programme, ReportingPeriod, User
from app.period_queries import approved_counts, calendar_periods
from app.periods.rules import open_periods
from app.permissions import can, is_officer


@dataclasses.dataclass(frozen=True)
class OpenPeriodProgress:
    period: ReportingPeriod
    approved: int
    workstreams: int


@dataclasses.dataclass(frozen=True)
class CalendarView:
    visible_periods: int
    open: list[OpenPeriodProgress]
    # The soonest planned period, if the person may see it.
    planned: ReportingPeriod | None
    may_plan: bool


def calendar_view(programme: Programme, user: User) -> CalendarView:
    periods = [p for p in calendar_periods(programme.id) if can(user, "view_period", p)]
    # How an open period is going is for officers: a reader sees a reopened period as it was signed off.
    still_open = open_periods(periods) if is_officer(user, programme.id) else []
    counts = approved_counts(still_open)
    planned = [p for p in periods if p.is_planned]
    return CalendarView(
        visible_periods=len(periods),
        open=[OpenPeriodProgress(p, *counts[p.id]) for p in still_open],
        planned=min(planned, key=lambda p: p.start_date) if planned else None,
        may_plan=can(user, "administer", programme),
    )
