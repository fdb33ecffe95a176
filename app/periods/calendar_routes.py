"""The reporting calendar's pages, for the programme's PMO: planning the next period, changing a period's
dates, opening a planned period and deleting one never opened. The rules are app/periods/rules.py's, the
actions app/periods/services.py's."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import attach_errors
from app.period_queries import calendar_periods, previous_period, workstreams_for_new_period
from app.periods import bp
from app.periods.forms import ChangeDatesForm, DeletePeriodForm, FirstStartForm, OpenPeriodForm, PlanPeriodForm
from app.periods.rules import (
    PeriodDates,
    dates_change_refusal,
    default_dates,
    deletion_refusal,
    next_start,
    open_periods,
    opening_refusal,
    still_open_text,
)
from app.periods.services import (
    AlreadyOpen,
    AnotherPeriodIsOpen,
    CalendarRefusal,
    DatesChangedMeanwhile,
    InvalidDates,
    change_period_dates,
    delete_planned_period,
    open_planned_period,
    plan_period,
)
from app.permissions import require
from app.programmes.access import load_programme
from app.reports.access import load_period


@bp.route("/programmes/<int:programme_id>/periods/new", methods=["GET", "POST"])
@login_required
def plan(programme_id: int):
    """The next period, its dates defaulting to the cadence after the last period and the programme's
    settings. A programme's first period has no last one: the page asks for its start first."""
    programme = load_programme(programme_id, action="administer")
    start = next_start(calendar_periods(programme.id))
    first = FirstStartForm(request.args, meta={"csrf": False})
    if start is None and request.method == "GET":
        if "start_date" not in request.args:
            return render_template("periods/plan.html", programme=programme, first=first, form=None)
        if not first.validate():
            return render_template("periods/plan.html", programme=programme, first=first, form=None), 422
        start = first.start_date.data
    form = PlanPeriodForm(data=default_dates(programme, start).as_dict() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            period = plan_period(programme, form.dates(), planned_by=current_user)
        except InvalidDates as refusal:
            db.session.rollback()
            attach_errors(form, refusal.errors)
        else:
            db.session.commit()
            flash(f"{period.label} is planned. Open it when its drafts should start.", "success")
            return redirect(url_for("periods.show", period_id=period.id))
    status = 200 if request.method == "GET" else 422
    return render_template("periods/plan.html", programme=programme, first=None, form=form), status


@bp.route("/periods/<int:period_id>/dates", methods=["GET", "POST"])
@login_required
def dates(period_id: int):
    """A period's dates, until its latest revision is signed off: all of them while it is planned, the due
    dates once it is open."""
    period = _period_to_administer(period_id)
    refused = dates_change_refusal(period)
    if refused:
        abort(409, refused)
    as_stored = {**PeriodDates.of(period).as_dict(), "version": period.version}
    form = ChangeDatesForm(data=as_stored if request.method == "GET" else None)
    if not period.is_planned:
        form.keep_start_and_end()
    conflict = None
    if form.validate_on_submit():
        try:
            changed = change_period_dates(period, form.dates(), changed_by=current_user, version=form.version.data)
        except InvalidDates as refusal:
            db.session.rollback()
            attach_errors(form, refusal.errors)
        except DatesChangedMeanwhile as refusal:
            db.session.rollback()
            conflict = refusal.message
        except CalendarRefusal as refusal:
            db.session.rollback()
            abort(refusal.status, refusal.message)
        else:
            db.session.commit()
            flash("The dates are saved." if changed else "No date changed.", "success" if changed else "info")
            return redirect(url_for("periods.show", period_id=period.id))
    status = 200 if request.method == "GET" else 409 if conflict else 422
    return render_template("periods/dates.html", period=period, form=form, conflict=conflict), status


@bp.route("/periods/<int:period_id>/open", methods=["GET", "POST"])
@login_required
def open_planned(period_id: int):
    """What opening the period creates, then the opening itself. Once someone has opened it (a double
    click, another PMO at the same moment) there is nothing to do: the page says so, as a conflict (409)."""
    period = _period_to_administer(period_id)
    if not period.is_planned:
        return _already_open(period)
    periods = calendar_periods(period.programme_id)
    refused = opening_refusal(period, periods)
    if refused:
        abort(409, refused)
    still_open = open_periods(periods)
    form = OpenPeriodForm()
    if still_open:
        form.while_another_is_open.label.text = f"Open it while {still_open_text(still_open)}"
    if form.validate_on_submit():
        try:
            open_planned_period(period, opened_by=current_user, while_another_is_open=form.while_another_is_open.data)
        except AlreadyOpen:
            db.session.rollback()
            return _already_open(period)
        except AnotherPeriodIsOpen as refusal:
            db.session.rollback()
            attach_errors(form, refusal.errors)
        except CalendarRefusal as refusal:
            db.session.rollback()
            abort(refusal.status, refusal.message)
        else:
            db.session.commit()
            flash(f"{period.label} is open: its report and the workstreams' drafts are ready.", "success")
            return redirect(url_for("periods.show", period_id=period.id))
    status = 200 if request.method == "GET" else 422
    return render_template(
        "periods/open.html",
        period=period,
        form=form,
        still_open=still_open,
        still_open_message=still_open_text(still_open) if still_open else "",
        workstreams=workstreams_for_new_period(period.programme_id, period.start_date),
        carried_from=previous_period(period),
    ), status


@bp.route("/periods/<int:period_id>/delete", methods=["GET", "POST"])
@login_required
def delete(period_id: int):
    """Deleting a planned period, after a confirmation; an opened period is refused with the reason."""
    period = _period_to_administer(period_id)
    refused = deletion_refusal(period)
    if refused:
        abort(409, refused)
    form = DeletePeriodForm()
    if form.validate_on_submit():
        programme_id, label = period.programme_id, period.label
        try:
            delete_planned_period(period, deleted_by=current_user)
        except CalendarRefusal as refusal:
            db.session.rollback()
            abort(refusal.status, refusal.message)
        db.session.commit()
        flash(f"{label} is deleted from the calendar.", "success")
        return redirect(url_for("periods.index", programme_id=programme_id))
    return render_template("periods/delete.html", period=period, form=form), 200 if request.method == "GET" else 422


def _period_to_administer(period_id: int):
    """The period (planned or opened), if the signed-in person is its programme's PMO."""
    period = load_period(period_id, planned=True)
    require("administer", period.programme)
    return period


def _already_open(period):
    return render_template("periods/open.html", period=period, already_open=True), 409
