"""Two versions of officers' plain text as HTML: the new text laid out as app.formatting.prose() lays it
out, with the words added or removed since the old text marked."""
from __future__ import annotations

import difflib

from markupsafe import Markup, escape

from app.formatting import prose_blocks, prose_layout

# Layout tokens between words: a paragraph break, a line break, and a bullet at the start of a line.
PARAGRAPH, LINE, BULLET = ("paragraph",), ("line",), ("bullet",)
MARKS = {"ins": "added", "del": "removed"}


def _tokens(text: str | None) -> list[tuple[str, ...]]:
    """The text as ("word", w) tokens with the layout tokens prose() would honour between them."""
    tokens: list[tuple[str, ...]] = []
    for block in prose_blocks(text):
        if tokens:
            tokens.append(PARAGRAPH)
        for index, (is_bullet, line) in enumerate(block):
            if index:
                tokens.append(LINE)
            if is_bullet:
                tokens.append(BULLET)
            tokens.extend(("word", word) for word in line.split())
    return tokens


def _words(text: str | None) -> list[str]:
    return (text or "").split()


def text_changed(old: str | None, new: str | None) -> bool:
    """Whether the words differ (whitespace alone is not a change)."""
    return _words(old) != _words(new)


def _line_html(words: list[tuple[str, str | None]]) -> str:
    """Escaped words joined by spaces, each run of added or removed words in one <ins> or <del> that
    starts with visually hidden text saying so."""
    runs: list[tuple[str | None, list[str]]] = []
    for word, mark in words:
        if runs and runs[-1][0] == mark:
            runs[-1][1].append(word)
        else:
            runs.append((mark, [word]))
    parts = []
    for mark, run in runs:
        text = " ".join(str(escape(word)) for word in run)
        if mark:
            text = f'<{mark}><span class="govuk-visually-hidden">{MARKS[mark]}: </span>{text}</{mark}>'
        parts.append(text)
    return " ".join(parts)


def _without_chaff(opcodes, old_tokens):
    """The opcodes with a word or two left in common between changes (a "to" or "the" in a rewritten
    sentence) folded into the change, so a rewrite reads as removed then added rather than as shreds."""
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        chaff = (
            op == "equal"
            and 0 < index < len(opcodes) - 1
            and i2 - i1 <= 2
            and all(token[0] == "word" for token in old_tokens[i1:i2])
        )
        if op != "equal" or chaff:
            if merged and merged[-1][0] == "replace":
                merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
            else:
                merged.append(("replace", i1, i2, j1, j2))
        else:
            merged.append((op, i1, i2, j1, j2))
    return merged


def _marked_stream(old: str | None, new: str | None) -> list[tuple[tuple[str, ...], str | None]]:
    """The new text's tokens, with words added marked "ins" and removed words put back marked "del".

    Layout comes from the new text only: a removed line break or bullet is not drawn.
    """
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    stream: list[tuple[tuple[str, ...], str | None]] = []
    for op, i1, i2, j1, j2 in _without_chaff(matcher.get_opcodes(), old_tokens):
        if op == "equal":
            stream.extend((token, None) for token in new_tokens[j1:j2])
            continue
        if op in ("delete", "replace"):
            stream.extend((token, "del") for token in old_tokens[i1:i2] if token[0] == "word")
        if op in ("insert", "replace"):
            stream.extend((token, "ins" if token[0] == "word" else None) for token in new_tokens[j1:j2])
    return stream


def _lines(stream) -> list[list[tuple[bool, list[tuple[str, str | None]]]]]:
    """Blocks (paragraphs) of lines; each line is (is a bullet, [(word, mark)])."""
    blocks: list[list[tuple[bool, list]]] = [[(False, [])]]
    for token, mark in stream:
        block = blocks[-1]
        if token == PARAGRAPH:
            if block[-1][1] or len(block) > 1:
                blocks.append([(False, [])])
        elif token == LINE:
            if block[-1][1]:
                block.append((False, []))
        elif token == BULLET:
            if block[-1][1]:
                block.append((True, []))
            else:
                block[-1] = (True, block[-1][1])
        else:
            block[-1][1].append((token[1], mark))
    return [[line for line in block if line[1]] for block in blocks if any(line[1] for line in block)]


def word_diff(old: str | None, new: str | None, *, inline: bool = False) -> Markup:
    """The new text laid out as prose() lays it out (paragraphs, line breaks, bullet lists), with words
    added since the old text in <ins> and removed words in <del> where they were.

    Each mark starts with visually hidden text ("added: ", "removed: ") so the change is announced by
    screen readers and is not shown by colour or underline alone. Every word is escaped before it is
    wrapped. `inline` gives the lines joined by <br> with no paragraphs or lists, for table cells.
    """
    blocks = _lines(_marked_stream(old, new))
    if inline:
        return Markup("<br>".join(_line_html(words) for block in blocks for _bullet, words in block))
    return prose_layout([[(is_bullet, _line_html(words)) for is_bullet, words in block] for block in blocks])
