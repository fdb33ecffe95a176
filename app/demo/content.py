"""Demo content: the Programme Level Highlight Report for 1 September 2023 to
31 October 2023 (Sep–Oct 2023), transcribed for the Waymark demo data.

Source: shared seed ``2023-09-10-programme-highlight-report.txt`` (text
extracted from the published PDF). Wording, spelling, capitalisation, typos
and punctuation are kept as in the seed; only PDF-extraction damage has been
repaired (sentences split across page breaks rejoined, "- > " arrow bullets
turned into "- " bullets, doubled quotes and stray HTML paragraph tags
removed, table-border debris dropped).

Text format for long fields: paragraphs separated by one blank line; a
bulleted list is a block of consecutive lines each starting with "- ";
sub-headings are kept as their own one-line paragraph.
"""

from textwrap import dedent

# The programme: the seed calls its plan the "Improvement Plan" (line 9, "Improvement Plan Phase 2") and names the authority at line 46
# ("CPCA (Cambridgeshire and Peterborough Combined Authority)"). Its calendar and RAG methodology are the
# programme's defaults, which are the seed's.
PROGRAMME = dict(name="Improvement Plan", organisation="Cambridgeshire and Peterborough Combined Authority")


def _t(text: str) -> str:
    """Dedent and strip a triple-quoted literal."""
    return dedent(text).strip()


OVERVIEW = _t("""
    I am pleased to present the highlight report for the Improvement Plan for September and October 2023.

    I continue to highlight the five themes of this phase of our improvement journey and how this focusses tightly upon the expectations- based upon their advice and feedback - of our Independent Improvement Board, DLUHC (Department for Levelling Up, Housing and Communities) (Department for Levelling Up, Housing and Communities) and the external auditor to ensure our priorities for improvement reflect those of our partners and stakeholders. It should be noted that these themes encapsulate actions to address in full both the issues raised by DLUHC in their Best Value Notice letter of January 2023 and the letter received from the External Auditor raising concerns in July 2022.

    Significant progress has been made regarding the conclusion of investigations relating to the safeguarding of staff, and a date for the Hearing Panel to consider the report from the Independent Investigator has now been set for 14th November. Further information regarding the outcome of that Hearing Panel will be provided after it has concluded.

    Significant work has taken place across several themes leading to presentation and approval at Board on 20th September. I am delighted to note that at this meeting the Board warmly received information on progress with the procurement theme and governance and offered support for the draft Single Assurance Framework as well as approving the Risk Management Framework and Performance Management Framework. These are significant milestones, for not just the Improvement Plan but for the CA (Combined Authority) as these will set the parameters and frameworks by which we will assess, prioritise, monitor, and manage the projects we take forward in pursuit of our corporate priorities and business plans.

    Partnership engagement continues to be a focus of our plan as we move forward and in this context praise from the constituent authorities CEX on the partnership working and engagement of the CA was very encouraging. Noting that this aspect of our work is core to our ambition we will however continue to focus upon improvement. This process has commenced with the collation of a series of case studies which will serve as a benchmark of how far we have come with our partnership journey in support of the CEX assessment and also allow us to look across the partnership landscape, draw lessons for further improvement and from that draw up the next stage of our partnerships action plan.

    Given this positive progress and based upon the information in this report the direction of travel for the Improvement Programme, as demonstrated by the agreed RAG ratings, is very positive with four themes rated as green, meaning that delivery of four of the agreed outcomes to time and budget is considered by the CMT (Corporate Management Team) workstream lead to be highly likely, and one theme (partnerships) as green/amber but with a clear plan to reach green.

    I continue to be confident of progress and achievement as we move forward and expect this to continue to be reflected in future highlight reports.
""")

