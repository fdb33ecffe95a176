"""The workflow table: every state has a way on, and who holds an update follows from the table."""
from app.models import Role, UpdateState
from app.workflow import TRANSITIONS, holder_roles, transitions_from


def test_every_state_but_approved_can_move_on():
    for state in UpdateState:
        assert bool(transitions_from(state)) is (state is not UpdateState.APPROVED), state


def test_transitions_lead_to_another_state():
    for transition in TRANSITIONS:
        assert transition.target not in transition.sources, transition.action


def test_only_workstream_roles_move_an_update():
    for transition in TRANSITIONS:
        assert all(role.is_workstream_role for role in transition.roles), transition.action


def test_drafts_are_held_by_the_project_team_and_submissions_by_the_sponsor():
    class Update:
        def __init__(self, state):
            self.state = state

    assert holder_roles(Update(UpdateState.DRAFT)) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
    assert holder_roles(Update(UpdateState.RETURNED)) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
    assert holder_roles(Update(UpdateState.SUBMITTED)) == (Role.SPONSOR,)
    assert holder_roles(Update(UpdateState.APPROVED)) == ()
    assert holder_roles(None) == (Role.PROJECT_MANAGER, Role.PMO_SUPPORT)
