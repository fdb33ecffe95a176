"""Properties of the draft editor over arbitrary text: what is stored is what was sent, stripped of
surrounding whitespace (the app does not otherwise change it: no newline normalisation, no HTML cleaning);
it is always shown escaped; over the limit nothing is stored.

Each example runs inside `rolled_back(app)`, so the requests share one transaction that is rolled back
afterwards: every example starts from the demo draft and the database does not grow across examples."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.extensions import db
from app.formatting import prose_blocks
from app.forms import LONG_TEXT, SHORT_TEXT
from app.models import AuditEvent, Risk, WorkstreamUpdate
from tests.conftest import error_beside, post, rolled_back, text
from tests.editing import list_section, textarea
from tests.personas import LOUISA_SIMPSON

FUNCTION_SCOPED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

# Text people paste: markup, entities, quotes, line breaks of every kind, and non-ASCII letters.
PIECES = st.sampled_from([
    "<script>alert('x')</script>", "<SCRIPT src=//evil>", "</textarea>", "<b>bold</b>", "&amp;", "&lt;", "&", "'",
    '"', "\n", "\r\n", "\r", "\n\n", " ", "\t", "- ", "• ", "é", "名前", "🙂", "\u2028", "\xa0", "{{ 7*7 }}", "%s",
])
# PostgreSQL cannot store NUL in text; that is pinned by its own test below, so the properties leave it out.
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
SHORT = st.lists(st.one_of(PIECES, st.text(CHARACTERS, max_size=12)), max_size=12).map("".join)
PADDING = st.sampled_from(["", " ", "\n", "  \r\n\t", "\u3000", "\xa0\n"])


def _long(limit: int):
    """Strings of about `limit` characters, built from a repeated chunk, some over the limit once stripped."""
    return st.builds(
        lambda chunk, length, before, after: before + (chunk * (length // len(chunk) + 1))[:length] + after,
        st.one_of(PIECES, st.text(CHARACTERS, min_size=1, max_size=8)),
        st.sampled_from([limit - 1, limit, limit + 1, limit + 3]),
        PADDING,
        PADDING,
    )


PADDED = st.builds(lambda a, b, c: a + b + c, PADDING, SHORT, PADDING)


def texts(limit: int):
    """Short text, short text with surrounding whitespace, or text around the limit, equally often."""
    return st.sampled_from([SHORT, PADDED, _long(limit)]).flatmap(lambda strategy: strategy)


def shown_line(text_: str) -> str | None:
    """The first visible line of the text as the update page writes it (read as app.formatting.prose reads
    it), or None when the text has no visible line."""
    return next((line for block in prose_blocks(text_) for _bullet, line in block), None)


def script_tags(html: str) -> int:
    return html.lower().count("<script")


@pytest.fixture
def louisa(person):
    return person(LOUISA_SIMPSON)


@pytest.fixture
def prc(ids):
    return ids.update("PRC", "nov_dec")


@pytest.fixture
def pages_without_text(app, louisa, prc):
    """How many <script> tags the editor and the update page have of their own."""
    return script_tags(text(louisa.get(f"/updates/{prc}/edit"))), script_tags(text(louisa.get(f"/updates/{prc}")))


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def as_stored(typed: str) -> str:
    """What the app promises to store: one kind of line break, no NUL characters, no surrounding space."""
    return typed.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def _save_and_check(app, client, update_id, own_script_tags, typed):
    """POST the text as the key activities; check what is stored, and how the editor and update page show it."""
    expected = as_stored(typed)
    event("over the limit" if len(expected) > LONG_TEXT else "long" if len(expected) > 1000 else "short")
    with rolled_back(app):
        update = db.session.get(WorkstreamUpdate, update_id)
        version, before, events = update.version, update.key_activities, _audit_count()
        response = post(client, f"/updates/{update_id}/edit", version=version, key_activities=typed,
                        **{"base::key_activities": before})
        db.session.expire_all()
        update = db.session.get(WorkstreamUpdate, update_id)
        if len(expected) > LONG_TEXT:
            assert response.status_code == 422
            assert "Key activities must be 20,000 characters or fewer" in error_beside(text(response), "key_activities")
            assert (update.key_activities, update.version, _audit_count()) == (before, version, events)
            return
        assert response.status_code == 302
        assert update.key_activities == expected
        assert _audit_count() == events + (1 if expected != before else 0)

        editor = text(client.get(f"/updates/{update_id}/edit"))
        assert textarea(editor, "key_activities") == str(escape(expected))
        assert script_tags(editor) == own_script_tags[0]

        page = text(client.get(f"/updates/{update_id}"))
        assert script_tags(page) == own_script_tags[1]
        line = shown_line(expected)
        if line is not None:
            assert str(escape(line)) in page


@settings(max_examples=50, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(typed=st.one_of(SHORT, PADDED))
def test_saved_key_activities_are_the_text_sent_stripped_and_are_always_shown_escaped(
    app, louisa, prc, pages_without_text, typed
):
    _save_and_check(app, louisa, prc, pages_without_text, typed)


@settings(max_examples=40, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(typed=_long(LONG_TEXT))
def test_key_activities_around_the_limit_are_stored_up_to_20000_characters_after_stripping_and_refused_beyond(
    app, louisa, prc, pages_without_text, typed
):
    _save_and_check(app, louisa, prc, pages_without_text, typed)


@settings(max_examples=50, deadline=None, suppress_health_check=FUNCTION_SCOPED)
@given(description=texts(SHORT_TEXT), mitigation=SHORT, htmx=st.booleans())
def test_an_added_risk_stores_its_text_stripped_and_shows_it_escaped(app, louisa, prc, description, mitigation, htmx):
    expected = as_stored(description)
    event("empty" if not expected else "over the limit" if len(expected) > SHORT_TEXT else "stored")
    with rolled_back(app):
        risks_before = [r.id for r in db.session.scalars(sa.select(Risk).where(Risk.update_id == prc))]
        events = _audit_count()
        response = post(louisa, f"/updates/{prc}/risks", htmx=htmx, description=description, mitigation=mitigation)
        db.session.expire_all()
        risks = db.session.scalars(sa.select(Risk).where(Risk.update_id == prc).order_by(Risk.position)).all()
        html = text(response)
        if not expected or len(expected) > SHORT_TEXT:
            assert response.status_code == 422
            message = "Enter the risk" if not expected else "The risk description must be 4,000 characters or fewer"
            assert error_beside(html, "risks-new-description") == message
            assert [r.id for r in risks] == risks_before
            assert _audit_count() == events
            return
        assert response.status_code == (200 if htmx else 302)
        new = risks[-1]
        assert len(risks) == len(risks_before) + 1
        # Every example starts again from the demo's five risks.
        assert (new.reference, new.position) == ("PRC-R06", 6)
        assert (new.description, new.mitigation) == (expected, as_stored(mitigation))
        assert _audit_count() == events + 1
        if not htmx:
            html = text(louisa.get(f"/updates/{prc}/edit"))
        shown = list_section(html, "risks")
        assert f'<p class="govuk-body govuk-!-margin-bottom-1">{escape(expected)}</p>' in shown
        assert script_tags(shown) == 0


def test_a_nul_character_in_the_text_never_causes_a_server_error(app, louisa, prc):
    with rolled_back(app):
        version = db.session.get(WorkstreamUpdate, prc).version
        response = post(louisa, f"/updates/{prc}/edit", version=version, key_activities="before\x00after")
        assert response.status_code in (302, 422)
