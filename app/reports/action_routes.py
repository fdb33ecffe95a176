"""The programme report's own actions: the lead executive director's overview, CMT's sign-off, and a
reopening as a new revision."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import workflow
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.models import ProgrammeReport, ReportingPeriod
from app.period_queries import workstreams_reporting_in
from app.reports import bp
from app.reports.access import load_period
from app.reports.forms import OverviewForm, ReopenForm, SignOffForm
from app.reports.queries import latest_report
from app.reports.services import save_overview
from app.status_rows import live_status_rows
from app.workflow_requests import fire, refuse_unless_may


def _latest(period: ReportingPeriod) -> ProgrammeReport:
    return latest_report(period) or abort(404)


@bp.route("/periods/<int:period_id>/overview", methods=["GET", "POST"])
@login_required
def overview(period_id: int):
    period = load_period(period_id)
    report = _latest(period)
    refused = workflow.edit_refusal(report, current_user)
    if refused is not None:
        abort(refused.status, refused.message)
    form = OverviewForm(obj=report)
    conflict = None
    if form.validate_on_submit():
        lock_for_decision(report)
        refused = workflow.edit_refusal(report, current_user)
        if refused is not None:
            # Signed off (or followed by a new revision) while they typed: the page keeps their text to copy.
            conflict = refused.message
        elif form.version.data != report.version:
            conflict = "Someone else saved the overview after you opened it."
        else:
            with workflow.refused_by_the_database():
                save_overview(report, current_user, form.overview.data)
                db.session.commit()
            flash("Overview saved", "success")
            return redirect(url_for("periods.show", period_id=period.id))
    status = 200 if request.method == "GET" else (409 if conflict else 422)
    return render_template("reports/overview.html", period=period, report=report, form=form, conflict=conflict), status


@bp.route("/periods/<int:period_id>/sign-off", methods=["GET", "POST"])
@login_required
def sign_off(period_id: int):
    """A confirmation page listing what will be frozen, then the sign-off itself."""
    period = load_period(period_id)
    report = _latest(period)
    return _report_transition(
        "sign_off", period, report, SignOffForm(version=report.version), "reports/sign_off.html",
        "Programme report signed off and locked",
    )


@bp.route("/periods/<int:period_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(period_id: int):
    period = load_period(period_id)
    report = _latest(period)
    form = ReopenForm(version=report.version)
    form.workstream_ids.choices = [SelectChoice(w.id, w.title) for w in workstreams_reporting_in([period.id])]
    return _report_transition(
        "reopen", period, report, form, "reports/reopen.html", "Programme report reopened as a new revision"
    )


def _report_transition(action, period, report, form, template, done_message):
    refuse_unless_may(action, report)
    status, unmet = 200, {}
    if form.validate_on_submit():
        fired = fire(action, report, form)
        if fired.done:
            flash(done_message, "success")
            return redirect(url_for("periods.show", period_id=period.id))
        # Say what is still missing, as the page did before the person pressed the button.
        status, unmet = fired.status, fired.unmet
    elif request.method == "POST":
        status = 422
    if request.method == "GET":
        unmet = workflow.unmet_prerequisites(action, report, current_user)
    return (
        render_template(
            template,
            period=period,
            report=report,
            form=form,
            rows=live_status_rows(current_user, period, report),
            blocking=unmet,
        ),
        status,
    )
