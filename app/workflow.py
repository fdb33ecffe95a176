"""The route a workstream update takes, declared as a table.

Each transition names the states it leaves from, the state it leads to and the roles that may fire
it. Everything else asks this table: who holds an update now, which actions to offer, and the tests.
"""
from __future__ import annotations

import dataclasses

from app.models import Role, UpdateState, User, WorkstreamUpdate


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[UpdateState, ...]
    target: UpdateState
    roles: tuple[Role, ...]
    label: str


TRANSITIONS = (
    Transition(
        "submit",
        (UpdateState.DRAFT, UpdateState.RETURNED),
        UpdateState.SUBMITTED,
        (Role.PROJECT_MANAGER, Role.PMO_SUPPORT),
        "Submit to sponsor",
    ),
    Transition("return", (UpdateState.SUBMITTED,), UpdateState.RETURNED, (Role.SPONSOR,), "Return with reasons"),
    Transition("approve", (UpdateState.SUBMITTED,), UpdateState.APPROVED, (Role.SPONSOR,), "Approve"),
)


def transitions_from(state: UpdateState) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]


def holder_roles(update: WorkstreamUpdate | None) -> tuple[Role, ...]:
    """The workstream roles whose move it is, in the table's order."""
    state = update.state if update else UpdateState.DRAFT
    roles: list[Role] = []
    for transition in transitions_from(state):
        roles.extend(role for role in transition.roles if role not in roles)
    return tuple(roles)


def holders(update: WorkstreamUpdate) -> list[User]:
    """The people who hold the update now: the first role in the table that somebody on the workstream has."""
    for role in holder_roles(update):
        people = update.workstream.people_with(role)
        if people:
            return people
    return []
