"""What every Waymark form shares: the version it was based on, trimmed text, limits, and how a
workflow refusal's messages reach the fields."""
import re

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import HiddenInput

LONG_TEXT = 20_000
SHORT_TEXT = 4_000
NOT_INPUTS = ("version", "submit", "csrf_token")


def strip(value):
    """Typed text as stored: one kind of line break (browsers post CR LF), no NUL characters (PostgreSQL
    cannot store them), no surrounding white space."""
    if not isinstance(value, str):
        return value
    return normalise_text(value).strip()


def normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


class DayMonthYearField(DateField):
    """A GOV.UK date input (day, month, year boxes) with a GOV.UK error message."""

    def process_formdata(self, valuelist):
        if not valuelist:
            # Not posted at all: left as it was.
            self.raw_data = self.data = None
            return
        if len(valuelist) != 3:
            # The page posts a day, a month and a year; anything else is not a date, and must not clear
            # one. The boxes show what was sent (the widget draws exactly three).
            self.raw_data = (list(valuelist) + ["", ""])[:3]
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 7 11 2023")
        if any(part.strip() for part in valuelist):
            try:
                super().process_formdata([" ".join(part.strip() for part in valuelist)])
            except ValueError:
                self.data = None
                raise ValueError(f"{self.label.text} must be a real date, like 7 11 2023") from None


class WholeNumberField(IntegerField):
    """A box for a whole number. What is not one is kept as typed (shown again in the box) for the field's
    rule to refuse with its own message; a number too long to be meant is kept as a very large one."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed = valuelist[0] if isinstance(valuelist[0], str) else ""
        self.raw_data = [typed]
        text = typed.strip()
        if not text:
            self.data = None
        elif re.fullmatch(r"[+-]?[0-9]+", text):
            digits = text.lstrip("+-")
            number = int(digits) if len(digits) <= 18 else 10**18
            self.data = -number if text.startswith("-") else number
        else:
            self.data = text


class FollowsRule:
    """A validator asking one of app.input_rules' rules (the services check the same rules)."""

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, form, field):
        message = self.rule.problem(field.data)
        if message:
            raise StopValidation(message)


class _KnownChoice:
    """A choice field whose refusal of a value outside its choices reads like the rest of the service."""

    def __init__(self, *args, unknown_choice: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown_choice = unknown_choice

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.unknown_choice) from None


class ChoiceRadioField(_KnownChoice, RadioField):
    pass


class ChoiceSelectField(_KnownChoice, SelectField):
    pass


class ChoicesCheckboxField(_KnownChoice, SelectMultipleField):
    """Checkboxes, each value one of the choices."""


class VersionedForm(FlaskForm):
    """Every change states the version it was based on, so nobody overwrites a newer one unseen."""

    version = IntegerField(widget=HiddenInput())


class BasedOnForm(FlaskForm):
    """Every change states a fingerprint of what the person started from, so nobody overwrites a change made
    meanwhile unseen (for things others change too, where a version column would make their saves fail)."""

    based_on = HiddenField()


def differences_from_saved(form, saved: dict) -> list[tuple[str, object]]:
    """(label, saved value) of each field whose value as posted differs from the saved one: what a person
    whose save was refused because someone changed it meanwhile should compare."""
    return [
        (form[name].label.text, value)
        for name, value in saved.items()
        if name in form and form[name].type not in ("HiddenField", "CSRFTokenField") and form[name].data != value
    ]


def form_inputs(form) -> dict:
    """The form's data as inputs for a workflow action."""
    return {name: field.data for name, field in form._fields.items() if name not in NOT_INPUTS}


def attach_errors(form, errors: dict[str, str]) -> None:
    """Show each {field: message} beside its field; messages for no field go to the form."""
    for field_name, message in errors.items():
        field = getattr(form, field_name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def error_summary(form, id_prefix: str = "") -> dict:
    """Parameters for govukErrorSummary listing every error: each field's first message, linked to the
    field (whose id is the field's own, after `id_prefix`), then every message that belongs to no field."""
    items = []

    def walk(fields):
        for field in fields:
            entries = getattr(field, "entries", None)
            if entries is not None:
                for entry in entries:
                    walk(entry.form if hasattr(entry, "form") else [entry])
            elif field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
                items.append({"text": field.errors[0], "href": f"#{id_prefix}{field.id}"})

    walk(form)
    items += [{"text": message} for message in form.form_errors]
    return {"titleText": "There is a problem", "errorList": items}
