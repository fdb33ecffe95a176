"""Rules for what a person types into the PMO's set-up (programmes and workstreams), each with its GOV.UK message.

A service checks its values by these rules, so the command line refuses what the browser refuses; the forms use
the same rules as validators (app.forms.FollowsRule), so every message shows beside its field at once.
"""
from __future__ import annotations

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class WholeNumberRule:
    label: str  # what "... must be a whole number" says, e.g. "The number of months"
    minimum: int
    maximum: int
    example: int
    missing: str
    # The message for a number outside the range; "{label} must be between ... and ..." when not given.
    out_of_range: str = ""

    def problem(self, value) -> str | None:
        if value is None or value == "":
            return self.missing
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{self.label} must be a whole number, like {self.example}"
        if not self.minimum <= value <= self.maximum:
            return self.out_of_range or f"{self.label} must be between {self.minimum} and {self.maximum}"
        return None


@dataclasses.dataclass(frozen=True)
class TextRule:
    label: str
    max_length: int
    # The message when it is left empty; None when it may be.
    missing: str | None = None

    def problem(self, value) -> str | None:
        value = value if isinstance(value, str) else ""
        if not value.strip():
            return self.missing
        if len(value) > self.max_length:
            return f"{self.label} must be {self.max_length:,} characters or fewer"
        return None


@dataclasses.dataclass(frozen=True)
class PatternRule:
    pattern: str
    missing: str
    wrong: str

    def problem(self, value) -> str | None:
        value = value if isinstance(value, str) else ""
        if not value:
            return self.missing
        return None if re.fullmatch(self.pattern, value) else self.wrong


def problems(rules: dict, values: dict) -> dict[str, str]:
    """{field: message} for every value that breaks its rule."""
    return {name: message for name, rule in rules.items() if (message := rule.problem(values.get(name)))}


class Refused(ValueError):
    """A change refused, with a message for each field at fault (a message for no field under "")."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotNow(Refused):
    """A change the thing's present state rules out (a retired workstream moved, one not retired re-activated)."""

    status = 409


class ChangedMeanwhile(NotNow):
    """Someone else changed the thing after the person opened the page: nothing is saved."""