WORKSTREAMS = [
    {
        "code": "GOV",
        "title": "Governance and decision making",
        "description": _t("""
            To embed the governance structures & constitutional changes agreed at CA Board, enabling sound decision making & implementation. Create confidence and evidence to ensure external scrutiny of the CPCA (Cambridgeshire and Peterborough Combined Authority) governance arrangements is positive. Increase & improve the representation on decision making committees & boards of councillors from across the political spectrum.
        """),
        "outcomes": [
            {"heading": None, "text": "Plan for embedding new structures"},
            {"heading": None, "text": "Review membership of committees, & advisory groups"},
            {"heading": None, "text": "Review of BB (Business Board) role & role of BAP"},
            {"heading": None, "text": "Develop Terms of Reference for each group"},
            {"heading": None, "text": "Create Financial Regs, Procurement Code & SAF"},
            {"heading": None, "text": "Consideration of EDAF (English Devolution Accountability Framework) Requirements"},
            {"heading": None, "text": "Internal review of governance arrangements by A&G (Audit & Governance)"},
            {"heading": None, "text": "Review councillor representation"},
            {"heading": None, "text": "Guidance documents and training"},
            {"heading": None, "text": "Member remuneration"},
            {"heading": None, "text": "Review role of Scrutiny function"},
            {"heading": None, "text": "Review non-councillor membership in groups (CIPF code)"},
        ],
        "sponsor": "nick.bell@example.org",
        "project_managers": ["louisa.simpson@example.org"],
        "pmo_support": ["heidi.robinson@example.org"],
        "agreed_completion": "2024-05-30",
        "forecast_completion": "2024-05-30",
    },
    {
        "code": "PRC",
        "title": "Procurement",
        "description": _t("""
            To redesign the Procurement function in line with the Price Waterhouse Cooper Procurement Review report commissioned by the CA, ensuring that Governance, Operating Model, Capability & Capacity and Compliance are reflected in the redesign. Then carrying out the practical elements of updating the Contracts Register, revising the Procurement Strategy, Policy & Procedures. Finally, ensuring the embedding of the new design through corporate training & support
        """),
        "outcomes": [
            {"heading": None, "text": "Redesign the procurement function"},
            {"heading": None, "text": "Agree operating model"},
            {"heading": None, "text": "Develop operating model in line with recommendations"},
            {"heading": None, "text": "Refresh the contracts register"},
            {"heading": None, "text": "Revise procurement strategy, policies, and procedures"},
            {"heading": None, "text": "Establish a procurement hub"},
            {"heading": None, "text": "Implement procurement and contract management training"},
            {"heading": None, "text": "Communication Strategy in place to support changes"},
            {"heading": None, "text": "Develop procurement KPIs"},
            {"heading": None, "text": "Develop M&E framework"},
            {"heading": None, "text": "Regular reviews and periodic evaluations"},
        ],
        "sponsor": "nick.bell@example.org",
        "project_managers": ["louisa.simpson@example.org"],
        "pmo_support": ["heidi.robinson@example.org"],
        "agreed_completion": "2024-03-29",
        "forecast_completion": "2024-03-29",
    },
    {
        "code": "PPD",
        "title": "Project plans and delivery",
        "description": "Development of an inclusive Single Assurance Framework (SAF)",
        "outcomes": [
            {"heading": None, "text": "Agreement by the CPCA and partners of a SAF"},
            {"heading": None, "text": "Agreement of a Performance Management Framework and reporting Dashboard."},
            {"heading": None, "text": "Adoption of a new corporate risk management framework"},
            {"heading": None, "text": "A revised PMO with expanded responsibility for corporate performance"},
        ],
        "sponsor": "steve.cox@example.org",
        "project_managers": ["jodie.townsend@example.org"],
        "pmo_support": ["thomas.farmer@example.org"],
        "agreed_completion": None,  # blank in the seed
        "forecast_completion": None,  # blank in the seed
    },
    {
        "code": "PTN",
        "title": "Partnership working",
        "description": _t("""
            To enhance partnership working within the combined authority, enabling it to act as a bridge between the local area and government. This involves establishing a unified voice and offer through co-ordinated representation, policy alignment, and effective advocacy. The workstream aims to foster strategic partnerships, streamline communication channels, and influence policy development. Additionally, it seeks to secure funding and resources, facilitate joint problem-solving, and empower local governance.
        """),
        "outcomes": [
            {
                "heading": None,
                "text": _t("""
                    The Combined Authority should be the bridge between the local area, government and all local regional and national partners and stakeholders, providing a single unified voice and offer for the combined authority area.
                """),
            },
        ],
        "sponsor": "richard.kenny@example.org",
        "project_managers": ["peter.tonks@example.org"],
        "pmo_support": ["heidi.robinson@example.org"],
        "agreed_completion": "2023-03-31",  # as printed in the seed (31/03/2023)
        "forecast_completion": "2023-03-31",  # as printed in the seed (31/03/2023)
    },
    {
        "code": "CCC",
        # The seed's status table prints "Confidence, culture, and capacity";
        # the section heading is "Confidence, Culture and Capacity".
        "title": "Confidence, culture and capacity",
        "description": _t("""
            To establish a clear direction for the Combined Authority, foster a positive work culture based on shared values and behaviours, develop effective leadership at all levels and be recognised as a good employer. By focusing on these areas, the project seeks to establish a solid foundation for the Combined Authority to effectively deliver its goals and serve the region within a positive working environment.
        """),
        "outcomes": [
            {
                "heading": "Ambition and Priorities",
                "text": "We are clear in our ambition and priorities for the combined authority region",
            },
            {
                "heading": "Ambition and Priorities",
                "text": "We have a well-established framework to work in partnership with key stakeholders to deliver this ambition",
            },
            {
                "heading": "Values and Behaviours",
                "text": "Values and behaviours are embedded and owned by everyone (both officers and members) through day-to-day activities",
            },
            {
                "heading": "Values and Behaviours",
                "text": "Values and behaviours are recognised as central to all CPCA practice and processes and there is collective ownership and responsibility for culture- living the values through day to day working activity",
            },
            {
                "heading": "Values and Behaviours",
                "text": "Alignment to the values is recognised and celebrated, whilst non-aligned of 'behaviours' are addressed",
            },
            {
                "heading": "Values and Behaviours",
                "text": "Peer reviews and feedback from partners identify CPCA is 'living its values",
            },
            {
                "heading": "Leadership",
                "text": "Leadership at all levels of CPCA is seen as high quality, effective and in line with the agreed values and behaviours",
            },
            {
                "heading": "Recruitment, Retention, Reward and Resources",
                "text": "Balanced scorecard in place that reflects job satisfaction, employee turnover, absence etc.",
            },
            {
                "heading": "Recruitment, Retention, Reward and Resources",
                "text": "Workforce strategy agreed (up to 2025) that identifies key resourcing requirements and how they will be delivered.",
            },
            {
                "heading": "Recruitment, Retention, Reward and Resources",
                "text": "CPCA is viewed as a 'good' employer tested through staff surveys, exit interviews and external review",
            },
        ],
        "sponsor": "kate.mcfarlane@example.org",
        "project_managers": ["peter.tonks@example.org"],
        "pmo_support": ["heidi.robinson@example.org"],
        "agreed_completion": "2023-09-30",  # the seed prints 31/09/2023 (not a real date)
        "forecast_completion": "2023-09-30",  # the seed prints 31/09/2023 (not a real date)
    },
]


