"""Programmes: the list of those a person works in, and each programme's home page."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app.period_queries import active_workstreams
from app.periods.calendar_view import calendar_view
from app.programmes import bp
from app.programmes.access import current_programme, load_programme, my_programmes


@bp.get("/programmes")
@login_required
def index():
    return render_template("programmes/index.html", programmes=my_programmes(current_user))


@bp.get("/programmes/<int:programme_id>")
@login_required
def show(programme_id: int):
    programme = load_programme(programme_id)
    return render_template(
        "programmes/show.html",
        programme=programme,
        workstreams=active_workstreams(programme.id),
        calendar=calendar_view(programme, current_user),
    )


def programme_page(endpoint: str):
    """The old programme-wide addresses (/periods, /workstreams) go to the person's programme, or the list."""
    programme = current_programme()
    if programme is None:
        return redirect(url_for("programmes.index"))
    return redirect(url_for(endpoint, programme_id=programme.id))
