"""The sponsor's review: an update beside last period's approved update of the same workstream, with
what changed marked and what a reviewer should question listed.

`build_review(update)` reads everything it needs in a handful of statements (the previous period, the
previous update with its milestones and risks, this update's milestones and risks, and the milestones'
history) and returns plain dataclasses for the template.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import long_date, prose
from app.milestone_ages import milestone_ages
from app.models import (
    RAG,
    Milestone,
    MilestoneStatus,
    ReportingPeriod,
    Risk,
    RiskStatus,
    UpdateState,
    WorkstreamUpdate,
)
from app.period_queries import previous_period
from app.text_diff import text_changed, word_diff
from app.update_rules import agreed_rating

TEXT_SECTIONS = (
    ("key_activities", "Key activities"),
    ("engagement", "Engagement"),
    ("concerns", "Concerns and issues"),
    ("rag_rationale", "RAG rating rationale"),
)

# Ratings this bad need every open risk mitigated, and some risk recorded at all.
SERIOUS_RATINGS = (RAG.AMBER_RED, RAG.RED)

_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


# --- What the review holds ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TextComparison:
    field: str
    title: str
    previous_text: str | None  # None when there is no approved update last period
    current_text: str
    diff: Markup  # this period's text with changes marked (or simply formatted, with nothing to compare)
    changed: bool


@dataclasses.dataclass(frozen=True)
class RagComparison:
    previous: RAG | None  # last period's agreed rating
    proposed: RAG | None
    agreed: RAG | None  # only once approved
    change_reason: str
    agreed_justification: str

    @property
    def current(self) -> RAG | None:
        return self.agreed or self.proposed

    @property
    def direction(self) -> str | None:
        """Whether the rating "improved", "worsened" or stayed "unchanged" by severity; None when either
        rating is missing."""
        if self.previous is None or self.current is None:
            return None
        if self.current.severity < self.previous.severity:
            return "improved"
        if self.current.severity > self.previous.severity:
            return "worsened"
        return "unchanged"

    @property
    def description(self) -> str:
        if self.current is None:
            return "Not yet rated this period."
        if self.previous is None:
            return "No agreed rating last period to compare with."
        if self.direction == "unchanged":
            return f"Unchanged at {self.current.label}."
        return f"{self.direction.capitalize()} from {self.previous.label} to {self.current.label}."


# Where a milestone reported this period came from.
PLANNED = "planned"  # in last period's planned-for-next-period list
CARRIED_DELAYED = "carried_delayed"  # reported delayed last period and not re-planned, so carried forward
ADDED = "added"  # neither: new to this period's report


@dataclasses.dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    origin: str | None  # PLANNED, CARRIED_DELAYED, ADDED; None with nothing to compare
    delayed_before: int  # earlier periods in which it was due and reported delayed
    first_planned: dt.date | None

    @property
    def completed(self) -> bool:
        return self.milestone.status is MilestoneStatus.COMPLETE

    @property
    def slipped(self) -> bool:
        return self.milestone.status is MilestoneStatus.DELAYED

    @property
    def periods_delayed(self) -> int:
        """Periods it has been reported delayed, this one included."""
        return self.delayed_before + (1 if self.slipped else 0)

    @property
    def origin_label(self) -> str:
        return {
            PLANNED: "Planned last period",
            CARRIED_DELAYED: "Carried forward: delayed last period",
            ADDED: "Added this period",
        }.get(self.origin or "", "")


@dataclasses.dataclass(frozen=True)
class PlannedRow:
    milestone: Milestone
    added: bool  # a reference first seen this period


@dataclasses.dataclass(frozen=True)
class DroppedMilestone:
    milestone: Milestone  # last period's planned-next-period milestone
    deferred: bool  # not reported this period but planned again for next period


@dataclasses.dataclass(frozen=True)
class MilestoneReview:
    this_period: list[MilestoneRow]
    next_period: list[PlannedRow]
    dropped: list[DroppedMilestone]

    @property
    def completed(self) -> list[MilestoneRow]:
        return [row for row in self.this_period if row.completed]

    @property
    def slipped(self) -> list[MilestoneRow]:
        return [row for row in self.this_period if row.slipped]

    @property
    def added(self) -> list[MilestoneRow]:
        return [row for row in self.this_period if row.origin == ADDED]

    @property
    def planned(self) -> list[MilestoneRow]:
        return [row for row in self.this_period if row.origin == PLANNED]

    @property
    def carried_delayed(self) -> list[MilestoneRow]:
        return [row for row in self.this_period if row.origin == CARRIED_DELAYED]

    @property
    def added_next_period(self) -> list[PlannedRow]:
        return [row for row in self.next_period if row.added]


OPENED = "opened"
CLOSED = "closed"
CARRIED = "carried"


@dataclasses.dataclass(frozen=True)
class RiskRow:
    risk: Risk
    previous: Risk | None  # last period's risk with the same reference
    change: str | None  # OPENED, CLOSED or CARRIED; None with nothing to compare
    mitigation_diff: Markup
    mitigation_changed: bool

    @property
    def change_label(self) -> str:
        if self.change == CLOSED:
            return "Closed this period" if self.previous is not None else "Opened and closed this period"
        return {OPENED: "Opened this period", CARRIED: "Carried from last period"}.get(self.change or "", "")


@dataclasses.dataclass(frozen=True)
class RiskReview:
    rows: list[RiskRow]
    removed: list[Risk]  # last period's open risks not reported at all this period

    @property
    def opened(self) -> list[RiskRow]:
        return [row for row in self.rows if row.previous is None and row.change is not None]

    @property
    def closed(self) -> list[RiskRow]:
        return [row for row in self.rows if row.change == CLOSED]

    @property
    def carried(self) -> list[RiskRow]:
        return [row for row in self.rows if row.change == CARRIED]


@dataclasses.dataclass(frozen=True)
class Review:
    update: WorkstreamUpdate
    previous_period: ReportingPeriod | None
    previous: WorkstreamUpdate | None  # last period's approved update of the workstream
    no_previous_reason: str  # why there is nothing to compare with ("" when there is)
    text_sections: list[TextComparison]
    rag: RagComparison
    milestones: MilestoneReview
    risks: RiskReview
    agreed_completion_date: dt.date | None
    forecast_completion_date: dt.date | None
    slippage_days: int
    flags: list[str]

    @property
    def has_previous(self) -> bool:
        return self.previous is not None


# --- Building it -------------------------------------------------------------------------------


def build_review(update: WorkstreamUpdate) -> Review:
    period = previous_period(update.period)
    previous, reason = _previous_update(update, period)
    ages = milestone_ages(update)
    rag = RagComparison(
        previous=agreed_rating(previous),
        proposed=update.proposed_rag,
        agreed=update.agreed_rag if update.state is UpdateState.APPROVED else None,
        change_reason=update.rag_change_reason,
        agreed_justification=update.agreed_rag_justification,
    )
    milestones = _milestone_review(update, previous, ages)
    risks = _risk_review(update, previous)
    workstream = update.workstream
    review = Review(
        update=update,
        previous_period=period,
        previous=previous,
        no_previous_reason=reason,
        text_sections=[_text_comparison(update, previous, field, title) for field, title in TEXT_SECTIONS],
        rag=rag,
        milestones=milestones,
        risks=risks,
        agreed_completion_date=workstream.agreed_completion_date,
        forecast_completion_date=workstream.forecast_completion_date,
        slippage_days=workstream.forecast_slippage_days,
        flags=[],
    )
    review.flags.extend(review_flags(review))
    return review


def _previous_update(
    update: WorkstreamUpdate, period: ReportingPeriod | None
) -> tuple[WorkstreamUpdate | None, str]:
    name = update.workstream.title
    if period is None:
        return None, "This is the first reporting period, so there is no earlier update to compare with."
    previous = db.session.scalar(
        sa.select(WorkstreamUpdate)
        .where(WorkstreamUpdate.workstream_id == update.workstream_id, WorkstreamUpdate.period_id == period.id)
        .options(selectinload(WorkstreamUpdate.milestones), selectinload(WorkstreamUpdate.risks))
    )
    if previous is None:
        return None, f"{name} had no update for {period.label}, so this period is shown on its own."
    if previous.state is not UpdateState.APPROVED:
        return None, (
            f"{name}'s update for {period.label} has not been approved, so there is nothing agreed to "
            "compare with and this period is shown on its own."
        )
    return previous, ""


def _text_comparison(
    update: WorkstreamUpdate, previous: WorkstreamUpdate | None, field: str, title: str
) -> TextComparison:
    current = getattr(update, field) or ""
    if previous is None:
        return TextComparison(field, title, None, current, prose(current), False)
    earlier = getattr(previous, field) or ""
    return TextComparison(field, title, earlier, current, word_diff(earlier, current), text_changed(earlier, current))


def _milestone_review(update: WorkstreamUpdate, previous: WorkstreamUpdate | None, ages) -> MilestoneReview:
    this_period = update.milestones_this_period
    next_period = update.milestones_next_period
    planned_before = {m.reference for m in previous.milestones_next_period} if previous else set()
    delayed_before = (
        {m.reference for m in previous.milestones_this_period if m.status is MilestoneStatus.DELAYED}
        if previous
        else set()
    )

    def origin(milestone: Milestone) -> str | None:
        if previous is None:
            return None
        if milestone.reference in planned_before:
            return PLANNED
        if milestone.reference in delayed_before:
            return CARRIED_DELAYED
        return ADDED

    rows = []
    for milestone in this_period:
        age = ages.get(milestone.reference)
        rows.append(
            MilestoneRow(
                milestone=milestone,
                origin=origin(milestone),
                delayed_before=age.periods_delayed if age else 0,
                first_planned=age.first_planned if age else None,
            )
        )
    # A reference with no earlier record was first planned in this period.
    planned_rows = [
        PlannedRow(
            milestone=m,
            added=m.reference in ages and ages[m.reference].first_planned >= update.period.start_date,
        )
        for m in next_period
    ]
    reported = {m.reference for m in this_period}
    planned_again = {m.reference for m in next_period}
    dropped = (
        [
            DroppedMilestone(milestone=m, deferred=m.reference in planned_again)
            for m in previous.milestones_next_period
            if m.reference not in reported
        ]
        if previous
        else []
    )
    return MilestoneReview(this_period=rows, next_period=planned_rows, dropped=dropped)


def _risk_review(update: WorkstreamUpdate, previous: WorkstreamUpdate | None) -> RiskReview:
    earlier = {r.reference: r for r in previous.risks} if previous else {}
    rows = []
    for risk in update.risks_in_order:
        before = earlier.get(risk.reference)
        if previous is None:
            change = None
        elif risk.status is RiskStatus.CLOSED:
            change = CLOSED
        elif before is None:
            change = OPENED
        else:
            change = CARRIED
        if before is not None:
            diff = word_diff(before.mitigation, risk.mitigation, inline=True)
            changed = text_changed(before.mitigation, risk.mitigation)
        else:
            diff, changed = word_diff(risk.mitigation, risk.mitigation, inline=True), False
        rows.append(RiskRow(risk=risk, previous=before, change=change, mitigation_diff=diff, mitigation_changed=changed))
    reported = {r.reference for r in update.risks}
    removed = [r for r in (previous.open_risks if previous else []) if r.reference not in reported]
    return RiskReview(rows=rows, removed=removed)


# --- What to question --------------------------------------------------------------------------


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def _name(thing: Milestone | Risk) -> str:
    return f"{thing.reference} ({_short(thing.description)})"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def review_flags(review: Review) -> list[str]:
    """Short sentences, each naming what a reviewer should question."""
    flags = []
    rag, milestones = review.rag, review.milestones
    rating = rag.current

    # (a) A rating that improved while milestones slipped.
    slipped = milestones.slipped
    if rag.direction == "improved" and slipped:
        noun = "milestone" if len(slipped) == 1 else "milestones"
        flags.append(
            f"The rating improved from {rag.previous.label} to {rating.label} while {noun} "
            f"{_and([row.milestone.reference for row in slipped])} slipped."
        )

    # (b) A serious rating without the risks to explain it, or with risks nobody is mitigating.
    if rating in SERIOUS_RATINGS:
        open_risks = review.update.open_risks
        if not open_risks:
            flags.append(f"The rating is {rating.label} but no open risks are recorded.")
        for risk in open_risks:
            if not risk.mitigation.strip():
                flags.append(f"The rating is {rating.label} but risk {_name(risk)} has no mitigation.")

    # (c) A milestone delayed again, or still not done after an earlier delay.
    for row in milestones.this_period:
        if not row.delayed_before:
            continue
        status = row.milestone.status
        if status is MilestoneStatus.DELAYED:
            times = row.periods_delayed
            ordinal = _ORDINALS.get(times, f"{times}th")
            flags.append(f"Milestone {_name(row.milestone)} is delayed for a {ordinal} period.")
        elif status in (MilestoneStatus.ON_TRACK, MilestoneStatus.NOT_STARTED):
            times = row.delayed_before
            when = "an earlier period" if times == 1 else f"{times} earlier periods"
            flags.append(
                f"Milestone {_name(row.milestone)} was delayed in {when} and is still not complete "
                f"({status.label.lower()})."
            )

    # (d) Forecast completion later than agreed.
    if review.slippage_days:
        days = "1 day" if review.slippage_days == 1 else f"{review.slippage_days} days"
        flags.append(
            f"The forecast completion date, {long_date(review.forecast_completion_date)}, is {days} later "
            f"than the agreed date, {long_date(review.agreed_completion_date)}."
        )
    return flags
