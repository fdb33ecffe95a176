"""The Word board pack: real headings, lists and tables in the seed report's order, RAG ratings as text with
shading, a running header (marked DRAFT when not signed off), numbered pages, and the same document every time."""
import copy
import io
import time
import zipfile

import docx
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from app.extensions import db
from app.models import ProgrammeReport
from app.reports.content import report_content
from app.reports.docx_export import build_docx
from tests.demo_ids import demo_ids
from tests.test_report import CONTENTS, TOP_SECTIONS, WORKSTREAMS

DRAFT_MARK = "DRAFT – not signed off"
PERIOD = "1 September 2023 – 31 October 2023"
FILLS = {"Green": "CCE2D8", "Green/Amber": "E4EEC2", "Amber": "FCD6C3", "Amber/Red": "F9C5B0", "Red": "F4CDC6"}
PRC_MITIGATION = (
    "Thorough research to ensure best provider secured to deliver the training. Contacted providers who can tailor "
    "the training to our processes and contextualise the learning to promote further embedding."
)


def report_of(app, period: str) -> ProgrammeReport:
    period_id = demo_ids(app).periods[period]
    return db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period_id))


@pytest.fixture
def signed_off(app):
    """The signed-off Sep–Oct revision's snapshot (a copy the test may change) and its stored fingerprint."""
    with app.test_request_context():
        report = report_of(app, "sep_oct")
        return copy.deepcopy(report.snapshot), report.content_fingerprint


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def blocks(document):
    """The body's paragraphs and tables in order."""
    return list(document.iter_inner_content())


def headings(document) -> list[tuple[str, str]]:
    return [
        (block.style.name, block.text)
        for block in blocks(document)
        if isinstance(block, Paragraph) and block.style.name.startswith("Heading")
    ]


def section_blocks(document, level: int, title: str) -> list:
    """The blocks after the heading `title` of this level, up to the next heading of the same level or higher."""
    items = blocks(document)
    start = next(
        i for i, b in enumerate(items)
        if isinstance(b, Paragraph) and b.style.name == f"Heading {level}" and b.text == title
    )
    end = len(items)
    for i in range(start + 1, len(items)):
        b = items[i]
        if isinstance(b, Paragraph) and b.style.name.startswith("Heading") and int(b.style.name[-1]) <= level:
            end = i
            break
    return items[start + 1:end]


def table_under(document, workstream: str, heading: str) -> Table:
    items = section_blocks(document, 2, workstream)
    start = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text == heading)
    return next(b for b in items[start + 1:] if isinstance(b, Table))


