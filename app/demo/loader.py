"""Loads the demo's two programmes.

Improvement Plan: the Sep–Oct 2023 programme report as signed off, the July–August ratings before it and an
open Nov–Dec 2023 period whose drafts start from what Sep–Oct planned.

Initial Improvement Plan (app/demo/second_programme.py): its own people and two workstreams, February 2023
opened with the PMO's drafts in it, and March 2023 opened after it, its drafts carried forward from February's.
Both periods are still open: the seeds rate neither workstream, so nothing could be approved or signed off.

Every period is planned and opened by the reporting calendar's own services (app/periods/services.py), as
the PMO does it; the two past periods' drafts are then filled with what their reports said and approved."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import audit
from app.decision_locks import hold_the_sqlite_write_lock
from app.demo import content, second_programme
from app.demo.people import DEMO_PASSWORD, PEOPLE
from app.extensions import db
from app.models import (
    RAG,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    Risk,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamOutcome,
    WorkstreamUpdate,
)
from app.period_queries import forget_periods, updates_by_workstream
from app.periods.services import open_period
from app.reports.services import freeze_revision

JUL_AUG_NOTE = (
    "The July–August 2023 highlight reports were approved before Waymark was introduced. Their agreed "
    "ratings, the milestones they planned for September–October and their open risks are recorded here so "
    "that later reports can show last period's status and follow each commitment."
)

PERIODS = {
    "jul_aug": dict(
        start_date=dt.date(2023, 7, 1),
        end_date=dt.date(2023, 8, 31),
        drafts_due=dt.date(2023, 8, 25),
        approvals_due=dt.date(2023, 9, 1),
        sign_off_due=dt.date(2023, 9, 8),
        iib_meeting_date=dt.date(2023, 9, 19),
    ),
    "sep_oct": dict(
        start_date=dt.date(2023, 9, 1),
        end_date=dt.date(2023, 10, 31),
        drafts_due=dt.date(2023, 10, 27),
        approvals_due=dt.date(2023, 11, 3),
        sign_off_due=dt.date(2023, 11, 10),
        iib_meeting_date=dt.date(2023, 11, 21),
    ),
    "nov_dec": dict(
        start_date=dt.date(2023, 11, 1),
        end_date=dt.date(2023, 12, 31),
        drafts_due=dt.date(2023, 12, 22),
        approvals_due=dt.date(2024, 1, 5),
        sign_off_due=dt.date(2024, 1, 10),
        iib_meeting_date=dt.date(2024, 1, 16),
    ),
}
SIGN_OFFS = {
    "jul_aug": dict(cmt_meeting_date=dt.date(2023, 9, 5), signed_off_by="nick.bell@example.org"),
    "sep_oct": dict(cmt_meeting_date=dt.date(2023, 11, 7), signed_off_by="nick.bell@example.org"),
}


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo() -> None:
    """Load everything in one transaction into an empty database."""
    # One transaction: on SQLite it holds the write lock from the start (before the emptiness check reads
    # anything), so the calendar's decisions need no commit of their own to take it.
    hold_the_sqlite_write_lock()
    if not database_is_empty():
        raise RuntimeError("The database already has data; the demo loads only into an empty database.")
    _load_improvement_plan()
    _load_initial_improvement_plan()
    db.session.commit()


def _load_improvement_plan() -> None:
    programme = Programme(**content.PROGRAMME)
    db.session.add(programme)
    # Its PMO set the service up, so may create further programmes.
    people = _load_people(programme, PEOPLE, pmo_set_up_the_service=True)
    workstreams = _load_workstreams(programme, content.WORKSTREAMS, people)
    references = _References()
    jul_aug_period, jul_aug_updates = _load_jul_aug(programme, people, workstreams, references)
    _sign_off(jul_aug_period, people, SIGN_OFFS["jul_aug"])
    sep_oct_period = _load_sep_oct(programme, people, workstreams, references, jul_aug_updates)
    _sign_off(sep_oct_period, people, SIGN_OFFS["sep_oct"])
    _open(programme, PERIODS["nov_dec"], people["heidi.robinson@example.org"])


def _load_initial_improvement_plan() -> None:
    """February 2023 opened and drafted by the PMO, then March 2023 opened from it while February is still open
    (its sign-off is late: nothing in it could be rated)."""
    spec = second_programme
    programme = Programme(**spec.PROGRAMME)
    db.session.add(programme)
    people = _load_people(programme, spec.PEOPLE, pmo_set_up_the_service=False)
    _load_workstreams(programme, spec.WORKSTREAMS, people)
    pmo = people[spec.PMO]
    february, _drafts = _open(programme, spec.PERIODS["feb_2023"], pmo)
    _write_drafts(february, spec.FEBRUARY_DRAFTS, pmo, _References())
    _open(programme, spec.PERIODS["mar_2023"], pmo, while_another_is_open=True)


def _open(
    programme: Programme, fields: dict, opened_by: User, while_another_is_open: bool = False
) -> tuple[ReportingPeriod, dict[str, WorkstreamUpdate]]:
    """Open the period as the PMO did, at 9 o'clock on its first day; its drafts by workstream code."""
    period = open_period(
        programme, **fields, opened_by=opened_by, while_another_is_open=while_another_is_open,
        at=_at(fields["start_date"], 9),
    )
    forget_periods()
    drafts = db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id))
    return period, {draft.workstream.code: draft for draft in drafts}


