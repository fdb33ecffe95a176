"""Two PMOs removing each other's PMO role at the same moment, over real HTTP (tests/test_races.py's server and
threads): one goes through, the other is refused, and the programme keeps exactly one PMO."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Role, RoleAssignment, User
from tests.conftest import user_by_email
from tests.http_browser import Browser
from tests.personas import HEIDI_ROBINSON, LOUISA_SIMPSON
from tests.test_races import at_once, delays, fresh, server  # noqa: F401 - the fixtures, used by name

RUNS = 10


def make_second_pmo(app, ids) -> dict[str, tuple[int, int]]:
    """Louisa PMO beside Heidi; each one's (user id, PMO role id)."""
    with app.app_context():
        db.session.add(RoleAssignment(user=user_by_email(LOUISA_SIMPSON), role=Role.PMO, programme_id=ids.programme))
        db.session.commit()
        return {
            email: tuple(db.session.execute(
                sa.select(User.id, RoleAssignment.id).join(RoleAssignment)
                .where(User.email == email, RoleAssignment.role == Role.PMO)
            ).one())
            for email in (HEIDI_ROBINSON, LOUISA_SIMPSON)
        }


def test_two_pmos_removing_each_others_pmo_role_at_once_leave_the_programme_one(session_app, server, fresh):  # noqa: F811
    app = session_app
    for run in range(RUNS):
        ids = fresh()
        pmo_roles = make_second_pmo(app, ids)
        heidi, louisa = Browser.signed_in(server, HEIDI_ROBINSON), Browser.signed_in(server, LOUISA_SIMPSON)
        for browser in (heidi, louisa):
            browser.get(f"/programmes/{ids.programme}/people")
        (heidi_id, heidi_role), (louisa_id, louisa_role) = pmo_roles[HEIDI_ROBINSON], pmo_roles[LOUISA_SIMPSON]
        path = f"/programmes/{ids.programme}/people/{{}}/roles/{{}}/revoke"
        first_delay, second_delay = delays(run)
        by_heidi, by_louisa = at_once(
            (lambda: heidi.post(path.format(louisa_id, louisa_role), {}), first_delay),
            (lambda: louisa.post(path.format(heidi_id, heidi_role), {}), second_delay),
        )
        statuses = (by_heidi.status, by_louisa.status)
        # The loser is no longer PMO (403) or, having got past that check first, is the last PMO's remover (409).
        assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (403, 409), (run, statuses)
        with app.app_context():
            pmos = db.session.scalars(
                sa.select(RoleAssignment.user_id).where(
                    RoleAssignment.programme_id == ids.programme, RoleAssignment.role == Role.PMO
                )
            ).all()
            revocations = db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "revoke_role")
            )
        winner = heidi_id if by_heidi.status == 302 else louisa_id
        assert pmos == [winner] and revocations == 1, (run, statuses, pmos)
