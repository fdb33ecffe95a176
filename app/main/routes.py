from flask import render_template
from flask_login import current_user, login_required

from app.main import bp
from app.main.my_work import work_for


@bp.get("/")
@login_required
def my_work():
    return render_template("main/my_work.html", programmes=work_for(current_user))


@bp.get("/healthz")
def health():
    """For load balancers: 200 when the app and its database answer, 503 saying what is down otherwise.
    Redis (the shared sign-in counters, when configured) is reported too; without it sign-ins are still
    counted, so it does not take the app out of service."""
    from app.health import health_report

    report, healthy = health_report()
    return report, 200 if healthy else 503