def _load_people(programme: Programme, specs, *, pmo_set_up_the_service: bool) -> dict[str, User]:
    people = {}
    for name, email, roles in specs:
        user = User(name=name, email=email, created_at=dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.timezone.utc))
        user.set_password(DEMO_PASSWORD)
        user.role_assignments = [RoleAssignment(role=role, programme=programme) for role in roles]
        user.may_create_programmes = pmo_set_up_the_service and Role.PMO in roles
        db.session.add(user)
        people[email] = user
    return people


def _load_workstreams(programme: Programme, specs, people: dict[str, User]) -> dict[str, Workstream]:
    workstreams = {}
    for order, spec in enumerate(specs, start=1):
        workstream = Workstream(
            programme=programme,
            code=spec["code"],
            title=spec["title"],
            description=spec["description"],
            agreed_completion_date=_date(spec["agreed_completion"]),
            forecast_completion_date=_date(spec["forecast_completion"]),
            display_order=order,
            outcomes=[
                WorkstreamOutcome(position=position, heading=outcome["heading"], text=outcome["text"])
                for position, outcome in enumerate(spec["outcomes"], start=1)
            ],
        )
        db.session.add(workstream)
        for role, emails in (
            (Role.SPONSOR, [spec["sponsor"]]),
            (Role.PROJECT_MANAGER, spec["project_managers"]),
            (Role.PMO_SUPPORT, spec["pmo_support"]),
        ):
            for email in emails:
                db.session.add(RoleAssignment(user=people[email], role=role, workstream=workstream))
        workstreams[spec["code"]] = workstream
    db.session.flush()
    return workstreams


class _References:
    """Hands out each workstream's milestone (M01…) and risk (R01…) references in the order first planned."""

    def __init__(self):
        self.counters: dict[tuple[str, str], int] = {}

    def next(self, code: str, letter: str) -> str:
        number = self.counters.get((code, letter), 0) + 1
        self.counters[(code, letter)] = number
        return f"{code}-{letter}{number:02d}"


def _load_jul_aug(programme, people, workstreams, references) -> tuple[ReportingPeriod, dict[str, WorkstreamUpdate]]:
    """July–August: the agreed ratings of the seed's Last Period column, the Sep–Oct milestones as its
    plan for next period, and the risks Sep–Oct reports (carried forward from it)."""
    period_fields = PERIODS["jul_aug"]
    period, drafts = _open(programme, PERIODS["jul_aug"], people["heidi.robinson@example.org"])
    _write_overview(period, JUL_AUG_NOTE, people["angela.probert@example.org"])
    updates = {}
    for code, workstream in workstreams.items():
        seed = content.SEP_OCT_2023[code]
        rag = RAG[seed["previous_rag"]]
        update = _fill(
            drafts[code],
            state=UpdateState.APPROVED,
            proposed_rag=rag,
            agreed_rag=rag,
            rag_rationale=JUL_AUG_NOTE,
            completed_by=people[seed["completed_by"]],
            completion_date=period_fields["drafts_due"],
        )
        update.milestones = [
            Milestone(
                kind=MilestoneKind.NEXT_PERIOD,
                position=position,
                reference=references.next(code, "M"),
                description=milestone["description"],
            )
            for position, milestone in enumerate(seed["milestones_this_period"], start=1)
        ]
        update.risks = [
            Risk(position=position, reference=references.next(code, "R"), **risk)
            for position, risk in enumerate(seed["risks"], start=1)
        ]
        _approve(update, workstream, period_fields)
        updates[code] = update
    return period, updates


