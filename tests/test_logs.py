"""Structured logs: JSON lines for requests and transitions, never holding passwords or tokens."""
import json
import logging

from app.logs import JsonFormatter, safe_path
from tests.conftest import DEMO_PASSWORD, sign_in


def test_reset_link_tokens_are_redacted_from_logged_paths():
    assert safe_path("/password/reset/abc123SECRET") == "/password/reset/[redacted]"
    assert safe_path("/updates/12/edit") == "/updates/12/edit"


def test_request_lines_are_json_without_passwords(app, client, caplog):
    caplog.set_level(logging.INFO, logger="waymark")
    sign_in(client, "louisa.simpson@example.org")
    client.get("/password/reset/a-secret-token")
    lines = [JsonFormatter().format(record) for record in caplog.records if record.name.startswith("waymark")]
    entries = [json.loads(line) for line in lines]
    requests = [entry for entry in entries if entry["message"] == "request"]
    assert {"method", "path", "status", "duration_ms", "user_id"} <= set(requests[0])
    assert any(entry["path"] == "/password/reset/[redacted]" for entry in requests)
    text = "\n".join(lines)
    assert DEMO_PASSWORD not in text and "a-secret-token" not in text and "csrf" not in text.lower()
