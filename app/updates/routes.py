"""A workstream's highlight report for one period: reading it, editing the draft, and moving it on."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from app import workflow
from app.extensions import db, htmx
from app.history import history_for_update
from app.models import ReportingPeriod, RoleAssignment, Workstream, WorkstreamUpdate
from app.permissions import is_officer, require
from app.programmes.access import in_programme
from app.reports.queries import signed_off_revisions
from app.reports.sections import section_for_officer, section_for_reader
from app.update_rules import status_panel, submission_problems
from app.updates import bp
from app.updates.forms import ApproveUpdateForm, ReturnUpdateForm, SubmitUpdateForm
from app.workflow_requests import fire, refuse_unless_may

ACTION_FORMS = {"submit": SubmitUpdateForm, "return": ReturnUpdateForm, "approve": ApproveUpdateForm}
DONE_MESSAGES = {
    "submit": "Update submitted to the sponsor",
    "return": "Update returned to the project manager",
    "approve": "Update approved",
}


def load_update(update_id: int, *, for_change: bool = False) -> WorkstreamUpdate:
    """The update, if the person may see it: with everything its pages show, in a handful of queries; or,
    for a change, with only its period and workstream, since the change reads the rest under its locks."""
    page = [
        joinedload(WorkstreamUpdate.workstream).selectinload(Workstream.outcomes),
        joinedload(WorkstreamUpdate.workstream)
        .selectinload(Workstream.role_assignments)
        .joinedload(RoleAssignment.user),
        joinedload(WorkstreamUpdate.completed_by),
        joinedload(WorkstreamUpdate.approved_by),
        selectinload(WorkstreamUpdate.milestones),
        selectinload(WorkstreamUpdate.risks),
    ]
    what = [joinedload(WorkstreamUpdate.workstream)] if for_change else page
    update = db.session.get(
        WorkstreamUpdate, update_id, options=[joinedload(WorkstreamUpdate.period).joinedload(ReportingPeriod.programme), *what]
    )
    if update is None:
        abort(404)
    require("view_update", update)
    in_programme(update.period.programme)
    return update


def _page_context(update: WorkstreamUpdate, forms: dict | None = None) -> dict:
    officer = is_officer(current_user, update.period.programme_id)
    if officer:
        section, report = section_for_officer(update)
    else:
        section, report = section_for_reader(update)
    if section is None:
        abort(404)
    forms = forms or {}
    for action, form_class in ACTION_FORMS.items():
        if action not in forms and workflow.may(action, update, current_user):
            forms[action] = form_class(formdata=None, version=update.version)
    if "approve" in forms and forms["approve"].agreed_rag.data is None and update.proposed_rag:
        forms["approve"].agreed_rag.data = update.proposed_rag.name
    return {
        "update": update,
        "section": section,
        "report": report,
        "forms": forms,
        "problems": submission_problems(update) if "submit" in forms else {},
        "panel": status_panel(update, workflow.holders(update), signed_off=workflow.period_signed_off(update)),
        "history": history_for_update(update),
        "is_officer": officer,
        "signed_off_revision": (signed_off_revisions(update.period) or [None])[-1],
    }


@bp.get("/updates/<int:update_id>")
@login_required
def show(update_id: int):
    return render_template("updates/show.html", **_page_context(load_update(update_id)))


@bp.post("/updates/<int:update_id>/<any(submit, return, approve):action>")
@login_required
def transition(update_id: int, action: str):
    update = load_update(update_id)
    # With htmx the answer, refusals included, is the status panel swapped in place.
    refused = refuse_unless_may(action, update, in_place=bool(htmx))
    form = ACTION_FORMS[action]()
    status, message = 200, None
    if refused is not None:
        status, message = refused.status, refused.message
    elif form.validate_on_submit():
        fired = fire(action, update, form, in_place=bool(htmx))
        if fired.done and not htmx:
            flash(DONE_MESSAGES[action], "success")
            return redirect(url_for("updates.show", update_id=update.id))
        if fired.done:
            message, form = DONE_MESSAGES[action], None
        else:
            status, message = fired.status, fired.message
    else:
        status = 422
    context = _page_context(update, forms={action: form} if form is not None else None)
    if htmx:
        return render_template("updates/_status_panel_response.html", **context, message=message), status
    return render_template("updates/show.html", **context), status


@bp.get("/updates/<int:update_id>/review")
@login_required
def review(update_id: int):
    """The sponsor's review: each section beside last period's approved one, with what to question."""
    from app.updates.review import build_review

    update = load_update(update_id)
    if not is_officer(current_user, update.period.programme_id):
        # The review compares live rows; readers read the update as it was signed off.
        return redirect(url_for("updates.show", update_id=update.id))
    return render_template("updates/review.html", update=update, review=build_review(update))
