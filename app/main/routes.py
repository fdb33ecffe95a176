from flask import render_template
from flask_login import current_user, login_required

from app.main import bp
from app.main.my_work import work_for


@bp.get("/")
@login_required
def my_work():
    return render_template("main/my_work.html", items=work_for(current_user))


@bp.get("/healthz")
def health():
    """For load balancers and the benchmark's floor: the app answers, and so does its database."""
    from sqlalchemy import text

    from app.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
