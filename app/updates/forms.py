"""Forms for editing an update and for the sponsor's and project manager's workflow actions.

Which inputs a transition requires is declared in the workflow table, not here; these forms only bound
lengths and shapes, so the table stays the one place the rules live.
"""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import FieldList, FormField, HiddenField, SelectChoice, SubmitField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Length, Optional

from app.forms import LONG_TEXT, SHORT_TEXT, ChoiceRadioField, ChoiceSelectField, DayMonthYearField, VersionedForm, strip
from app.models import MilestoneStatus
from app.rag import RAG


def _long(label):
    return Length(max=LONG_TEXT, message=f"{label} must be {LONG_TEXT:,} characters or fewer")


def _short(label):
    return Length(max=SHORT_TEXT, message=f"{label} must be {SHORT_TEXT:,} characters or fewer")


def rag_choices():
    return [SelectChoice(rag.name, rag.label) for rag in RAG]


class MilestoneStatusForm(PlainForm):
    status = ChoiceSelectField(
        "Status",
        choices=[SelectChoice("", "Select a status")] + [SelectChoice(s.name, s.label) for s in MilestoneStatus],
        widget=GovSelect(),
        validators=[Optional()],
        unknown_choice="Select the milestone's status from the list",
    )
    status_note = TextAreaField("Status note", widget=GovTextArea(), filters=[strip], validators=[_short("Status note")])


class UpdateEditForm(VersionedForm):
    key_activities = TextAreaField(
        "Key activities", widget=GovTextArea(), filters=[strip], validators=[_long("Key activities")]
    )
    engagement = TextAreaField("Engagement", widget=GovTextArea(), filters=[strip], validators=[_long("Engagement")])
    concerns = TextAreaField(
        "Concerns and issues", widget=GovTextArea(), filters=[strip], validators=[_long("Concerns and issues")]
    )
    proposed_rag = ChoiceRadioField(
        "RAG rating", choices=rag_choices(), widget=GovRadioInput(), validators=[Optional()],
        unknown_choice="Select a RAG rating from the five shown",
    )
    rag_rationale = TextAreaField(
        "RAG rating rationale", widget=GovTextArea(), filters=[strip], validators=[_long("RAG rating rationale")]
    )
    rag_change_reason = TextAreaField(
        "Reason for the change of rating",
        widget=GovTextArea(),
        filters=[strip],
        validators=[_long("Reason for the change of rating")],
    )
    milestones = FieldList(FormField(MilestoneStatusForm))
    forecast_completion_date = DayMonthYearField(
        "Forecast completion date", widget=GovDateInput(), validators=[Optional()], format="%d %m %Y"
    )
    workstream_description = TextAreaField(
        "Project description", widget=GovTextArea(), filters=[strip], validators=[_long("The project description")]
    )
    outcomes = TextAreaField(
        "Project outcomes", widget=GovTextArea(), filters=[strip], validators=[_long("The project outcomes")]
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class SubmitUpdateForm(VersionedForm):
    submit = SubmitField("Submit to sponsor", widget=GovSubmitInput())


class ReturnUpdateForm(VersionedForm):
    reason = TextAreaField(
        "Reasons for returning the update",
        widget=GovTextArea(),
        filters=[strip],
        validators=[_long("Reasons")],
    )
    submit = SubmitField("Return to project manager", widget=GovSubmitInput())


class ApproveUpdateForm(VersionedForm):
    sponsor_comments = TextAreaField(
        "Sponsor comments", widget=GovTextArea(), filters=[strip], validators=[_long("Sponsor comments")]
    )
    agreed_rag = ChoiceRadioField(
        "Agreed RAG rating", choices=rag_choices(), widget=GovRadioInput(), validators=[Optional()],
        unknown_choice="Select the agreed RAG rating from the five shown",
    )
    agreed_rag_justification = TextAreaField(
        "Why you are agreeing a different rating",
        widget=GovTextArea(),
        filters=[strip],
        validators=[_long("Justification")],
    )
    submit = SubmitField("Approve", widget=GovSubmitInput())




class NextMilestoneForm(FlaskForm):
    description = TextAreaField(
        "Milestone",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired(message="Enter the milestone"), _short("The milestone")],
    )
    original_description = HiddenField()


class RiskForm(FlaskForm):
    description = TextAreaField(
        "Risk description",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired(message="Enter the risk"), _short("The risk description")],
    )
    mitigation = TextAreaField(
        "Mitigation", widget=GovTextArea(), filters=[strip], validators=[_short("The mitigation")]
    )
    original_description = HiddenField()
    original_mitigation = HiddenField()


class CloseRiskForm(FlaskForm):
    closure_note = TextAreaField(
        "Why the risk is closed",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired(message="Say why the risk is closed"), _short("The note")],
    )


ROW_FORMS = {"next-milestones": NextMilestoneForm, "risks": RiskForm}
