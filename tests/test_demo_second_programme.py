"""The demo's second programme, Initial Improvement Plan (app/demo/second_programme.py): its words are the seeds',
its people its own, February 2023 opened and drafted by its PMO and March 2023 opened from it.

The seed lines below are copied verbatim from the shared seeds 2022-09-improvement-framework-ag-committee.txt
and 2023-03-improvement-framework-os-committee.txt, keyed by file and line number."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.demo import second_programme
from app.demo.loader import load_demo
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import (
    AuditEvent,
    Milestone,
    MilestoneKind,
    Programme,
    ProgrammeReport,
    ReportingPeriod,
    ReportState,
    Risk,
    Role,
    RoleAssignment,
    UpdateState,
    User,
    Workstream,
    WorkstreamUpdate,
)
from app.models.programme import seed_rag_definitions
from app.rag import RAG_METHODOLOGY_INTRO
from tests.conftest import build_app
from tests.personas import (
    HEIDI_ROBINSON, IMPROVEMENT_BOARD_CHAIR, INTERIM_DIRECTOR, PROJECT_LEAD_ORGANISATION, PROJECT_LEAD_TRANSPORT,
    SECOND_PMO, SECOND_PROGRAMME_PEOPLE, THEME_LEAD_ORGANISATION, THEME_LEAD_TRANSPORT,
)

AG_2022 = "2022-09-improvement-framework-ag-committee.txt"
OS_2023 = "2023-03-improvement-framework-os-committee.txt"
SEED_LINES = {
    (AG_2022, 31): "- Prioritise work to establish a long-term strategy for transport, an urgent development of a bus strategy and review the role and functioning of the Business Board",
    (AG_2022, 33): "- Design and implement an organisation for today's performance, and with the agility to act on emerging demands and opportunities",
    (AG_2022, 43): "- A worked-up transport strategy and bus strategy",
    (AG_2022, 44): "- Proposals for the next phase of development of the Business Board",
    (AG_2022, 49): "- A senior staffing structure and plan for recruitment",
    (AG_2022, 50): "- A period of stability in the workforce",
    (AG_2022, 80): "- Agree Initial Improvement Plan (focus on priority areas for next 3 months) with robust delivery and reporting",
    (AG_2022, 88): "- ☐ To provide external advice, challenge, and expertise to Cambridgeshire and Peterborough Combined Authority to ensure focus, grip, pace and effective change on key areas identified.",
    (AG_2022, 114): " - Independent Chair",
    (AG_2022, 129): "- ❑ To bring together the six theme leads, the PMO and key representatives from across the CA to:",
    (AG_2022, 134): "- ❑ The interim Director, Transformation Programme will operate as Sponsor of the Improvement Programme and be accountable for the overall delivery of the Plan and reporting to the Improvement Board of identified actions.",
    (AG_2022, 135): "- ❑ Project leads will be accountable for identified activity to be delivered and for supporting dependent activities from across the overarching plan. Highlight reports setting out progress against agreed timelines, any risks or slippage, resourcing issues will be identified and reported to the Improvement Board in line with the agreed meeting schedule.",
    (AG_2022, 137): "- ❑ The PMO will also complete progress (highlight) reports for inclusion in the reporting schedule to the Improvement Board. Key learning will also be captured to aid continuous improvement and learning.",
    (OS_2023, 28): "3. Progress on Improvement activity for month 4 (February 2023)",
    (OS_2023, 33): " 2. The Corporate Plan was adopted by the CA Board in January and the development of other related strategies in our strategic framework, such as the Bus Strategy and LTCP are progressing well.",
    (OS_2023, 35): " 4. The future role and configuration of the Business Board is also timetabled for the CA Board in March.",
    (OS_2023, 37): " 6. Alongside this we have an agreed senior management structure in place with two new Executive Directors starting at the beginning of March.",
    (OS_2023, 38): " 7. The recruitment to the Chief Executive post is underway.",
}

TRN, ORG = "TRN", "ORG"
FEB = dt.date(2023, 2, 1)
MAR = dt.date(2023, 3, 1)


def _verbatim_texts() -> list[tuple[str, str]]:
    """(where, text) of every text the content module takes word for word from a seed."""
    texts = [("programme name", second_programme.PROGRAMME["name"]),
             ("organisation", second_programme.PROGRAMME["organisation"])]
    for spec in second_programme.WORKSTREAMS:
        code = spec["code"]
        texts.append((f"{code} description", spec["description"]))
        texts += [(f"{code} outcome", outcome["text"]) for outcome in spec["outcomes"]]
        if code == ORG:
            texts.append((f"{code} title", spec["title"]))
    for code, draft in second_programme.FEBRUARY_DRAFTS.items():
        texts += [(f"{code} key activities", paragraph) for paragraph in draft["key_activities"].split("\n\n")]
        texts += [(f"{code} milestone", description) for description in draft["milestones_next_period"]]
    return texts


def _composed_texts() -> list[tuple[str, str]]:
    """(where, text) of the texts made of seed words by a judgement: the people's names (job titles) and the
    title of TRN, which the seed gives no short name."""
    texts = [("person", name) for name, _email, _roles in second_programme.PEOPLE]
    texts += [(f"{spec['code']} title", spec["title"]) for spec in second_programme.WORKSTREAMS if spec["code"] == TRN]
    return texts


def test_every_text_the_content_takes_from_a_seed_is_word_for_word_in_a_seed_line():
    lines = list(SEED_LINES.values())
    texts = _verbatim_texts()
    assert len(texts) == 2 + (1 + 2) * 2 + 1 + (2 + 1) * 2
    for where, text in texts:
        assert text and any(text in line for line in lines), f"{where}: {text!r} is not in a seed line"


def test_every_name_made_by_a_judgement_is_made_of_phrases_of_the_seed_lines():
    """Each part of the name (split at its commas and "and") is a phrase of a seed line, whatever its case."""
    lines = [line.casefold() for line in SEED_LINES.values()]
    for where, text in _composed_texts():
        parts = [part for part in re.split(r", | and ", text) if part]
        assert parts, where
        for part in parts:
            assert any(part.casefold() in line for line in lines), f"{where}: {part!r} of {text!r} is not in a seed line"


# --- the programme ---------------------------------------------------------------------------------------


def the_programme() -> Programme:
    return db.session.scalar(sa.select(Programme).where(Programme.name == "Initial Improvement Plan"))


def periods_of(programme: Programme) -> list[ReportingPeriod]:
    return list(
        db.session.scalars(
            sa.select(ReportingPeriod).where(ReportingPeriod.programme_id == programme.id).order_by(ReportingPeriod.start_date)
        )
    )


def updates_in(start: dt.date) -> dict[str, WorkstreamUpdate]:
    period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.start_date == start))
    return {u.workstream.code: u for u in db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id))}


def test_the_second_programme_is_the_same_authoritys_initial_improvement_plan_reported_monthly(app):
    with app.app_context():
        programme = the_programme()
        assert programme.title == "Initial Improvement Plan, Cambridgeshire and Peterborough Combined Authority"
        assert programme.months_per_period == 1
        # The rest of its reporting calendar and its RAG methodology are the defaults, which are the first seed's.
        assert (
            programme.drafts_due_days_before_end,
            programme.approvals_due_days_after_drafts,
            programme.sign_off_due_days_after_approvals,
        ) == (4, 7, 7)
        assert programme.rag_methodology_intro == RAG_METHODOLOGY_INTRO
        assert programme.rag_definitions == seed_rag_definitions()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 2


# email -> (name, {(role, workstream code or None)})
SECOND_ACCOUNTS = {
    INTERIM_DIRECTOR: ("Interim Director, Transformation Programme", {(Role.LEAD_DIRECTOR, None)}),
    SECOND_PMO: ("PMO", {(Role.PMO, None), (Role.PMO_SUPPORT, TRN), (Role.PMO_SUPPORT, ORG)}),
    THEME_LEAD_TRANSPORT: (
        "Theme lead, transport, bus strategy and Business Board", {(Role.CMT_MEMBER, None), (Role.SPONSOR, TRN)}
    ),
    THEME_LEAD_ORGANISATION: ("Theme lead, organisation", {(Role.CMT_MEMBER, None), (Role.SPONSOR, ORG)}),
    PROJECT_LEAD_TRANSPORT: ("Project lead, transport, bus strategy and Business Board", {(Role.PROJECT_MANAGER, TRN)}),
    PROJECT_LEAD_ORGANISATION: ("Project lead, organisation", {(Role.PROJECT_MANAGER, ORG)}),
    IMPROVEMENT_BOARD_CHAIR: ("Independent Chair, Improvement Board", {(Role.IIB_MEMBER, None)}),
}


def test_the_second_programmes_seven_people_hold_exactly_these_roles_and_only_there(app, second_ids):
    with app.app_context():
        users = list(db.session.scalars(sa.select(User).where(User.email.in_(SECOND_PROGRAMME_PEOPLE))))
        assert {
            user.email: (user.name, {(a.role, a.workstream.code if a.workstream else None) for a in user.role_assignments})
            for user in users
        } == SECOND_ACCOUNTS
        assert {a.programme_id for user in users for a in user.role_assignments} == {second_ids.programme}
        holders = db.session.scalars(
            sa.select(User.email).join(RoleAssignment).where(RoleAssignment.programme_id == second_ids.programme).distinct()
        )
        assert set(holders) == set(SECOND_ACCOUNTS)
        for user in users:
            assert user.active and user.check_password(DEMO_PASSWORD), user.email
            # Only the PMO who set the service up (Improvement Plan's) may create programmes.
            assert not user.may_create_programmes, user.email
        assert db.session.scalar(sa.select(User).where(User.email == HEIDI_ROBINSON)).may_create_programmes


def test_the_second_programmes_two_workstreams_are_the_seeds_priority_areas(app, second_ids):
    with app.app_context():
        workstreams = list(
            db.session.scalars(
                sa.select(Workstream).where(Workstream.programme_id == second_ids.programme).order_by(Workstream.display_order)
            )
        )
        assert [w.code for w in workstreams] == [TRN, ORG]
        transport, organisation = workstreams
        assert transport.title == "Transport strategy, bus strategy and Business Board"
        assert f"- {transport.description}" == SEED_LINES[(AG_2022, 31)]
        assert [f"- {o.text}" for o in transport.outcomes] == [SEED_LINES[(AG_2022, 43)], SEED_LINES[(AG_2022, 44)]]
        assert organisation.title == "Design and implement an organisation for today's performance"
        assert f"- {organisation.description}" == SEED_LINES[(AG_2022, 33)]
        assert [f"- {o.text}" for o in organisation.outcomes] == [SEED_LINES[(AG_2022, 49)], SEED_LINES[(AG_2022, 50)]]
        for workstream in workstreams:
            # "over the next 3 months": the seed gives no date.
            assert (workstream.agreed_completion_date, workstream.forecast_completion_date) == (None, None)
            assert all(o.heading is None for o in workstream.outcomes)
            assert not workstream.is_retired
        assert [u.email for u in transport.sponsors] == [THEME_LEAD_TRANSPORT]
        assert [u.email for u in transport.project_managers] == [PROJECT_LEAD_TRANSPORT]
        assert [u.email for u in organisation.sponsors] == [THEME_LEAD_ORGANISATION]
        assert [u.email for u in organisation.project_managers] == [PROJECT_LEAD_ORGANISATION]
        assert [u.email for u in transport.pmo_support] == [u.email for u in organisation.pmo_support] == [SECOND_PMO]


def test_the_second_programmes_periods_are_february_and_march_2023_on_its_own_calendar(app):
    with app.app_context():
        programme = the_programme()
        periods = periods_of(programme)
        assert [(p.start_date, p.end_date) for p in periods] == [
            (dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
            (dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
        ]
        for period in periods:
            # The seeds give no due dates: they are what the programme's reporting calendar proposes.
            drafts_due = period.end_date - dt.timedelta(days=programme.drafts_due_days_before_end)
            approvals_due = drafts_due + dt.timedelta(days=programme.approvals_due_days_after_drafts)
            sign_off_due = approvals_due + dt.timedelta(days=programme.sign_off_due_days_after_approvals)
            assert (period.drafts_due, period.approvals_due, period.sign_off_due) == (drafts_due, approvals_due, sign_off_due)
            assert period.iib_meeting_date is None
            assert period.rag_methodology_intro == programme.rag_methodology_intro
        # February's sign-off falls before the committee that pre-scrutinised its update (20 March 2023).
        assert periods[0].sign_off_due < dt.date(2023, 3, 20)


def test_both_periods_are_open_with_revision_one_of_their_report_and_no_overview(app):
    with app.app_context():
        for period in periods_of(the_programme()):
            reports = list(db.session.scalars(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id)))
            assert [(r.revision, r.state) for r in reports] == [(1, ReportState.OPEN)], period.label
            assert reports[0].overview == "" and reports[0].overview_by is None
            assert reports[0].snapshot is None and reports[0].signed_off_by is None


def test_february_drafts_hold_the_seeds_progress_items_and_nothing_the_seeds_do_not_say(app):
    expected = {
        TRN: [SEED_LINES[(OS_2023, 33)], SEED_LINES[(OS_2023, 35)]],
        ORG: [SEED_LINES[(OS_2023, 37)], SEED_LINES[(OS_2023, 38)]],
    }
    with app.app_context():
        updates = updates_in(FEB)
        assert sorted(updates) == [ORG, TRN]
        for code, update in updates.items():
            paragraphs = update.key_activities.split("\n\n")
            # Each paragraph is the seed's numbered item, its number and indent apart.
            assert [re.sub(r"^ \d\. ", "", line) for line in expected[code]] == paragraphs, code
            assert update.state is UpdateState.DRAFT
            assert (update.engagement, update.concerns, update.rag_rationale, update.sponsor_comments) == ("", "", "", "")
            assert update.proposed_rag is None and update.agreed_rag is None
            assert update.completed_by is None and update.completion_date is None and update.submitted_at is None
            assert update.milestones_this_period == [] and update.risks == []
        assert [(m.reference, m.description) for m in updates[TRN].milestones_next_period] == [
            ("TRN-M01", "The future role and configuration of the Business Board is also timetabled for the CA Board in March."),
        ]
        assert [(m.reference, m.description) for m in updates[ORG].milestones_next_period] == [
            ("ORG-M01", "two new Executive Directors starting at the beginning of March"),
        ]


def test_march_drafts_start_from_february_carried_forward_with_the_same_references(app):
    with app.app_context():
        february, march = updates_in(FEB), updates_in(MAR)
        assert sorted(march) == [ORG, TRN]
        for code, update in march.items():
            planned = [(m.reference, m.description) for m in february[code].milestones_next_period]
            assert planned
            assert [(m.reference, m.description) for m in update.milestones_this_period] == planned, code
            assert all(m.status is None and m.status_note == "" for m in update.milestones_this_period)
            assert update.milestones_next_period == [] and update.risks == []
            assert update.state is UpdateState.DRAFT and update.key_activities == ""
            assert update.proposed_rag is None


def _events_of_programme(programme_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.programme_id == programme_id).order_by(AuditEvent.id)))


def test_the_audit_trail_records_the_pmo_opening_each_period_and_writing_februarys_drafts(app, second_ids):
    with app.app_context():
        pmo = db.session.scalar(sa.select(User).where(User.email == SECOND_PMO))
        events = _events_of_programme(second_ids.programme)
        assert {e.actor_id for e in events} == {pmo.id}
        february, march = second_ids.periods["feb_2023"], second_ids.periods["mar_2023"]
        trail = [(e.action, e.period_id, e.occurred_at.replace(tzinfo=None)) for e in events]
        opened_feb, opened_mar = dt.datetime(2023, 2, 1, 9), dt.datetime(2023, 3, 1, 9)
        drafted = dt.datetime(2023, 2, 24, 16)
        assert trail == [
            # Planned and opened at once, as the demo's PMO did it (a planned period's events name no period).
            ("plan_period", None, opened_feb),
            ("open_period", february, opened_feb),
            ("create_draft", february, opened_feb),
            ("create_draft", february, opened_feb),
            ("edit", february, drafted),
            ("add_milestone", february, drafted),
            ("edit", february, drafted),
            ("add_milestone", february, drafted),
            ("plan_period", None, opened_mar),
            ("open_period", march, opened_mar),
            ("create_draft", march, opened_mar),
            ("create_draft", march, opened_mar),
        ]
        edits = [e for e in events if e.action == "edit"]
        assert all(e.changed_fields == ["key_activities"] for e in edits)
        assert sorted(e.comment for e in events if e.action == "add_milestone") == ["ORG-M01", "TRN-M01"]


def test_every_audit_event_belongs_to_the_programme_of_its_object(app):
    """No event of one programme's objects is filed under the other."""
    with app.app_context():
        by_object = {}
        for model, programme_of in (
            (ReportingPeriod, sa.select(ReportingPeriod.id, ReportingPeriod.programme_id)),
            (WorkstreamUpdate, sa.select(WorkstreamUpdate.id, Workstream.programme_id).join(Workstream)),
            (ProgrammeReport, sa.select(ProgrammeReport.id, ReportingPeriod.programme_id).join(ReportingPeriod)),
            (Milestone, sa.select(Milestone.id, Workstream.programme_id).select_from(Milestone).join(WorkstreamUpdate)
             .join(Workstream, WorkstreamUpdate.workstream_id == Workstream.id)),
            (Risk, sa.select(Risk.id, Workstream.programme_id).select_from(Risk).join(WorkstreamUpdate)
             .join(Workstream, WorkstreamUpdate.workstream_id == Workstream.id)),
        ):
            by_object.update({(model.__name__, oid): pid for oid, pid in db.session.execute(programme_of)})
        events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type.in_(
            ["ReportingPeriod", "WorkstreamUpdate", "ProgrammeReport", "Milestone", "Risk"]
        ))))
        assert len({e.programme_id for e in events}) == 2
        for event in events:
            assert event.programme_id == by_object[(event.object_type, event.object_id)], (event.action, event.object_type)


