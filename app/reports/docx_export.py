"""The board pack as a Word document, from the report's content dict (a signed-off snapshot or the live report).

Officers paste parts of the pack into committee reports, so the document uses Word's own structure: Heading 1-4
styles, "List Bullet" paragraphs and real tables (header rows repeat on each page; rows do not split across
pages). RAG ratings are always written as text; the cell shading in the rating's colour is a light tint, so black
text stays readable.

This module is the pack's layout: its sections, their order, headings and tables. How they are written as
WordprocessingML is app.reports.word_document's. The same content always gives the same bytes: core properties
come from the content, never the clock.
"""
from __future__ import annotations

import datetime as dt
import itertools

import docx

from app.formatting import date_time, long_date, prose_blocks
from app.models.updates import MilestoneStatus, UpdateState
from app.rag import RAG, RAG_PALETTE
from app.reports import word_document as word
from app.reports.content import fingerprint

DRAFT_MARK = "DRAFT – not signed off"
TITLE = "Programme Level Highlight Report for the Period: {label}"
RUNNING_HEAD = "Programme Level Highlight Report: {label}"

# The palette's light tints as cell shading: black text on each is well above 4.5:1 contrast.
RAG_FILLS = {rag: colours.tint.removeprefix("#").upper() for rag, colours in RAG_PALETTE.items() if rag is not None}
HEADING_COLOUR = "1F3864"

# A4 portrait with 2 cm margins: 9638 twips (17 cm) of text width.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1134
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Without a sign-off time the document is dated the period's last day (or, failing that, this): never "now".
FALLBACK_STAMP = dt.datetime(2000, 1, 1)


