"""The content fingerprint has one canonical form, written out in docs/fingerprint.md, so anyone can recompute a
signed-off revision's fingerprint outside Waymark: a known answer pins the form, and the recipe in the document is
run against the demo's stored snapshots."""
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.reports.content import fingerprint

# Keys deliberately out of order at every level, text with a newline and characters outside ASCII, a null.
SNAPSHOT = {
    "revision": 1,
    "period": {"label": "1 September 2023 – 31 October 2023", "id": 2},
    "overview": "Progress on the Improvement Plan.\nCafé £5.",
    "signed_off_by": None,
    "workstreams": [{"title": "Procurement", "agreed_rag": "GREEN_AMBER", "code": "PRC"}],
}
# The same snapshot in canonical form: keys sorted, no spaces, text as UTF-8 (only JSON's own escapes).
CANONICAL = (
    '{"overview":"Progress on the Improvement Plan.\\nCafé £5.",'
    '"period":{"id":2,"label":"1 September 2023 – 31 October 2023"},'
    '"revision":1,"signed_off_by":null,'
    '"workstreams":[{"agreed_rag":"GREEN_AMBER","code":"PRC","title":"Procurement"}]}'
).encode("utf-8")
# printf '%s' "$CANONICAL" | sha256sum
SHA256 = "506e9e230a492c4ed8ebb595bfaa3448955f9bd79220570ea588c77f8d5cd9aa"

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "fingerprint.md"


def test_the_fingerprint_of_a_fixed_snapshot_is_its_known_sha256():
    assert fingerprint(SNAPSHOT) == SHA256


def test_the_known_answer_is_the_sha256_of_the_canonical_bytes_written_out():
    assert hashlib.sha256(CANONICAL).hexdigest() == SHA256


def test_the_fingerprint_does_not_depend_on_the_order_keys_were_added_in():
    reordered = {key: SNAPSHOT[key] for key in reversed(SNAPSHOT)}
    reordered["period"] = {"id": 2, "label": SNAPSHOT["period"]["label"]}
    assert fingerprint(reordered) == SHA256


def recipe() -> str:
    """The Python one-liner docs/fingerprint.md gives for recomputing a fingerprint."""
    match = re.search(r"^python3 -c '([^']+)'", DOCUMENT.read_text(encoding="utf-8"), re.M)
    assert match, "docs/fingerprint.md gives no python3 -c '...' recipe"
    return match.group(1)


def run_recipe(snapshot_json: bytes) -> str:
    return subprocess.run(
        [sys.executable, "-c", recipe()], input=snapshot_json, capture_output=True, check=True
    ).stdout.decode().strip()


def test_the_document_shows_the_known_answer_and_its_recipe_gives_it():
    document = DOCUMENT.read_text(encoding="utf-8")
    assert CANONICAL.decode("utf-8") in document and SHA256 in document
    assert f"one line, {len(CANONICAL)} bytes" in document
    assert run_recipe(CANONICAL) == SHA256


def test_the_documented_recipe_recomputes_every_stored_fingerprint_from_the_stored_snapshot(app):
    with app.app_context():
        # The snapshot as the database holds it (its own JSON text, not the canonical form).
        stored = db.session.execute(
            sa.text(
                "SELECT CAST(snapshot AS TEXT), content_fingerprint FROM programme_report WHERE state = 'SIGNED_OFF'"
            )
        ).all()
    assert len(stored) == 2
    for snapshot_json, content_fingerprint in stored:
        assert run_recipe(snapshot_json.encode("utf-8")) == content_fingerprint
