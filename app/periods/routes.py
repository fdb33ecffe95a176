"""Reporting periods: the list, each period's overview, and the programme report's overview, sign-off
and reopening."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import workflow
from app.decision_locks import lock_for_decision
from app.extensions import db
from app.forms import attach_errors, form_inputs
from app.history import history_for_period
from app.models import ProgrammeReport, ReportingPeriod, Workstream
from app.periods import bp
from app.periods.forms import OverviewForm, ReopenForm, SignOffForm
from app.status_rows import live_rows, signed_off_rows
from app.period_queries import active_workstreams, all_periods, find_period
from app.permissions import can, is_officer, require
from app.reports.queries import latest_report, latest_reports, signed_off_revisions
from app.reports.services import save_overview
from app.reports.signed_off import differing_ratings, latest_signed_off_reports, signed_off_ratings
from app.reports.trends import rag_history

# The heat-map on the periods list shows at most this many periods, the latest.
HEATMAP_PERIODS = 12


def _load(period_id: int) -> ReportingPeriod:
    period = find_period(period_id) or abort(404)
    require("view_period", period)
    return period


def _latest(period: ReportingPeriod) -> ProgrammeReport:
    return latest_report(period) or abort(404)


# The list pages through the history a dozen periods at a time (two years of two-month periods).
PERIODS_PER_PAGE = 12


@bp.get("/periods")
@login_required
def index():
    periods = [p for p in all_periods() if can(current_user, "view_period", p)]
    pages = max(1, -(-len(periods) // PERIODS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    listed = periods[(page - 1) * PERIODS_PER_PAGE : page * PERIODS_PER_PAGE]
    # The heat-map: the latest periods this person may see, oldest first, by every active workstream,
    # with the agreed ratings read in one query whatever the number of periods and workstreams.
    columns = periods[:HEATMAP_PERIODS][::-1]
    workstreams = list(
        db.session.scalars(
            sa.select(Workstream).where(Workstream.active.is_(True)).order_by(Workstream.display_order, Workstream.title)
        )
    )
    workstream_ids, column_ids = [w.id for w in workstreams], [p.id for p in columns]
    signed_off = signed_off_ratings(workstream_ids, column_ids)
    officer = is_officer(current_user)
    if officer:
        history = rag_history(workstream_ids, period_ids=set(column_ids)) if columns else {}
        ratings = {(wid, rated.period_id): rated.rag for wid, rated_periods in history.items() for rated in rated_periods}
    else:
        # Readers see each period as its latest signed-off revision holds it, while a later one is prepared.
        ratings = signed_off
    return render_template(
        "periods/index.html",
        periods=listed,
        page=page,
        pages=pages,
        reports=latest_reports([p.id for p in listed]) if officer else latest_signed_off_reports(p.id for p in listed),
        heatmap_periods=columns,
        heatmap_workstreams=workstreams,
        ratings=ratings,
        not_signed_off=differing_ratings(ratings, signed_off) if officer else set(),
        older_periods=len(periods) - len(columns),
    )


@bp.get("/periods/<int:period_id>")
@login_required
def show(period_id: int):
    period = _load(period_id)
    revisions = signed_off_revisions(period)
    officer = is_officer(current_user)
    if officer:
        report = latest_report(period)
        rows = live_rows(current_user, period, report)
    else:
        # Readers see the latest signed-off revision exactly as it was locked.
        report = revisions[-1]
        rows = signed_off_rows(report)
    return render_template(
        "periods/show.html",
        period=period,
        report=report,
        rows=rows,
        revisions=revisions,
        history=history_for_period(period) if officer else [],
        is_officer=officer,
    )


@bp.route("/periods/<int:period_id>/overview", methods=["GET", "POST"])
@login_required
def overview(period_id: int):
    period = _load(period_id)
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
    return render_template("periods/overview.html", period=period, report=report, form=form, conflict=conflict), status


@bp.route("/periods/<int:period_id>/sign-off", methods=["GET", "POST"])
@login_required
def sign_off(period_id: int):
    """A confirmation page listing what will be locked, then the sign-off itself."""
    period = _load(period_id)
    report = _latest(period)
    return _report_transition(
        "sign_off", period, report, SignOffForm(version=report.version), "periods/sign_off.html",
        "Programme report signed off and locked",
    )


@bp.route("/periods/<int:period_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(period_id: int):
    period = _load(period_id)
    report = _latest(period)
    form = ReopenForm(version=report.version)
    form.workstream_ids.choices = [SelectChoice(w.id, w.title) for w in active_workstreams()]
    return _report_transition(
        "reopen", period, report, form, "periods/reopen.html", "Programme report reopened as a new revision"
    )


def _report_transition(action, period, report, form, template, done_message):
    refused = workflow.refusal(action, report, current_user)
    if refused is not None:
        abort(refused.status, refused.message)
    status, blocking = 200, {}
    if form.validate_on_submit():
        try:
            workflow.perform(action, report, current_user, version=form.version.data, **form_inputs(form))
        except workflow.InvalidInput as error:
            attach_errors(form, error.errors)
            status = error.status
        except workflow.Unready as error:
            # Say what is still missing, as the page did before the person pressed the button.
            db.session.rollback()
            status, blocking = error.status, error.errors
        except workflow.WorkflowError as error:
            db.session.rollback()
            abort(error.status, error.message)
        else:
            flash(done_message, "success")
            return redirect(url_for("periods.show", period_id=period.id))
    elif request.method == "POST":
        status = 422
    if request.method == "GET":
        blocking = workflow.unmet_prerequisites(action, report, current_user)
    return (
        render_template(
            template,
            period=period,
            report=report,
            form=form,
            rows=live_rows(current_user, period, report),
            blocking=blocking,
        ),
        status,
    )
