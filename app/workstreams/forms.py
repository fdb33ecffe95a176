"""Forms for the PMO's workstream screens. Their rules are the services' (app.workstreams.services)."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from app.forms import BasedOnForm, ChoiceRadioField, DayMonthYearField, FollowsRule, strip
from app.workstreams.services import RULES


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class _WorkstreamFields:
    code = StringField("Code", widget=GovTextInput(), filters=[strip, _upper], validators=[FollowsRule(RULES["code"])])
    title = StringField("Name", widget=GovTextInput(), filters=[strip], validators=[FollowsRule(RULES["title"])])
    description = TextAreaField("Description", widget=GovTextArea(), filters=[strip], validators=[FollowsRule(RULES["description"])])
    outcomes = TextAreaField("Outcomes", widget=GovTextArea(), filters=[strip], validators=[FollowsRule(RULES["outcomes"])])
    agreed_completion_date = DayMonthYearField(
        "Agreed completion date", widget=GovDateInput(), validators=[Optional()], format="%d %m %Y"
    )
    forecast_completion_date = DayMonthYearField(
        "Forecast completion date", widget=GovDateInput(), validators=[Optional()], format="%d %m %Y"
    )


class NewWorkstreamForm(_WorkstreamFields, FlaskForm):
    submit = SubmitField("Add workstream", widget=GovSubmitInput())


class EditWorkstreamForm(_WorkstreamFields, BasedOnForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class RetireWorkstreamForm(FlaskForm):
    retire_from = ChoiceRadioField(
        "Which period does it stop reporting in?", widget=GovRadioInput(),
        unknown_choice="Select the period it stops reporting in",
    )
    submit = SubmitField("Retire workstream", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that makes a change (move, re-activate): nothing to fill in but the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
