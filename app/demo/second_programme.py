"""Demo content for the second programme: the Initial Improvement Plan the same authority agreed in
October 2022. It is small (2 workstreams, 2 monthly reporting periods, 7 people of its own) and sits beside
"Improvement Plan" so that programmes can be seen to be kept apart.

Sources (shared seeds; line numbers are those of the seed text files):

- ``2022-09-improvement-framework-ag-committee.txt`` (presentation to the Audit and Governance Committee):
  - lines 25-34 "Chief Executives Priority Areas of Focus": the 6 priority areas; two of them are the
    workstreams here (line 31 transport, bus strategy and Business Board; line 33 the organisation).
  - lines 36-50 "What might be the return on this commitment?": the outcomes (lines 43, 44, 49, 50).
  - line 80 "Agree Initial Improvement Plan (focus on priority areas for next 3 months)": the name.
  - line 81 "Exec Team Members identified as 'owners' for 6 key areas of focus", line 129 "the six theme
    leads, the PMO", line 134 "The interim Director, Transformation Programme will operate as Sponsor of
    the Improvement Programme", line 135 "Project leads", lines 136-137 the PMO, and line 114 the
    Improvement Board's "Independent Chair": the people (by job title only).
  - line 88 "Cambridgeshire and Peterborough Combined Authority": the organisation.
- ``2023-03-improvement-framework-os-committee.txt`` (cover report to Overview and Scrutiny, 20 March 2023):
  - line 28 "Progress on Improvement activity for month 4 (February 2023)" and line 30 "activity
    undertaken to February 2023": the first reporting period.
  - line 14 and line 19: the February update goes to the Combined Authority Board on 22 March 2023, after
    the committee's pre-scrutiny on 20 March 2023 (line 8).
  - lines 33, 35, 37 and 38 (items 2, 4, 6 and 7 of paragraph 3.2): the first period's key activities.

Wording, spelling and capitalisation are the seeds'. No seed gives either priority area a RAG rating, a
risk, an engagement or a concern, so February's highlight reports are drafts with those sections empty:
nothing is submitted, approved or signed off, because each of those needs a rating the seeds do not give.
Every choice the seeds do not make is marked "Judgement:".

Passages read and deliberately not used, because they are programme-wide rather than about either
workstream: 2023-03 lines 31-32 and 36 (items 1 and 5: the whole plan's progress, the values), 34 (item 3:
committee structures, the "reset of ways of working" priority area), 39 (item 8: performance management
frameworks), 69-76 (the second staff survey), 78 (stakeholder interviews in March); 2022-09 lines 73-75
(the Chief Executives Group's key issues) and 180-184 (the Committee's work programme). Paragraph 3.2 is
written by the interim programme director (2023-03 line 11) but addressed to the committee ("Overview &
Scrutiny Committee are asked to note"), so it is not used as the programme overview either: the overview of
February is left for the lead executive director to write.
"""

import datetime as dt
from textwrap import dedent

from app.models import Role


def _t(text: str) -> str:
    """Dedent and strip a triple-quoted literal."""
    return dedent(text).strip()


PROGRAMME = dict(
    # 2022-09 line 80: "Agree Initial Improvement Plan (focus on priority areas for next 3 months)". (The first
    # demo programme's seed calls itself "Improvement Plan Phase 2", highlight report line 9.)
    name="Initial Improvement Plan",
    # 2022-09 line 88: "... expertise to Cambridgeshire and Peterborough Combined Authority to ensure focus ...":
    # the same authority as the first demo programme.
    organisation="Cambridgeshire and Peterborough Combined Authority",
    # Judgement: monthly reporting. 2023-03 line 28 numbers February 2023 "month 4" of the plan the Board agreed
    # in October 2022 (line 24), and line 14 speaks of "the February Improvement highlight update": one report a
    # month. The seeds state no cadence in so many words.
    months_per_period=1,
)


