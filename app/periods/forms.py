"""Forms for the programme report: the overview, the CMT sign-off and a reopening."""
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovSubmitInput, GovTextArea
from wtforms import DateField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import LONG_TEXT, VersionedForm, strip


class OverviewForm(VersionedForm):
    overview = TextAreaField(
        "Lead executive director overview",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=LONG_TEXT, message=f"The overview must be {LONG_TEXT:,} characters or fewer")],
    )
    submit = SubmitField("Save overview", widget=GovSubmitInput())


class DayMonthYearField(DateField):
    """A GOV.UK date input (day, month, year boxes) with a GOV.UK error message."""

    def process_formdata(self, valuelist):
        if valuelist and any(part.strip() for part in valuelist):
            try:
                super().process_formdata([" ".join(part.strip() for part in valuelist)])
            except ValueError:
                self.data = None
                raise ValueError(f"{self.label.text} must be a real date, like 7 11 2023") from None


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
