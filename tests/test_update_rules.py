"""The rules of an update, each from its one home in app/update_rules.py."""
import pytest

from app.models import RAG, UpdateState, User, WorkstreamUpdate
from app.update_rules import (
    agreed_rating,
    rating_change_needs_reason,
    rating_to_agree,
    standing_return_reason,
    status_panel,
)


@pytest.mark.parametrize(
    ("proposed", "last_agreed", "needed"),
    [
        (RAG.AMBER, RAG.GREEN, True),
        (RAG.GREEN, RAG.RED, True),
        (RAG.AMBER, RAG.AMBER, False),
        (RAG.AMBER, None, False),  # nothing agreed last period: nothing to explain
        (None, RAG.AMBER, False),  # no rating proposed yet: that is its own problem
        (None, None, False),
    ],
)
def test_a_rating_that_differs_from_last_periods_agreed_one_needs_a_reason(proposed, last_agreed, needed):
    assert rating_change_needs_reason(proposed, last_agreed) is needed


@pytest.mark.parametrize(
    ("chosen", "agreed"),
    [("RED", RAG.RED), (RAG.GREEN, RAG.GREEN), (None, RAG.AMBER), ("", RAG.AMBER), ("PURPLE", RAG.AMBER)],
)
def test_an_approval_agrees_the_sponsors_choice_or_else_the_proposed_rating(chosen, agreed):
    assert rating_to_agree(WorkstreamUpdate(proposed_rag=RAG.AMBER), chosen) is agreed


def test_the_agreed_rating_of_no_update_is_none():
    assert agreed_rating(None) is None
    assert agreed_rating(WorkstreamUpdate(agreed_rag=RAG.GREEN)) is RAG.GREEN


@pytest.mark.parametrize("state", list(UpdateState))
def test_the_return_reason_stands_only_while_the_update_is_returned(state):
    update = WorkstreamUpdate(state=state, return_reason="Say more about procurement")
    assert standing_return_reason(update) == ("Say more about procurement" if state is UpdateState.RETURNED else "")


@pytest.mark.parametrize("state", list(UpdateState))
def test_the_status_panel_offers_the_comparison_once_submitted_and_waits_for_cmt_once_approved(state):
    sponsor = User(name="Nick Bell")
    update = WorkstreamUpdate(state=state, approved_by=sponsor if state is UpdateState.APPROVED else None)
    panel = status_panel(update, holders=[], signed_off=False)
    assert panel.comparable_with_last_period is (state in (UpdateState.SUBMITTED, UpdateState.APPROVED))
    assert panel.waiting_for_sign_off is (state is UpdateState.APPROVED)
    assert panel.approved_by == ("Nick Bell" if state is UpdateState.APPROVED else "")
