"""A workstream's highlight report for one period: reading it, editing the draft, and moving it on."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import workflow
from app.extensions import db, htmx
from app.forms import attach_errors, form_inputs
from app.history import history_for_update
from app.models import WorkstreamUpdate
from app.permissions import is_officer, require
from app.reports.sections import section_for_officer, section_for_reader
from app.updates import bp
from app.updates.completeness import last_agreed_rag, submission_problems
from app.updates.forms import ApproveUpdateForm, ReturnUpdateForm, SubmitUpdateForm, UpdateEditForm
from app.updates.services import save_draft

ACTION_FORMS = {"submit": SubmitUpdateForm, "return": ReturnUpdateForm, "approve": ApproveUpdateForm}
DONE_MESSAGES = {
    "submit": "Update submitted to the sponsor",
    "return": "Update returned to the project manager",
    "approve": "Update approved",
}


def _load(update_id: int) -> WorkstreamUpdate:
    update = db.session.get(WorkstreamUpdate, update_id) or abort(404)
    require("view_update", update)
    return update


def _page_context(update: WorkstreamUpdate, forms: dict | None = None) -> dict:
    if is_officer(current_user):
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
        "holders": workflow.holders(update),
        "history": history_for_update(update),
        "locked": workflow.is_locked(update),
        "is_officer": is_officer(current_user),
    }


@bp.get("/updates/<int:update_id>")
@login_required
def show(update_id: int):
    return render_template("updates/show.html", **_page_context(_load(update_id)))


@bp.post("/updates/<int:update_id>/<any(submit, return, approve):action>")
@login_required
def transition(update_id: int, action: str):
    update = _load(update_id)
    refused = workflow.refusal(action, update, current_user)
    if refused is not None and not htmx:
        abort(refused.status, refused.message)
    form = ACTION_FORMS[action]()
    status, message = 200, None
    if refused is not None:
        status, message = refused.status, refused.message
    elif form.validate_on_submit():
        try:
            workflow.perform(action, update, current_user, version=form.version.data, **form_inputs(form))
        except workflow.InvalidInput as error:
            attach_errors(form, error.errors)
            status = error.status
        except workflow.WorkflowError as error:
            db.session.rollback()
            if not htmx:
                abort(error.status, error.message)
            status, message = error.status, error.message
        else:
            if not htmx:
                flash(DONE_MESSAGES[action], "success")
                return redirect(url_for("updates.show", update_id=update.id))
            message = DONE_MESSAGES[action]
            form = None
    else:
        status = 422
    context = _page_context(update, forms={action: form} if form is not None else None)
    if htmx:
        return render_template("updates/_status_panel_response.html", **context, message=message), status
    return render_template("updates/show.html", **context), status


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
@login_required
def edit(update_id: int):
    update = _load(update_id)
    refused = workflow.edit_refusal(update, current_user)
    if refused is not None:
        abort(refused.status, refused.message)
    form = UpdateEditForm(obj=None if request.method == "POST" else _edit_defaults(update))
    conflict = None
    if form.validate_on_submit():
        try:
            save_draft(
                update,
                current_user,
                form.version.data,
                {name: form[name].data for name in ("key_activities", "engagement", "concerns", "rag_rationale", "rag_change_reason")},
                form.proposed_rag.data,
                [(entry.form.status.data, entry.form.status_note.data or "") for entry in form.milestones],
            )
        except workflow.Conflict as error:
            db.session.rollback()
            conflict = error.message
        else:
            flash("Draft saved", "success")
            return redirect(url_for("updates.show", update_id=update.id))
    status = 200 if request.method == "GET" else (409 if conflict else 422)
    return (
        render_template(
            "updates/edit.html",
            update=update,
            form=form,
            conflict=conflict,
            last_rag=last_agreed_rag(update),
        ),
        status,
    )


def _edit_defaults(update: WorkstreamUpdate):
    """The stored draft in the shape of the edit form."""

    class Defaults:
        version = update.version
        key_activities = update.key_activities
        engagement = update.engagement
        concerns = update.concerns
        proposed_rag = update.proposed_rag.name if update.proposed_rag else None
        rag_rationale = update.rag_rationale
        rag_change_reason = update.rag_change_reason
        milestones = [
            {"status": m.status.name if m.status else "", "status_note": m.status_note}
            for m in update.milestones_this_period
        ]

    return Defaults


@bp.get("/updates/<int:update_id>/review")
@login_required
def review(update_id: int):
    """The sponsor's review: each section beside last period's approved one, with what to question."""
    from app.updates.review import build_review

    update = _load(update_id)
    return render_template("updates/review.html", update=update, review=build_review(update))
