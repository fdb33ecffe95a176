"""Structured logs: one JSON line per request and per workflow transition, with no passwords, tokens or
query strings in them (reset links carry their token in the path, so such paths are redacted)."""
from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import Flask, g, request

REDACTED_PATHS = [re.compile(r"^(/password/reset/)[^/]+")]
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        return json.dumps(entry, default=str)


def safe_path(path) -> str:
    """The path with reset-link tokens taken out; "-" when there is none (a log line must never fail)."""
    if not isinstance(path, str):
        return "-"
    for pattern in REDACTED_PATHS:
        path = pattern.sub(r"\1[redacted]", path)
    return path


def signed_in_user_id() -> int | None:
    """The person the request was made as, if Flask-Login already loaded them: a log line never asks the
    database (which may be the very thing that is down)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


def register(app: Flask) -> None:
    logger = logging.getLogger("waymark")
    if not app.testing and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    requests = logging.getLogger("waymark.requests")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if not request.path.startswith(app.static_url_path + "/"):
            requests.info(
                "request",
                extra={
                    "method": request.method,
                    "path": safe_path(request.path),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
                    "user_id": signed_in_user_id(),
                    "htmx": bool(request.headers.get("HX-Request")),
                },
            )
        return response
