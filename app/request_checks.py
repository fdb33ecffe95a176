"""What every request must be before a view sees it: ids the database can hold, and form-encoded bodies.

Every `<int:...>` in a route is a `DatabaseId`: a number outside the range of the database's integer
columns cannot name a row, so the URL simply does not match (404) instead of overflowing the driver.
Forms post `application/x-www-form-urlencoded`; any other body (JSON, multipart, text) is refused
with 415 before WTForms could read it as form data. Every field name a page sends is plain ASCII, so a
name that is not (`milestones-²-status`, which WTForms' lists would fail to number) is refused with 400.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest value of a 32-bit signed INTEGER, the type of every id column on PostgreSQL.
LARGEST_ID = 2**31 - 1
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class DatabaseId(IntegerConverter):
    """An integer path segment within the id columns' range (werkzeug answers 404 outside it)."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    """Call before any blueprint is registered: the converter is bound when each rule is added."""
    app.url_map.converters["int"] = DatabaseId

    @app.before_request
    def refuse_bodies_that_are_not_forms():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if not request.content_length and not request.headers.get("Transfer-Encoding"):
            return None
        if request.mimetype != FORM_CONTENT_TYPE:
            abort(415, "This service accepts only form submissions from its own pages. "
                       "Go back to the page, and try again.")
        if not all(name.isascii() and name.isprintable() for name in request.form):
            abort(400, "The form sent a field that none of this service's pages has. "
                       "Go back to the page, and try again.")
        return None
