"""Workstreams: the list, and each workstream's details and updates over time."""
import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import ReportingPeriod, RoleAssignment, Workstream, WorkstreamUpdate
from app.periods.queries import active_workstreams
from app.permissions import can, is_officer, require
from app.reports.content import workstream_details
from app.reports.queries import signed_off_period_ids
from app.reports.trends import rag_history
from app.workstreams import bp

# The rating trend on a workstream's page covers at most this many periods, the latest.
TREND_PERIODS = 8


@bp.get("/workstreams")
@login_required
def index():
    workstreams = [w for w in active_workstreams() if can(current_user, "view_workstream", w)]
    return render_template("workstreams/index.html", workstreams=workstreams)


@bp.get("/workstreams/<int:workstream_id>")
@login_required
def show(workstream_id: int):
    workstream = db.session.scalar(
        sa.select(Workstream)
        .where(Workstream.id == workstream_id)
        .options(
            selectinload(Workstream.outcomes),
            selectinload(Workstream.role_assignments).selectinload(RoleAssignment.user),
        )
    ) or abort(404)
    require("view_workstream", workstream)
    updates = db.session.scalars(
        sa.select(WorkstreamUpdate)
        .join(ReportingPeriod)
        .where(WorkstreamUpdate.workstream_id == workstream.id)
        .options(selectinload(WorkstreamUpdate.period))
        .order_by(ReportingPeriod.start_date.desc())
    )
    visible = [u for u in updates if can(current_user, "view_update", u)]
    # Readers (IIB members, viewers) see the trend over signed-off periods only.
    readable = None if is_officer(current_user) else signed_off_period_ids()
    trend = rag_history([workstream.id], periods=TREND_PERIODS, period_ids=readable)[workstream.id]
    return render_template(
        "workstreams/show.html",
        workstream=workstream,
        details=workstream_details(workstream),
        updates=visible,
        trend=trend,
    )
