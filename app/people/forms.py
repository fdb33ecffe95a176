"""Forms for a programme's people: inviting someone, giving a person a role, naming a workstream's team."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.forms import ChoiceRadioField, ChoiceSelectField, ChoicesCheckboxField, strip
from app.models import Role, User, Workstream
from app.people.queries import PROGRAMME_ROLE_CHOICES, WORKSTREAM_ROLE_CHOICES
from app.people.services import EMAIL_LENGTH, NAME_LENGTH

NO_WORKSTREAM = ""


def _workstream_choices(workstreams: list[Workstream]) -> list[SelectChoice]:
    return [SelectChoice(str(w.id), f"{w.title} ({w.code})") for w in workstreams]


class InviteForm(FlaskForm):
    """Name, email, and the roles to give: programme-wide ones, and one workstream role for any number of
    workstreams (more can be given from the person's page)."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter their full name"),
            Length(max=NAME_LENGTH, message=f"Name must be {NAME_LENGTH} characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter their email address"),
            Length(max=EMAIL_LENGTH, message=f"Email address must be {EMAIL_LENGTH} characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )
    programme_roles = ChoicesCheckboxField(
        "Programme-wide roles",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(role.name, role.label) for role in PROGRAMME_ROLE_CHOICES],
        unknown_choice="Choose programme-wide roles from the list",
    )
    workstream_role = ChoiceRadioField(
        "Workstream role",
        widget=GovRadioInput(),
        choices=[SelectChoice(NO_WORKSTREAM, "None")] + [SelectChoice(role.name, role.label) for role in WORKSTREAM_ROLE_CHOICES],
        default=NO_WORKSTREAM,
        unknown_choice="Choose a workstream role from the list",
    )
    workstream_ids = ChoicesCheckboxField(
        "Workstreams",
        widget=GovCheckboxesInput(),
        unknown_choice="Choose workstreams from the list",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, *args, workstreams: list[Workstream] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.workstream_ids.choices = _workstream_choices(workstreams)
        self.workstreams_by_id = {str(w.id): w for w in workstreams}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.workstream_role.errors or self.workstream_ids.errors:
            return False
        if self.workstream_role.data and not self.workstream_ids.data:
            self.workstream_ids.errors.append(f"Choose the workstreams they are {self.workstream_role_label} for")
            return False
        if self.workstream_ids.data and not self.workstream_role.data:
            self.workstream_role.errors.append("Choose their role in the workstreams you chose")
            return False
        return valid

    @property
    def workstream_role_label(self) -> str:
        return Role[self.workstream_role.data].label.lower() if self.workstream_role.data else ""

    def grants(self) -> list[tuple[Role, Workstream | None]]:
        """The roles chosen, once validated."""
        chosen = [(Role[name], None) for name in self.programme_roles.data or []]
        if self.workstream_role.data:
            role = Role[self.workstream_role.data]
            chosen += [(role, self.workstreams_by_id[value]) for value in self.workstream_ids.data]
        return chosen


class GrantRoleForm(FlaskForm):
    """One role for a person already in the programme: programme-wide, or for a workstream."""

    role = ChoiceSelectField(
        "Role",
        widget=GovSelect(),
        # No role is chosen until the PMO chooses one: not PMO by default.
        choices=[SelectChoice("", "Choose a role")] + [SelectChoice(role.name, role.label) for role in Role],
        unknown_choice="Choose a role from the list",
    )
    workstream_id = ChoiceSelectField(
        "Workstream",
        widget=GovSelect(),
        unknown_choice="Choose a workstream from the list",
    )
    submit = SubmitField("Give role", widget=GovSubmitInput())

    def __init__(self, *args, workstreams: list[Workstream] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.workstream_id.choices = [SelectChoice(NO_WORKSTREAM, "None (a programme-wide role)")] + _workstream_choices(workstreams)
        self.workstreams_by_id = {str(w.id): w for w in workstreams}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.role.errors and not self.role.data:
            self.role.errors.append("Choose a role")
            return False
        return valid

    def chosen(self) -> tuple[Role, Workstream | None]:
        return Role[self.role.data], self.workstreams_by_id.get(self.workstream_id.data)


class WorkstreamPersonForm(FlaskForm):
    """Name someone of the programme as the workstream's sponsor, a project manager or PMO support."""

    user_id = ChoiceSelectField("Person", widget=GovSelect(), unknown_choice="Choose a person from the list")
    role = ChoiceRadioField(
        "Role in the workstream",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.name, role.label) for role in WORKSTREAM_ROLE_CHOICES],
        unknown_choice="Choose their role in the workstream",
    )
    submit = SubmitField("Add to the workstream", widget=GovSubmitInput())

    def __init__(self, *args, people: list[User] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(str(p.id), f"{p.name} ({p.email})") for p in people
        ]
        self.people_by_id = {str(p.id): p for p in people}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.user_id.errors and not self.user_id.data:
            self.user_id.errors.append("Choose a person")
            return False
        return valid
