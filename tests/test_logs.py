"""Structured logs: JSON lines for requests and transitions, never holding passwords or tokens."""
import json
import logging

from app.demo.people import DEMO_PASSWORD
from app.logs import JsonFormatter, safe_path
from tests.conftest import sign_in
from tests.personas import LOUISA_SIMPSON


def test_reset_link_tokens_are_redacted_from_logged_paths():
    assert safe_path("/password/reset/abc123SECRET") == "/password/reset/[redacted]"
    assert safe_path("/updates/12/edit") == "/updates/12/edit"


def test_request_lines_are_json_without_passwords(app, client, caplog):
    caplog.set_level(logging.INFO, logger="waymark")
    sign_in(client, LOUISA_SIMPSON)
    client.get("/password/reset/a-secret-token")
    lines = [JsonFormatter().format(record) for record in caplog.records if record.name.startswith("waymark")]
    entries = [json.loads(line) for line in lines]
    requests = [entry for entry in entries if entry["message"] == "request"]
    assert {"method", "path", "status", "duration_ms", "user_id"} <= set(requests[0])
    assert any(entry["path"] == "/password/reset/[redacted]" for entry in requests)
    text = "\n".join(lines)
    assert DEMO_PASSWORD not in text and "a-secret-token" not in text and "csrf" not in text.lower()


def test_the_access_log_never_raises_whatever_gunicorn_hands_it(capsys):
    """A request that failed half-way may reach the access log without a path (or with nothing usable):
    the line is written with "-" or skipped, and the worker carries on."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from app.gunicorn_config import RedactingLogger, access_log_format

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", access_log_format)
    logger = RedactingLogger(config)
    response = SimpleNamespace(status="503 Service Unavailable", response_length=10, sent=10, headers=[])
    request = SimpleNamespace(method="GET", path=None, query="", version=(1, 1), headers=[], uri=None)
    delta = SimpleNamespace(seconds=0, microseconds=1000)
    environ = {"REMOTE_ADDR": "127.0.0.1"}  # no PATH_INFO, no REQUEST_METHOD
    atoms = logger.atoms(response, request, environ, delta)
    assert atoms["U"] == "-"
    logger.access(response, request, environ, delta)
    logger.access(None, None, {}, None)  # nothing usable at all: no exception reaches the worker
    assert safe_path(None) == "-"
