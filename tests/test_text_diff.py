"""The word diff: the new text laid out as prose() lays it out, with added and removed words marked."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from app.formatting import prose, prose_blocks, prose_layout
from app.text_diff import text_changed, word_diff

ADDED = '<ins><span class="govuk-visually-hidden">added: </span>'
REMOVED = '<del><span class="govuk-visually-hidden">removed: </span>'


@pytest.mark.parametrize(
    ("old", "new", "marked"),
    [
        # Added words are wrapped in <ins>, announced as added.
        ("The plan is agreed", "The revised plan is agreed", f"The {ADDED}revised</ins> plan is agreed"),
        # Removed words are wrapped in <del>, announced as removed.
        ("The plan is fully agreed", "The plan is agreed", f"The plan is {REMOVED}fully</del> agreed"),
        # A replaced run is shown removed, then added.
        ("Rated green today", "Rated amber and rising today",
         f"Rated {REMOVED}green</del> {ADDED}amber and rising</ins> today"),
        # A stray word in common is folded into a rewrite.
        ("It is going to plan", "We hope to finish soon",
         f"{REMOVED}It is going to plan</del> {ADDED}We hope to finish soon</ins>"),
    ],
    ids=["added", "removed", "replaced", "rewritten"],
)
def test_word_diff_marks_added_and_removed_words_announced_to_screen_readers(old, new, marked):
    assert str(word_diff(old, new, inline=True)) == marked


def test_word_diff_of_the_same_words_marks_nothing_and_is_not_a_change():
    html = str(word_diff("One  two\nthree", "One two\nthree", inline=True))
    assert html == "One two<br>three"
    assert not text_changed("One  two\nthree", "One two\nthree")
    assert text_changed("One two", "One three")


def test_word_diff_lays_out_paragraphs_and_bullets_as_prose_does():
    old = "First para.\n\n- one\n- two"
    new = "First para.\n\n- one\n- two\n- three\n\nLast"
    assert str(word_diff(new, new)) == str(prose(new))
    assert str(word_diff(old, new)) == (
        '<div class="wm-prose"><p class="govuk-body">First para.</p>'
        f'<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li><li>{ADDED}three</ins></li></ul>'
        f'<p class="govuk-body">{ADDED}Last</ins></p></div>'
    )


def test_word_diff_shows_removed_lines_where_they_were_without_their_layout():
    html = str(word_diff("- one\n- two\n- three", "- one\n- three"))
    assert html == (
        '<div class="wm-prose"><ul class="govuk-list govuk-list--bullet">'
        f"<li>one</li><li>{REMOVED}two</del> three</li></ul></div>"
    )


def test_word_diff_escapes_markup_in_officers_text_on_both_sides():
    for inline in (False, True):
        result = word_diff("Old <b>bold</b> & text", "New <script>alert(1)</script> & text", inline=inline)
        assert isinstance(result, Markup)
        html = str(result)
        assert "<script>" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
        assert "&amp; text" in html


# Text as officers type it: words (some with markup), bullets of both kinds, and every kind of line break.
PIECES = st.sampled_from(
    ["plan", "agreed", "risk", "to", "the", "<b>", "&", "é", "- ", "• ", "-", " ", "\t", "\n", "\r\n", "\n\n", " \n ",
     "\n- ", "\n• ", "\u2028", "\x85", "\xa0"]
)
TEXT = st.lists(PIECES, max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_word_diff_of_unchanged_text_has_the_paragraphs_lines_and_bullets_prose_reads(text):
    blocks = prose_blocks(text)
    # prose() draws a bullet marker alone on a line as an empty item; the diff, made of words, does not.
    assume(all(line.split() for block in blocks for _bullet, line in block))
    words = [[(bullet, escape(" ".join(line.split()))) for bullet, line in block] for block in blocks]
    assert str(word_diff(text, text)) == str(prose_layout(words))
