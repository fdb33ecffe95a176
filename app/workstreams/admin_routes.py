"""The PMO's workstream screens: the list to order them, adding one, editing one, and retiring or re-activating it.
Only the PMO of the workstream's programme may use them; the rules are app.workstreams.services'."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.extensions import db
from app.forms import attach_errors, differences_from_saved
from app.input_rules import Refused
from app.models import RoleAssignment, Workstream
from app.period_queries import calendar_periods, forget_periods, programme_workstreams
from app.permissions import require
from app.programmes.access import in_programme, load_programme
from app.workstreams import bp
from app.workstreams.forms import ConfirmForm, EditWorkstreamForm, NewWorkstreamForm, RetireWorkstreamForm
from app.workstreams.retirement import NEXT_PERIOD, reactivate_workstream, retire_workstream, retirement
from app.workstreams.services import (
    FIELDS,
    code_frozen_reason,
    create_workstream,
    edit_workstream,
    move_workstream,
    workstream_fingerprint,
    workstream_values,
)


def _administered(workstream_id: int) -> Workstream:
    """The workstream, if the signed-in person is the PMO of its programme."""
    workstream = db.session.scalar(
        sa.select(Workstream)
        .where(Workstream.id == workstream_id)
        .options(selectinload(Workstream.outcomes), selectinload(Workstream.role_assignments).selectinload(RoleAssignment.user))
    ) or abort(404)
    require("administer", workstream.programme)
    in_programme(workstream.programme)
    return workstream


def _status(refused: Refused | None = None) -> int:
    if refused is not None:
        return refused.status
    return 200 if request.method == "GET" else 422


@bp.get("/programmes/<int:programme_id>/workstreams/manage")
@login_required
def manage(programme_id: int):
    programme = load_programme(programme_id, "administer")
    workstreams = programme_workstreams(programme.id)
    return render_template(
        "workstreams/manage.html",
        programme=programme,
        current=[w for w in workstreams if not w.is_retired],
        retired=[w for w in workstreams if w.is_retired],
        form=ConfirmForm(formdata=None),
    )


@bp.route("/programmes/<int:programme_id>/workstreams/new", methods=["GET", "POST"])
@login_required
def new(programme_id: int):
    programme = load_programme(programme_id, "administer")
    form = NewWorkstreamForm()
    refused = None
    if form.validate_on_submit():
        try:
            workstream = create_workstream(programme, current_user, {name: form[name].data for name in FIELDS})
        except Refused as refusal:
            db.session.rollback()
            refused = refusal
            attach_errors(form, refusal.errors)
        else:
            db.session.commit()
            flash(f"{workstream.title} added. It reports from the next period opened", "success")
            return redirect(url_for("workstreams.edit", workstream_id=workstream.id))
    return render_template("workstreams/new.html", programme=programme, form=form), _status(refused)


@bp.route("/workstreams/<int:workstream_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workstream_id: int):
    workstream = _administered(workstream_id)
    if request.method == "GET":
        form = EditWorkstreamForm(formdata=None, data={**workstream_values(workstream), "based_on": workstream_fingerprint(workstream)})
    else:
        form = EditWorkstreamForm()
    refused, saved = None, None
    if form.validate_on_submit():
        try:
            changed = edit_workstream(workstream, current_user, {name: form[name].data for name in FIELDS}, form.based_on.data or "")
        except Refused as refusal:
            db.session.rollback()
            refused = refusal
            attach_errors(form, refusal.errors)
            if refusal.status == 409:
                # Saving again now replaces what is saved: the page shows it beside what they typed.
                form.based_on.data = workstream_fingerprint(workstream)
                saved = differences_from_saved(form, workstream_values(workstream))
        else:
            db.session.commit()
            flash(f"{workstream.title} saved" if changed else "Nothing had changed", "success")
            return redirect(url_for("workstreams.manage", programme_id=workstream.programme_id))
    return render_template(
        "workstreams/edit.html",
        workstream=workstream,
        form=form,
        saved=saved,
        code_frozen=code_frozen_reason(workstream),
        confirm=ConfirmForm(formdata=None),
    ), _status(refused)


@bp.post("/workstreams/<int:workstream_id>/move-<any(up, down):direction>")
@login_required
def move(workstream_id: int, direction: str):
    workstream = _administered(workstream_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The form could not be read. Go back to the list of workstreams, and try again.")
    try:
        moved = move_workstream(workstream, current_user, direction)
    except Refused as refusal:
        db.session.rollback()
        abort(refusal.status, refusal.errors[""])
    db.session.commit()
    if moved:
        flash(f"{workstream.title} moved {direction}", "success")
    return redirect(url_for("workstreams.manage", programme_id=workstream.programme_id, _anchor=f"workstream-{workstream.id}"))


@bp.route("/workstreams/<int:workstream_id>/retire", methods=["GET", "POST"])
@login_required
def retire(workstream_id: int):
    workstream = _administered(workstream_id)
    if workstream.is_retired:
        abort(409, f"{workstream.title} is already retired.")
    form = RetireWorkstreamForm()
    # Any period of the programme may be asked for (the page may be older than the work on a draft): the
    # service says why one cannot be chosen. The page offers the ones that can.
    form.retire_from.choices = [NEXT_PERIOD] + [str(p.id) for p in calendar_periods(workstream.programme_id)]
    refused = None
    if form.validate_on_submit():
        try:
            chosen = retire_workstream(workstream, current_user, form.retire_from.data)
        except Refused as refusal:
            db.session.rollback()
            refused = refusal
            attach_errors(form, refusal.errors)
            forget_periods()
        else:
            db.session.commit()
            when = f"from {chosen.period.label}" if chosen.period else "from the next period opened"
            flash(f"{workstream.title} retired {when}", "success")
            return redirect(url_for("workstreams.manage", programme_id=workstream.programme_id))
    plan = retirement(workstream)
    form.retire_from.choices = [SelectChoice(choice.value, label) for choice, (label, _hint) in zip(plan.choices, _described(plan))]
    return render_template(
        "workstreams/retire.html", workstream=workstream, plan=plan, form=form, hints=[hint for _label, hint in _described(plan)],
    ), _status(refused)


@bp.post("/workstreams/<int:workstream_id>/reactivate")
@login_required
def reactivate(workstream_id: int):
    workstream = _administered(workstream_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The form could not be read. Go back to the list of workstreams, and try again.")
    try:
        reactivate_workstream(workstream, current_user)
    except Refused as refusal:
        db.session.rollback()
        abort(refusal.status, refusal.errors[""])
    db.session.commit()
    flash(f"{workstream.title} re-activated. It reports again from the next period opened", "success")
    return redirect(url_for("workstreams.manage", programme_id=workstream.programme_id))


def _described(plan) -> list[tuple[str, str]]:
    """(label, hint) of each choice on the retirement page."""
    described = []
    for choice in plan.choices:
        removed = len(choice.drafts_removed)
        if choice.period is not None:
            if not removed:
                hint = "Not opened yet: it will have no draft in it."
            elif removed == 1 and choice.drafts_removed[0].period_id == choice.period.id:
                hint = "Its draft for this period has not been started: retiring it removes it."
            else:
                hint = f"Its {removed} drafts, for this period and after, have not been started: retiring it removes them."
            described.append((choice.period.label, hint))
        elif plan.latest is None:
            described.append(("Before its first period", "No reporting period has been planned yet."))
        elif not plan.latest_opened:
            described.append(("From the next period", f"It reports for the last time in {plan.latest.label}, when it opens."))
        elif plan.latest_update is not None:
            described.append(("From the next period", f"It reports in {plan.latest.label} for the last time."))
        else:
            described.append(("From the next period", f"It is not in {plan.latest.label}, the latest period."))
    return described
