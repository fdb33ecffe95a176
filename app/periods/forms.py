"""Forms for the reporting calendar: a period's dates, opening it and deleting it.

Which dates must be given, and how they must fall, is decided in app/periods/rules.py; these forms only read
real dates from three boxes each."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovDateInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import ValidationError

from app.forms import DayMonthYearField, VersionedForm
from app.periods.rules import DATE_LABELS, MISSING, PeriodDates


def _date(name: str) -> DayMonthYearField:
    return DayMonthYearField(DATE_LABELS[name], widget=GovDateInput(), format="%d %m %Y")


class _PeriodDatesForm(FlaskForm):

    start_date = _date("start_date")
    end_date = _date("end_date")
    drafts_due = _date("drafts_due")
    approvals_due = _date("approvals_due")
    sign_off_due = _date("sign_off_due")
    iib_meeting_date = _date("iib_meeting_date")

    def dates(self) -> PeriodDates:
        """The dates as entered (None for a date left blank, or one this form does not show)."""
        return PeriodDates(**{name: getattr(self, name).data if name in self else None for name in DATE_LABELS})



class PlanPeriodForm(_PeriodDatesForm):
    submit = SubmitField("Plan the period", widget=GovSubmitInput())


class ChangeDatesForm(VersionedForm, _PeriodDatesForm):
    """A period's dates as they stand (its version too). An opened period's start and end are fixed."""

    submit = SubmitField("Save the dates", widget=GovSubmitInput())

    def keep_start_and_end(self) -> None:
        del self.start_date
        del self.end_date


class FirstStartForm(FlaskForm):
    """The start of a programme's first period, asked before the rest (a later period's follows the last)."""

    start_date = _date("start_date")
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_start_date(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(MISSING["start_date"])


class OpenPeriodForm(FlaskForm):
    # Asked only while another period is open (its label is the period's, set by the page).
    while_another_is_open = BooleanField("Open it while the other period is still open", widget=GovCheckboxInput())
    submit = SubmitField("Open the period", widget=GovSubmitInput())


class DeletePeriodForm(FlaskForm):
    submit = SubmitField("Delete the period", widget=GovSubmitInput())
