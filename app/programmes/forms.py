"""Forms for creating a programme and for its settings. Their rules are the services' (app.programmes.services),
so the browser and the command line refuse the same values with the same words."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField

from app.forms import BasedOnForm, FollowsRule, WholeNumberField, strip
from app.programmes.services import (
    CADENCE_RULE,
    DEFINITION_RULES,
    DUE_DATE_RULES,
    IDENTITY_RULES,
    METHODOLOGY_INTRO_RULE,
    definition_field,
)
from app.rag import RAG


def _name_fields():
    return (
        StringField("Programme name", widget=GovTextInput(), filters=[strip], validators=[FollowsRule(IDENTITY_RULES["name"])]),
        StringField("Organisation", widget=GovTextInput(), filters=[strip],
                    validators=[FollowsRule(IDENTITY_RULES["organisation"])]),
    )


def _cadence_field(**options):
    return WholeNumberField(
        "Months in each reporting period", widget=GovTextInput(), validators=[FollowsRule(CADENCE_RULE)], **options
    )


class NewProgrammeForm(FlaskForm):
    name, organisation = _name_fields()
    # Two months, as the seed's periods.
    months_per_period = _cadence_field(default=2)
    submit = SubmitField("Create programme", widget=GovSubmitInput())


def _days(label: str, field: str):
    return WholeNumberField(label, widget=GovTextInput(), validators=[FollowsRule(DUE_DATE_RULES[field])])


class ProgrammeSettingsForm(BasedOnForm):
    name, organisation = _name_fields()
    months_per_period = _cadence_field()
    drafts_due_days_before_end = _days("Drafts are due, before the period ends", "drafts_due_days_before_end")
    approvals_due_days_after_drafts = _days("Sponsor approvals are due, after drafts", "approvals_due_days_after_drafts")
    sign_off_due_days_after_approvals = _days("CMT sign-off is due, after approvals", "sign_off_due_days_after_approvals")
    iib_meeting_days_after_sign_off = _days("The IIB meets, after sign-off is due", "iib_meeting_days_after_sign_off")
    rag_methodology_intro = TextAreaField(
        "Introduction", widget=GovTextArea(), filters=[strip], validators=[FollowsRule(METHODOLOGY_INTRO_RULE)]
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def definition_fields(self):
        """Each rating's definition field, in the ratings' order, with its rating."""
        return [(rag, self[definition_field(rag)]) for rag in RAG]


for _rag in RAG:
    setattr(
        ProgrammeSettingsForm,
        definition_field(_rag),
        TextAreaField(_rag.label, widget=GovTextArea(), filters=[strip], validators=[FollowsRule(DEFINITION_RULES[_rag.name])]),
    )
