"""The board pack as a Word document, from the report's content dict (a signed-off snapshot or the live report).

Officers paste parts of the pack into committee reports, so the document uses Word's own structure: Heading 1-4
styles, "List Bullet" paragraphs and real tables (header rows repeat on each page; rows do not split across
pages). RAG ratings are always written as text; the cell shading in the rating's colour is a light tint, so black
text stays readable.

python-docx is slow where it looks things up per call (styles by name, a table's cells by index), so the body is
written as WordprocessingML elements directly, with style ids resolved once. The same content always gives the
same bytes: core properties come from the content and the zip entries carry a fixed timestamp.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Iterable

import docx
from docx.oxml.ns import qn
from lxml.etree import SubElement

from app.formatting import date_time, long_date
from app.models.updates import MilestoneStatus, UpdateState
from app.rag import RAG
from app.reports import word_document as word
from app.reports.content import fingerprint
from app.reports.word_document import (
    W_GRIDCOL, W_ID, W_NAME, W_P, W_SHD, W_TBL, W_TBLGRID, W_TBLPR, W_TC, W_TCPR, W_TCW, W_TR, W_TRPR, W_TYPE, W_VAL,
    W_W,
)

DRAFT_MARK = "DRAFT – not signed off"
TITLE = "Programme Level Highlight Report for the Period: {label}"
RUNNING_HEAD = "Programme Level Highlight Report: {label}"

# Light tints of the RAG colours: black text on each is well above 4.5:1 contrast.
RAG_FILLS = {
    RAG.GREEN: "CCE2D8",
    RAG.GREEN_AMBER: "E4EEC2",
    RAG.AMBER: "FCD6C3",
    RAG.AMBER_RED: "F9C5B0",
    RAG.RED: "F4CDC6",
}
HEADER_FILL = "F3F2F1"
HEADING_COLOUR = "1F3864"

# A4 portrait with 2 cm margins: 9638 twips (17 cm) of text width.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 11906, 16838, 1134
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Without a sign-off time the document is dated the period's last day (or, failing that, this): never "now".
FALLBACK_STAMP = dt.datetime(2000, 1, 1)

_BULLET = re.compile(r"^\s*[-•]\s+")  # the same rule as app.formatting.prose
_BLOCK_BREAK = re.compile(r"\n\s*\n")


def build_docx(content: dict, draft: bool) -> bytes:
    """The board pack for `content` (reports.content.report_content() or a revision's snapshot) as .docx bytes.

    `draft` marks every page's header "DRAFT – not signed off" (and shows the sign-off as not done)."""
    document = docx.Document()
    writer = _Writer(document)
    running_head = RUNNING_HEAD.format(label=content["period"]["label"])
    if isinstance(content.get("revision"), int) and content["revision"] > 1:
        running_head += f", revision {content['revision']}"  # as the PDF pack's running head
    _page_setup(document, running_head, draft)
    _core_properties(document, content, draft)
    writer.report(content, draft)
    return word.deterministic_zip(document)


# ---------------------------------------------------------------------------------------------------------------
# The report


class _Writer:
    """Writes the report's paragraphs and tables straight into the document body."""

    def __init__(self, document):
        self.body = document.element.body
        self._sect_pr = self.body[-1]  # the body's closing w:sectPr; content goes before it
        styles = document.styles
        self.style = {
            name: styles[name].style_id
            for name in (
                "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet", "Table Grid",
            )
        }
        # Darker than the template's blues, for contrast.
        word.set_style_colour(document, ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Subtitle"), HEADING_COLOUR)
        word.set_language(document, "en-GB")
        self._bookmark = itertools.count(1)

    # -- the sections, in the seed report's order ----------------------------------------------------------------

    def report(self, content: dict, draft: bool) -> None:
        label = content["period"]["label"]
        sections = content.get("workstreams") or []
        anchors = {name: f"_Wm{n}" for n, name in enumerate(
            ["overview", "status", "changes", "workstreams", "methodology", "sign-off"], start=1)}
        workstream_anchors = [f"_WmWs{n}" for n in range(1, len(sections) + 1)]

        self.paragraph(self.style["Title"], TITLE.format(label=label))
        self.paragraph(self.style["Subtitle"], "Improvement Plan")
        if draft:
            self.paragraph(None, DRAFT_MARK, bold=True)
        self.contents(
            [
                (0, "Lead Executive Director Overview", anchors["overview"]),
                (0, "Individual Workstream Status", anchors["status"]),
                (0, "Changes since the last pack", anchors["changes"]),
                (0, "Workstream Highlight Reports", anchors["workstreams"]),
                *((1, s["workstream"]["title"], a) for s, a in zip(sections, workstream_anchors)),
                (0, "Appendix: RAG methodology", anchors["methodology"]),
                (0, "Sign-off", anchors["sign-off"]),
            ]
        )

        self.heading(1, "Lead Executive Director Overview", anchor=anchors["overview"], page_break=True)
        self.prose(self.body, content.get("overview"), empty="Not written yet.")
        if content.get("overview") and content.get("overview_by"):
            self.paragraph(None, f"Overview by {content['overview_by']}", italic=True)

        self.heading(1, "Individual Workstream Status", anchor=anchors["status"])
        self.table(
            "Individual workstream status",
            [5638, 2000, 2000],
            ["Workstream", "This Period", "Last Period"],
            [
                [
                    row["workstream"],
                    _Rag(row.get("rag_this_period"), "Not agreed"),
                    _Rag(row.get("rag_last_period"), "No rating"),
                ]
                for row in content.get("status_table") or []
            ],
        )

        self.heading(1, "Changes since the last pack", anchor=anchors["changes"])
        self.changes(content.get("changes") or {})

        self.heading(1, "Workstream Highlight Reports", anchor=anchors["workstreams"], page_break=True)
        without_update = [row["workstream"] for row in content.get("status_table") or [] if not row.get("update_id")]
        if without_update:
            self.paragraph(None, "No update has been submitted for: " + ", ".join(without_update) + ".")
        for number, (section, anchor) in enumerate(zip(sections, workstream_anchors)):
            self.workstream(section, label, anchor, page_break=number > 0)

        self.heading(1, "Appendix: RAG methodology", anchor=anchors["methodology"], page_break=True)
        self.prose(self.body, content.get("rag_methodology_intro"), empty="")
        self.table(
            "RAG ratings and what they mean",
            [2000, TEXT_WIDTH - 2000],
            ["Rating", "Definition"],
            [[_Rag(level["rating"], ""), level["definition"]] for level in content.get("rag_methodology") or []],
        )

        self.heading(1, "Sign-off", anchor=anchors["sign-off"])
        self.sign_off(content, draft)
        word.add_paragraph(self.body, None)  # the document ends with a paragraph, not a table
        self.body.append(self._sect_pr)  # keep the section properties last

    def contents(self, entries: list[tuple[int, str, str]]) -> None:
        self.paragraph(None, "Contents", bold=True, size=28, keep_next=True)
        for level, text, anchor in entries:
            p = word.add_paragraph(self.body, None, indent=567 * level, spacing_after=60)
            link = SubElement(p, qn("w:hyperlink"))
            link.set(qn("w:anchor"), anchor)
            link.set(qn("w:history"), "1")
            word.add_run(link, text, link=True)

    def changes(self, changes: dict) -> None:
        if not changes.get("previous_period"):
            self.paragraph(None, "This is the first reporting period, so there is no earlier pack to compare with.")
            return
        self.paragraph(None, f"Compared with the last pack, for {changes['previous_period']}.")
        self.heading(2, "Ratings that moved")
        self.table_or_none(
            "Ratings that moved",
            [2600, 1500, 1500, TEXT_WIDTH - 5600],
            ["Workstream", "From", "To", "Reason"],
            [
                [
                    m["workstream"],
                    _Rag(m.get("from"), ""),
                    _Rag(m.get("to"), ""),
                    _Prose(m.get("reason"), "No reason given."),
                ]
                for m in changes.get("ratings_moved") or []
            ],
        )
        self.heading(2, "Milestones completed")
        self.table_or_none(
            "Milestones completed",
            [2600, 1300, TEXT_WIDTH - 3900],
            ["Workstream", "Ref", "Milestone"],
            [[m["workstream"], m.get("reference") or "", _Prose(m.get("description"), "")]
             for m in changes.get("milestones_completed") or []],
        )
        self.heading(2, "Milestones slipped")
        self.table_or_none(
            "Milestones slipped",
            [2000, 1200, 2600, 1100, TEXT_WIDTH - 6900],
            ["Workstream", "Ref", "Milestone", "Periods late", "Note"],
            [
                [
                    m["workstream"],
                    m.get("reference") or "",
                    _Prose(m.get("description"), ""),
                    str(m.get("periods_late") or ""),
                    _Prose(m.get("note"), ""),
                ]
                for m in changes.get("milestones_slipped") or []
            ],
        )
        self.heading(2, "Risks opened")
        self.table_or_none(
            "Risks opened",
            [2600, 1300, TEXT_WIDTH - 3900],
            ["Workstream", "Ref", "Risk"],
            [[r["workstream"], r.get("reference") or "", _Prose(r.get("description"), "")]
             for r in changes.get("risks_opened") or []],
        )
        self.heading(2, "Risks closed")
        self.table_or_none(
            "Risks closed",
            [2000, 1200, 3000, TEXT_WIDTH - 6200],
            ["Workstream", "Ref", "Risk", "Closure note"],
            [
                [
                    r["workstream"],
                    r.get("reference") or "",
                    _Prose(r.get("description"), ""),
                    _Prose(r.get("closure_note"), ""),
                ]
                for r in changes.get("risks_closed") or []
            ],
        )

    def workstream(self, section: dict, period_label: str, anchor: str, page_break: bool) -> None:
        details = section["workstream"]
        title = details["title"]
        self.heading(2, title, anchor=anchor, page_break=page_break)
        state = section.get("state")
        if state and state != "APPROVED":
            state_label = UpdateState[state].label if state in UpdateState.__members__ else state
            self.paragraph(None, f"This update is not yet approved by the workstream sponsor (status: {state_label}).",
                           italic=True)

        self.heading(3, "Project Description")
        self.prose(self.body, details.get("description"), empty="No description recorded.")

        self.heading(3, "Project Outcomes")
        outcomes = details.get("outcomes") or []
        if not outcomes:
            self.paragraph(None, "No outcomes recorded.")
        for heading, group in itertools.groupby(outcomes, key=lambda o: o.get("heading")):
            if heading:
                self.heading(4, heading)
            for outcome in group:
                self.paragraph(self.style["List Bullet"], outcome.get("text") or "")

        self.heading(3, "Project Details")
        forecast = _long_date(details.get("forecast_completion_date")) or "Not set"
        slippage = section.get("forecast_slippage_days") or 0
        if slippage > 0:
            forecast += f" ({slippage} day{'s' if slippage != 1 else ''} later than agreed)"
        self.key_values(
            f"{title}: project details",
            [
                ("Workstream Sponsor", ", ".join(details.get("sponsors") or []) or "Not recorded"),
                ("Project Manager/s", ", ".join(details.get("project_managers") or []) or "Not recorded"),
                ("PMO Support", ", ".join(details.get("pmo_support") or []) or "Not recorded"),
                ("Agreed Completion Date", _long_date(details.get("agreed_completion_date")) or "Not set"),
                ("Forecast Completion Date", forecast),
                ("Reporting Period", period_label),
            ],
        )

        self.heading(3, "Project Status")
        self.key_values(
            f"{title}: project status",
            [
                ("This Period", _Rag(section.get("rag_this_period"), "Not agreed")),
                ("Previous Period", _Rag(section.get("rag_last_period"), "No rating")),
            ],
        )
        if not section.get("agreed_rag") and section.get("proposed_rag"):
            proposed_label = _rag_label(section["proposed_rag"])
            self.paragraph(
                None, f"Proposed by the project team as {proposed_label}; not yet agreed by the workstream sponsor.",
                italic=True,
            )

        trend = section.get("rag_trend") or []
        if trend:
            self.heading(3, "RAG Trend")
            self.table(
                f"{title}: agreed RAG rating over recent periods",
                [3400, 2600],
                ["Period", "Agreed Rating"],
                [[point.get("period") or "", _Rag(point.get("rag"), "Not agreed")] for point in trend],
            )

        self.heading(3, "Key Activities")
        self.prose(self.body, section.get("key_activities"))
        self.heading(3, "Engagement")
        self.prose(self.body, section.get("engagement"))
        self.heading(3, "Concerns/Issues")
        self.prose(self.body, section.get("concerns"))
        self.heading(3, "RAG Rating Rationale")
        self.prose(self.body, section.get("rag_rationale"))
        if (section.get("rag_change_reason") or "").strip():
            self.heading(4, "Reason for the Change of Rating")
            self.prose(self.body, section["rag_change_reason"])

        self.heading(3, "Workstream Sponsor Comments")
        self.prose(self.body, section.get("sponsor_comments"))
        proposed, agreed = section.get("proposed_rag"), section.get("agreed_rag")
        if proposed and agreed and proposed != agreed:
            self.heading(4, "Why a Different Rating Was Agreed")
            self.paragraph(None, f"The project team proposed {_rag_label(proposed)}; "
                                 f"the workstream sponsor agreed {_rag_label(agreed)}.")
            self.prose(self.body, section.get("agreed_rag_justification"), empty="No justification recorded.")

        self.heading(3, "Key Milestones/Activities this Period")
        self.table_or_none(
            f"{title}: key milestones and activities this period",
            [1300, 4600, TEXT_WIDTH - 5900],
            ["Ref", "Milestone", "Status"],
            [[m.get("reference") or "", _Prose(m.get("description"), ""), _MilestoneStatusCell(m)]
             for m in section.get("milestones_this_period") or []],
            none_text="No milestones were planned for this period.",
        )

        self.heading(3, "Key Milestones/Activities Planned for Next Period")
        self.table_or_none(
            f"{title}: key milestones and activities planned for next period",
            [1300, TEXT_WIDTH - 1300],
            ["Ref", "Milestone"],
            [
                [m.get("reference") or "", _Prose(m.get("description"), "")]
                for m in section.get("milestones_next_period") or []
            ],
            none_text="None planned yet.",
        )

        self.heading(3, "Project Risks")
        self.table_or_none(
            f"{title}: project risks",
            [1300, 3900, TEXT_WIDTH - 5200],
            ["Ref", "Risk Description", "Mitigation"],
            [
                [_RiskRefCell(r), _Prose(r.get("description"), ""), _MitigationCell(r)]
                for r in section.get("risks") or []
            ],
            none_text="No risks recorded.",
        )

        self.heading(3, "Report Completed")
        self.key_values(
            f"{title}: report completed",
            [
                ("Report Completed By", section.get("completed_by") or "Not yet submitted"),
                ("Completion Date", _long_date(section.get("completion_date")) or "Not yet submitted"),
            ],
        )

    def sign_off(self, content: dict, draft: bool) -> None:
        revision = str(content.get("revision") or "")
        if content.get("reopen_reason"):
            revision += f": {content['reopen_reason']}"
        signed = not draft and bool(content.get("signed_off_by") or content.get("signed_off_at"))
        if not signed:
            self.key_values("Sign-off", [("Status", "Not signed off"), ("Revision", revision),
                                         ("Content fingerprint (SHA-256)", "None until signed off")])
            return
        signed_at = _datetime(content.get("signed_off_at"))
        signed_by = content.get("signed_off_by") or "Not recorded"
        self.key_values(
            "Sign-off",
            [
                ("Signed off by", f"{signed_by}, for the Corporate Management Team"),
                ("Signed off at", date_time(signed_at) if signed_at else "Not recorded"),
                ("CMT meeting date", _long_date(content.get("cmt_meeting_date")) or "Not recorded"),
                ("Revision", revision),
                ("Content fingerprint (SHA-256)", _Mono(fingerprint(content))),
            ],
        )

    # -- building blocks --------------------------------------------------------------------------------------------

    def heading(self, level: int, text: str, anchor: str | None = None, page_break: bool = False) -> None:
        p = word.add_paragraph(self.body, self.style[f"Heading {level}"], page_break=page_break)
        if anchor:
            bookmark = str(next(self._bookmark))
            start = SubElement(p, qn("w:bookmarkStart"))
            start.set(W_ID, bookmark)
            start.set(W_NAME, anchor)
            word.add_run(p, text)
            SubElement(p, qn("w:bookmarkEnd")).set(W_ID, bookmark)
        else:
            word.add_run(p, text)

    def paragraph(self, style_id, text: str, bold=False, italic=False, size=None, keep_next=False, parent=None):
        p = word.add_paragraph(self.body if parent is None else parent, style_id, keep_next=keep_next)
        word.add_run(p, text, bold=bold, italic=italic, size=size)
        return p

    def prose(self, parent, text: str | None, empty: str = "None recorded.", gap: int | None = None) -> None:
        """Officers' text: blank lines separate paragraphs, lines starting "- " are bullets, other line breaks
        are kept as breaks within the paragraph (the rules of app.formatting.prose). Written as literal text."""
        written = 0
        for block in _BLOCK_BREAK.split((text or "").strip()):
            lines = [line for line in block.splitlines() if line.strip()]
            for is_bullet, run in itertools.groupby(lines, key=lambda line: bool(_BULLET.match(line))):
                if is_bullet:
                    for line in run:
                        p = word.add_paragraph(parent, self.style["List Bullet"], spacing_before=gap if written else None)
                        word.add_run(p, _BULLET.sub("", line).strip())
                        written += 1
                else:
                    p = word.add_paragraph(parent, None, spacing_before=gap if written else None)
                    word.add_run(p, "\n".join(line.strip() for line in run))
                    written += 1
        if not written and empty:
            word.add_run(word.add_paragraph(parent, None), empty)

    def table_or_none(self, caption, widths, header, rows, none_text="None."):
        if rows:
            self.table(caption, widths, header, rows)
        else:
            self.paragraph(None, none_text)

    def key_values(self, caption: str, rows: list[tuple[str, object]]) -> None:
        """A two-column table of labels (bold, shaded) and values, without a header row."""
        self.table(caption, [3200, TEXT_WIDTH - 3200], None, [[_Key(key), value] for key, value in rows])

    def table(self, caption: str, widths: list[int], header: list[str] | None, rows: Iterable[list]) -> None:
        if self.body[-1].tag == W_TBL:
            word.add_paragraph(self.body, None, spacing_after=0)  # Word joins tables that touch; keep each one its own
        tbl = SubElement(self.body, W_TBL)
        tbl_pr = SubElement(tbl, W_TBLPR)
        SubElement(tbl_pr, qn("w:tblStyle")).set(W_VAL, self.style["Table Grid"])
        tbl_w = SubElement(tbl_pr, qn("w:tblW"))
        tbl_w.set(W_W, str(sum(widths)))
        tbl_w.set(W_TYPE, "dxa")
        SubElement(tbl_pr, qn("w:tblLayout")).set(W_TYPE, "fixed")
        look = SubElement(tbl_pr, qn("w:tblLook"))
        look.set(W_VAL, "04A0" if header else "0480")
        look.set(qn("w:firstRow"), "1" if header else "0")
        look.set(qn("w:lastRow"), "0")
        look.set(qn("w:firstColumn"), "0" if header else "1")
        look.set(qn("w:lastColumn"), "0")
        look.set(qn("w:noHBand"), "1")
        look.set(qn("w:noVBand"), "1")
        SubElement(tbl_pr, qn("w:tblCaption")).set(W_VAL, word.xml_text(caption))
        grid = SubElement(tbl, W_TBLGRID)
        for width in widths:
            SubElement(grid, W_GRIDCOL).set(W_W, str(width))
        if header:
            tr = self._tr(tbl, header=True)
            for width, text in zip(widths, header):
                tc = self._tc(tr, width, HEADER_FILL)
                word.add_run(word.add_paragraph(tc, None), text, bold=True)
        for row in rows:
            tr = self._tr(tbl, header=False)
            for width, value in zip(widths, row):
                self._cell(tr, width, value)

    def _cell(self, tr, width: int, value) -> None:
        if isinstance(value, _Rag):
            rag = _as_rag(value.name)
            tc = self._tc(tr, width, RAG_FILLS.get(rag))
            word.add_run(word.add_paragraph(tc, None), _rag_label(value.name) or value.none_text, bold=rag is not None)
        elif isinstance(value, _Key):
            tc = self._tc(tr, width, HEADER_FILL)
            word.add_run(word.add_paragraph(tc, None), value.text, bold=True)
        else:
            tc = self._tc(tr, width, None)
            if isinstance(value, str):
                word.add_run(word.add_paragraph(tc, None), value)
            else:
                value.write(self, tc)
            if tc.find(W_P) is None:
                word.add_paragraph(tc, None)  # every cell needs a paragraph

    @staticmethod
    def _tr(tbl, header: bool):
        tr = SubElement(tbl, W_TR)
        tr_pr = SubElement(tr, W_TRPR)
        SubElement(tr_pr, qn("w:cantSplit"))
        if header:
            SubElement(tr_pr, qn("w:tblHeader"))
        return tr

    @staticmethod
    def _tc(tr, width: int, fill: str | None):
        tc = SubElement(tr, W_TC)
        tc_pr = SubElement(tc, W_TCPR)
        tc_w = SubElement(tc_pr, W_TCW)
        tc_w.set(W_W, str(width))
        tc_w.set(W_TYPE, "dxa")
        if fill:
            shd = SubElement(tc_pr, W_SHD)
            shd.set(W_VAL, "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), fill)
        return tc


# ---------------------------------------------------------------------------------------------------------------
# Cell contents other than plain strings


class _Rag:
    __slots__ = ("name", "none_text")

    def __init__(self, name: str | None, none_text: str):
        self.name, self.none_text = name, none_text


class _Key:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class _Prose:
    __slots__ = ("text", "empty")

    def __init__(self, text: str | None, empty: str):
        self.text, self.empty = text, empty

    def write(self, writer: _Writer, tc) -> None:
        writer.prose(tc, self.text, empty=self.empty, gap=80)


class _Mono:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def write(self, writer: _Writer, tc) -> None:
        word.add_run(word.add_paragraph(tc, None), self.text, font="Courier New", size=18)


class _MilestoneStatusCell:
    """The status label, the officer's note (unless it only repeats the label) and how often it slipped before."""

    __slots__ = ("milestone",)

    def __init__(self, milestone: dict):
        self.milestone = milestone

    def write(self, writer: _Writer, tc) -> None:
        m = self.milestone
        status = m.get("status")
        label = MilestoneStatus[status].label if status in MilestoneStatus.__members__ else (status or "")
        word.add_run(word.add_paragraph(tc, None), label or "Not yet given", bold=bool(label))
        note = (m.get("status_note") or "").strip()
        if note and note != label:
            writer.prose(tc, note, empty="", gap=80)
        earlier = m.get("periods_delayed_before") or 0
        if earlier > 0:
            p = word.add_paragraph(tc, None, spacing_before=80)
            word.add_run(p, f"Delayed in {earlier} earlier period{'s' if earlier != 1 else ''}", italic=True)


class _RiskRefCell:
    __slots__ = ("risk",)

    def __init__(self, risk: dict):
        self.risk = risk

    def write(self, writer: _Writer, tc) -> None:
        word.add_run(word.add_paragraph(tc, None), self.risk.get("reference") or "")
        if self.risk.get("status") == "CLOSED":
            word.add_run(word.add_paragraph(tc, None), "Closed", bold=True)


class _MitigationCell:
    __slots__ = ("risk",)

    def __init__(self, risk: dict):
        self.risk = risk

    def write(self, writer: _Writer, tc) -> None:
        writer.prose(tc, self.risk.get("mitigation"), empty="", gap=80)
        if self.risk.get("status") == "CLOSED" or self.risk.get("closure_note"):
            note = (self.risk.get("closure_note") or "").strip()
            p = word.add_paragraph(tc, None, spacing_before=80)
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


def _as_rag(name: str | None) -> RAG | None:
    return RAG.__members__.get(name) if name else None


def _rag_label(name: str | None) -> str:
    rag = _as_rag(name)
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