def rows_text(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def cell_fill(cell) -> str | None:
    shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return shd.get(qn("w:fill")) if shd is not None else None


def header_texts(section) -> list[str]:
    return [p.text for p in section.header.paragraphs]


def all_text(document) -> str:
    parts = []
    for block in blocks(document):
        if isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts.extend(cell.text for row in block.rows for cell in row.cells)
    return "\n".join(parts)


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml")


def test_headings_are_word_headings_in_the_seed_order_with_every_workstream_in_display_order(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    found = headings(document)

    assert [text for style, text in found if style == "Heading 1"] == TOP_SECTIONS
    workstream_headings = [text for style, text in found if style == "Heading 2" and text in WORKSTREAMS]
    assert workstream_headings == WORKSTREAMS
    # The workstreams sit between "Workstream Highlight Reports" and the appendix.
    order = [text for _, text in found]
    assert order.index("Workstream Highlight Reports") < order.index(WORKSTREAMS[0])
    assert order.index(WORKSTREAMS[-1]) < order.index("Appendix: RAG methodology")
    title = blocks(document)[0]
    assert (title.style.name, title.text) == ("Title", f"Programme Level Highlight Report for the Period: {PERIOD}")
    assert blocks(document)[1].text == "Improvement Plan"


def test_contents_lists_the_sections_and_workstreams_before_the_overview(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    items = blocks(document)
    start = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text == "Contents")
    end = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.style.name == "Heading 1")
    assert [b.text for b in items[start + 1:end]] == CONTENTS


def test_each_workstream_section_has_the_seed_subsections_in_order(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    for title in WORKSTREAMS:
        subsections = [
            b.text
            for b in section_blocks(document, 2, title)
            if isinstance(b, Paragraph) and b.style.name == "Heading 3"
        ]
        assert subsections == [
            "Project Description",
            "Project Outcomes",
            "Project Details",
            "Project Status",
            "RAG Trend",
            "Key Activities",
            "Engagement",
            "Concerns/Issues",
            "RAG Rating Rationale",
            "Workstream Sponsor Comments",
            "Key Milestones/Activities this Period",
            "Key Milestones/Activities Planned for Next Period",
            "Project Risks",
            "Report Completed",
        ], title


def test_status_table_reads_the_seed_ratings_as_text(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    table = next(b for b in section_blocks(document, 1, "Individual Workstream Status") if isinstance(b, Table))
    assert rows_text(table) == [
        ["Workstream", "This Period", "Last Period"],
        ["Governance and decision making", "Green", "Green"],
        ["Procurement", "Green", "Green"],
        ["Project plans and delivery", "Green", "Green"],
        ["Partnership working", "Green/Amber", "Green/Amber"],
        ["Confidence, culture and capacity", "Green", "Green"],
    ]


def test_rag_cells_carry_the_rating_as_text_and_a_light_shading_of_its_colour(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    status = next(b for b in section_blocks(document, 1, "Individual Workstream Status") if isinstance(b, Table))
    for row in status.rows[1:]:
        for cell in row.cells[1:]:
            assert cell.text in FILLS
            assert cell_fill(cell) == FILLS[cell.text]
        assert cell_fill(row.cells[0]) is None  # only the ratings are coloured

    methodology = next(b for b in section_blocks(document, 1, "Appendix: RAG methodology") if isinstance(b, Table))
    ratings = [(row.cells[0].text, cell_fill(row.cells[0])) for row in methodology.rows[1:]]
    assert ratings == list(FILLS.items())
    assert methodology.rows[1].cells[1].text.startswith("Successful delivery of the improvement theme to time")

    status_cells = table_under(document, "Partnership working", "Project Status")
    assert [(c.text, cell_fill(c)) for c in status_cells.columns[1].cells] == [("Green/Amber", "E4EEC2")] * 2


def test_seed_text_appears_verbatim_with_real_paragraphs_and_bullets(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    overview = [b for b in section_blocks(document, 1, "Lead Executive Director Overview") if isinstance(b, Paragraph)]
    assert overview[0].text == (
        "I am pleased to present the highlight report for the Improvement Plan for September and October 2023."
    )
    assert len([p for p in overview if p.text.strip()]) >= 7  # one Word paragraph per paragraph of the overview

    risks = table_under(document, "Procurement", "Project Risks")
    assert risks.rows[5].cells[2].text.startswith(PRC_MITIGATION)

    next_period = table_under(document, "Partnership working", "Key Milestones/Activities Planned for Next Period")
    assert rows_text(next_period)[-1] == ["PTN-M07", "Report completed and presented to IIB"]

    # "- " lines are List Bullet paragraphs without the dash.
    activities = [b for b in section_blocks(document, 2, "Partnership working") if isinstance(b, Paragraph)]
    bullet = next(p for p in activities if p.text == "Continuous learning and improvement")
    assert bullet.style.name == "List Bullet"
    assert not any(p.text.startswith("- ") for p in document.paragraphs)


def test_outcomes_are_bullets_grouped_under_their_headings(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    items = section_blocks(document, 2, "Confidence, culture and capacity")
    start = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text == "Project Outcomes")
    end = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text == "Project Details")
    outcomes = [(b.style.name, b.text) for b in items[start + 1:end]]
    assert [text for style, text in outcomes if style == "Heading 4"] == [
        "Ambition and Priorities",
        "Values and Behaviours",
        "Leadership",
        "Recruitment, Retention, Reward and Resources",
    ]
    first_outcome = "We are clear in our ambition and priorities for the combined authority region"
    assert outcomes[1] == ("List Bullet", first_outcome)
    assert sum(style == "List Bullet" for style, _ in outcomes) == 10


def test_details_table_gives_people_dates_and_the_reporting_period(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    assert rows_text(table_under(document, "Governance and decision making", "Project Details")) == [
        ["Workstream Sponsor", "Nick Bell"],
        ["Project Manager/s", "Louisa Simpson"],
        ["PMO Support", "Heidi Robinson"],
        ["Agreed Completion Date", "30 May 2024"],
        ["Forecast Completion Date", "30 May 2024"],
        ["Reporting Period", PERIOD],
    ]
    assert rows_text(table_under(document, "Governance and decision making", "Report Completed")) == [
        ["Report Completed By", "Louisa Simpson"],
        ["Completion Date", "26 October 2023"],
    ]


def test_forecast_slippage_says_how_many_days_later_than_agreed(signed_off):
    content, _ = signed_off
    content["workstreams"][0]["workstream"]["forecast_completion_date"] = "2024-06-11"
    content["workstreams"][0]["forecast_slippage_days"] = 12
    document = open_docx(build_docx(content, draft=False))
    details = dict(rows_text(table_under(document, "Governance and decision making", "Project Details")))
    assert details["Forecast Completion Date"] == "11 June 2024 (12 days later than agreed)"
    assert all_text(document).count("later than agreed") == 1  # only where the forecast slipped


def test_milestone_and_risk_tables_have_a_row_per_item(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    procurement = [
        len(table_under(document, "Procurement", heading).rows) - 1
        for heading in ("Key Milestones/Activities this Period", "Key Milestones/Activities Planned for Next Period",
                        "Project Risks")
    ]
    assert procurement == [4, 10, 5]
    for section in content["workstreams"]:
        title = section["workstream"]["title"]
        this_period = table_under(document, title, "Key Milestones/Activities this Period")
        expected = [m["reference"] for m in section["milestones_this_period"]]
        assert [row[0] for row in rows_text(this_period)[1:]] == expected
        risks = table_under(document, title, "Project Risks")
        assert [row[0] for row in rows_text(risks)[1:]] == [r["reference"] for r in section["risks"]]
    header = rows_text(table_under(document, "Procurement", "Project Risks"))[0]
    assert header == ["Ref", "Risk Description", "Mitigation"]


def test_milestone_status_shows_the_label_the_note_and_earlier_delays(signed_off):
    content, _ = signed_off
    milestone = content["workstreams"][1]["milestones_this_period"][0]
    milestone["periods_delayed_before"] = 2
    document = open_docx(build_docx(content, draft=False))
    table = table_under(document, "Procurement", "Key Milestones/Activities this Period")
    status = [p.text for p in table.rows[1].cells[2].paragraphs]
    assert status == ["Delayed", milestone["status_note"], "Delayed in 2 earlier periods"]
    # A note that only repeats the label is not written twice.
    complete = table_under(document, "Confidence, culture and capacity", "Key Milestones/Activities this Period")
    assert [p.text for p in complete.rows[1].cells[2].paragraphs] == ["Complete"]


def test_a_closed_risk_is_marked_closed_with_its_closure_note(signed_off):
    content, _ = signed_off
    risk = content["workstreams"][1]["risks"][0]
    risk.update(status="CLOSED", closure_note="Board agreed the approach in November.")
    document = open_docx(build_docx(content, draft=False))
    row = table_under(document, "Procurement", "Project Risks").rows[1]
    assert [p.text for p in row.cells[0].paragraphs] == [risk["reference"], "Closed"]
    assert row.cells[2].paragraphs[-1].text == "Closed: Board agreed the approach in November."
    open_row = table_under(document, "Procurement", "Project Risks").rows[2]
    assert "Closed" not in open_row.cells[0].text + open_row.cells[2].text


def test_a_changed_or_overridden_rating_explains_itself(signed_off):
    content, _ = signed_off
    section = content["workstreams"][3]
    section.update(proposed_rag="AMBER", agreed_rag="GREEN_AMBER", rag_change_reason="",
                   agreed_rag_justification="The sponsor weighed partner feedback.")
    content["workstreams"][0]["rag_change_reason"] = "The audit findings are now covered."
    document = open_docx(build_docx(content, draft=False))

    partnership = [b.text for b in section_blocks(document, 2, "Partnership working") if isinstance(b, Paragraph)]
    start = partnership.index("Why a Different Rating Was Agreed")
    assert partnership[start + 1:start + 3] == [
        "The project team proposed Amber; the workstream sponsor agreed Green/Amber.",
        "The sponsor weighed partner feedback.",
    ]
    governance = [
        b.text for b in section_blocks(document, 2, "Governance and decision making") if isinstance(b, Paragraph)
    ]
    start = governance.index("Reason for the Change of Rating")
    assert governance[start + 1] == "The audit findings are now covered."
    assert "Why a Different Rating Was Agreed" not in governance
    assert "Reason for the Change of Rating" not in partnership


def test_changes_since_the_last_pack_name_the_previous_period_and_say_none_where_empty(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    items = section_blocks(document, 1, "Changes since the last pack")
    assert items[0].text == "Compared with the last pack, for 1 July 2023 – 31 August 2023."

    def after(heading):
        start = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text == heading)
        return items[start + 1]

    for empty in ("Ratings that moved", "Risks opened", "Risks closed"):
        assert isinstance(after(empty), Paragraph) and after(empty).text == "None.", empty
    completed = after("Milestones completed")
    assert len(completed.rows) - 1 == 12
    slipped = rows_text(after("Milestones slipped"))
    assert slipped[0] == ["Workstream", "Ref", "Milestone", "Periods late", "Note"]
    assert [row[1] for row in slipped[1:]] == ["PRC-M01", "PRC-M02", "PRC-M03", "PRC-M04", "PPD-M03", "PPD-M05"]
    assert slipped[1][3] == "1"
    assert slipped[1][4].startswith("This work has been started and is expected to be completed at the end of November")


def test_ratings_that_moved_are_a_table_with_the_reason(signed_off):
    content, _ = signed_off
    content["changes"]["ratings_moved"] = [
        {"workstream": "Partnership working", "from": "AMBER", "to": "GREEN_AMBER", "reason": "Case studies agreed."}
    ]
    document = open_docx(build_docx(content, draft=False))
    items = section_blocks(document, 1, "Changes since the last pack")
    table = next(b for b in items if isinstance(b, Table))
    assert rows_text(table) == [
        ["Workstream", "From", "To", "Reason"],
        ["Partnership working", "Amber", "Green/Amber", "Case studies agreed."],
    ]
    assert [cell_fill(c) for c in table.rows[1].cells] == [None, FILLS["Amber"], FILLS["Green/Amber"], None]


def test_sign_off_shows_who_when_and_the_fingerprint_of_the_snapshot(signed_off):
    content, stored_fingerprint = signed_off
    document = open_docx(build_docx(content, draft=False))
    table = next(b for b in section_blocks(document, 1, "Sign-off") if isinstance(b, Table))
    rows = dict(rows_text(table))
    assert rows["Content fingerprint (SHA-256)"] == stored_fingerprint
    assert len(stored_fingerprint) == 64
    assert rows["Signed off by"] == "Nick Bell, for the Corporate Management Team"
    assert rows["CMT meeting date"] == "7 November 2023"
    assert rows["Revision"] == "1"
    assert "Not signed off" not in all_text(document)


def test_a_draft_is_marked_in_every_sections_header_and_a_signed_off_pack_is_not(signed_off):
    content, _ = signed_off
    draft = open_docx(build_docx(content, draft=True))
    final = open_docx(build_docx(content, draft=False))
    assert draft.sections and final.sections
    for section in draft.sections:
        assert header_texts(section) == [f"Programme Level Highlight Report: {PERIOD}", DRAFT_MARK]
        mark = section.header.paragraphs[1].runs[0]
        assert mark.bold is True
        assert not section.different_first_page_header_footer  # the one header is on every page
    for section in final.sections:
        assert header_texts(section) == [f"Programme Level Highlight Report: {PERIOD}"]
    assert DRAFT_MARK not in all_text(final)
    sign_off = dict(rows_text(next(b for b in section_blocks(draft, 1, "Sign-off") if isinstance(b, Table))))
    assert sign_off["Status"] == "Not signed off"
    assert sign_off["Content fingerprint (SHA-256)"] == "None until signed off"


def test_a_later_revision_is_named_in_the_running_head_and_the_reason_in_the_sign_off(signed_off):
    content, _ = signed_off
    content.update(revision=2, reopen_reason="Procurement risks corrected.")
    document = open_docx(build_docx(content, draft=False))
    for section in document.sections:
        assert header_texts(section) == [f"Programme Level Highlight Report: {PERIOD}, revision 2"]
    sign_off = dict(rows_text(next(b for b in section_blocks(document, 1, "Sign-off") if isinstance(b, Table))))
    assert sign_off["Revision"] == "2: Procurement risks corrected."


def test_the_open_period_builds_as_a_draft_from_the_live_report(app):
    with app.test_request_context():
        report = report_of(app, "nov_dec")
        content = report_content(report.period, report)
    document = open_docx(build_docx(content, draft=True))
    assert all(DRAFT_MARK in header_texts(section) for section in document.sections)
    status = next(b for b in section_blocks(document, 1, "Individual Workstream Status") if isinstance(b, Table))
    assert rows_text(status)[1] == ["Governance and decision making", "Not agreed", "Green"]
    assert cell_fill(status.rows[1].cells[1]) is None  # no rating, no colour
    milestones = table_under(document, "Procurement", "Key Milestones/Activities this Period")
    assert "Delayed in 1 earlier period" in milestones.rows[1].cells[2].text


def test_page_is_a4_portrait_with_numbered_pages_in_the_footer(signed_off):
    content, _ = signed_off
    data = build_docx(content, draft=False)
    document = open_docx(data)
    for section in document.sections:
        assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
        assert section.left_margin.cm == pytest.approx(2, abs=0.01)
        footer = section.footer._element
        instructions = [" ".join(t.text.split()) for t in footer.iter(qn("w:instrText"))]
        assert instructions == ["PAGE \\* MERGEFORMAT", "NUMPAGES \\* MERGEFORMAT"]
        assert [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"] * 2
        assert section.footer.paragraphs[0].text == "Page 1 of 1"  # the fields' cached results, updated by Word


def test_header_rows_repeat_on_each_page_and_rows_do_not_split(signed_off):
    content, _ = signed_off
    document = open_docx(build_docx(content, draft=False))
    with_header = 0
    for table in document.tables:
        rows = table._tbl.tr_lst
        assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows)
        repeats = [row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows]
        assert not any(repeats[1:])
        with_header += repeats[0]
    status = next(b for b in section_blocks(document, 1, "Individual Workstream Status") if isinstance(b, Table))
    assert status._tbl.tr_lst[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    # Status; milestones completed and slipped; per workstream the trend, milestones, next period and risks;
    # the methodology. Key-value tables (details, status, report completed, sign-off) have no header row.
    assert with_header == 1 + 2 + 4 * 5 + 1


def test_two_builds_of_the_same_content_are_identical(signed_off, monkeypatch):
    content, _ = signed_off
    first = build_docx(content, draft=False)
    # An hour later (the clock zip entries and "now" would be read from): the document must not change.
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    second = build_docx(copy.deepcopy(content), draft=False)
    assert all_text(open_docx(first)) == all_text(open_docx(second))
    assert first == second
    properties = open_docx(first).core_properties
    assert properties.author == "Waymark"
    assert properties.title == f"Programme Level Highlight Report for the Period: {PERIOD}"
    assert properties.created.isoformat() == "2023-11-07T11:00:00+00:00"
    assert properties.modified == properties.created


def test_markup_in_officers_text_is_written_as_literal_text(signed_off):
    content, _ = signed_off
    content["overview"] = "Watch <script>alert('x')</script> & <b>this</b>.\n\n- <i>a bullet</i>"
    content["workstreams"][1]["risks"][0]["mitigation"] = "<p>Mitigation</p>"
    data = build_docx(content, draft=False)
    document = open_docx(data)
    overview = [b for b in section_blocks(document, 1, "Lead Executive Director Overview") if isinstance(b, Paragraph)]
    assert overview[0].text == "Watch <script>alert('x')</script> & <b>this</b>."
    assert (overview[1].style.name, overview[1].text) == ("List Bullet", "<i>a bullet</i>")
    assert table_under(document, "Procurement", "Project Risks").rows[1].cells[2].text == "<p>Mitigation</p>"
    xml = document_xml(data)
    assert b"&lt;script&gt;" in xml and b"<script" not in xml
    assert b"<p>" not in xml and b"<b>" not in xml


def test_text_xml_cannot_hold_is_dropped_rather_than_breaking_the_document(signed_off):
    content, _ = signed_off
    content["overview"] = "Pasted\x01 from\x00 Word\tcolumns"
    document = open_docx(build_docx(content, draft=False))
    overview = [b for b in section_blocks(document, 1, "Lead Executive Director Overview") if isinstance(b, Paragraph)]
    assert overview[0].text == "Pasted from Word\tcolumns"


def test_a_forty_workstream_pack_has_every_workstream_in_its_status_table_and_sections(signed_off):
    content, _ = signed_off
    big = copy.deepcopy(content)
    big["workstreams"] = [copy.deepcopy(section) for _ in range(8) for section in content["workstreams"]]
    big["status_table"] = [dict(row) for _ in range(8) for row in content["status_table"]]
    document = open_docx(build_docx(big, draft=True))
    status = next(b for b in section_blocks(document, 1, "Individual Workstream Status") if isinstance(b, Table))
    assert [row[0] for row in rows_text(status)[1:]] == WORKSTREAMS * 8
    assert [t for s, t in headings(document) if s == "Heading 2" and t in WORKSTREAMS] == WORKSTREAMS * 8
