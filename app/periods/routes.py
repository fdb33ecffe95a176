"""Reporting periods: the list with its heat-map, and each period's page with its status table."""
from flask import render_template, request
from flask_login import current_user, login_required

from app.history import history_for_period
from app.period_queries import calendar_periods, workstreams_reporting_in
from app.periods import bp
from app.permissions import can, is_officer
from app.programmes.access import load_programme
from app.programmes.routes import programme_page
from app.reports.access import load_period
from app.reports.queries import latest_report, latest_reports, signed_off_revisions
from app.reports.signed_off import differing_ratings, latest_signed_off_reports, signed_off_ratings
from app.reports.trends import rag_history
from app.status_rows import live_status_rows, signed_off_status_rows

# The heat-map on the periods list shows at most this many periods, the latest.
HEATMAP_PERIODS = 12


# The list pages through the history a dozen periods at a time (two years of two-month periods).
PERIODS_PER_PAGE = 12


@bp.get("/periods")
@login_required
def all_programmes():
    return programme_page("periods.index")


@bp.get("/programmes/<int:programme_id>/periods")
@login_required
def index(programme_id: int):
    programme = load_programme(programme_id)
    # Officers see the planned periods too, marked so; readers see signed-off periods only.
    periods = [p for p in calendar_periods(programme.id) if can(current_user, "view_period", p)]
    pages = max(1, -(-len(periods) // PERIODS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    listed = periods[(page - 1) * PERIODS_PER_PAGE : page * PERIODS_PER_PAGE]
    # The heat-map: the latest opened periods this person may see, oldest first, by every workstream that
    # reports in them, with the agreed ratings read in one query whatever the number of periods and workstreams.
    opened = [p for p in periods if not p.is_planned]
    columns = opened[:HEATMAP_PERIODS][::-1]
    workstreams = workstreams_reporting_in(p.id for p in columns)
    workstream_ids, column_ids = [w.id for w in workstreams], [p.id for p in columns]
    signed_off = signed_off_ratings(workstream_ids, column_ids)
    officer = is_officer(current_user, programme.id)
    if officer:
        history = rag_history(programme.id, workstream_ids, period_ids=set(column_ids)) if columns else {}
        ratings = {(wid, rated.period_id): rated.rag for wid, rated_periods in history.items() for rated in rated_periods}
    else:
        # Readers see each period as its latest signed-off revision holds it, while a later one is prepared.
        ratings = signed_off
    return render_template(
        "periods/index.html",
        programme=programme,
        periods=listed,
        page=page,
        pages=pages,
        reports=latest_reports([p.id for p in listed]) if officer else latest_signed_off_reports(p.id for p in listed),
        heatmap_periods=columns,
        heatmap_workstreams=workstreams,
        ratings=ratings,
        not_signed_off=differing_ratings(ratings, signed_off) if officer else set(),
        older_periods=len(opened) - len(columns),
        may_plan=can(current_user, "administer", programme),
    )


@bp.get("/periods/<int:period_id>")
@login_required
def show(period_id: int):
    period = load_period(period_id, planned=True)
    if period.is_planned:
        # Only officers see a planned period: its dates, and for the PMO what to do with it.
        return render_template("periods/show.html", period=period, report=None, rows=[], revisions=[],
                               history=history_for_period(period), is_officer=True)
    revisions = signed_off_revisions(period)
    officer = is_officer(current_user, period.programme_id)
    if officer:
        report = latest_report(period)
        rows = live_status_rows(current_user, period, report)
    else:
        # Readers see the latest signed-off revision exactly as it was frozen.
        report = revisions[-1]
        rows = signed_off_status_rows(report)
    return render_template(
        "periods/show.html",
        period=period,
        report=report,
        rows=rows,
        revisions=revisions,
        history=history_for_period(period) if officer else [],
        is_officer=officer,
    )
