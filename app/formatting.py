"""How dates and officers' free text are written on screen and in reports."""
import datetime as dt
import itertools
import re

from markupsafe import Markup, escape

_BULLET = re.compile(r"^\s*[-•]\s+")
_BLOCK_BREAK = re.compile(r"\n\s*\n")


def as_date(value: dt.date | str | None) -> dt.date | None:
    """Dates arrive as date objects or, from report snapshots, as ISO strings."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value) if value else None
    return value


def long_date(value: dt.date | None) -> str:
    """1 September 2023 (GOV.UK style: no leading zero, full month)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def short_date(value: dt.date | None) -> str:
    """1 Sep 2023, for tables."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def short_period(start: dt.date, end: dt.date) -> str:
    """Sep–Oct 2023, or Dec 2023–Jan 2024 across a year's end."""
    if start.year != end.year:
        return f"{start:%b %Y}–{end:%b %Y}"
    if start.month != end.month:
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%b %Y}"


def month_year(value: dt.date | None) -> str:
    return f"{value:%B %Y}" if value else ""


def date_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(dt.timezone.utc)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} UTC"


def prose_blocks(text: str | None) -> list[list[tuple[bool, str]]]:
    """Officers' plain text as its paragraphs (split at blank lines), each a list of its visible lines as
    (is a bullet, the line's text): a line starting "- " or "• " is a bullet, its marker dropped.

    The one reading of the text: prose() and the word diff both start from it, so they lay it out alike.
    """
    blocks = []
    for block in _BLOCK_BREAK.split((text or "").strip()):
        lines = []
        for line in block.splitlines():
            if bullet := _BULLET.match(line):
                lines.append((True, line[bullet.end():].strip()))
            elif line.strip():
                lines.append((False, line.strip()))
        if lines:
            blocks.append(lines)
    return blocks


def prose(text: str | None) -> Markup:
    """Officers' plain text as HTML: blank lines separate paragraphs and lines starting "- " make a list.

    Every piece of the text is escaped before it is wrapped in markup.
    """
    return prose_layout([[(is_bullet, escape(line)) for is_bullet, line in block] for block in prose_blocks(text)])


def prose_layout(blocks) -> Markup:
    """Paragraph blocks of (is_bullet, line HTML) laid out as prose: runs of bullets as a list, other lines
    as a paragraph with line breaks. The line HTML must already be escaped."""
    html = []
    for block in blocks:
        for is_bullet, run in itertools.groupby(block, key=lambda line: line[0]):
            lines = [str(line_html) for _bullet, line_html in run]
            if is_bullet:
                items = "".join(f"<li>{line}</li>" for line in lines)
                html.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            else:
                html.append(f'<p class="govuk-body">{"<br>".join(lines)}</p>')
    return Markup('<div class="wm-prose">' + "".join(html) + "</div>") if html else Markup("")
