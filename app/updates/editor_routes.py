"""The draft editor: the main form (workstream details, sections, rating, milestone statuses) and its
lists (milestones planned for next period, risks). Every part works without JavaScript; with htmx the
lists change in place and the reason for a change of rating appears when it is needed."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from app import workflow
from app.auth.kept_requests import replayable
from app.extensions import db, htmx
from app.forms import normalise_text
from app.milestone_ages import milestone_ages
from app.models import WorkstreamUpdate
from app.rag import RAG
from app.update_rules import (
    approved_previous_update,
    last_agreed_rating,
    rating_change_needs_reason,
    standing_return_reason,
)
from app.updates import bp, rows
from app.updates.forms import ROW_FORMS, CloseRiskForm, UpdateEditForm
from app.updates.routes import load_update
from app.updates.rows import (
    ROW_LISTS,
    RISKS,
    add_row,
    carried_risk_ids,
    edit_row,
    move_row,
    remove_row,
)
from app.updates.services import TEXT_FIELDS, draft_fields, milestone_field, save_draft

ROW_KINDS = "any('next-milestones', 'risks')"


def _editable(update_id: int) -> WorkstreamUpdate:
    update = load_update(update_id, for_change=request.method == "POST")
    refused = workflow.edit_refusal(update, current_user)
    if refused is not None:
        abort(refused.status, refused.message)
    return update


def _rag_change_needed(update: WorkstreamUpdate, proposed: str | None) -> bool:
    return rating_change_needs_reason(RAG.named(proposed), last_agreed_rating(update))


def _editor(update: WorkstreamUpdate, form, base: dict, status: int = 200, **extra):
    lists = {
        name: {
            "kind": kind,
            "rows": kind.rows(update),
            "add_form": extra.pop(f"{name}_form", None) or ROW_FORMS[name](formdata=None),
        }
        for name, kind in ROW_LISTS.items()
    }
    context = {
        "update": update,
        "form": form,
        "base": base,
        "last_update": approved_previous_update(update),
        "return_reason": standing_return_reason(update),
        "rag_change_needed": _rag_change_needed(update, form.proposed_rag.data)
        or bool(form.rag_change_reason.data),
        "ages": milestone_ages(update),
        "lists": lists,
        "carried_risks": carried_risk_ids(update),
        "conflicts": {},
        "field_labels": FIELD_LABELS,
        **extra,
    }
    return render_template("updates/edit.html", **context), status


def _form_data(fields: dict[str, str], update: WorkstreamUpdate) -> dict:
    data = {name: fields[name] for name in TEXT_FIELDS}
    data.update(
        version=update.version,
        proposed_rag=fields["proposed_rag"] or None,
        milestones=[
            {
                "status": fields[milestone_field(position, "status")],
                "status_note": fields[milestone_field(position, "status_note")],
            }
            for position in range(len(update.milestones_this_period))
        ],
        forecast_completion_date=(
            dt.date.fromisoformat(fields["forecast_completion_date"]) if fields["forecast_completion_date"] else None
        ),
        workstream_description=fields["workstream_description"],
        outcomes=fields["outcomes"],
    )
    return data


def _form_values(form: UpdateEditForm, formdata, update: WorkstreamUpdate) -> dict[str, str]:
    """What the person sent, by field name. Fields the request did not carry are left out: untouched."""
    values = {name: form[name].data or "" for name in TEXT_FIELDS}
    values["proposed_rag"] = form.proposed_rag.data or ""
    # The form numbers its entries afresh from 0; each is the milestone its posted name numbers
    # (milestones-3-status), whichever others were sent.
    for position, entry in zip(_milestone_positions(formdata), form.milestones):
        if position >= len(update.milestones_this_period):
            continue
        values[milestone_field(position, "status")] = entry.form.status.data or ""
        values[milestone_field(position, "status_note")] = entry.form.status_note.data or ""
    forecast = form.forecast_completion_date.data
    values["forecast_completion_date"] = forecast.isoformat() if forecast else ""
    values["workstream_description"] = form.workstream_description.data or ""
    values["outcomes"] = form.outcomes.data or ""
    # A rating left unselected is not sent at all, so it counts as a choice only alongside the other fields.
    sent = set(formdata) | ({"proposed_rag"} if "rag_rationale" in formdata else set())
    return {name: value for name, value in values.items() if name in sent}


def _milestone_positions(formdata) -> list[int]:
    """The milestone numbers the post names, in the order the form's entries take them (read as
    WTForms' FieldList reads them)."""
    numbers = (name.removeprefix("milestones-").split("-", 1)[0] for name in formdata if name.startswith("milestones-"))
    return sorted({int(number) for number in numbers if number.isdigit()})


