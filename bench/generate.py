"""A realistic programme for the benchmark: N workstreams reporting over M two-month periods, every period but
the last signed off (with its snapshot and fingerprint), about 10 milestones and 5 risks per update, and 200
people across the roles. Written through the app's own models and sign-off code, into an empty migrated database.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random

from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    Risk,
    RiskStatus,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamOutcome,
    WorkstreamUpdate,
)
from app.models.types import utcnow
from app.reports.queries import forget_cached_reads
from app.reports.services import freeze_revision

PASSWORD = "benchmark-password"
THEMES = [
    "Governance", "Procurement", "Project delivery", "Partnership working", "Culture and capacity", "Finance",
    "Transport", "Housing", "Skills", "Net zero", "Digital", "Communications", "Risk management", "Assurance",
    "Performance", "Workforce", "Business Board", "Scrutiny", "Investment", "Public health",
]
SENTENCES = [
    "The workstream group met fortnightly to review progress and risks.",
    "The draft framework went to the Audit and Governance Committee, which supported it.",
    "Training on the new procedures is scheduled for staff in the coming weeks.",
    "Engagement with constituent councils continued through the working group.",
    "The Board approved the revised terms of reference at its last meeting.",
    "Recruitment to the remaining post is planned and the job description is drafted.",
    "Feedback from partners has been positive and is informing the next steps.",
    "The timeline remains challenging but support is in place from Finance and Legal.",
]


@dataclasses.dataclass(frozen=True)
class Scale:
    workstreams: int
    periods: int
    users: int = 200
    milestones_this_period: int = 6
    milestones_next_period: int = 4
    risks: int = 5


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def generate(scale: Scale, seed: int = 2023) -> dict:
    """Fill the (empty, migrated) database; returns ids the benchmark needs."""
    rng = random.Random(seed)
    programme = Programme(name="Improvement Plan", organisation="Benchmark Combined Authority")
    db.session.add(programme)
    people = _people(scale, programme)
    workstreams = _workstreams(scale, programme, people, rng)
    db.session.flush()
    periods = []
    first_start = dt.date(2023, 11, 1)
    for index in range(scale.periods):
        start = _add_months(first_start, 2 * (index - scale.periods + 1))
        end = _add_months(start, 2) - dt.timedelta(days=1)
        periods.append(
            ReportingPeriod(
                programme=programme,
                start_date=start,
                end_date=end,
                drafts_due=end - dt.timedelta(days=5),
                approvals_due=end + dt.timedelta(days=5),
                sign_off_due=end + dt.timedelta(days=12),
                iib_meeting_date=end + dt.timedelta(days=20),
                # Written as history, with its report and updates below: opened on its first morning.
                opened_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.timezone.utc),
            )
        )
    db.session.add_all(periods)
    db.session.flush()

    previous: dict[int, WorkstreamUpdate] = {}
    cmt_member = people[Role.CMT_MEMBER][0]
    lead = people[Role.LEAD_DIRECTOR][0]
    period_ids = [p.id for p in periods]
    for index, period_id in enumerate(period_ids):
        period = db.session.get(ReportingPeriod, period_id)
        is_open = index == len(period_ids) - 1
        report = ProgrammeReport(period=period, revision=1, overview=paragraph(rng, 8), overview_by=lead)
        db.session.add(report)
        current = {}
        for number, workstream in enumerate(workstreams):
            update = _update(scale, rng, period, workstream, previous.get(workstream.id), is_open, number, people)
            db.session.add(update)
            current[workstream.id] = update
        db.session.flush()
        if not is_open:
            freeze_revision(report, cmt_member, period.end_date + dt.timedelta(days=12), utcnow())
            db.session.add(
                AuditEvent(actor=cmt_member, action="sign_off", object_type="ProgrammeReport", object_id=report.id,
                           period_id=period.id, from_state="OPEN", to_state="SIGNED_OFF")
            )
        # Commit period by period and start each with a fresh session, so memory stays flat at any scale.
        keep = {
            "workstreams": [w.id for w in workstreams],
            "previous": {wid: u.id for wid, u in current.items()},
            "people": {role: [p.id for p in group] for role, group in people.items()},
            "cmt": cmt_member.id,
            "lead": lead.id,
        }
        db.session.commit()
        db.session.expunge_all()
        forget_cached_reads()
        workstreams = [db.session.get(Workstream, wid) for wid in keep["workstreams"]]
        previous = {wid: db.session.get(WorkstreamUpdate, uid) for wid, uid in keep["previous"].items()}
        people = {role: [db.session.get(User, pid) for pid in ids] for role, ids in keep["people"].items()}
        cmt_member, lead = db.session.get(User, keep["cmt"]), db.session.get(User, keep["lead"])

    return {
        "programme_id": programme.id,
        "open_period_id": period_ids[-1],
        "signed_off_period_id": period_ids[-2],
        "workstream_ids": [w.id for w in workstreams],
        "emails": {role.name: [p.email for p in group] for role, group in people.items()},
    }


def _people(scale: Scale, programme: Programme) -> dict[Role, list[User]]:
    counts = {
        Role.PMO: 3,
        Role.CMT_MEMBER: 8,
        Role.LEAD_DIRECTOR: 1,
        Role.IIB_MEMBER: 6,
        Role.SPONSOR: max(1, scale.workstreams // 4),
        Role.PROJECT_MANAGER: max(1, scale.workstreams),
        Role.PMO_SUPPORT: max(1, scale.workstreams // 8),
    }
    counts[Role.VIEWER] = max(1, scale.users - sum(counts.values()))
    people: dict[Role, list[User]] = {}
    password_hash = None
    for role, count in counts.items():
        group = []
        for number in range(count):
            person = User(name=f"{role.label} {number + 1}", email=f"{role.name.lower()}.{number + 1}@bench.example")
            if password_hash is None:
                person.set_password(PASSWORD)
                password_hash = person.password_hash
            person.password_hash = password_hash
            if not role.is_workstream_role:
                person.role_assignments = [RoleAssignment(role=role, programme=programme)]
            db.session.add(person)
            group.append(person)
        people[role] = group
    return people


def _workstreams(scale: Scale, programme: Programme, people: dict[Role, list[User]], rng: random.Random) -> list[Workstream]:
    workstreams = []
    for number in range(scale.workstreams):
        theme = THEMES[number % len(THEMES)]
        workstream = Workstream(
            programme=programme,
            code=f"W{number + 1:02d}",
            title=f"{theme} {number // len(THEMES) + 1}" if scale.workstreams > len(THEMES) else theme,
            description=paragraph(rng, 3),
            agreed_completion_date=dt.date(2024, 3, 31),
            forecast_completion_date=dt.date(2024, 3, 31) + dt.timedelta(days=rng.choice([0, 0, 0, 30])),
            display_order=number + 1,
            outcomes=[WorkstreamOutcome(position=p, text=rng.choice(SENTENCES)) for p in range(1, 6)],
        )
        db.session.add(workstream)
        for role, group in (
            (Role.PROJECT_MANAGER, people[Role.PROJECT_MANAGER]),
            (Role.SPONSOR, people[Role.SPONSOR]),
            (Role.PMO_SUPPORT, people[Role.PMO_SUPPORT]),
        ):
            db.session.add(RoleAssignment(user=group[number % len(group)], role=role, workstream=workstream))
        workstreams.append(workstream)
    return workstreams


def _update(scale, rng, period, workstream, previous, is_open, number, people) -> WorkstreamUpdate:
    rag = rng.choice([RAG.GREEN, RAG.GREEN, RAG.GREEN_AMBER, RAG.AMBER, RAG.AMBER_RED])
    state = UpdateState.APPROVED
    if is_open:
        state = [UpdateState.DRAFT, UpdateState.SUBMITTED, UpdateState.RETURNED, UpdateState.APPROVED][number % 4]
    filled = state is not UpdateState.DRAFT
    update = WorkstreamUpdate(
        workstream=workstream,
        period=period,
        state=state,
        key_activities=paragraph(rng, 6) if filled else "",
        engagement=paragraph(rng, 3) if filled else "",
        concerns=paragraph(rng, 2) if filled else "",
        proposed_rag=rag if filled else None,
        rag_rationale=paragraph(rng, 3) if filled else "",
        agreed_rag=rag if state is UpdateState.APPROVED else None,
        sponsor_comments=paragraph(rng, 3) if state is UpdateState.APPROVED else "",
        completed_by=people[Role.PROJECT_MANAGER][number % len(people[Role.PROJECT_MANAGER])] if filled else None,
        completion_date=period.end_date - dt.timedelta(days=5) if filled else None,
    )
    code = workstream.code
    planned = previous.milestones_next_period if previous else []
    milestones = []
    for position in range(scale.milestones_this_period):
        carried = planned[position] if position < len(planned) else None
        reference = carried.reference if carried else f"{code}-M{period.id:02d}{position:02d}"
        status = rng.choice(list(MilestoneStatus)) if filled else None
        milestones.append(
            Milestone(
                kind=MilestoneKind.THIS_PERIOD,
                position=position + 1,
                reference=reference,
                description=carried.description if carried else rng.choice(SENTENCES),
                status=status,
                status_note=rng.choice(SENTENCES) if status and status.needs_note else "",
            )
        )
    for position in range(scale.milestones_next_period):
        milestones.append(
            Milestone(
                kind=MilestoneKind.NEXT_PERIOD,
                position=position + 1,
                reference=f"{code}-N{period.id:02d}{position:02d}",
                description=rng.choice(SENTENCES),
            )
        )
    update.milestones = milestones
    update.risks = [
        Risk(
            position=position + 1,
            reference=f"{code}-R{position + 1:02d}",
            description=rng.choice(SENTENCES),
            mitigation=rng.choice(SENTENCES),
            status=RiskStatus.OPEN,
        )
        for position in range(scale.risks)
    ]
    return update


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)