def _load_sep_oct(programme, people, workstreams, references, previous: dict[str, WorkstreamUpdate]) -> ReportingPeriod:
    period_fields = PERIODS["sep_oct"]
    period, drafts = _open(programme, PERIODS["sep_oct"], people["heidi.robinson@example.org"])
    _write_overview(period, content.OVERVIEW, people["angela.probert@example.org"])
    for code, workstream in workstreams.items():
        seed = content.SEP_OCT_2023[code]
        planned = previous[code].milestones_next_period
        this_period = [
            Milestone(
                kind=MilestoneKind.THIS_PERIOD,
                position=position,
                reference=planned[position - 1].reference,
                description=milestone["description"],
                status=MilestoneStatus[milestone["status"]],
                status_note=milestone["status_note"],
            )
            for position, milestone in enumerate(seed["milestones_this_period"], start=1)
        ]
        next_period = [
            Milestone(
                kind=MilestoneKind.NEXT_PERIOD,
                position=position,
                reference=(
                    this_period[milestone["continues"] - 1].reference
                    if milestone["continues"]
                    else references.next(code, "M")
                ),
                description=milestone["description"],
            )
            for position, milestone in enumerate(seed["milestones_next_period"], start=1)
        ]
        rag = RAG[seed["rag"]]
        # The draft opened with Jul–Aug's plan carried forward; the report's own milestones and risks, with
        # the same references, take its place.
        update = _fill(
            drafts[code],
            state=UpdateState.APPROVED,
            key_activities=seed["key_activities"],
            engagement=seed["engagement"],
            concerns=seed["concerns"],
            proposed_rag=rag,
            agreed_rag=rag,
            rag_rationale=seed["rag_rationale"],
            sponsor_comments=seed["sponsor_comments"],
            completed_by=people[seed["completed_by"]],
            completion_date=_date(seed["completion_date"]),
        )
        update.milestones = this_period + next_period
        update.risks = [
            Risk(position=position, reference=previous[code].risks[position - 1].reference, **risk)
            for position, risk in enumerate(seed["risks"], start=1)
        ]
        _approve(update, workstream, period_fields)
    return period


def _write_overview(period: ReportingPeriod, overview: str, overview_by: User) -> None:
    report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id))
    report.overview, report.overview_by = overview, overview_by


def _fill(update: WorkstreamUpdate, **fields) -> WorkstreamUpdate:
    for name, value in fields.items():
        setattr(update, name, value)
    return update


def _approve(update: WorkstreamUpdate, workstream: Workstream, period_fields) -> None:
    """Record the submission and the sponsor's approval as they happened, in the audit trail too."""
    sponsor = workstream.sponsors[0]
    submitted_at = _at(update.completion_date, 16)
    approved_at = _at(period_fields["approvals_due"], 12)
    update.submitted_at = submitted_at
    update.approved_by = sponsor
    update.approved_at = approved_at
    db.session.add(update)
    db.session.flush()
    audit.record("submit", update, actor=update.completed_by, from_state="DRAFT", to_state="SUBMITTED", at=submitted_at)
    audit.record(
        "approve",
        update,
        actor=sponsor,
        from_state="SUBMITTED",
        to_state="APPROVED",
        comment=update.sponsor_comments,
        at=approved_at,
    )


def _sign_off(period: ReportingPeriod, people, sign_off: dict) -> None:
    report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id))
    signed_off_at = _at(sign_off["cmt_meeting_date"], 11)
    freeze_revision(report, people[sign_off["signed_off_by"]], sign_off["cmt_meeting_date"], signed_off_at)
    audit.record(
        "sign_off",
        report,
        actor=report.signed_off_by,
        from_state="OPEN",
        to_state="SIGNED_OFF",
        comment=f"CMT meeting of {sign_off['cmt_meeting_date']:%-d %B %Y}",
        period_id=period.id,
        at=signed_off_at,
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.timezone.utc)


def _write_drafts(period: ReportingPeriod, drafts: dict, author: User, references: "_References") -> None:
    """Write each workstream's draft as its editor would: the key activities saved, and each milestone
    planned for next period added to the list, with the audit events the editor records."""
    at = _at(period.drafts_due, 16)
    for update in sorted(updates_by_workstream(period).values(), key=lambda u: u.workstream.display_order):
        code = update.workstream.code
        spec = drafts[code]
        update.key_activities = spec["key_activities"]
        db.session.flush()
        audit.record("edit", update, actor=author, changed_fields=["key_activities"], at=at)
        for position, description in enumerate(spec["milestones_next_period"], start=1):
            milestone = Milestone(
                update=update,
                kind=MilestoneKind.NEXT_PERIOD,
                position=position,
                reference=references.next(code, "M"),
                description=description,
            )
            db.session.add(milestone)
            db.session.flush()
            audit.record(
                "add_milestone",
                milestone,
                actor=author,
                period_id=update.period_id,
                workstream_id=update.workstream_id,
                comment=milestone.reference,
                changed_fields=["description"],
                at=at,
            )