def _posted(prefix: str, formdata) -> dict[str, str]:
    return {key[len(prefix):]: normalise_text(value) for key, value in formdata.items() if key.startswith(prefix)}


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
@login_required
def edit(update_id: int):
    update = load_update(update_id, for_change=request.method == "POST")
    if request.method == "GET":
        refused = workflow.edit_refusal(update, current_user)
        if refused is not None:
            abort(refused.status, refused.message)
        fields = draft_fields(update)
        return _editor(update, UpdateEditForm(formdata=None, data=_form_data(fields, update)), fields)
    # Whether the draft can still be edited is decided by the save, on the locked row.
    refused = workflow.editor_role_refusal(update, current_user)
    if refused is not None:
        abort(refused.status, refused.message)
    return _save(update, UpdateEditForm(), request.form)


@replayable("updates.edit")
def replay_edit(view_args: dict, formdata):
    """A save that arrived just after the person's session ended, applied now they have signed in again."""
    try:
        update = load_update(int(view_args["update_id"]))
    except HTTPException:  # gone, or no longer theirs to see: sign-in goes on as usual
        return None
    refused = workflow.edit_refusal(update, current_user)
    if refused is not None:
        flash(f"What you sent when your session ended was not saved: {refused.message}", "info")
        return redirect(url_for("updates.show", update_id=update.id))
    # Its CSRF token was checked when it was kept, against the session it was sent in.
    return _save(update, UpdateEditForm(formdata=formdata, meta={"csrf": False}), formdata)


def _save(update: WorkstreamUpdate, form: UpdateEditForm, formdata):
    base = _posted("base::", formdata)
    if not form.validate():
        refused = workflow.edit_refusal(update, current_user)
        if refused is not None:  # no use correcting a draft that can no longer be saved
            return _save_refused(update, refused, formdata)
        return _editor(update, form, base, 422)
    mine = _form_values(form, formdata, update)
    # In a conflict the person chose, field by field, to keep their text or use the saved one. Using the
    # saved one leaves the field untouched, so the stored value stays (never the posted copy of it).
    for field, choice in _posted("resolve::", formdata).items():
        if choice == "saved":
            mine.pop(field, None)
    try:
        result = save_draft(update, current_user, form.version.data, base, mine)
    except workflow.WorkflowError as refused:
        # Submitted, returned or signed off while they typed: nothing is saved, and the page keeps their text.
        db.session.rollback()
        return _save_refused(update, refused, formdata)
    if result.conflicts:
        db.session.rollback()
        # The boxes hold the merge: their own text where both changed a field (the saved text is shown
        # beside it), the other person's where only they changed it. The stored draft becomes the base
        # the next save is compared with.
        merged = UpdateEditForm(formdata=None, data=_form_data(result.merge.values, update))
        return _editor(
            update, merged, draft_fields(update), 409,
            conflicts=result.conflicts,
            taken_from_theirs=[_field_label(name, update) for name in result.merge.taken_from_theirs],
        )
    flash("Draft saved", "success")
    if result.merge and result.merge.taken_from_theirs:
        flash(
            "Someone else saved this draft while you were editing. Their changes to fields you did not touch "
            "were kept: " + ", ".join(_field_label(name, update) for name in result.merge.taken_from_theirs) + ".",
            "info",
        )
    return redirect(url_for("updates.show", update_id=update.id))