def test_nothing_in_the_second_programme_is_submitted_approved_or_signed_off(app, second_ids):
    with app.app_context():
        actions = {e.action for e in _events_of_programme(second_ids.programme)}
        assert not actions & {"submit", "approve", "return", "sign_off", "reopen", "edit_overview"}
        kinds = db.session.scalars(
            sa.select(Milestone.kind).join(WorkstreamUpdate).join(Workstream).where(Workstream.programme_id == second_ids.programme)
        )
        assert sorted(k.name for k in kinds) == sorted([MilestoneKind.NEXT_PERIOD.name] * 2 + [MilestoneKind.THIS_PERIOD.name] * 2)


# --- one transaction ----------------------------------------------------------------------------------------


@pytest.fixture
def empty_app(databases):
    application = build_app(databases.fresh_url())
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


def test_a_load_that_fails_in_the_second_programme_stores_nothing_of_either(empty_app, monkeypatch):
    broken = {code: dict(draft) for code, draft in second_programme.FEBRUARY_DRAFTS.items()}
    del broken[ORG]
    monkeypatch.setattr(second_programme, "FEBRUARY_DRAFTS", broken)
    with empty_app.app_context():
        with pytest.raises(KeyError):
            load_demo()
        db.session.rollback()
    with empty_app.app_context():
        for model in (User, Programme, Workstream, ReportingPeriod, WorkstreamUpdate, AuditEvent):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model.__name__
