"""The demo accounts: the seed report's people, with the roles the demo gives them."""
from app.models import Role

DEMO_PASSWORD = "waymark-demo-2023"

# (name, email, programme roles); workstream roles come from content.WORKSTREAMS.
PEOPLE = [
    ("Louisa Simpson", "louisa.simpson@example.org", []),
    ("Jodie Townsend", "jodie.townsend@example.org", []),
    ("Peter Tonks", "peter.tonks@example.org", []),
    ("Nick Bell", "nick.bell@example.org", [Role.CMT_MEMBER]),
    ("Steve Cox", "steve.cox@example.org", [Role.CMT_MEMBER]),
    ("Richard Kenny", "richard.kenny@example.org", [Role.CMT_MEMBER]),
    ("Kate McFarlane", "kate.mcfarlane@example.org", [Role.CMT_MEMBER]),
    ("Heidi Robinson", "heidi.robinson@example.org", [Role.PMO]),
    ("Thomas Farmer", "thomas.farmer@example.org", []),
    ("Angela Probert", "angela.probert@example.org", [Role.LEAD_DIRECTOR]),
    ("Richard Carr", "richard.carr@example.org", [Role.IIB_MEMBER]),
    ("Committee Member", "committee.member@example.org", [Role.VIEWER]),
]