# (name, email, programme roles); workstream roles come from WORKSTREAMS below.
# Judgement (names): the seeds give job titles only, so each display name is the job title, with the priority
# area added to the theme leads' and project leads' so that the two of each can be told apart. The emails are
# example.org addresses (not content), none shared with app/demo/people.py: this programme's people are its
# own, and none of them holds a role in the other programme.
PEOPLE = [
    # 2022-09 line 134: "The interim Director, Transformation Programme will operate as Sponsor of the
    # Improvement Programme and be accountable for the overall delivery of the Plan and reporting to the
    # Improvement Board". Judgement: that programme-wide role is the lead executive director's. (2023-03 line
    # 11 names the postholder, who has an account in the first programme; a separate account named by the
    # job title keeps this programme's people its own.)
    ("Interim Director, Transformation Programme", "interim.director.transformation@example.org", [Role.LEAD_DIRECTOR]),
    # 2022-09 lines 136-137: "The PMO will support the Improvement Group ... The PMO will also complete progress
    # (highlight) reports". Judgement: the PMO is also each workstream's PMO support (below), which is what lets
    # it write their drafts. It did not set the service up, so it may not create programmes.
    ("PMO", "pmo@example.org", [Role.PMO]),
    # 2022-09 line 81: "Exec Team Members identified as 'owners' for 6 key areas of focus"; line 129 "the six
    # theme leads". Judgement: an owner is the workstream's sponsor, and an Exec Team Member holds the CMT member
    # role (the 2022 seeds say "Exec Team", not "CMT"), so these two are also the programme's CMT members.
    ("Theme lead, transport, bus strategy and Business Board", "theme.lead.transport@example.org", [Role.CMT_MEMBER]),
    ("Theme lead, organisation", "theme.lead.organisation@example.org", [Role.CMT_MEMBER]),
    # 2022-09 line 135: "Project leads will be accountable for identified activity to be delivered". Judgement: a
    # project lead is the workstream's project manager, one a workstream.
    ("Project lead, transport, bus strategy and Business Board", "project.lead.transport@example.org", []),
    ("Project lead, organisation", "project.lead.organisation@example.org", []),
    # 2022-09 line 114: the Improvement Board's "Independent Chair". Judgement: an IIB member, who reads only what
    # is signed off (nothing yet, in this programme). (The chair named in 2024-01 has an account in the first
    # programme; not reused.)
    ("Independent Chair, Improvement Board", "improvement.board.chair@example.org", [Role.IIB_MEMBER]),
]
# Whoever opens the periods and writes the drafts (2022-09 line 137).
PMO = "pmo@example.org"


WORKSTREAMS = [
    dict(
        # Judgement: the code is the prefix of the references (TRN-M01); the seeds give none.
        code="TRN",
        # Judgement: the seed gives no short title; this one is made of the seed's own words ("transport strategy
        # and bus strategy", line 43; "Business Board", lines 31 and 44).
        title="Transport strategy, bus strategy and Business Board",
        # 2022-09 line 31, verbatim.
        description=_t("""
            Prioritise work to establish a long-term strategy for transport, an urgent development of a bus strategy and review the role and functioning of the Business Board
        """),
        # 2022-09 lines 43-44, of the "return in the next 3 months" (line 38). Judgement: the seed lists the returns
        # without saying which priority area each belongs to; these two repeat this area's words.
        outcomes=[
            {"heading": None, "text": "A worked-up transport strategy and bus strategy"},
            {"heading": None, "text": "Proposals for the next phase of development of the Business Board"},
        ],
        # The seed says only "over the next 3 months" (lines 27, 38) and gives no date, so none is set (three
        # months from the October 2022 Board would be a computed date, not the seed's).
        agreed_completion=None,
        forecast_completion=None,
        sponsor="theme.lead.transport@example.org",
        project_managers=["project.lead.transport@example.org"],
        pmo_support=["pmo@example.org"],
    ),
    dict(
        # Judgement: the code is the prefix of the references (ORG-M01); the seeds give none.
        code="ORG",
        # Judgement: the seed gives no short title; this is the opening words of the priority area (line 33), cut
        # before "and with the agility ...".
        title="Design and implement an organisation for today's performance",
        # 2022-09 line 33, verbatim.
        description=_t("""
            Design and implement an organisation for today's performance, and with the agility to act on emerging demands and opportunities
        """),
        # 2022-09 lines 49-50 ("And in the operation:", line 47). Judgement: assigned to this priority area as for
        # TRN above.
        outcomes=[
            {"heading": None, "text": "A senior staffing structure and plan for recruitment"},
            {"heading": None, "text": "A period of stability in the workforce"},
        ],
        # As for TRN: "over the next 3 months", no date given.
        agreed_completion=None,
        forecast_completion=None,
        sponsor="theme.lead.organisation@example.org",
        project_managers=["project.lead.organisation@example.org"],
        pmo_support=["pmo@example.org"],
    ),
]


