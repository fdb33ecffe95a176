"""The demo load of Improvement Plan: the Sep–Oct 2023 programme report as signed off, the Jul–Aug ratings
before it and an open Nov–Dec 2023 period (the second demo programme is tests/test_demo_second_programme.py's). Seed strings are copied from the shared seed
2023-09-10-programme-highlight-report.txt (PDF-extraction damage such as "- > " bullets, stray <p>
tags and page-break splits is written here as it appears in the seed and repaired in the test)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.demo.loader import load_demo
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import (
    RAG,
    AuditEvent,
    AuditTrailIsAppendOnly,
    Milestone,
    MilestoneStatus,
    ProgrammeReport,
    ReportingPeriod,
    ReportState,
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
from app.update_rules import period_status
from app.reports.content import fingerprint, report_content
from tests.personas import (
    ANGELA_PROBERT, COMMITTEE_MEMBER, HEIDI_ROBINSON, JODIE_TOWNSEND, KATE_MCFARLANE, LOUISA_SIMPSON, NICK_BELL,
    PETER_TONKS, RICHARD_CARR, RICHARD_KENNY, STEVE_COX, THOMAS_FARMER,
)

JUL_AUG = dt.date(2023, 7, 1)
SEP_OCT = dt.date(2023, 9, 1)
NOV_DEC = dt.date(2023, 11, 1)

CODES = ["GOV", "PRC", "PPD", "PTN", "CCC"]
TITLES = [
    "Governance and decision making",
    "Procurement",
    "Project plans and delivery",
    "Partnership working",
    "Confidence, culture and capacity",
]

# The seed's "Individual Workstream Status" table, rows as printed (tabs split the columns).
SEED_STATUS_TABLE = """\
Governance and decision making	Green	Green
Procurement	Green	Green
Project plans and delivery	Green	Green
Partnership working	Green / Amber	Green/Amber
Confidence, culture, and capacity	Green	Green"""


def seed_rag(label: str) -> RAG:
    """ "Green / Amber" and "Green/Amber" are the same rating in the seed."""
    return RAG(label.replace(" / ", "/"))


def status_table_rows() -> list[tuple[str, RAG, RAG]]:
    rows = []
    for line in SEED_STATUS_TABLE.splitlines():
        title, this_period, last_period = line.split("\t")
        rows.append((title, seed_rag(this_period), seed_rag(last_period)))
    return rows


def period_starting(start: dt.date) -> ReportingPeriod:
    period = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.start_date == start))
    assert period is not None, f"no period starts on {start}"
    return period


def updates_in(start: dt.date) -> dict[str, WorkstreamUpdate]:
    period = period_starting(start)
    updates = db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id))
    return {update.workstream.code: update for update in updates}


def report_for(start: dt.date) -> ProgrammeReport:
    period = period_starting(start)
    reports = list(db.session.scalars(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id)))
    assert len(reports) == 1, f"expected one report revision for {start}, found {len(reports)}"
    return reports[0]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def by_position(items):
    return sorted(items, key=lambda item: item.position)


# --- counts -------------------------------------------------------------------------------------


def in_programme(model, programme_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.programme_id == programme_id))


def test_demo_has_twelve_people_and_five_workstreams_in_display_order(app, ids):
    with app.app_context():
        people = db.session.scalar(
            sa.select(sa.func.count(RoleAssignment.user_id.distinct())).where(RoleAssignment.programme_id == ids.programme)
        )
        assert people == 12
        workstreams = list(
            db.session.scalars(
                sa.select(Workstream).where(Workstream.programme_id == ids.programme).order_by(Workstream.display_order)
            )
        )
        assert [w.title for w in workstreams] == TITLES
        assert [w.code for w in workstreams] == CODES
        assert not any(w.is_retired for w in workstreams)


def test_demo_has_the_three_two_month_periods_of_jul_to_dec_2023(app, ids):
    with app.app_context():
        periods = list(
            db.session.scalars(
                sa.select(ReportingPeriod)
                .where(ReportingPeriod.programme_id == ids.programme)
                .order_by(ReportingPeriod.start_date)
            )
        )
        assert [(p.start_date, p.end_date) for p in periods] == [
            (dt.date(2023, 7, 1), dt.date(2023, 8, 31)),
            (dt.date(2023, 9, 1), dt.date(2023, 10, 31)),
            (dt.date(2023, 11, 1), dt.date(2023, 12, 31)),
        ]


def test_demo_has_one_update_per_workstream_per_period(app, ids):
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(WorkstreamUpdate).join(Workstream).where(Workstream.programme_id == ids.programme)
        ) == 15
        for start in (JUL_AUG, SEP_OCT, NOV_DEC):
            assert sorted(updates_in(start)) == sorted(CODES), start


def test_demo_jul_aug_and_sep_oct_reports_are_signed_off_and_nov_dec_is_open(app, ids):
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ProgrammeReport).join(ReportingPeriod)
            .where(ReportingPeriod.programme_id == ids.programme)
        ) == 3
        assert report_for(JUL_AUG).state is ReportState.SIGNED_OFF
        assert report_for(SEP_OCT).state is ReportState.SIGNED_OFF
        assert report_for(NOV_DEC).state is ReportState.OPEN


# Seed: numbered rows of "Key Milestones/Activities this Period", "... Planned for Next Period" and
# "Project Risks" for each workstream (Partnership's unnumbered "Identification of key projects" row counts).
SEP_OCT_COUNTS = {
    "GOV": (3, 9, 3),
    "PRC": (4, 10, 5),
    "PPD": (7, 4, 7),
    "PTN": (4, 3, 3),
    "CCC": (8, 8, 3),
}


@pytest.mark.parametrize("code", CODES)
def test_demo_sep_oct_milestone_and_risk_counts_match_the_seed(app, code):
    this_period, next_period, risks = SEP_OCT_COUNTS[code]
    with app.app_context():
        update = updates_in(SEP_OCT)[code]
        assert len(update.milestones_this_period) == this_period
        assert len(update.milestones_next_period) == next_period
        assert len(update.risks) == risks
        assert len(update.milestones) == this_period + next_period


def test_demo_workstream_outcome_counts_match_the_seed(app, ids):
    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Workstream.code, sa.func.count(WorkstreamOutcome.id))
                .join(WorkstreamOutcome, WorkstreamOutcome.workstream_id == Workstream.id)
                .where(Workstream.programme_id == ids.programme)
                .group_by(Workstream.code)
            ).all()
        )
        assert counts == {"GOV": 12, "PRC": 11, "PPD": 4, "PTN": 1, "CCC": 10}
        for workstream in db.session.scalars(sa.select(Workstream)):
            assert [o.position for o in workstream.outcomes] == list(range(1, len(workstream.outcomes) + 1))


# --- people and roles -----------------------------------------------------------------------------

# email -> (name, {(role, workstream code or None)})
DEMO_ACCOUNTS = {
    LOUISA_SIMPSON: (
        "Louisa Simpson",
        {(Role.PROJECT_MANAGER, "GOV"), (Role.PROJECT_MANAGER, "PRC")},
    ),
    JODIE_TOWNSEND: ("Jodie Townsend", {(Role.PROJECT_MANAGER, "PPD")}),
    PETER_TONKS: (
        "Peter Tonks",
        {(Role.PROJECT_MANAGER, "PTN"), (Role.PROJECT_MANAGER, "CCC")},
    ),
    NICK_BELL: (
        "Nick Bell",
        {(Role.SPONSOR, "GOV"), (Role.SPONSOR, "PRC"), (Role.CMT_MEMBER, None)},
    ),
    STEVE_COX: ("Steve Cox", {(Role.SPONSOR, "PPD"), (Role.CMT_MEMBER, None)}),
    RICHARD_KENNY: ("Richard Kenny", {(Role.SPONSOR, "PTN"), (Role.CMT_MEMBER, None)}),
    KATE_MCFARLANE: ("Kate McFarlane", {(Role.SPONSOR, "CCC"), (Role.CMT_MEMBER, None)}),
    HEIDI_ROBINSON: (
        "Heidi Robinson",
        {
            (Role.PMO, None),
            (Role.PMO_SUPPORT, "GOV"),
            (Role.PMO_SUPPORT, "PRC"),
            (Role.PMO_SUPPORT, "PTN"),
            (Role.PMO_SUPPORT, "CCC"),
        },
    ),
    THOMAS_FARMER: ("Thomas Farmer", {(Role.PMO_SUPPORT, "PPD")}),
    ANGELA_PROBERT: ("Angela Probert", {(Role.LEAD_DIRECTOR, None)}),
    RICHARD_CARR: ("Richard Carr", {(Role.IIB_MEMBER, None)}),
    COMMITTEE_MEMBER: ("Committee Member", {(Role.VIEWER, None)}),
}


def test_demo_accounts_hold_exactly_the_roles_of_the_demo_table(app, ids):
    with app.app_context():
        users = list(db.session.scalars(sa.select(User).join(RoleAssignment).where(RoleAssignment.programme_id == ids.programme).distinct()))
        actual = {
            user.email: (
                user.name,
                {(a.role, a.workstream.code if a.workstream else None) for a in user.role_assignments},
            )
            for user in users
        }
        assert actual == DEMO_ACCOUNTS
        # Every role they hold is in Improvement Plan.
        assert {a.programme_id for user in users for a in user.role_assignments} == {ids.programme}
        # No assignment is duplicated (the sets above would hide a repeat).
        assert in_programme(RoleAssignment, ids.programme) == sum(len(roles) for _name, roles in DEMO_ACCOUNTS.values())


def test_demo_accounts_are_active_example_org_addresses_with_the_demo_password(app):
    with app.app_context():
        users = list(db.session.scalars(sa.select(User)))
        assert len(users) == 12 + 7  # both demo programmes' people
        for user in users:
            assert user.email.endswith("@example.org"), user.email
            assert user.active, user.email
            assert user.check_password(DEMO_PASSWORD), user.email
            assert not user.check_password(DEMO_PASSWORD.upper()), user.email


@pytest.mark.parametrize("code, sponsor, managers, pmo_support", [
    # Seed: "Workstream Sponsor:", "Project Manager/s:" and "PMO Support:" of each workstream.
    ("GOV", "Nick Bell", ["Louisa Simpson"], ["Heidi Robinson"]),
    ("PRC", "Nick Bell", ["Louisa Simpson"], ["Heidi Robinson"]),
    ("PPD", "Steve Cox", ["Jodie Townsend"], ["Thomas Farmer"]),
    ("PTN", "Richard Kenny", ["Peter Tonks"], ["Heidi Robinson"]),
    ("CCC", "Kate McFarlane", ["Peter Tonks"], ["Heidi Robinson"]),
])
def test_demo_workstream_people_are_the_seed_sponsor_project_managers_and_pmo_support(
    app, code, sponsor, managers, pmo_support
):
    with app.app_context():
        workstream = db.session.scalar(sa.select(Workstream).where(Workstream.code == code))
        assert [u.name for u in workstream.sponsors] == [sponsor]
        assert [u.name for u in workstream.project_managers] == managers
        assert [u.name for u in workstream.pmo_support] == pmo_support


# --- ratings ---------------------------------------------------------------------------------------


def test_demo_sep_oct_status_table_matches_the_seed(app):
    expected = status_table_rows()
    with app.app_context():
        rows = period_status(period_starting(SEP_OCT))
        assert len(rows) == len(expected)
        for row, (seed_title, this_period, last_period) in zip(rows, expected):
            # The seed's table prints "Confidence, culture, and capacity" (Oxford comma).
            assert row.workstream.title == seed_title.replace(", and ", " and ")
            assert row.update.agreed_rag is this_period, seed_title
            assert row.rag_this_period is this_period, seed_title
            assert row.rag_last_period is last_period, seed_title
            assert row.rating_is_agreed, seed_title
        # Only Partnership working is not Green, in both periods.
        not_green = [r.workstream.code for r in rows if r.rag_this_period is not RAG.GREEN or r.rag_last_period is not RAG.GREEN]
        assert not_green == ["PTN"]


def test_demo_jul_aug_agreed_ratings_are_the_seed_last_period_column(app):
    expected = status_table_rows()
    with app.app_context():
        updates = updates_in(JUL_AUG)
        for code, (seed_title, _this_period, last_period) in zip(CODES, expected):
            update = updates[code]
            assert update.state is UpdateState.APPROVED, code
            assert update.agreed_rag is last_period, seed_title


def test_demo_signed_off_sep_oct_snapshot_status_table_matches_the_seed(app):
    expected = status_table_rows()
    with app.app_context():
        table = report_for(SEP_OCT).snapshot["status_table"]
        assert [(r["rag_this_period"], r["rag_last_period"]) for r in table] == [
            (this_period.name, last_period.name) for _t, this_period, last_period in expected
        ]


# --- exact seed strings ----------------------------------------------------------------------------

OVERVIEW_FIRST_SENTENCE = (
    "I am pleased to present the highlight report for the Improvement Plan for September and October 2023."
)


def test_demo_sep_oct_overview_opens_with_the_lead_executive_directors_first_sentence(app):
    with app.app_context():
        report = report_for(SEP_OCT)
        assert report.overview.split("\n\n")[0] == OVERVIEW_FIRST_SENTENCE
        assert report.overview_by.name == "Angela Probert"
        assert report.overview_by.has_role(Role.LEAD_DIRECTOR, report.period.programme_id)
        # The overview's closing paragraph, as the seed prints it.
        assert report.overview.split("\n\n")[-1] == (
            "I continue to be confident of progress and achievement as we move forward and expect this to "
            "continue to be reflected in future highlight reports."
        )


def _text(update: WorkstreamUpdate, where: tuple) -> str:
    """The text at `where`: ("field", name), ("risk", n, attribute), ("this", n, attribute),
    ("next", n, attribute) or ("outcome", n)."""
    kind = where[0]
    if kind == "field":
        return getattr(update, where[1])
    if kind == "outcome":
        return by_position(update.workstream.outcomes)[where[1] - 1].text
    items = {
        "risk": update.risks,
        "this": update.milestones_this_period,
        "next": update.milestones_next_period,
    }[kind]
    return getattr(by_position(items)[where[1] - 1], where[2])


# How a seed string must appear: "equals" the whole text, "paragraph" one blank-line-separated paragraph,
# "bullet" one "- " line, "startswith" the opening of the text.
SEED_STRINGS = [
    # Governance and decision making
    ("GOV", ("field", "key_activities"), "bullet",
     "Training roll-out – specifically how the CA works in relation to the districts/unitary authorities – linked to milestone 1"),
    ("GOV", ("field", "concerns"), "equals",
     "There are no concerns relating to the changes proposed to Governance & Decision making, there is a requirement to focus on the training support for CMT colleagues with regards to ensuring the committees are utilised correctly for decision making."),
    ("GOV", ("this", 1, "status_note"), "equals",
     "This has been moved forwards and the governance arrangements are understood & referred to where necessary."),
    ("GOV", ("risk", 3, "mitigation"), "equals",
     "Financial planning workshops and training. Monitoring Officers have been contacted regarding workshops with other O&S (Overview & Scrutiny) committees."),
    ("GOV", ("next", 9, "description"), "equals",
     "Agree process for making changes/amending committee & thematic arrangements"),
    # Procurement
    ("PRC", ("risk", 4, "description"), "equals", "Contract & Grant Register not up to date"),
    # Split across a page break in the PDF: the two halves rejoined with a space.
    ("PRC", ("risk", 4, "mitigation"), "equals",
     "The Contract Register is complete, and discussions are being held on how far back the dates should go. New Procurement Officers"
     + " " + "will keep on top of this work until the new Contract Manager comes onboard."),
    ("PRC", ("field", "sponsor_comments"), "paragraph",
     "Training for all staff on basic procurement has been sourced and is scheduled to be delivered through the Autumn, and further training on contract management and more complex procurements has been sourced for those members of staff more directly engaged in procurement and contract management."),
    ("PRC", ("this", 4, "status_note"), "equals",
     "Training provider has been sourced, forms required for sign off have been completed and signed off, the budget required must be amended – this is still outstanding"),
    ("PRC", ("next", 7, "description"), "equals", "Recruit Contract Manager"),
    # Project plans and delivery
    ("PPD", ("field", "rag_rationale"), "startswith",
     "The rating of Green is a progression from the previous Green/ Amber rating on previous Highlight Reports as the previous barrier to a green rating was the lack of clarity from DLUHC regarding the process and timetable for consideration and clearance of the Single Assurance Framework."),
    ("PPD", ("field", "key_activities"), "paragraph",
     "The Risk Management Framework was also presented to Board and was unanimously approved."),
    ("PPD", ("field", "concerns"), "equals", "1. There are no identified key issues at present."),
    ("PPD", ("risk", 7, "description"), "equals", "CPCA unable to recruit required Analyst resource"),
    ("PPD", ("this", 3, "status_note"), "equals",
     "Work has begun on guidance development however decision to propose phased implementation of SAF means guidance not now likely to be timetabled for completion until early 2024."),
    # Partnership working
    ("PTN", ("outcome", 1), "equals",
     "The Combined Authority should be the bridge between the local area, government and all local regional and national partners and stakeholders, providing a single unified voice and offer for the combined authority area."),
    ("PTN", ("field", "rag_rationale"), "equals",
     "The RAG Rating for this workstream is Green/Amber. It is clear from partner feedback that significant progress has been made and partners believe that the CA commitment to partnership working is good. Without losing focus upon continuous improvement, the project team believe that the scope for the workstream is now clearly defined, and the key project task to gather evidence is on track to be delivered on time."),
    ("PTN", ("field", "key_activities"), "bullet",
     "Providing effective leadership of place through constructive relationships with external stakeholders."),
    # Split across a page break in the PDF.
    ("PTN", ("field", "key_activities"), "paragraph",
     "It is proposed that the evidence collated will presented to the Independent Improvement Board"
     + " " + "in November with recommendations for the next steps for the workstream."),
    ("PTN", ("this", 2, "description"), "equals", "Identification of key projects (to use as case studies)"),
    # Confidence, culture and capacity
    # The seed wraps these two paragraphs in stray <p> markup on one line.
    ("CCC", ("field", "sponsor_comments"), "paragraph",
     "The external communications review has concluded and focus now turns to cascading those findings, recommendations and implementing key actions. Implementing those actions requires a clear internal focus, but also working differently and collaboratively with a broad range of partners on agreed communication, engagement & lobbying priorities."),
    ("CCC", ("field", "sponsor_comments"), "paragraph",
     "The Staff Conference was incredibly well attended, with positive initial feedback received. Fuller feedback will be analysed by CMT and used to inform future actions to embed our culture and values."),
    ("CCC", ("field", "key_activities"), "bullet",
     "New Recruitment and Selection procedures for the Combined Authority have been drafted together with supporting documentation and are in use. Training on the new procedures set to be delivered to staff during November and December. The new procedures aim to ensure an"
     + " " + "efficient, fair, and merit-based approach to hiring, while revising appraisal processes to empower staff to excel in their roles."),
    ("CCC", ("this", 7, "description"), "equals",
     "New HR Appraisal, 1:1, Review Procedures Implemented (LEAP (Learning, Excellence, Achievement & Performance))"),
    ("CCC", ("risk", 2, "mitigation"), "equals",
     "Continue to plan and support Board Activities/Member Development. Seek formal feedback. Encourage and track attendance at staff and member development sessions."),
]


def _seed_string_id(entry) -> str:
    code, where, how, _text_ = entry
    return f"{code}-{'-'.join(str(part) for part in where)}-{how}"


@pytest.mark.parametrize("code, where, how, seed_text", SEED_STRINGS, ids=[_seed_string_id(e) for e in SEED_STRINGS])
def test_demo_sep_oct_text_is_the_seed_text_exactly(app, code, where, how, seed_text):
    with app.app_context():
        text = _text(updates_in(SEP_OCT)[code], where)
    if how == "equals":
        assert text == seed_text
    elif how == "paragraph":
        assert seed_text in text.split("\n\n")
    elif how == "bullet":
        assert f"- {seed_text}" in text.splitlines()
    elif how == "startswith":
        assert text.startswith(seed_text)
    else:  # pragma: no cover - a typo in the table above
        raise AssertionError(how)


def test_demo_text_has_no_pdf_extraction_debris(app):
    """No "- > " arrow bullets, HTML tags or doubled quotes survive from the PDF text."""
    with app.app_context():
        texts = []
        for update in db.session.scalars(sa.select(WorkstreamUpdate)):
            texts += [update.key_activities, update.engagement, update.concerns, update.rag_rationale, update.sponsor_comments]
        texts += [m.description for m in db.session.scalars(sa.select(Milestone))]
        texts += [m.status_note for m in db.session.scalars(sa.select(Milestone))]
        texts += [r.description for r in db.session.scalars(sa.select(Risk))]
        texts += [r.mitigation for r in db.session.scalars(sa.select(Risk))]
        texts += [r.overview for r in db.session.scalars(sa.select(ProgrammeReport))]
        assert texts
        for text in texts:
            assert "- >" not in text
            assert re.search(r"</?p>", text) is None
            assert '""' not in text


# Seed: "... Completed By:" and "Completion Date:" of each workstream, as printed.
SEED_COMPLETED = {
    "GOV": ("Louisa Simpson", "26/10/23"),
    "PRC": ("Louisa Simpson", "26/10/23"),
    "PPD": ("Jodie Townsend", "26/10/23"),
    "PTN": ("Peter Tonks", "20/10/2023"),
    "CCC": ("Peter Tonks", "20/10/2023"),
}


def _seed_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%y" if len(text) == 8 else "%d/%m/%Y").date()


@pytest.mark.parametrize("code", CODES)
def test_demo_sep_oct_completed_by_and_completion_date_are_the_seeds(app, code):
    name, date_text = SEED_COMPLETED[code]
    with app.app_context():
        update = updates_in(SEP_OCT)[code]
        assert update.completed_by.name == name
        assert update.completion_date == _seed_date(date_text)


# Seed: "Agreed Completion Date:" and "Forecast Completion Date:" (Project plans and delivery's are blank).
SEED_COMPLETION_DATES = {
    "GOV": ("30/05/2024", "30/05/2024"),
    "PRC": ("29/03/2024", "29/03/2024"),
    "PPD": ("", ""),
    "PTN": ("31/03/2023", "31/03/2023"),
}


@pytest.mark.parametrize("code", sorted(SEED_COMPLETION_DATES))
def test_demo_agreed_and_forecast_completion_dates_are_the_seeds(app, code):
    agreed, forecast = SEED_COMPLETION_DATES[code]
    with app.app_context():
        workstream = db.session.scalar(sa.select(Workstream).where(Workstream.code == code))
        assert workstream.agreed_completion_date == (_seed_date(agreed) if agreed else None)
        assert workstream.forecast_completion_date == (_seed_date(forecast) if forecast else None)


# --- signed-off reports ----------------------------------------------------------------------------


@pytest.mark.parametrize("start", [JUL_AUG, SEP_OCT], ids=["jul-aug", "sep-oct"])
def test_demo_signed_off_report_records_who_signed_it_off_at_which_cmt_meeting(app, start):
    with app.app_context():
        period = period_starting(start)
        report = report_for(start)
        assert report.state is ReportState.SIGNED_OFF
        assert report.is_signed_off
        assert report.signed_off_by is not None
        assert report.signed_off_by.has_role(Role.CMT_MEMBER, report.period.programme_id)
        assert report.cmt_meeting_date is not None
        # The CMT meets after the period ends and no later than the sign-off deadline.
        assert period.end_date < report.cmt_meeting_date <= period.sign_off_due
        assert report.signed_off_at is not None
        assert report.signed_off_at.date() == report.cmt_meeting_date


@pytest.mark.parametrize("start", [JUL_AUG, SEP_OCT], ids=["jul-aug", "sep-oct"])
def test_demo_signed_off_fingerprint_is_of_the_snapshot_and_the_snapshot_is_the_live_data(app, start):
    with app.app_context():
        period = period_starting(start)
        report = report_for(start)
        assert re.fullmatch(r"[0-9a-f]{64}", report.content_fingerprint or "")
        assert report.snapshot is not None
        assert report.content_fingerprint == fingerprint(report.snapshot)
        live = report_content(period, report)
        assert live == report.snapshot
        assert report.content_fingerprint == fingerprint(live)
        # Every workstream's section is in the frozen report.
        assert [section["workstream"]["code"] for section in report.snapshot["workstreams"]] == CODES


def test_demo_signed_off_fingerprints_differ_between_periods(app):
    with app.app_context():
        assert report_for(JUL_AUG).content_fingerprint != report_for(SEP_OCT).content_fingerprint


def test_demo_open_nov_dec_report_has_no_sign_off_snapshot_or_fingerprint(app):
    with app.app_context():
        report = report_for(NOV_DEC)
        assert report.signed_off_by is None
        assert report.signed_off_at is None
        assert report.cmt_meeting_date is None
        assert report.snapshot is None
        assert report.content_fingerprint is None


# --- stable references -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_demo_sep_oct_milestones_keep_the_references_jul_aug_planned_them_under(app, code):
    with app.app_context():
        planned = by_position(updates_in(JUL_AUG)[code].milestones_next_period)
        reported = by_position(updates_in(SEP_OCT)[code].milestones_this_period)
        assert len(planned) == len(reported) > 0
        for planned_milestone, reported_milestone in zip(planned, reported):
            assert planned_milestone.position == reported_milestone.position
            assert reported_milestone.reference == planned_milestone.reference
            assert reported_milestone.description == planned_milestone.description


@pytest.mark.parametrize("code", CODES)
def test_demo_sep_oct_risks_keep_the_references_of_jul_aug(app, code):
    with app.app_context():
        before = by_position(updates_in(JUL_AUG)[code].risks)
        after = by_position(updates_in(SEP_OCT)[code].risks)
        assert [(r.reference, r.description) for r in after] == [(r.reference, r.description) for r in before]


def test_demo_procurement_carries_its_first_three_milestones_into_next_period_with_their_references(app):
    with app.app_context():
        update = updates_in(SEP_OCT)["PRC"]
        this_period = by_position(update.milestones_this_period)
        next_period = by_position(update.milestones_next_period)
        assert [m.reference for m in next_period[:3]] == [m.reference for m in this_period[:3]]
        # Items 4 onwards are new commitments with references of their own.
        this_references = {m.reference for m in this_period}
        assert not this_references & {m.reference for m in next_period[3:]}


def test_demo_references_are_unique_per_kind_within_each_update_and_carry_the_workstream_code(app):
    with app.app_context():
        updates = list(db.session.scalars(sa.select(WorkstreamUpdate)))
        assert len(updates) == 15 + 4  # both demo programmes' updates
        for update in updates:
            code = update.workstream.code
            for milestones in (update.milestones_this_period, update.milestones_next_period):
                references = [m.reference for m in milestones]
                assert len(references) == len(set(references)), (code, update.period.label, references)
                assert all(re.fullmatch(rf"{code}-M\d{{2}}", r) for r in references), references
            risk_references = [r.reference for r in update.risks]
            assert len(risk_references) == len(set(risk_references)), (code, risk_references)
            assert all(re.fullmatch(rf"{code}-R\d{{2}}", r) for r in risk_references), risk_references


# --- the open Nov–Dec period -----------------------------------------------------------------------


def test_demo_nov_dec_updates_are_all_unrated_drafts(app):
    with app.app_context():
        updates = updates_in(NOV_DEC)
        assert sorted(updates) == sorted(CODES)
        for code, update in updates.items():
            assert update.state is UpdateState.DRAFT, code
            assert update.proposed_rag is None and update.agreed_rag is None, code
            assert update.submitted_at is None and update.approved_by is None, code


@pytest.mark.parametrize("code", CODES)
def test_demo_nov_dec_milestones_are_sep_oct_plans_plus_unplanned_delays_without_status(app, code):
    with app.app_context():
        previous = updates_in(SEP_OCT)[code]
        draft = updates_in(NOV_DEC)[code]
        planned = [(m.reference, m.description) for m in previous.milestones_next_period]
        planned_references = {reference for reference, _ in planned}
        slipped = [
            (m.reference, m.description)
            for m in previous.milestones_this_period
            if m.status is MilestoneStatus.DELAYED and m.reference not in planned_references
        ]
        carried = [(m.reference, m.description) for m in by_position(draft.milestones_this_period)]
        assert sorted(carried) == sorted(planned + slipped)
        assert len(carried) == len(set(carried))
        assert draft.milestones_next_period == []
        for milestone in draft.milestones_this_period:
            assert milestone.status is None, milestone.reference
            assert milestone.status_note == "", milestone.reference


@pytest.mark.parametrize("code, description", [
    ("PRC", "Procurement training for all staff"),
    ("PPD", "Complete Investment Committee & Panel guidance"),
])
def test_demo_nov_dec_carries_a_delayed_milestone_that_was_not_replanned(app, code, description):
    with app.app_context():
        delayed = [m for m in updates_in(SEP_OCT)[code].milestones_this_period if m.description == description]
        assert len(delayed) == 1 and delayed[0].status is MilestoneStatus.DELAYED
        assert delayed[0].reference not in {m.reference for m in updates_in(SEP_OCT)[code].milestones_next_period}
        carried = [m for m in updates_in(NOV_DEC)[code].milestones_this_period if m.reference == delayed[0].reference]
        assert [(m.description, m.status) for m in carried] == [(description, None)]


@pytest.mark.parametrize("code", CODES)
def test_demo_nov_dec_risks_are_the_sep_oct_open_risks(app, code):
    with app.app_context():
        previous = updates_in(SEP_OCT)[code]
        draft = updates_in(NOV_DEC)[code]
        open_risks = [r for r in by_position(previous.risks) if r.status is RiskStatus.OPEN]
        assert open_risks
        assert [(r.reference, r.description, r.mitigation) for r in by_position(draft.risks)] == [
            (r.reference, r.description, r.mitigation) for r in open_risks
        ]
        assert all(r.status is RiskStatus.OPEN for r in draft.risks)


# --- the audit trail -------------------------------------------------------------------------------


def _events(action: str, obj) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == action,
                AuditEvent.object_type == type(obj).__name__,
                AuditEvent.object_id == obj.id,
            )
        )
    )


@pytest.mark.parametrize("code", CODES)
def test_demo_sep_oct_update_was_submitted_by_its_author_and_approved_by_its_sponsor(app, code):
    with app.app_context():
        update = updates_in(SEP_OCT)[code]
        [submit] = _events("submit", update)
        [approve] = _events("approve", update)
        assert submit.actor is not None and submit.actor == update.completed_by
        assert (submit.from_state, submit.to_state) == ("DRAFT", "SUBMITTED")
        [sponsor] = update.workstream.sponsors
        assert approve.actor == sponsor
        assert update.approved_by == sponsor
        assert (approve.from_state, approve.to_state) == ("SUBMITTED", "APPROVED")
        assert submit.occurred_at < approve.occurred_at
        assert submit.period_id == approve.period_id == update.period_id
        assert submit.workstream_id == approve.workstream_id == update.workstream_id


@pytest.mark.parametrize("start", [JUL_AUG, SEP_OCT], ids=["jul-aug", "sep-oct"])
def test_demo_signed_off_report_has_a_sign_off_event_by_the_signer(app, start):
    with app.app_context():
        report = report_for(start)
        [event] = _events("sign_off", report)
        assert event.actor == report.signed_off_by
        assert event.period_id == report.period_id
        assert (event.from_state, event.to_state) == ("OPEN", "SIGNED_OFF")


def test_demo_open_report_has_no_sign_off_event(app):
    with app.app_context():
        assert _events("sign_off", report_for(NOV_DEC)) == []


def test_audit_events_cannot_be_updated_through_the_orm(app):
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "approve").limit(1))
        event_id, comment = event.id, event.comment
        event.comment = "rewritten history"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.expunge_all()
        assert db.session.get(AuditEvent, event_id).comment == comment
        assert comment != "rewritten history"


def test_audit_events_cannot_be_deleted_through_the_orm(app):
    with app.app_context():
        before = count(AuditEvent)
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sign_off").limit(1))
        event_id = event.id
        db.session.delete(event)
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.expunge_all()
        assert count(AuditEvent) == before
        assert db.session.get(AuditEvent, event_id) is not None


# --- loading twice ---------------------------------------------------------------------------------


def test_load_demo_refuses_a_database_with_data_and_leaves_it_unchanged(app):
    models = (User, RoleAssignment, Workstream, ReportingPeriod, WorkstreamUpdate, Milestone, Risk, ProgrammeReport, AuditEvent)
    with app.app_context():
        before = {model.__name__: count(model) for model in models}
        with pytest.raises(RuntimeError, match="already has data"):
            load_demo()
        db.session.rollback()
    with app.app_context():
        assert {model.__name__: count(model) for model in models} == before
        assert before["User"] == 12 + 7