def build_docx(content: dict, draft: bool) -> bytes:
    """The board pack for `content` (reports.content.report_content() or a revision's snapshot) as .docx bytes.

    `draft` marks every page's header "DRAFT – not signed off" (and shows the sign-off as not done)."""
    document = docx.Document()
    # Darker than the template's blues, for contrast.
    word.set_style_colour(document, ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Subtitle"), HEADING_COLOUR)
    word.set_language(document, "en-GB")
    running_head = RUNNING_HEAD.format(label=content["period"]["label"])
    if isinstance(content.get("revision"), int) and content["revision"] > 1:
        running_head += f", revision {content['revision']}"  # as the PDF pack's running head
    _page_setup(document, running_head, draft)
    _core_properties(document, content, draft)
    doc = word.Body(document)
    _report(doc, content, draft)
    doc.close()
    return word.deterministic_zip(document)


# ---------------------------------------------------------------------------------------------------------------
# The report


def _report(doc: word.Body, content: dict, draft: bool) -> None:
    """The pack's sections, in the seed report's order."""
    label = content["period"]["label"]
    sections = content.get("workstreams") or []
    anchors = {name: f"_Wm{n}" for n, name in enumerate(
        ["overview", "status", "changes", "workstreams", "methodology", "sign-off"], start=1)}
    workstream_anchors = [f"_WmWs{n}" for n in range(1, len(sections) + 1)]

    doc.paragraph(TITLE.format(label=label), "Title")
    doc.paragraph("Improvement Plan", "Subtitle")
    if draft:
        doc.paragraph(DRAFT_MARK, bold=True)
    _contents(
        doc, [
            (0, "Lead Executive Director Overview", anchors["overview"]),
            (0, "Individual Workstream Status", anchors["status"]),
            (0, "Changes since the last pack", anchors["changes"]),
            (0, "Workstream Highlight Reports", anchors["workstreams"]),
            *((1, s["workstream"]["title"], a) for s, a in zip(sections, workstream_anchors)),
            (0, "Appendix: RAG methodology", anchors["methodology"]),
            (0, "Sign-off", anchors["sign-off"]),
        ]
    )

    doc.heading(1, "Lead Executive Director Overview", anchor=anchors["overview"], page_break=True)
    _prose(doc, content.get("overview"), empty="Not written yet.")
    if content.get("overview") and content.get("overview_by"):
        doc.paragraph(f"Overview by {content['overview_by']}", italic=True)

    doc.heading(1, "Individual Workstream Status", anchor=anchors["status"])
    doc.table(
        "Individual workstream status",
        [5638, 2000, 2000],
        ["Workstream", "This Period", "Last Period"],
        [
            [
                row["workstream"],
                _rag(row.get("rag_this_period"), "Not agreed"),
                _rag(row.get("rag_last_period"), "No rating"),
            ]
            for row in content.get("status_table") or []
        ],
    )

    doc.heading(1, "Changes since the last pack", anchor=anchors["changes"])
    _changes(doc, content.get("changes") or {})

    doc.heading(1, "Workstream Highlight Reports", anchor=anchors["workstreams"], page_break=True)
    without_update = [row["workstream"] for row in content.get("status_table") or [] if not row.get("update_id")]
    if without_update:
        doc.paragraph("No update has been submitted for: " + ", ".join(without_update) + ".")
    for number, (section, anchor) in enumerate(zip(sections, workstream_anchors)):
        _workstream(doc, section, label, anchor, page_break=number > 0)

    doc.heading(1, "Appendix: RAG methodology", anchor=anchors["methodology"], page_break=True)
    _prose(doc, content.get("rag_methodology_intro"), empty="")
    doc.table(
        "RAG ratings and what they mean",
        [2000, TEXT_WIDTH - 2000],
        ["Rating", "Definition"],
        [[_rag(level["rating"], ""), level["definition"]] for level in content.get("rag_methodology") or []],
    )

    doc.heading(1, "Sign-off", anchor=anchors["sign-off"])
    _sign_off(doc, content, draft)


def _contents(doc: word.Body, entries: list[tuple[int, str, str]]) -> None:
    doc.paragraph("Contents", bold=True, size=28, keep_next=True)
    for level, text, anchor in entries:
        doc.link(text, anchor, indent=567 * level, spacing_after=60)


def _changes(doc: word.Body, changes: dict) -> None:
    if not changes.get("previous_period"):
        doc.paragraph("This is the first reporting period, so there is no earlier pack to compare with.")
        return
    doc.paragraph(f"Compared with the last pack, for {changes['previous_period']}.")
    # Each table: its heading (and caption), the list in `changes` it shows, column widths, header, a row's cells.
    for title, key, widths, header, cells in (
        ("Ratings that moved", "ratings_moved", [2600, 1500, 1500, TEXT_WIDTH - 5600],
         ["Workstream", "From", "To", "Reason"],
         lambda m: [m["workstream"], _rag(m.get("from"), ""), _rag(m.get("to"), ""),
                    _Prose(m.get("reason"), "No reason given.")]),
        ("Milestones completed", "milestones_completed", [2600, 1300, TEXT_WIDTH - 3900],
         ["Workstream", "Ref", "Milestone"],
         lambda m: [m["workstream"], m.get("reference") or "", _Prose(m.get("description"), "")]),
        ("Milestones slipped", "milestones_slipped", [2000, 1200, 2600, 1100, TEXT_WIDTH - 6900],
         ["Workstream", "Ref", "Milestone", "Periods late", "Note"],
         lambda m: [m["workstream"], m.get("reference") or "", _Prose(m.get("description"), ""),
                    str(m.get("periods_late") or ""), _Prose(m.get("note"), "")]),
        ("Risks opened", "risks_opened", [2600, 1300, TEXT_WIDTH - 3900],
         ["Workstream", "Ref", "Risk"],
         lambda r: [r["workstream"], r.get("reference") or "", _Prose(r.get("description"), "")]),
        ("Risks closed", "risks_closed", [2000, 1200, 3000, TEXT_WIDTH - 6200],
         ["Workstream", "Ref", "Risk", "Closure note"],
         lambda r: [r["workstream"], r.get("reference") or "", _Prose(r.get("description"), ""),
                    _Prose(r.get("closure_note"), "")]),
    ):
        doc.heading(2, title)
        _table_or_none(doc, title, widths, header, [cells(item) for item in changes.get(key) or []])


def _workstream(doc: word.Body, section: dict, period_label: str, anchor: str, page_break: bool) -> None:
    details = section["workstream"]
    title = details["title"]
    doc.heading(2, title, anchor=anchor, page_break=page_break)
    state = section.get("state")
    if state and state != "APPROVED":
        state_label = UpdateState[state].label if state in UpdateState.__members__ else state
        doc.paragraph(f"This update is not yet approved by the workstream sponsor (status: {state_label}).",
                      italic=True)

    doc.heading(3, "Project Description")
    _prose(doc, details.get("description"), empty="No description recorded.")

    doc.heading(3, "Project Outcomes")
    outcomes = details.get("outcomes") or []
    if not outcomes:
        doc.paragraph("No outcomes recorded.")
    for heading, group in itertools.groupby(outcomes, key=lambda o: o.get("heading")):
        if heading:
            doc.heading(4, heading)
        for outcome in group:
            doc.paragraph(outcome.get("text") or "", "List Bullet")

    doc.heading(3, "Project Details")
    forecast = _long_date(details.get("forecast_completion_date")) or "Not set"
    slippage = section.get("forecast_slippage_days") or 0
    if slippage > 0:
        forecast += f" ({slippage} day{'s' if slippage != 1 else ''} later than agreed)"
    _key_values(
        doc, f"{title}: project details",
        [
            ("Workstream Sponsor", ", ".join(details.get("sponsors") or []) or "Not recorded"),
            ("Project Manager/s", ", ".join(details.get("project_managers") or []) or "Not recorded"),
            ("PMO Support", ", ".join(details.get("pmo_support") or []) or "Not recorded"),
            ("Agreed Completion Date", _long_date(details.get("agreed_completion_date")) or "Not set"),
            ("Forecast Completion Date", forecast),
            ("Reporting Period", period_label),
        ],
    )

    doc.heading(3, "Project Status")
    _key_values(
        doc, f"{title}: project status",
        [
            ("This Period", _rag(section.get("rag_this_period"), "Not agreed")),
            ("Previous Period", _rag(section.get("rag_last_period"), "No rating")),
        ],
    )
    if not section.get("agreed_rag") and section.get("proposed_rag"):
        proposed_label = _rag_label(section["proposed_rag"])
        doc.paragraph(
            f"Proposed by the project team as {proposed_label}; not yet agreed by the workstream sponsor.",
            italic=True,
        )

    trend = section.get("rag_trend") or []
    if trend:
        doc.heading(3, "RAG Trend")
        doc.table(
            f"{title}: agreed RAG rating over recent periods",
            [3400, 2600],
            ["Period", "Agreed Rating"],
            [[point.get("period") or "", _rag(point.get("rag"), "Not agreed")] for point in trend],
        )

    doc.heading(3, "Key Activities")
    _prose(doc, section.get("key_activities"))
    doc.heading(3, "Engagement")
    _prose(doc, section.get("engagement"))
    doc.heading(3, "Concerns/Issues")
    _prose(doc, section.get("concerns"))
    doc.heading(3, "RAG Rating Rationale")
    _prose(doc, section.get("rag_rationale"))
    if (section.get("rag_change_reason") or "").strip():
        doc.heading(4, "Reason for the Change of Rating")
        _prose(doc, section["rag_change_reason"])

    doc.heading(3, "Workstream Sponsor Comments")
    _prose(doc, section.get("sponsor_comments"))
    proposed, agreed = section.get("proposed_rag"), section.get("agreed_rag")
    if proposed and agreed and proposed != agreed:
        doc.heading(4, "Why a Different Rating Was Agreed")
        doc.paragraph(f"The project team proposed {_rag_label(proposed)}; "
                      f"the workstream sponsor agreed {_rag_label(agreed)}.")
        _prose(doc, section.get("agreed_rag_justification"), empty="No justification recorded.")

    doc.heading(3, "Key Milestones/Activities this Period")
    _table_or_none(
        doc, f"{title}: key milestones and activities this period",
        [1300, 4600, TEXT_WIDTH - 5900],
        ["Ref", "Milestone", "Status"],
        [[m.get("reference") or "", _Prose(m.get("description"), ""), _MilestoneStatusCell(m)]
         for m in section.get("milestones_this_period") or []],
        none_text="No milestones were planned for this period.",
    )

    doc.heading(3, "Key Milestones/Activities Planned for Next Period")
    _table_or_none(
        doc, f"{title}: key milestones and activities planned for next period",
        [1300, TEXT_WIDTH - 1300],
        ["Ref", "Milestone"],
        [
            [m.get("reference") or "", _Prose(m.get("description"), "")]
            for m in section.get("milestones_next_period") or []
        ],
        none_text="None planned yet.",
    )

    doc.heading(3, "Project Risks")
    _table_or_none(
        doc, f"{title}: project risks",
        [1300, 3900, TEXT_WIDTH - 5200],
        ["Ref", "Risk Description", "Mitigation"],
        [
            [_RiskRefCell(r), _Prose(r.get("description"), ""), _MitigationCell(r)]
            for r in section.get("risks") or []
        ],
        none_text="No risks recorded.",
    )

    doc.heading(3, "Report Completed")
    _key_values(
        doc, f"{title}: report completed",
        [
            ("Report Completed By", section.get("completed_by") or "Not yet submitted"),
            ("Completion Date", _long_date(section.get("completion_date")) or "Not yet submitted"),
        ],
    )


def _sign_off(doc: word.Body, content: dict, draft: bool) -> None:
    revision = str(content.get("revision") or "")
    if content.get("reopen_reason"):
        revision += f": {content['reopen_reason']}"
    signed = not draft and bool(content.get("signed_off_by") or content.get("signed_off_at"))
    if not signed:
        _key_values(doc, "Sign-off", [("Status", "Not signed off"), ("Revision", revision),
                                      ("Content fingerprint (SHA-256)", "None until signed off")])
        return
    signed_at = _datetime(content.get("signed_off_at"))
    signed_by = content.get("signed_off_by") or "Not recorded"
    _key_values(
        doc, "Sign-off",
        [
            ("Signed off by", f"{signed_by}, for the Corporate Management Team"),
            ("Signed off at", date_time(signed_at) if signed_at else "Not recorded"),
            ("CMT meeting date", _long_date(content.get("cmt_meeting_date")) or "Not recorded"),
            ("Revision", revision),
            ("Content fingerprint (SHA-256)", _Mono(fingerprint(content))),
        ],
    )


def _prose(doc: word.Body, text: str | None, empty: str = "None recorded.", gap: int | None = None, parent=None):
    """Officers' text read as app.formatting.prose_blocks reads it: bullets as list paragraphs, other lines
    of a paragraph kept as breaks within it. Written as literal text."""
    parent = doc.element if parent is None else parent
    written = 0
    for block in prose_blocks(text):
        for is_bullet, run in itertools.groupby(block, key=lambda line: line[0]):
            if is_bullet:
                for _bullet, line in run:
                    p = word.add_paragraph(parent, doc.style_id("List Bullet"), spacing_before=gap if written else None)
                    word.add_run(p, line)
                    written += 1
            else:
                p = word.add_paragraph(parent, spacing_before=gap if written else None)
                word.add_run(p, "\n".join(line for _bullet, line in run))
                written += 1
    if not written and empty:
        word.add_run(word.add_paragraph(parent), empty)


def _table_or_none(doc: word.Body, caption, widths, header, rows, none_text="None."):
    if rows:
        doc.table(caption, widths, header, rows)
    else:
        doc.paragraph(none_text)


def _key_values(doc: word.Body, caption: str, rows: list[tuple[str, object]]) -> None:
    """A two-column table of labels (bold, shaded) and values, without a header row."""
    doc.table(caption, [3200, TEXT_WIDTH - 3200], None, [[word.row_header(key), value] for key, value in rows])


# ---------------------------------------------------------------------------------------------------------------
# Cell contents other than plain strings


def _rag(name: str | None, none_text: str) -> word.Text:
    """A rating as text, bold on its colour; `none_text` where there is none."""
    rag = RAG.named(name)
    return word.Text(_rag_label(name) or none_text, bold=rag is not None, fill=RAG_FILLS.get(rag))


class _Prose(word.Cell):
    __slots__ = ("text", "empty")

    def __init__(self, text: str | None, empty: str):
        self.text, self.empty = text, empty

    def write(self, body: word.Body, tc) -> None:
        _prose(body, self.text, empty=self.empty, gap=80, parent=tc)


class _Mono(word.Cell):
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def write(self, body: word.Body, tc) -> None:
        word.add_run(word.add_paragraph(tc), self.text, font="Courier New", size=18)


class _MilestoneStatusCell(word.Cell):
    """The status label, the officer's note (unless it only repeats the label) and how often it slipped before."""

    __slots__ = ("milestone",)

    def __init__(self, milestone: dict):
        self.milestone = milestone

    def write(self, body: word.Body, tc) -> None:
        m = self.milestone
        status = m.get("status")
        label = MilestoneStatus[status].label if status in MilestoneStatus.__members__ else (status or "")
        word.add_run(word.add_paragraph(tc), label or "Not yet given", bold=bool(label))
        note = (m.get("status_note") or "").strip()
        if note and note != label:
            _prose(body, note, empty="", gap=80, parent=tc)
        earlier = m.get("periods_delayed_before") or 0
        if earlier > 0:
            p = word.add_paragraph(tc, spacing_before=80)
            word.add_run(p, f"Delayed in {earlier} earlier period{'s' if earlier != 1 else ''}", italic=True)


class _RiskRefCell(word.Cell):
    __slots__ = ("risk",)

    def __init__(self, risk: dict):
        self.risk = risk

    def write(self, body: word.Body, tc) -> None:
        word.add_run(word.add_paragraph(tc), self.risk.get("reference") or "")
        if self.risk.get("status") == "CLOSED":
            word.add_run(word.add_paragraph(tc), "Closed", bold=True)


class _MitigationCell(word.Cell):
    __slots__ = ("risk",)

    def __init__(self, risk: dict):
        self.risk = risk

    def write(self, body: word.Body, tc) -> None:
        _prose(body, self.risk.get("mitigation"), empty="", gap=80, parent=tc)
        if self.risk.get("status") == "CLOSED" or self.risk.get("closure_note"):
            note = (self.risk.get("closure_note") or "").strip()
            p = word.add_paragraph(tc, spacing_before=80)
            word.add_run(p, "Closed", bold=True)
            if note:
                word.add_run(p, f": {note}")


# ---------------------------------------------------------------------------------------------------------------
# Page and properties


def _page_setup(document, running_head: str, draft: bool) -> None:
    section = document.sections[0]
    word.set_page(section, PAGE_WIDTH, PAGE_HEIGHT, MARGIN, header_distance=567)
    word.set_header(section, running_head, bold_line=DRAFT_MARK if draft else None)
    word.set_page_numbers(section)


def _core_properties(document, content: dict, draft: bool) -> None:
    revision = content.get("revision")
    stamp = _datetime(content.get("signed_off_at"))
    if stamp is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    else:
        end = _date(content["period"].get("end_date"))
        stamp = dt.datetime(end.year, end.month, end.day) if end else FALLBACK_STAMP
    word.set_core_properties(
        document,
        title=TITLE.format(label=content["period"]["label"]),
        subject="Improvement Plan",
        author="Waymark",
        category="Programme highlight report",
        keywords="Improvement Plan; highlight report",
        language="en-GB",
        revision=revision if isinstance(revision, int) and revision > 0 else 1,
        status="Draft" if draft else "Signed off",
        comments="Draft: not signed off" if draft else f"Revision {revision}",
        stamp=stamp,
    )


# ---------------------------------------------------------------------------------------------------------------
# Values


def _rag_label(name: str | None) -> str:
    rag = RAG.named(name)
    return rag.label if rag else (name or "")


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _long_date(value: str | None) -> str:
    day = _date(value)
    return long_date(day) if day else (value or "")


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
