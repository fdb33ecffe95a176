"""A workstream's highlight report for one period."""
from flask import abort, render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.models import WorkstreamUpdate
from app.permissions import is_officer, require
from app.reports.sections import section_for_reader, section_for_officer
from app.updates import bp


@bp.get("/updates/<int:update_id>")
@login_required
def show(update_id: int):
    update = db.session.get(WorkstreamUpdate, update_id) or abort(404)
    require("view_update", update)
    if is_officer(current_user):
        section, report = section_for_officer(update)
    else:
        section, report = section_for_reader(update)
    if section is None:
        abort(404)
    return render_template("updates/show.html", update=update, section=section, report=report)
