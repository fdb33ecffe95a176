"""Reporting periods: the list and each period's overview."""
from flask import abort, render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.models import ReportingPeriod
from app.periods import bp
from app.periods.overview import live_rows, signed_off_rows
from app.periods.queries import all_periods
from app.permissions import can, is_officer, require
from app.reports.queries import latest_report, latest_reports, signed_off_revisions


@bp.get("/periods")
@login_required
def index():
    periods = [p for p in all_periods() if can(current_user, "view_period", p)]
    return render_template("periods/index.html", periods=periods, reports=latest_reports([p.id for p in periods]))


@bp.get("/periods/<int:period_id>")
@login_required
def show(period_id: int):
    period = db.session.get(ReportingPeriod, period_id) or abort(404)
    require("view_period", period)
    revisions = signed_off_revisions(period)
    if is_officer(current_user):
        report = latest_report(period)
        rows = live_rows(current_user, period, report)
    else:
        # Readers see the latest signed-off revision exactly as it was locked.
        report = revisions[-1]
        rows = signed_off_rows(report)
    return render_template("periods/show.html", period=period, report=report, rows=rows, revisions=revisions)
