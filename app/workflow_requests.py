"""A workflow action fired from a request: the form's inputs go in, and every refusal comes back as the
answer a route gives (an error beside a field, the list of what is missing, or the refusal's own status).

Routes call `refuse_unless_may` before showing an action's form and `fire` when it is posted; nothing
else catches workflow errors."""
from __future__ import annotations

import dataclasses

from flask import abort
from flask_login import current_user

from app import workflow
from app.extensions import db
from app.forms import attach_errors, form_inputs


@dataclasses.dataclass(frozen=True)
class Fired:
    """What came of firing an action: done, or the status to answer with and what to say."""

    done: bool
    status: int = 200
    # The refusal's message, for an answer given in place (an htmx panel).
    message: str | None = None
    # {field: message} for what the rest of the programme still lacks (an Unready refusal).
    unmet: dict[str, str] = dataclasses.field(default_factory=dict)


def refuse_unless_may(action: str, target, *, in_place: bool = False) -> workflow.WorkflowError | None:
    """End the request with the refusal when the signed-in person may not fire `action` on `target` now;
    `in_place`, return the refusal instead (None when they may)."""
    refused = workflow.refusal(action, target, current_user)
    if refused is not None and not in_place:
        abort(refused.status, refused.message)
    return refused


def fire(action: str, target, form, *, in_place: bool = False) -> Fired:
    """Perform `action` on `target` with the validated form's inputs, as the signed-in person.

    Invalid inputs are attached to their fields (the form is shown again). What the rest of the period
    still lacks comes back as `unmet`. Any other refusal ends the request with its status and message, or,
    `in_place`, comes back as the message for the part of the page that is swapped.
    """
    try:
        workflow.perform(action, target, current_user, version=form.version.data, **form_inputs(form))
    except workflow.InvalidInput as error:
        attach_errors(form, error.errors)
        return Fired(done=False, status=error.status)
    except workflow.Unready as error:
        db.session.rollback()
        return Fired(done=False, status=error.status, message=error.message, unmet=error.errors)
    except workflow.WorkflowError as error:
        db.session.rollback()
        if not in_place:
            abort(error.status, error.message)
        return Fired(done=False, status=error.status, message=error.message)
    return Fired(done=True)
