"""Workstreams: the list, and each workstream's details and updates over time.

Readers (IIB members, viewers) see what the signed-off revisions hold; officers see the live rows, with what is
not yet signed off marked."""
import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import ReportingPeriod, RoleAssignment, Workstream, WorkstreamUpdate
from app.period_queries import active_workstreams, programme_workstreams
from app.permissions import can, is_officer, require
from app.programmes.access import in_programme, load_programme
from app.programmes.routes import programme_page
from app.reports.content import workstream_details
from app.reports.signed_off import (
    not_signed_off_fields,
    periods_signed_off_now,
    signed_off_details,
    signed_off_rag_history,
    signed_off_ratings,
    signed_off_sections_of,
)
from app.reports.trends import rag_history
from app.workstreams import bp

# The rating trend on a workstream's page covers at most this many periods, the latest.
TREND_PERIODS = 8


@bp.get("/workstreams")
@login_required
def all_programmes():
    return programme_page("workstreams.index")


@bp.get("/programmes/<int:programme_id>/workstreams")
@login_required
def index(programme_id: int):
    programme = load_programme(programme_id)
    officer = is_officer(current_user, programme.id)
    workstreams = [w for w in active_workstreams(programme.id, with_outcomes=officer) if can(current_user, "view_workstream", w)]
    signed_off = signed_off_details(programme.id, (w.id for w in workstreams))
    if officer:
        live = {w.id: workstream_details(w) for w in workstreams}
        rows = [(w, live[w.id], not_signed_off_fields(live[w.id], signed_off.get(w.id))) for w in workstreams]
    else:
        rows = [(w, signed_off.get(w.id), set()) for w in workstreams]
    retired = [w for w in programme_workstreams(programme.id) if w.is_retired]
    return render_template("workstreams/index.html", programme=programme, rows=rows, retired=retired, is_officer=officer)


@bp.get("/workstreams/<int:workstream_id>")
@login_required
def show(workstream_id: int):
    workstream = db.session.scalar(
        sa.select(Workstream)
        .where(Workstream.id == workstream_id)
        .options(
            joinedload(Workstream.programme),
            selectinload(Workstream.outcomes),
            selectinload(Workstream.role_assignments).selectinload(RoleAssignment.user),
        )
    ) or abort(404)
    require("view_workstream", workstream)
    in_programme(workstream.programme)
    signed_off = signed_off_details(workstream.programme_id, [workstream.id]).get(workstream.id)
    if not is_officer(current_user, workstream.programme_id):
        return render_template(
            "workstreams/show_signed_off.html",
            workstream=workstream,
            details=signed_off,
            sections=signed_off_sections_of(workstream),
            trend=signed_off_rag_history(workstream.programme_id, [workstream.id], periods=TREND_PERIODS)[workstream.id],
        )
    updates = [
        u
        for u in db.session.scalars(
            sa.select(WorkstreamUpdate)
            .join(ReportingPeriod)
            .where(WorkstreamUpdate.workstream_id == workstream.id)
            .options(selectinload(WorkstreamUpdate.period))
            .order_by(ReportingPeriod.start_date.desc())
        )
        if can(current_user, "view_update", u)
    ]
    signed_off_now = periods_signed_off_now({u.period_id for u in updates})
    details = workstream_details(workstream)
    trend = rag_history(workstream.programme_id, [workstream.id], periods=TREND_PERIODS)[workstream.id]
    signed_ratings = signed_off_ratings([workstream.id], [rated.period_id for rated in trend])
    return render_template(
        "workstreams/show.html",
        workstream=workstream,
        details=details,
        not_signed_off=not_signed_off_fields(details, signed_off),
        updates=[(u, u.period_id in signed_off_now) for u in updates],
        trend=trend,
        trend_not_signed_off=[
            rated for rated in trend if rated.rag is not signed_ratings.get((workstream.id, rated.period_id))
        ],
    )
