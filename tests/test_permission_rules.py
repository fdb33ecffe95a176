"""Who may see a workstream's page: everyone with a role in the programme, officers and readers alike, and
nobody whose account holds no role."""
import sqlalchemy as sa

from app.extensions import db
from app.models import User, Workstream
from app.permissions import can
from tests.conftest import rolled_back

OFFICERS = {
    "louisa.simpson@example.org", "jodie.townsend@example.org", "peter.tonks@example.org", "nick.bell@example.org",
    "steve.cox@example.org", "richard.kenny@example.org", "kate.mcfarlane@example.org", "heidi.robinson@example.org",
    "thomas.farmer@example.org", "angela.probert@example.org",
}
READERS = {"richard.carr@example.org", "committee.member@example.org"}


def test_every_officer_and_every_reader_may_view_every_workstream_and_an_account_with_no_role_may_not(app):
    with rolled_back(app):
        nobody = User(name="No Role", email="no.role@example.org", password_hash="not-used")
        db.session.add(nobody)
        db.session.commit()
        people = db.session.scalars(sa.select(User).where(User.email.in_(OFFICERS | READERS))).all()
        assert {p.email for p in people} == OFFICERS | READERS
        for workstream in db.session.scalars(sa.select(Workstream)):
            for person in people:
                assert can(person, "view_workstream", workstream), (person.email, workstream.code)
            assert not can(nobody, "view_workstream", workstream), workstream.code