SEP_OCT_2023 = {
    "GOV": {
        "rag": "GREEN",
        "previous_rag": "GREEN",
        "key_activities": _t("""
            The project workstream have met and have moved forward several key activities linked to the Improvement Plan. The key activities undertaken this period:

            - Training roll-out – specifically how the CA works in relation to the districts/unitary authorities – linked to milestone 1
            - SAF & EDAF links have been discussed the SAF is with Government for review & sign off – linked to milestone 4
            - We have reviewed the risk register to ensure the risks reflect where we are in terms of governance – part of effective project management
            - the audit of governance has been completed & the findings are being reviewed to ensure they are covered in the workstream – linked to next month's milestone 5
        """),
        "engagement": _t("""
            The workstream group continue to meet fortnightly & focus on progress and risk review. As key milestones are met, communication is in place to support the roll out & CMT discuss changes at their meetings.

            The CA Board members continue to be engaged in change discussions at Leaders Strategy Meetings in relation to the governance of the SAF. Finally, the new Business Board and governance and processes are beginning to be embedded and the Economic Development Group have met twice. Our work is being considered as best practice, for example a case study has been provided to the Centre for Governance & Scrutiny (CfGS) to demonstrate the development of the scrutiny roles specific to Combined Authority. As a result discussions are taking place with CfGS about how the scrutiny developments that have been undertaken could helpfully contribute to the guidance for CA scrutiny being developed by CfGS and other MCAs are now looking at what we have done with O&S as leading practice.
        """),
        "concerns": _t("""
            There are no concerns relating to the changes proposed to Governance & Decision making, there is a requirement to focus on the training support for CMT colleagues with regards to ensuring the committees are utilised correctly for decision making.
        """),
        "rag_rationale": _t("""
            The RAG rating of Green reflects the progress & achievability of the project. The mitigations in place ensure we retain our green RAG rating. Training is being rolled out and CMT continue to engage with colleagues to explain/highlight the benefits of the new governance arrangements.
        """),
        "sponsor_comments": _t("""
            Further good progress has been made on this workstream during September and October. The Board decision to approve the risk management and performance management frameworks is a key step forward, as is the decision to move the Single Assurance Framework forward for approval by DLUHC and other Government Departments before the anticipated final approval by CPCA in November.

            Additionally, there has been work to review the structure and operations of the Audit & Governance Committee in line with best practice elsewhere, the embedding of the new approach to Overview & Scrutiny has continued and work has been undertaken to define a potential accountability framework which will form part of our ‘Devo 2’ submission.

            Overall, I am pleased with progress on this workstream which remains on track to deliver its key outputs by the end of the year.
        """),
        "milestones_this_period": [
            {
                "description": "Develop the Public Affairs relationship with CA Team",
                # Close call: "moved forwards" reads as progress, not as done;
                # the seed does not say complete (and it is not carried forward).
                "status": "ON_TRACK",
                "status_note": "This has been moved forwards and the governance arrangements are understood & referred to where necessary.",
            },
            {
                "description": "Develop support guides for new governance structure & how local government works",
                "status": "ON_TRACK",
                "status_note": "This work continues",
            },
            {
                "description": "Roll out training guides",
                "status": "ON_TRACK",
                "status_note": "This work continues",
            },
        ],
        "milestones_next_period": [
            {"description": "Development of the Single Assurance Framework", "continues": None},
            {"description": "Expansion of Shareholder Comm to Investment Committee SAF dependent", "continues": None},
            {"description": "Ensure sector specialisms are reflected in BB Membership", "continues": None},
            {"description": "Amend the Terms of Reference to reflect the new governance arrangements", "continues": None},
            {"description": "Review & agree officer support requirements for O&G", "continues": None},
            {"description": "English Devolution Accountability Framework (EDAF) - structure checks", "continues": None},
            {"description": "Agree process for monitoring the new structural arrangements", "continues": None},
            {"description": "Agree timeline to review new processes and arrangements", "continues": None},
            {"description": "Agree process for making changes/amending committee & thematic arrangements", "continues": None},
        ],
        "risks": [
            {
                "description": "Unable to secure devolution funding",
                "mitigation": "Resourcing up and working with partners differently. Clear information needed from DLUHC to lift the best value notice.",
            },
            {
                "description": "Financial instability of partner Authorities",
                # The seed wraps this cell in extraction quotes ("..."); removed.
                "mitigation": "Stay aware of the financial health of partner authorities. Working with Section 151 Officers - Nick Bell organised 151 group.",
            },
            {
                "description": "Scrutiny role not developing in line with EDAF expectations",
                "mitigation": "Financial planning workshops and training. Monitoring Officers have been contacted regarding workshops with other O&S (Overview & Scrutiny) committees.",
            },
        ],
        "completed_by": "louisa.simpson@example.org",
        "completion_date": "2023-10-26",
    },
    "PRC": {
        "rag": "GREEN",
        "previous_rag": "GREEN",
        "key_activities": _t("""
            - Recruitment of procurement staff to support new structure – this is completed bar the Contract Manager post – linked to milestone 1 the recruitment of the Contract Manager is being planned. The JD being written and expected to be advertised next month – linked to milestone 7 next period
            - Procurement training for all staff – linked to milestone 3 of last month has training in place for all staff & HR (Human Resources) are looking at how we monitor this and align to staff records. The delay to roll out is due to budget changes required – linked to milestone 4 of this month
            - Complete the development of standard templates for procurement documentation – not completed yet, will be on the HUB, expected completion date 31 November 2023 – linked to milestone 1 this period
            - Complete the development of standard Grant Funding Agreements (GFA) – this is ongoing, CMT to agree final version next week – linked to Milestone 2 this period
            - Complete the development of standard Terms & Conditions for different types of contract activity – this is in draft, awaiting sign off by CMT 30/10 – linked to milestone 3 this period
            - Agree a scheme of "Delegated Procurement Authority" (Delegated Authority) – this is linked to sign off the SAF which is due to go to CA Board on the 29th of November 2023 – linked to milestone 4, the updating of contracts is also linked to this decision point at Board – milestone 5
            - The procurement Hub is being developed and should be in place with all templates by the end of November 2023 – linked to milestone 8 next period
            - The comms strategy to support the roll out of the procurement hub and support documents is being developed due to be completed by December 2023 – linked to milestone 9 next period
            - development of Procurement KPIs, links have been made with the strategy & Policy Team to support the development of KPIs – linked to milestone 10 next period
        """),
        "engagement": _t("""
            The subgroup meets fortnightly to monitor progress with meetings to move forward actions taking place with key officers in the interim.

            The SAF is now with DLUHC for government sign off – this supports the requirement for Procurement involvement in Business Case development.

            The Procurement Team recruitment has enabled the team to be embedded in the CA and offer timely support across new projects.

            Procurement colleagues have worked with the Policy Team to look at the development of KPIs and is working with the Comms Team to develop a comms plan for the procurement function.
        """),
        "concerns": _t("""
            Currently there are no issues or concerns, the delivery of the action plan and outcomes is on target and is happening at the required pace. The timeline remains challenging, but there is support in place from within HR (Human Resources), Finance & Legal to ensure delivery remains on track.
        """),
        "rag_rationale": _t("""
            The RAG rating remains green, and the subgroup are confident of delivery on time. The mitigations in place support the delivery of outcomes and are monitored at each subgroup meeting. Where external support is required to ensure mitigation of risk it is being secured and where potential changes to government policy is being highlighted this is being built into the new documentation the CA is developing.
        """),
        "sponsor_comments": _t("""
            Further positive progress has been made during September and October, including the appointment and induction of new procurement officers and the drafting of the Contract Procedure Guidelines which, following their noting at Board, has enabled full approval of the Procurement Policy and Strategy and the revised Contract Procedure Regulations.

            Training for all staff on basic procurement has been sourced and is scheduled to be delivered through the Autumn, and further training on contract management and more complex procurements has been sourced for those members of staff more directly engaged in procurement and contract management.

            Work has now started on reviewing the main contracts used by CPCA and the workstream is in a very good place to have delivered its key outputs by the end of the year.
        """),
        "milestones_this_period": [
            {
                "description": "Complete the development of standard templates for procurement documentation",
                "status": "DELAYED",
                "status_note": "This work has been started and is expected to be completed at the end of November 2023. The documents are being uploaded on to the new Procurement Hub but are not available to staff yet",
            },
            {
                "description": "Complete the development of standard Grant Funding Agreements (GFA)",
                # Close call: CMT sign-off was set for 30/10 (inside the period)
                # but the report (26/10) shows it not done and carried forward.
                "status": "DELAYED",
                "status_note": "This work has been started; draft is in place awaiting sign off by CMT at next meeting 30/10",
            },
            {
                "description": "Complete the development of Terms & Conditions for different types of contract activity",
                "status": "DELAYED",
                "status_note": "This work has been started and is expected to be completed at the end of November 2023",
            },
            {
                "description": "Procurement training for all staff",
                "status": "DELAYED",
                "status_note": "Training provider has been sourced, forms required for sign off have been completed and signed off, the budget required must be amended – this is still outstanding",
            },
        ],
        "milestones_next_period": [
            {"description": "Complete the development of standard templates for procurement documentation", "continues": 1},
            {"description": "Complete the development of standard Grant Funding Agreements (GFA)", "continues": 2},
            {"description": "Complete the development of Terms & Conditions for different types of contract activity", "continues": 3},
            {"description": 'Agree a scheme of "Delegated Procurement Authority" (Delegated Authority)', "continues": None},
            {"description": "Review HR contracts with delegated authority", "continues": None},
            {"description": "Improve procurement scrutiny & involvement of Procurement in BC development", "continues": None},
            {"description": "Recruit Contract Manager", "continues": None},
            {"description": "Establish a 'Procurement Hub'", "continues": None},
            {"description": "Comms Strategy in place to support changes", "continues": None},
            {"description": "Develop procurement KPI's", "continues": None},
        ],
        "risks": [
            {
                "description": "Financial delegations not agreed by Board",
                "mitigation": "Working closely with the Board to ensure there is agreement of the delegated financial options proposed.",
            },
            {
                "description": "Fail to demonstrate Best Value in Procurement",
                "mitigation": "The documents being developed are focused on achieving the outcomes required to achieve best value. We have engaged external support to ensure delivery on time. The Policy team are assisting with developing Procurement KPIs using the approved Performance Management Framework.",
            },
            {
                "description": "Procurement staff are not retained leading to loss of necessary skills and experience",
                "mitigation": "Provide appropriate induction upon employment commencing. training opportunities to develop skills, provide a scope of work that is interesting to the individual and captures their attention, ensure inexperienced staff are engaged in all staff events to embed positive culture and new values. Finally, ensure staff progression is clear, membership opportunities are in place and a clear training and support plan is in place.",
            },
            {
                "description": "Contract & Grant Register not up to date",
                # Rejoined: split across a page break after "New Procurement Officers".
                "mitigation": "The Contract Register is complete, and discussions are being held on how far back the dates should go. New Procurement Officers will keep on top of this work until the new Contract Manager comes onboard.",
            },
            {
                "description": "Procurement and Contract Management training does not improve Officer knowledge",
                "mitigation": "Thorough research to ensure best provider secured to deliver the training. Contacted providers who can tailor the training to our processes and contextualise the learning to promote further embedding. Training to be reviewed regularly and could be incorporated into appraisal process.",
            },
        ],
        "completed_by": "louisa.simpson@example.org",
        "completion_date": "2023-10-26",
    },
    "PPD": {
        "rag": "GREEN",
        # The status table and "Previous Period" both say Green, although the
        # RAG rationale describes a progression from Green/ Amber.
        "previous_rag": "GREEN",
        "key_activities": _t("""
            The focus for all the three frameworks required by the workstream was the build-up to consideration of the Draft framework documents by Board on 20th September. To support this process key engagement was undertaken which is detailed below in the engagement update as well as progress being reviewed through the Project Plans & Delivery workstream meeting.

            The Draft SAF and Risk management Framework were presented to the Audit & Governance Committee on 8th September for review with a specific ask to review its content from an assurance, Value for Money, and process perspective. The Committee unanimously supported both draft frameworks. It also approved the developing terms of reference for the new Investment Committee and supporting Investment Panel, both of which are key governance components of the SAF.

            The Overview & Scrutiny Committee undertook a deep dive into the Project Plans & Delivery workstream on 18th September and had no additions or concerns to add regarding the SAF or the Risk Management Framework for Board to take note of. The Performance Management Framework was then given more attention by the Overview & Scrutiny Committee who provided full support to its content.

            The SAF was presented to Board on 20th September for review with an ask of approval of the framework that would allow submission to DLUHC for the required Government review and clearance. Board unanimously supported the draft SAF for submission to DLUHC and the document was submitted later that day. It is anticipated the clearance process with DLUHC will take between 4 to 6 weeks.

            The Risk Management Framework was also presented to Board and was unanimously approved.

            The Performance Management Framework was also presented to Board along with key performance information and the Corporate Performance Dashboard. It was fully supported by the Board.

            The October focus has been on ensuring the appropriate next steps are in delivery for each of the frameworks. For the SAF this has been 2-fold, firstly on achieving Government clearance and secondly on developing the implementation plan.

            The SAF is now in the process of review by teams within DLUHC, DfE and DfT (Department for Transport) before being submitted to relevant Department Directors for sign-off. We understand that this process is progressing well with DLUHC and DfE teams having reviewed the SAF and having no substantial comments, we now await the next engagement point from DLUHC.

            A workshop was held on 11th October between the PMO and the external consultant who developed the SAF to review progress post September Board, agree content requirements for the November Board report on implementation, discuss PMO future resourcing and upskilling to deliver SAF and discuss different approaches to implementation such as various phased approaches to a single one-off implementation.

            The workshop supported a phased approach to implementation which will now be developed in detail throughout October and November.

            The implementation of Risk Software (4Risk) has commenced with initial training completed with the PMO, training for Combined Authority Programme and Project Managers is scheduled for November.

            With the approval of the SAF at Board and feedback from DLUHC the project team are confident that the challenges that might have prevented the SAF being approved have been addressed and are therefore confident of a new RAG rating of Green, meaning that the project's delivery to timetable and budget is highly likely.
        """),
        "engagement": _t("""
            Single Assurance Framework

            In support of the build-up to the Board meeting the membership of both the Partner Working Group and the Internal Working Group were provided with an electronic briefing, FAQs, and an invitation to receive a 1-2-1 briefing on the SAF. The Partner Working Group membership were reminded of their role of briefing and engaging officers and Members within their own authorities on the SAF, Huntingdonshire Council took up the invitation offer. An offer of a 1-2-1 briefing for Leaders and Chief Executives- if councils so required- had also been made on the 30th of August meeting of the Leaders Strategy Meeting.

            A briefing meeting took place with the Chair of the Business board on 6th September and with the mayor on the 11th of September on the SAF's development to date and the Board report.

            Engagement with the DLUHC Local Growth and Assurance Team has taken place throughout October to cover the clearance process for the SAF, to date no detailed meetings have been required to cover any elements of concern as none have been raised.

            An implementation lessons learnt meeting took place with West Midlands Combined Authority on 13th October to share learning from their experience in rolling out a SAF.

            On October 19th a meeting took place between PMO, the external consultant leading on SAF and the Huntingdon Council PMO to take Huntingdon officers through the SAF and how it will operate.

            Performance Management Framework

            Following feedback received at Leaders' Strategy Meeting and Overview and Scrutiny Committee Informal Session on 30 August, an email briefing was provided to Cllr Boden on 1 September. Briefing meetings took place with the mayor on 30 August and with the Lead Member for Governance, Cllr Murphy on 14 September.

            Risk Management Framework

            In support of the build-up to the Board meeting the membership of both the Partner Working Group and the Internal Working Group were provided with briefings on the 21st and 23rd August.

            Leaders and Chief Executives were updated on the 30th of August meeting of the Leaders Strategy Meeting.

            Risk software engagement was undertaken with nominated officers from South Cambridgeshire District Council and Cambridge City Council on the 19th of Sept.
        """),
        "concerns": "1. There are no identified key issues at present.",
        "rag_rationale": _t("""
            The rating of Green is a progression from the previous Green/ Amber rating on previous Highlight Reports as the previous barrier to a green rating was the lack of clarity from DLUHC regarding the process and timetable for consideration and clearance of the Single Assurance Framework. This issue has been resolved, with a timetable agreed with DLUHC for clearance of the Single Assurance Framework that aligns with our intention for final Board approval in November

            The approval by Board of all 3 Frameworks is a significant achievement and has been achieved on time. 3 of the 4 desired workstream outcomes have therefore been achieved, although it should be noted that the implementation of the SAF requires significant work that is still to be both scoped and undertaken.
        """),
        "sponsor_comments": _t("""
            September and October have been significant months for this workstream with all 3 frameworks being positively considered by Audit & Governance Committee and Overview & Scrutiny and then subsequently all being approved by the Board.

            The success will provide further governance foundations identified as being required through the Governance Review and should provide the External Auditor and Government that the Combined Authority has developed and delivered robust processes and approaches.

            The plans to develop appropriate implementation plans for all 3 frameworks are in operation with some key elements already rolled out such as PMF performance information to support the Overview & Scrutiny function.
        """),
        "milestones_this_period": [
            {
                "description": "Complete ToR for Investment Committee",
                # Close call: draft done, final ToR to CMT in early November;
                # not carried into the next-period list nor called postponed.
                "status": "ON_TRACK",
                "status_note": "Draft ToR complete, issues that need to be resolved such as membership cross over with previous Shareholder Committee role to be discussed with Monitoring Officer. Intention to take proposed ToR to CMT in early November",
            },
            {
                "description": "Complete ToR for Investment Panel",
                # Close call: as above (draft done, CMT in early November).
                "status": "ON_TRACK",
                "status_note": "Draft ToR complete, intention to take proposed ToR to CMT in early November",
            },
            {
                "description": "Complete Investment Committee & Panel guidance",
                "status": "DELAYED",
                "status_note": "Work has begun on guidance development however decision to propose phased implementation of SAF means guidance not now likely to be timetabled for completion until early 2024.",
            },
            {
                "description": "Develop specification for SAF webpages",
                # Close call: specification expected early November; not
                # carried forward or described as postponed.
                "status": "ON_TRACK",
                "status_note": "Conversations with appropriate officers have taken place, awaiting completion of specification document by Project Manager in early November.",
            },
            {
                "description": "Complete PMO resourcing proposal in support of the SAF",
                # Close call: not completed this period and carried forward
                # (next-period item 2) into the November Board report.
                "status": "DELAYED",
                "status_note": "Will be key element within the November report to Board",
            },
            {
                "description": "4Risk software implementation plan to be completed to support the Risk Framework",
                # Close call: implementation has commenced (implying a plan),
                # but the seed does not say the plan is complete.
                "status": "ON_TRACK",
                "status_note": "4Risk software implementation has commenced. PMO staff training has begun. Training for wider CPCA officers is to follow in November.",
            },
            {
                "description": "Develop SAF Implementation Plan",
                # Close call: development under way as planned; completion is
                # the next-period item 1.
                "status": "ON_TRACK",
                "status_note": "Workshop to discuss implementation plan took place in October, Project Manager drafting detailed proposal based on phased implementation for Project team review by early November",
            },
        ],
        "milestones_next_period": [
            # Same commitment as this-period 7 ("Develop SAF Implementation Plan").
            {"description": "Complete Implementation Plan for SAF", "continues": 7},
            # Same commitment as this-period 5 ("Complete PMO resourcing proposal in support of the SAF").
            {"description": "Identify PMO resourcing requirements to recommend alongside SAF implementation", "continues": 5},
            {"description": "Take report to Board (29 November) confirming SAF approval post DLUHC review process and agree implementation approach, dates and any required resourcing", "continues": None},
            # Not linked: this-period 6 was the implementation *plan*; this is
            # the implementation itself plus training.
            {"description": "4Risk implementation to be completed in October. Further training to be completed by November.", "continues": None},
        ],
        "risks": [
            {
                "description": "SAF does not receive Government clearance in time for final approval of SAF at November Board meeting",
                "mitigation": "Engagement has taken place with DLUHC lead to agree timetable for clearance process, this will include regular check-in meetings. Early indications are that DLUHC & DfE are happy with document, awaiting feedback from DfT Regular check-ins will take place to ensure timetable is delivered",
            },
            {
                "description": "An agreed SAF Implementation Plan is not developed in time for November Board meeting",
                "mitigation": "Away day planned for project team to scope out full content of implementation plan and assign key tasks has now taken place. Project manager has met with West Midlands CA to discuss their SAF implementation to learn lessons. Forward Plan includes report for Board on 29 November for consideration on implementation.",
            },
            {
                "description": "Constitutional amendments required by SAF (including Investment Committee) are not endorsed by Board",
                "mitigation": "Board membership engaged informally as part of SAF development process to ensure positive steer/ support for required constitutional amendments when placed before Board.",
            },
            {
                "description": "PMO strengthened Mandate – Funding not available",
                # Rejoined: the second sentence was split onto the next page.
                "mitigation": "SAF has been developed to be applicable with or without additional PMO resources, however additional resource is required to meet objectives of full SAF delivery, meet Constituent Council asks and develop the PMO centre of excellence approach requested by Board in Improvement Plan. Discussions have taken place with Finance to ensure required resource is understood and a further meeting will be arranged to discuss detailed proposals for inclusion in the SAF implementation paper to Board in November.",
            },
            {
                "description": "CPCA staff upskilling and implementation of SAF is not sufficient",
                "mitigation": "Lunch and Learn session already held and staff video released. Further plans to engage and train staff to be set out in Implementation Plan.",
            },
            {
                "description": "IT systems not provided to deliver PMF (Performance Management Framework) and SAF",
                "mitigation": "Specification being developed as part of Project Plan requirements, initial discussions regarding procurement have already taken place with Finance.",
            },
            {
                "description": "CPCA unable to recruit required Analyst resource",
                "mitigation": "Additional Analyst capacity is required to support full implementation of the Performance Management Framework. Budget and establishment are in place, but the recruitment market for analysts is highly competitive. A shared services model with Cambridgeshire County Council is being explored as an alternative resource.",
            },
        ],
        "completed_by": "jodie.townsend@example.org",
        "completion_date": "2023-10-26",
    },
    "PTN": {
        "rag": "GREEN_AMBER",
        "previous_rag": "GREEN_AMBER",
        "key_activities": _t("""
            The Combined Authority have been working with many partners over the last 12 months including, but by no means limited to, the East of England Local Government Association, the M10 Mayoral Group, the Cambridge 2040 CEX group, the OxCam Partnership, England’s Economic Heartland, Innovate Cambridge, Cambridge Ahead, the Future Fens Adaptation Taskforce and the Joint Cambridgeshire and Peterborough Health and Wellbeing Board / Integrated Care Partnership and constituent local authorities.

            Case studies are currently being collated to demonstrate our approach, the impact made and characterised by:

            - Providing effective leadership of place through constructive relationships with external stakeholders.
            - An organisational culture (and crucially behaviours) that recognises the value of working with local partners to achieve more efficient and effective policy development, local economic growth and investment, better services, and customer-focused outcomes.
            - Early and meaningful engagement and effective collaboration with partners to identify and understand local needs, and in decisions that affect the planning and delivery of services.
            - Evidence of joint planning, funding, investment and use of resources to demonstrate effective service delivery, but transparent and subject to rigorous oversight.
            - Involving partners in developing indicators and targets, and monitoring, managing and challenging performance.
            - Driving inclusive growth, social and environmental value through our project development and delivery.
            - Continuous learning and improvement

            It is proposed that the evidence collated will presented to the Independent Improvement Board in November with recommendations for the next steps for the workstream.
        """),
        "engagement": _t("""
            Staff across each of the Directorates are working together to gather and draft information for the case studies and these are/will be supplemented with information from our partners.
        """),
        "concerns": "No risks that have crystallised as issues were identified in this month.",
        "rag_rationale": _t("""
            The RAG Rating for this workstream is Green/Amber. It is clear from partner feedback that significant progress has been made and partners believe that the CA commitment to partnership working is good. Without losing focus upon continuous improvement, the project team believe that the scope for the workstream is now clearly defined, and the key project task to gather evidence is on track to be delivered on time.
        """),
        "sponsor_comments": _t("""
            There is confidence that the work being undertaken to evidence our commitment to partnerships will demonstrate that CPCA recognises the value of working with public and private partners to achieve more efficient and effective policy development, economic growth and investment, better services, and customer-focused outcomes. Effective partnerships are key to the development and delivery of current and future ambitions.
        """),
        "milestones_this_period": [
            {
                "description": "Scope and Approach agreed with CMT and Project Team",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                # Unnumbered row in the seed, between rows 1 and 2.
                "description": "Identification of key projects (to use as case studies)",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "Evidence gathering template developed and issued",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "Commence creation of case studies",
                # Close call: the milestone is to commence, and it has; the
                # creation itself continues (finalisation is next period).
                "status": "COMPLETE",
                "status_note": "Commenced",
            },
        ],
        "milestones_next_period": [
            {"description": "Review and finalisation of case studies", "continues": None},
            {"description": "Draft lessons learned/future actions and considerations", "continues": None},
            {"description": "Report completed and presented to IIB", "continues": None},
        ],
        "risks": [
            {
                "description": "There is a risk that the case studies do not sufficiently evidence good partnership working, particularly from an external viewpoint.",
                "mitigation": "Ensure case studies consider and include the main descriptors within the evidence gathering template (bullet points 1-5 above).",
            },
            {
                "description": "There is a risk that the case studies are not accepted as a sufficient means of evidencing improvement.",
                "mitigation": "The report should clearly outline lessons learned and how these will be taken forward to inform future effective and consistent partnership working.",
            },
            {
                "description": "Once the Improvement Plan is complete there is a risk that as focus is removed from partnership working, the partnerships will become ineffective.",
                "mitigation": "Ensure the importance of Partnership Working is embedded in the Single Assurance Framework.",
            },
        ],
        "completed_by": "peter.tonks@example.org",
        "completion_date": "2023-10-20",
    },
    "CCC": {
        "rag": "GREEN",
        "previous_rag": "GREEN",
        "key_activities": _t("""
            Key Activities undertaken this period include:

            Ambition and priorities

            - Initial analysis and requirements for State of the Region, Vision and Infrastructure work elements of the workstream have been completed with constituent councils and partners through a working group which is supported by a technical data group and an engagement group. These pieces of work are now at the procurements stage with submitted tenders currently being considered. These pieces of work will guide our strategic decisions, ensuring alignment with the evolving needs of our region.
            - Q1 Corporate Performance Report was presented to CA Board where it was accepted and very well received. Work on Q2 reporting has commenced and on course to go to the November Board as scheduled. This work will enhance transparency, accountability, and informed decision-making, resulting in better public service delivery.

            Leadership

            - The first development session for members has taken place with a focus on 'Effective Committee Membership'. This is the first of four topics to be covered over the coming months and the sessions are designed to empower our leaders, ensuring they have the skills and knowledge to drive the Combined Authority's mission forward. This first session was very well attended with some good feedback received from participants who stated they would recommend future planned sessions to their fellow councillors.
            - CEXs first 100 days communications have continued to be developed including the creation of a video which has been launched internally. These activities are intended to set the tone for exemplary leadership, inspire a culture of excellence and attract confidence from stakeholders.

            Values and behaviours

            - The fourth staff conference took place in October and was very well attended with staff participating in workshops focussing on 'celebrating success', understanding 'where we are now' and 'moving forward'. Feedback from these workshops and the conference overall will be used to measure performance against workforce related improvement initiatives and to inform planning for future conferences which are integral to providing a voice to our team members and stakeholders, resulting in a more responsive, inclusive, and adaptive organisation.
            - Happenings (internal staff newsletter) continues to be produced and disseminated weekly. Each week this contains informative video updates around the Improvement Programme and other important news and articles to promote staff well-being and to keep staff abreast of latest regional and CPCA specific developments. There was a focus on the CCC workstream in September.
            - The external review of communications, engagement and public affairs has been completed and a plan, which draws upon the recommendations of the review has been finalised and is in the early stages of implementation. The review has engaged a broad range of stakeholders and staff from across the CPCA through 1:1 interviews a focus group and workshop. The review and subsequent plan seek to strengthen our relationships with both our employees and the communities we serve, fostering trust and alignment with our values.
            - The first of five planned Board Activity sessions on the 2023/2025 Corporate Strategy refresh and 2024/2025 MTFP (Medium Term Financial Plan) has taken place which was well attended and received by participants. These sessions aim to encourage participation in strategic development, promote ways of working collaboratively, share best practice from other authorities, and to embed our values and behaviours.

            Recruitment, retention, reward, and resourcing

            - New Recruitment and Selection procedures for the Combined Authority have been drafted together with supporting documentation and are in use. Training on the new procedures set to be delivered to staff during November and December. The new procedures aim to ensure an efficient, fair, and merit-based approach to hiring, while revising appraisal processes to empower staff to excel in their roles.
            - The HR policies approved in August have now been launched. The policies have been heavily promoted via various channels including videos, drop-in clinics, lunch time sessions and a new HR Information Hub. The new policies have been well received and appreciated by staff and will be instrumental in promoting health and well-being to create a supportive and thriving work environment.
            - A second Corporate Staff Induction session has taken place. These are new group-based induction sessions for new staff. Frequency will depend upon the number of staff onboarded to CPCA. The sessions are structured to give new staff an overview of the workings of the CPCA (Governance, Decision Making, Policies and Procedures etc.) and to introduce the values and behaviours which are re-enforced via the CEX/CMT who are also in attendance, demonstrating that the CPCA and its staff 'live the values'.
            - A permanent Assistant HR Director has been appointed and has commenced work at the Combined Authority.
            - Following on from the appraisals that were introduced in March 2023. Mid-year reviews have commenced. These are an opportunity for staff to discuss progress against objectives and training with managers. The appraisal and review process has been rebranded as 'LEAP' which stands for 'Learning, Excellence, Achievement and Performance' and the associated templates and documentation refer to our values and behaviours.
        """),
        "engagement": _t("""
            The above activity demonstrates a range of engagements have taken place with staff, members and external organisations across the Combined Authority and Region.

            These include; Comprehensive staff engagement via the Staff Conference in October; The promotion of new HR policies and procedures through lunchtime drop-in sessions and virtual and physical 'Ask HR sessions'; and the continuation of wider communications through 'all-staff' meetings and briefings accompanied by vlogs and videos from senior officers to embed new ways of working.

            At member level, engagement on matters coming before Board continues, and CA Board activities and Member Development Sessions have also commenced this month.

            More externally, engagement with constituent councils and partners has commenced/continues in support of the State of the Region and Future Vision through a working group, technical group and engagement group.
        """),
        "concerns": "No risks that have crystallised as issues were identified in this month.",
        "rag_rationale": "The workstream is on track to achieve key deliverables on time and budget, therefore the RAG Rating for this period is Green.",
        "sponsor_comments": _t("""
            Work on this improvement theme, remains on track and continues at pace. Several significant milestones have been achieved during September and October which includes the introduction of corporate performance reporting, gained agreement on the process for the refresh of the 2023-2025 Corporate Strategy and Plan and conclusion of State of the Region and Vision scoping to inform procurement specifications and the formation of a State of the Region Technical Group and Vision engagement group. Updates have also been provided to the Business Board.

            The external communications review has concluded and focus now turns to cascading those findings, recommendations and implementing key actions. Implementing those actions requires a clear internal focus, but also working differently and collaboratively with a broad range of partners on agreed communication, engagement & lobbying priorities.

            The Staff Conference was incredibly well attended, with positive initial feedback received. Fuller feedback will be analysed by CMT and used to inform future actions to embed our culture and values.
        """),
        "milestones_this_period": [
            {
                "description": "Communications review findings, recommendations, and month one activities to be delivered, which includes dissemination across the CA and external partners to underpin new ways of working.",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "Staff conference to take place",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "State of the Region and Vision procurement activities to continue",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "CA Board Activity sessions planned/commenced",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "Member Development Sessions planned/commenced",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "New HR Recruitment and Selection procedures to be implemented",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "New HR Appraisal, 1:1, Review Procedures Implemented (LEAP (Learning, Excellence, Achievement & Performance))",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
            {
                "description": "CEXs first 100 days internal communications released",
                "status": "COMPLETE",
                "status_note": "Complete",
            },
        ],
        "milestones_next_period": [
            {"description": "State of the Region and Future Vision Tender Award to successful vendor(s)", "continues": None},
            {"description": "Q2 Performance Report to CA Board", "continues": None},
            {"description": "Executive Director Seminars to continue", "continues": None},
            {"description": "Second Member Development Session (Budget Scrutiny)", "continues": None},
            {"description": "Communications plan development/continued implementation", "continues": None},
            {"description": "Recruitment and Selection Training", "continues": None},
            {"description": "Review Staff Conference Feedback/Commence Planning for February Conference", "continues": None},
            {"description": "Commence enrolment onto Leadership Development Courses in collaboration with Cambridgeshire County Council", "continues": None},
        ],
        "risks": [
            {
                # Rejoined: the description was split across a page break
                # after "do not directly impact upon".
                "description": "The workstream encompasses many facets of the organisation and is intertwined with BAU (Business as Usual) activities. This means there is a risk of scope creep which could shift focus to tasks and activities that are not a priority and do not directly impact upon tangible outcomes for the Improvement Plan. There could also be an impact upon capacity whereby project staff/other CPCA project resources are not utilised as intended.",
                "mitigation": "Clearly define what is in and out of scope. Do not add tasks or actions to the project plan without a whole project team review. CMT have agreed to review items classed as BAU to ensure focus is maintained within the IP timetable",
            },
            {
                "description": "Members can be perceived as the 'face' of the CA given their public profiles/roles. If they are unwilling or unable to engage properly in developmental activities, they may not demonstrate that change has happened/been effective (even if change has been a success for officers and staff).",
                "mitigation": "Continue to plan and support Board Activities/Member Development. Seek formal feedback. Encourage and track attendance at staff and member development sessions.",
            },
            {
                "description": "The Confidence, Capacity and Culture Workstream relies on acceptance of change across staff and members. Whilst, training sessions, process, workshops, and internal communications will drive and encourage this, the change must be accepted. Some staff and members may not accept the changes. Depending upon several factors (i.e., which staff or members do not accept, how their rejection of change is voiced/heard, how many staff/members do not accept change) the effect can be significant and can undermine the outcomes for the workstream.",
                "mitigation": "Continue to outline the benefits of the changes via staff forums, conferences etc.",
            },
        ],
        "completed_by": "peter.tonks@example.org",
        "completion_date": "2023-10-20",
    },
}