def _save_refused(update: WorkstreamUpdate, refused: workflow.WorkflowError, formdata):
    """The refusal, with every text the person sent laid out to copy (nothing of it is stored)."""
    notes = [milestone_field(position, "status_note") for position in range(len(update.milestones_this_period))]
    sent = [
        (_field_label(name, update), normalise_text(formdata.get(name, "")))
        for name in [*FIELD_LABELS, *notes]
        if name in formdata and name != "proposed_rag"
    ]
    return render_template(
        "updates/save_refused.html",
        update=update,
        message=refused.message,
        sent=[(label, text) for label, text in sent if text.strip()],
    ), refused.status


FIELD_LABELS = {
    "key_activities": "Key activities",
    "engagement": "Engagement",
    "concerns": "Concerns and issues",
    "proposed_rag": "RAG rating",
    "rag_rationale": "RAG rating rationale",
    "rag_change_reason": "Reason for the change of rating",
    "forecast_completion_date": "Forecast completion date",
    "workstream_description": "Project description",
    "outcomes": "Project outcomes",
}


def _field_label(name: str, update: WorkstreamUpdate) -> str:
    if name.startswith("milestones-"):
        _, position, part = name.split("-", 2)
        reference = update.milestones_this_period[int(position)].reference
        return f"{reference} {'status note' if part == 'status_note' else 'status'}"
    return FIELD_LABELS.get(name, name)


@bp.get("/updates/<int:update_id>/edit/rag-change-reason")
@login_required
def rag_change_reason(update_id: int):
    """The reason-for-change field, shown when the chosen rating differs from last period's agreed one."""
    update = _editable(update_id)
    proposed = request.args.get("proposed_rag")
    return render_template(
        "updates/_rag_change_reason.html",
        update=update,
        last_update=approved_previous_update(update),
        needed=_rag_change_needed(update, proposed),
        value=request.args.get("rag_change_reason", ""),
        errors=[],
    )


# --- The lists: milestones planned for next period, and risks ----------------------------------------------


def _list_response(update: WorkstreamUpdate, name: str, message: str, status: int = 200, **extra):
    """htmx gets the list again; without JavaScript the editor reloads at the list."""
    kind = ROW_LISTS[name]
    if htmx:
        response = make_response(
            render_template(
                "updates/_row_list.html",
                update=update,
                kind=kind,
                rows=kind.rows(update),
                add_form=extra.pop("add_form", None) or ROW_FORMS[name](formdata=None),
                carried_risks=carried_risk_ids(update) if kind is RISKS else set(),
                message=message,
                **extra,
            ),
            status,
        )
        # Whatever part of the list the request came from, the whole list is the answer.
        response.headers["HX-Retarget"] = f"#{name}"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    if status >= 400:
        if "add_form" in extra:
            fields = draft_fields(update)
            return _editor(
                update, UpdateEditForm(formdata=None, data=_form_data(fields, update)), fields, status,
                **{f"{name}_form": extra["add_form"]},
            )
        abort(status, message)
    flash(message, "success")
    return redirect(url_for("updates.edit", update_id=update.id, _anchor=name))


@bp.get(f"/updates/<int:update_id>/<{ROW_KINDS}:name>")
@login_required
def row_list(update_id: int, name: str):
    """The list as it stands (htmx, e.g. after cancelling an edit); without JavaScript, the editor at the list."""
    update = _editable(update_id)
    if not htmx:
        return redirect(url_for("updates.edit", update_id=update.id, _anchor=name))
    return _list_response(update, name, "")


@bp.post(f"/updates/<int:update_id>/<{ROW_KINDS}:name>")
@login_required
def add(update_id: int, name: str):
    update = _editable(update_id)
    kind, form = ROW_LISTS[name], ROW_FORMS[name]()
    if not form.validate():
        return _list_response(update, name, "", 422, add_form=form, focus_add=True)
    row = add_row(kind, update, current_user, {field: form[field].data or "" for field in kind.fields})
    return _list_response(update, name, f"{row.reference} added", focus_add=True)


