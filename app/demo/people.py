"""The demo accounts: the seed report's people, with the roles the demo gives them in Improvement Plan (the
second demo programme's people are app/demo/second_programme.py's), and both programmes' accounts."""
from app.demo import content, second_programme
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

# Each demo programme's name with its accounts, in the order the demo loads them.
ACCOUNTS_BY_PROGRAMME = [
    (content.PROGRAMME["name"], PEOPLE),
    (second_programme.PROGRAMME["name"], second_programme.PEOPLE),
]
