"""Error pages in the service's own layout."""
import contextlib
import logging

import sqlalchemy as sa
from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db, login_manager
from app.workflow import SIGNED_OFF_REFUSAL, WorkflowError, is_signed_off_guard_refusal

log = logging.getLogger("waymark.errors")

# How long a browser or client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30
# Failures that mean the database cannot be reached (or is too busy to answer), rather than a bad request.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError, sa.exc.DisconnectionError)

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "errors/400.html"),
    403: ("You do not have access to this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, that action is not available here", "errors/400.html"),
    409: ("This cannot be changed now", "errors/409.html"),
    413: ("Sorry, that is too much to send at once", "errors/400.html"),
    415: ("Sorry, there is a problem with your request", "errors/400.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def register_error_handlers(app: Flask) -> None:
    for code, (title, template) in ERROR_PAGES.items():
        app.register_error_handler(code, _handler(code, title, template))

    @app.errorhandler(WorkflowError)
    def workflow_refusal(error):
        # A refusal no view turned into its own answer: its status and message, never a server error.
        db.session.rollback()
        title, template = ERROR_PAGES.get(error.status, ERROR_PAGES[400])
        return render_template(template, title=title, description=error.message), error.status

    app.register_error_handler(sa.exc.SQLAlchemyError, database_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html", title="Your session has expired", reason=error.description), 400


def database_error(error: sa.exc.SQLAlchemyError):
    rollback_quietly()
    if is_signed_off_guard_refusal(error):
        # The sign-off guard caught a change to a signed-off period that no check in the app stopped.
        title, template = ERROR_PAGES[409]
        return render_template(template, title=title, description=SIGNED_OFF_REFUSAL), 409
    if isinstance(error, UNAVAILABLE) or getattr(error, "connection_invalidated", False):
        log.error("database unavailable", extra={"error": type(error).__name__})
        return service_unavailable()
    log.error("database error", exc_info=error)
    return service_unavailable(500)


def rollback_quietly() -> None:
    """Drop the failed transaction; with the database gone even that can fail, which must not matter."""
    with contextlib.suppress(Exception):
        db.session.rollback()


def service_unavailable(status: int = 503):
    """The error page without asking the database anything: it is drawn as for someone signed out (the
    person is not looked up), and any failure to draw it falls back to a plain page."""
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    title = "Sorry, the service is unavailable" if status == 503 else ERROR_PAGES[500][0]
    try:
        body = render_template("errors/503.html" if status == 503 else "errors/500.html", title=title, description="")
    except Exception:  # noqa: BLE001
        log.exception("could not draw the error page")
        body = f"<!DOCTYPE html><html lang=\"en\"><title>{title}</title><h1>{title}</h1><p>Try again later.</p></html>"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}
    return body, status, headers


def _handler(code, title, template):
    def handle(error):
        if code >= 500:
            # Whatever failed, the page must not reuse a session left mid-transaction, nor ask the
            # database again if that is what failed.
            rollback_quietly()
            return service_unavailable(500)
        # Show a route's own explanation (abort(403, "...")), not werkzeug's stock sentence.
        description = getattr(error, "description", "")
        if description == getattr(type(error), "description", None):
            description = ""
        return render_template(template, title=title, description=description), code

    return handle
