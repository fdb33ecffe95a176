"""Setting a programme up and keeping its settings: the rules, and the changes, each audited.

The routes and `flask programmes ...` both call these; they flush, and the caller commits.
"""
from __future__ import annotations

import sqlalchemy as sa

from app import audit
from app.decision_locks import lock_programme
from app.extensions import db
from app.forms import LONG_TEXT, SHORT_TEXT
from app.input_rules import ChangedMeanwhile, Refused, TextRule, WholeNumberRule, problems
from app.models import RAG, Programme, Role, RoleAssignment, User
from app.reports.content import fingerprint

NAME_LENGTH = 200

IDENTITY_RULES = {
    "name": TextRule("The programme's name", NAME_LENGTH, missing="Enter the programme's name"),
    "organisation": TextRule("The organisation's name", NAME_LENGTH, missing="Enter the organisation's name"),
}
CADENCE_RULE = WholeNumberRule(
    "The number of months", 1, 12, example=2, missing="Enter the number of months in each reporting period"
)
# The default due dates of a period, in days. Drafts are due within the period: a period of whole months has
# at least 28 days.
DUE_DATE_RULES = {
    "drafts_due_days_before_end": WholeNumberRule(
        "The days before the period ends", 0, 27, example=4,
        missing="Enter how many days before the period ends drafts are due",
        out_of_range="Drafts must be due between 0 and 27 days before the period ends, so that they are due within it",
    ),
    "approvals_due_days_after_drafts": WholeNumberRule(
        "The days after drafts are due", 0, 60, example=7,
        missing="Enter how many days after drafts are due sponsor approvals are due",
        out_of_range="Sponsor approvals must be due between 0 and 60 days after drafts",
    ),
    "sign_off_due_days_after_approvals": WholeNumberRule(
        "The days after approvals are due", 0, 60, example=7,
        missing="Enter how many days after approvals are due CMT sign-off is due",
        out_of_range="CMT sign-off must be due between 0 and 60 days after approvals",
    ),
    "iib_meeting_days_after_sign_off": WholeNumberRule(
        "The days after sign-off is due", 0, 90, example=11,
        missing="Enter how many days after sign-off is due the IIB meets",
        out_of_range="The IIB meeting must be between 0 and 90 days after sign-off is due",
    ),
}
METHODOLOGY_INTRO_RULE = TextRule(
    "The introduction to the RAG methodology", LONG_TEXT, missing="Enter the introduction to the RAG methodology"
)
DEFINITION_RULES = {
    rag.name: TextRule(f"What {rag.label} means", SHORT_TEXT, missing=f"Enter what {rag.label} means")
    for rag in RAG
}

CREATION_RULES = {**IDENTITY_RULES, "months_per_period": CADENCE_RULE}
SETTINGS_RULES = {
    **CREATION_RULES,
    **DUE_DATE_RULES,
    "rag_methodology_intro": METHODOLOGY_INTRO_RULE,
}
SETTINGS_FIELDS = (*SETTINGS_RULES, "rag_definitions")


def definition_field(rag: RAG) -> str:
    """The form field of a rating's definition."""
    return f"definition_{rag.name.lower()}"


def settings_of(programme: Programme) -> dict:
    """The settings the PMO keeps, as values (the RAG definitions by rating name, in the ratings' order)."""
    values = {name: getattr(programme, name) for name in SETTINGS_RULES}
    values["rag_definitions"] = {rag.name: programme.rag_definitions.get(rag.name, "") for rag in RAG}
    return values


def settings_fingerprint(programme: Programme) -> str:
    return fingerprint(settings_of(programme))


def _clean(values: dict) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


def _name_taken(name: str, programme: Programme | None = None) -> str | None:
    """The message when another programme already has this name (names tell programmes apart, on the command
    line too)."""
    others = db.session.execute(sa.select(Programme.id, Programme.name)).all()
    taken = next((other for other_id, other in others if other.casefold() == name.casefold()
                  and (programme is None or other_id != programme.id)), None)
    return f"There is already a programme called {taken}" if taken else None


def create_programme(*, name: str, organisation: str, months_per_period: int = 2, created_by: User | None) -> Programme:
    """A new programme with the seed's calendar and RAG methodology; whoever creates it in the browser becomes
    its PMO."""
    values = _clean({"name": name, "organisation": organisation, "months_per_period": months_per_period})
    errors = problems(CREATION_RULES, values)
    if "name" not in errors and (taken := _name_taken(values["name"])):
        errors["name"] = taken
    if errors:
        raise Refused(errors)
    programme = Programme(**values)
    db.session.add(programme)
    db.session.flush()
    audit.record("create_programme", programme, actor=created_by, comment=programme.title,
                 changed_fields=list(values))
    if created_by is not None:
        assignment = RoleAssignment(user=created_by, role=Role.PMO, programme=programme)
        db.session.add(assignment)
        db.session.flush()
        audit.record("grant_role", assignment, actor=created_by, comment=f"{created_by.email}: {Role.PMO.label}")
    return programme


def change_settings(programme: Programme, user: User | None, values: dict, based_on: str | None) -> list[str]:
    """Save the settings the PMO changed; the names of those that changed. `based_on` is the settings'
    fingerprint when the person opened them (None from the command line, which changes what is there now)."""
    values = _clean(values)
    definitions = {rag.name: (values.get("rag_definitions") or {}).get(rag.name, "") for rag in RAG}
    definitions = {name: text.strip() if isinstance(text, str) else text for name, text in definitions.items()}
    errors = problems(SETTINGS_RULES, values)
    errors.update({definition_field(RAG[name]): message for name, message in problems(DEFINITION_RULES, definitions).items()})
    if errors:
        raise Refused(errors)
    lock_programme(programme)
    if based_on is not None and based_on != settings_fingerprint(programme):
        raise ChangedMeanwhile({"": "Someone else changed the programme's settings after you opened them."})
    if taken := _name_taken(values["name"], programme):
        raise Refused({"name": taken})
    wanted = {**{name: values[name] for name in SETTINGS_RULES}, "rag_definitions": definitions}
    current = settings_of(programme)
    changed = [name for name in SETTINGS_FIELDS if wanted[name] != current[name]]
    for name in changed:
        setattr(programme, name, wanted[name])
    if changed:
        audit.record("change_programme_settings", programme, actor=user, changed_fields=_readable(changed, current, wanted))
    return changed


def _readable(changed: list[str], before: dict, after: dict) -> list[str]:
    """Field names for the audit trail, the RAG definitions by rating ("rag_definitions GREEN")."""
    names = [name for name in changed if name != "rag_definitions"]
    if "rag_definitions" in changed:
        names += [
            f"rag_definitions {rag.name}"
            for rag in RAG
            if before["rag_definitions"][rag.name] != after["rag_definitions"][rag.name]
        ]
    return names
