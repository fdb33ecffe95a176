"""The rules for what the PMO types into the set-up, and the whole-number box that feeds them."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from app.forms import FollowsRule, WholeNumberField
from app.input_rules import PatternRule, TextRule, WholeNumberRule, problems
from app.programmes.services import CADENCE_RULE
from app.workstreams.services import RULES as WORKSTREAM_RULES

DAYS = WholeNumberRule("The days", 0, 27, example=4, missing="Enter the days", out_of_range="Between 0 and 27, please")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, None), (27, None), (4, None),
        (28, "Between 0 and 27, please"), (-1, "Between 0 and 27, please"), (10**18, "Between 0 and 27, please"),
        (None, "Enter the days"), ("", "Enter the days"),
        ("four", "The days must be a whole number, like 4"), (4.0, "The days must be a whole number, like 4"),
        (True, "The days must be a whole number, like 4"),
    ],
)
def test_a_whole_number_rule(value, message):
    assert DAYS.problem(value) == message


def test_a_whole_number_rule_says_its_range_when_it_has_no_message_of_its_own():
    assert CADENCE_RULE.problem(13) == "The number of months must be between 1 and 12"


def test_a_text_rule_requires_text_only_when_it_has_a_message_for_none():
    required, optional = TextRule("The name", 5, missing="Enter the name"), TextRule("The note", 5)
    assert required.problem("  ") == "Enter the name" and optional.problem("") is None
    assert required.problem("abcde") is None
    assert optional.problem("abcdef") == "The note must be 5 characters or fewer"
    assert required.problem(None) == "Enter the name"


@pytest.mark.parametrize(
    ("code", "ok"),
    [("GOV", True), ("P2", True), ("ABCDEFGH", True), ("G", False), ("ABCDEFGHI", False), ("gov", False),
     ("GO V", False), ("GOV-1", False), ("ÉTÉ", False), ("\u0663\u0663", False)],
)
def test_a_workstream_code_is_two_to_eight_capital_letters_or_digits(code, ok):
    assert (WORKSTREAM_RULES["code"].problem(code) is None) is ok


def test_problems_gathers_every_broken_rule_by_field():
    rules = {"code": PatternRule("[A-Z]+", missing="Enter a code", wrong="Capitals only"), "days": DAYS}
    assert problems(rules, {"code": "x1", "days": 30}) == {"code": "Capitals only", "days": "Between 0 and 27, please"}
    assert problems(rules, {"code": "X", "days": 3}) == {}


class NumberForm(Form):
    days = WholeNumberField("Days", validators=[FollowsRule(DAYS)])


@pytest.mark.parametrize(
    ("typed", "data", "error"),
    [
        ("7", 7, None), (" 07 ", 7, None), ("+3", 3, None), ("-1", -1, "Between 0 and 27, please"),
        ("9" * 60, 10**18, "Between 0 and 27, please"), ("1e9", "1e9", "The days must be a whole number, like 4"),
        ("1.5", "1.5", "The days must be a whole number, like 4"), ("\u0663", "\u0663", "The days must be a whole number, like 4"),
        ("", None, "Enter the days"), ("1,000", "1,000", "The days must be a whole number, like 4"),
    ],
)
def test_the_whole_number_box_keeps_what_was_typed_and_leaves_the_refusal_to_the_rule(typed, data, error):
    form = NumberForm(MultiDict({"days": typed}))
    form.validate()
    assert form.days.data == data
    assert form.days.errors == ([error] if error else [])
    assert form.days._value() == typed, "the box shows what was typed"
