"""The demo's people, each named once, by name; the addresses are app/demo/people.py's. What each of them is in
the demo (programme roles from app/demo/people.py, workstream roles from app/demo/content.py, the recorded
history from app/demo/loader.py; tests/test_demo.py checks the roles):

- LOUISA_SIMPSON: project manager of Governance (GOV) and Procurement (PRC).
- JODIE_TOWNSEND: project manager of Project plans and delivery (PPD).
- PETER_TONKS: project manager of Partnership working (PTN) and Confidence, culture and capacity (CCC).
- NICK_BELL: CMT member, sponsor of GOV and PRC; signed off Jul–Aug and Sep–Oct.
- STEVE_COX: CMT member, sponsor of PPD.
- RICHARD_KENNY: CMT member, sponsor of PTN.
- KATE_MCFARLANE: CMT member, sponsor of CCC.
- HEIDI_ROBINSON: the PMO, and PMO support of every workstream but PPD; opened Nov–Dec.
- THOMAS_FARMER: PMO support of PPD.
- ANGELA_PROBERT: lead executive director; wrote the overviews.
- RICHARD_CARR: IIB member, a reader of what is signed off.
- COMMITTEE_MEMBER: a viewer (not the CMT), a reader of what is signed off.

The second demo programme, Initial Improvement Plan (app/demo/second_programme.py), has people of its own, none
of whom holds a role in Improvement Plan (nor anyone there a role in it):

- INTERIM_DIRECTOR: lead executive director.
- SECOND_PMO: the PMO, and PMO support of both workstreams; opened both periods and wrote February's drafts.
- THEME_LEAD_TRANSPORT, THEME_LEAD_ORGANISATION: CMT members, sponsors of TRN and ORG.
- PROJECT_LEAD_TRANSPORT, PROJECT_LEAD_ORGANISATION: project managers of TRN and ORG.
- IMPROVEMENT_BOARD_CHAIR: IIB member.

Every demo account signs in with app.demo.people.DEMO_PASSWORD.
"""
from app.demo import content, second_programme
from app.demo.people import PEOPLE
from app.models import Role

_EMAIL = {name: email for name, email, _roles in PEOPLE}


def _emails(*names: str) -> tuple[str, ...]:
    return tuple(_EMAIL[name] for name in names)


# By role, as above (tests/test_demo.py also checks that each name is the person's).
LOUISA_SIMPSON, JODIE_TOWNSEND, PETER_TONKS = _emails("Louisa Simpson", "Jodie Townsend", "Peter Tonks")
NICK_BELL, STEVE_COX = _emails("Nick Bell", "Steve Cox")
RICHARD_KENNY, KATE_MCFARLANE = _emails("Richard Kenny", "Kate McFarlane")
HEIDI_ROBINSON, THOMAS_FARMER, ANGELA_PROBERT = _emails("Heidi Robinson", "Thomas Farmer", "Angela Probert")
RICHARD_CARR, COMMITTEE_MEMBER = _emails("Richard Carr", "Committee Member")

# Every account of Improvement Plan, in the demo's order.
EVERYONE = list(_EMAIL.values())
# Someone in each role: everyone but Peter Tonks, Richard Kenny and Kate McFarlane, whose roles are Jodie Townsend's
# and Steve Cox's over other workstreams.
SOMEONE_IN_EACH_ROLE = [
    LOUISA_SIMPSON, JODIE_TOWNSEND, NICK_BELL, STEVE_COX, HEIDI_ROBINSON, THOMAS_FARMER, ANGELA_PROBERT, RICHARD_CARR,
    COMMITTEE_MEMBER,
]
# Those who see only what the CMT signed off.
READERS = (RICHARD_CARR, COMMITTEE_MEMBER)
CMT_MEMBERS = {email for _name, email, roles in PEOPLE if Role.CMT_MEMBER in roles}
# Each workstream's sponsor and project manager (each demo workstream has one of each), by code.
SPONSOR_OF = {spec["code"]: spec["sponsor"] for spec in content.WORKSTREAMS}
PROJECT_MANAGER_OF = {spec["code"]: spec["project_managers"][0] for spec in content.WORKSTREAMS}

# The second programme's people, by role, as above.
_SECOND_EMAIL = {name: email for name, email, _roles in second_programme.PEOPLE}
INTERIM_DIRECTOR = _SECOND_EMAIL["Interim Director, Transformation Programme"]
SECOND_PMO = _SECOND_EMAIL["PMO"]
THEME_LEAD_TRANSPORT = _SECOND_EMAIL["Theme lead, transport, bus strategy and Business Board"]
THEME_LEAD_ORGANISATION = _SECOND_EMAIL["Theme lead, organisation"]
PROJECT_LEAD_TRANSPORT = _SECOND_EMAIL["Project lead, transport, bus strategy and Business Board"]
PROJECT_LEAD_ORGANISATION = _SECOND_EMAIL["Project lead, organisation"]
IMPROVEMENT_BOARD_CHAIR = _SECOND_EMAIL["Independent Chair, Improvement Board"]
SECOND_PROGRAMME_PEOPLE = list(_SECOND_EMAIL.values())
