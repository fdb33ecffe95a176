"""Error pages in the service's own layout."""
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.workflow import WorkflowError

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

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html", title="Your session has expired", reason=error.description), 400


def _handler(code, title, template):
    def handle(error):
        if code >= 500:
            # Whatever failed, the page must not reuse a session left mid-transaction.
            db.session.rollback()
        # Show a route's own explanation (abort(403, "...")), not werkzeug's stock sentence.
        description = getattr(error, "description", "")
        if description == getattr(type(error), "description", None):
            description = ""
        return render_template(template, title=title, description=description), code

    return handle