@bp.route(f"/updates/<int:update_id>/<{ROW_KINDS}:name>/<int:row_id>", methods=["GET", "POST"])
@login_required
def edit_row_view(update_id: int, name: str, row_id: int):
    update = _editable(update_id)
    kind = ROW_LISTS[name]
    row = _row_or_404(kind, update, row_id)
    if request.method == "GET":
        form = ROW_FORMS[name](
            formdata=None,
            data={**{f: getattr(row, f) for f in kind.fields}, **{f"original_{f}": getattr(row, f) for f in kind.fields}},
        )
        return _row_form(update, kind, row, form)
    form = ROW_FORMS[name]()
    if not form.validate():
        return _row_form(update, kind, row, form, 422)
    try:
        edit_row(
            kind, update, current_user, row.id,
            {f: form[f].data or "" for f in kind.fields},
            {f: form[f"original_{f}"].data or "" for f in kind.fields},
        )
    except workflow.Conflict as error:
        db.session.rollback()
        for f in kind.fields:
            form[f"original_{f}"].data = getattr(row, f)
        return _row_form(update, kind, row, form, 409, conflict=error.message)
    return _list_response(update, name, f"{row.reference} saved")


def _row_or_404(kind, update, row_id):
    for row in kind.rows(update):
        if row.id == row_id:
            return row
    abort(404)


def _row_form(update, kind, row, form, status=200, conflict=None, template="updates/_row_form.html"):
    context = {"update": update, "kind": kind, "row": row, "form": form, "conflict": conflict}
    if htmx:
        return render_template(template, **context), status
    return render_template("updates/row_edit.html", inner_template=template, **context), status


@bp.post(f"/updates/<int:update_id>/<{ROW_KINDS}:name>/<int:row_id>/remove")
@login_required
def remove(update_id: int, name: str, row_id: int):
    update = _editable(update_id)
    row = _row_or_404(ROW_LISTS[name], update, row_id)
    reference = row.reference
    try:
        remove_row(ROW_LISTS[name], update, current_user, row_id)
    except workflow.Conflict as error:
        db.session.rollback()
        return _list_response(update, name, error.message, 409)
    return _list_response(update, name, f"{reference} removed")


@bp.post(f"/updates/<int:update_id>/<{ROW_KINDS}:name>/<int:row_id>/move-<any(up, down):direction>")
@login_required
def move(update_id: int, name: str, row_id: int, direction: str):
    update = _editable(update_id)
    row = _row_or_404(ROW_LISTS[name], update, row_id)
    move_row(ROW_LISTS[name], update, current_user, row_id, direction)
    return _list_response(update, name, f"{row.reference} moved {direction}", focus_row=row.id, focus_direction=direction)


@bp.route("/updates/<int:update_id>/risks/<int:row_id>/close", methods=["GET", "POST"])
@login_required
def close_risk(update_id: int, row_id: int):
    update = _editable(update_id)
    risk = _row_or_404(RISKS, update, row_id)
    form = CloseRiskForm(formdata=None) if request.method == "GET" else CloseRiskForm()
    if request.method == "GET" or not form.validate():
        return _row_form(update, RISKS, risk, form, 200 if request.method == "GET" else 422,
                         template="updates/_risk_close_form.html")
    rows.close_risk(update, current_user, row_id, form.closure_note.data)
    return _list_response(update, "risks", f"{risk.reference} closed")


@bp.post("/updates/<int:update_id>/risks/<int:row_id>/reopen")
@login_required
def reopen_risk(update_id: int, row_id: int):
    update = _editable(update_id)
    risk = _row_or_404(RISKS, update, row_id)
    rows.reopen_risk(update, current_user, row_id)
    return _list_response(update, "risks", f"{risk.reference} reopened")
