"""Forms for the programme report: the overview, the CMT sign-off and a reopening."""
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovSubmitInput, GovTextArea
from wtforms import SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import LONG_TEXT, DayMonthYearField, VersionedForm, strip


class OverviewForm(VersionedForm):
    overview = TextAreaField(
        "Lead executive director overview",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=LONG_TEXT, message=f"The overview must be {LONG_TEXT:,} characters or fewer")],
    )
    submit = SubmitField("Save overview", widget=GovSubmitInput())


class SignOffForm(VersionedForm):
    cmt_meeting_date = DayMonthYearField(
        "Date of the CMT meeting",
        widget=GovDateInput(),
        validators=[Optional()],
        format="%d %m %Y",
    )
    submit = SubmitField("Sign off and lock the report", widget=GovSubmitInput())


class ReopenForm(VersionedForm):
    reason = TextAreaField(
        "Reason for reopening",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=LONG_TEXT, message=f"The reason must be {LONG_TEXT:,} characters or fewer")],
    )
    workstream_ids = SelectMultipleField("Workstreams to reopen", coerce=int, widget=GovCheckboxesInput())
    submit = SubmitField("Reopen as a new revision", widget=GovSubmitInput())