# Judgement (period bounds): calendar months. 2023-03 line 28 "month 4 (February 2023)" and line 30 "activity
# undertaken to February 2023" give the month, not its first and last days; the second period is the month
# after, March 2023.
# Judgement (due dates): the seeds give none, and a period needs them. They are the ones the programme's own
# reporting calendar proposes (the Programme model's defaults: drafts due 4 days before the period ends,
# approvals 7 days later, sign-off 7 days after that). February's sign-off due date (10 March 2023) then falls
# before the 20 March 2023 committee (2023-03 line 8) and the 22 March 2023 CA Board (line 14) that the seed
# says received the February update.
# Judgement (IIB meeting): none. 2023-03 line 84 says the IIB meets bi-monthly but gives no dates, and a monthly
# period need not have a meeting; the date is optional, so none is made up.
PERIODS = {
    "feb_2023": dict(
        start_date=dt.date(2023, 2, 1),
        end_date=dt.date(2023, 2, 28),
        drafts_due=dt.date(2023, 2, 24),
        approvals_due=dt.date(2023, 3, 3),
        sign_off_due=dt.date(2023, 3, 10),
        iib_meeting_date=None,
    ),
    # Judgement: March is opened while February is still open, as the product allows when a sign-off is late: the
    # seed has the February update still on its way to the CA Board on 22 March 2023 (2023-03 lines 14, 19), well
    # into March. Its drafts start from February's (open_period carries February's planned milestones forward).
    "mar_2023": dict(
        start_date=dt.date(2023, 3, 1),
        end_date=dt.date(2023, 3, 31),
        drafts_due=dt.date(2023, 3, 27),
        approvals_due=dt.date(2023, 4, 3),
        sign_off_due=dt.date(2023, 4, 10),
        iib_meeting_date=None,
    ),
}


# February 2023 ("month 4"): what the PMO writes into each draft that opening the period created. The seed's
# progress items (2023-03 paragraph 3.2, lines 31-39) are the only words about either priority area in the
# period; each is kept whole, in the seed's order. Everything else stays as the new draft has it, empty,
# because the seeds say nothing for it (not "no concerns": the seeds do not say that either): engagement,
# concerns, the proposed rating and its rationale, and the risks (the seeds name none for either area). The
# drafts have no milestones this period, since nothing was planned for the programme's first period.
# "Completed by" stays empty too: the product sets it when a report is submitted, and these are not; the
# audit trail records the PMO saving each draft (2022-09 line 137, "The PMO will also complete progress
# (highlight) reports").
# Judgement (when): the trail dates the PMO's saves on the day drafts were due (the calendar's date, not the
# seed's); the seed says only that the February update existed by 20 March 2023.
FEBRUARY_DRAFTS = {
    "TRN": dict(
        # 2023-03 line 33 (item 2) and line 35 (item 4), verbatim. Judgement: item 2 is kept whole, though its
        # first clause (the Corporate Plan) is closer to the "overarching strategy" priority area; its second
        # clause is this area's bus strategy. Item 4 keeps its "also" (it follows item 3 in the seed).
        key_activities=_t("""
            The Corporate Plan was adopted by the CA Board in January and the development of other related strategies in our strategic framework, such as the Bus Strategy and LTCP are progressing well.

            The future role and configuration of the Business Board is also timetabled for the CA Board in March.
        """),
        # 2023-03 line 35 (item 4), verbatim: timetabled for the CA Board in March, the next period.
        milestones_next_period=[
            "The future role and configuration of the Business Board is also timetabled for the CA Board in March.",
        ],
    ),
    "ORG": dict(
        # 2023-03 line 37 (item 6) and line 38 (item 7), verbatim ("Alongside this" refers back to item 5 in the
        # seed and is kept).
        key_activities=_t("""
            Alongside this we have an agreed senior management structure in place with two new Executive Directors starting at the beginning of March.

            The recruitment to the Chief Executive post is underway.
        """),
        # Judgement: line 37's "two new Executive Directors starting at the beginning of March" is the one dated next
        # step the seed gives for this area; kept in the seed's words, shortened to the clause.
        milestones_next_period=[
            "two new Executive Directors starting at the beginning of March",
        ],
    ),
}
