"""The programme report on screen and as the PDF board pack: contents, order, who may read what, and
that a signed-off pack is the same every time."""
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import ProgrammeReport
from tests.demo_ids import TITLES
from tests.personas import COMMITTEE_MEMBER, LOUISA_SIMPSON, RICHARD_CARR, STEVE_COX

WORKSTREAMS = list(TITLES.values())
# The board pack's sections in the seed report's order, the same on screen, in the PDF and in the Word pack...
TOP_SECTIONS = [
    "Lead Executive Director Overview",
    "Individual Workstream Status",
    "Changes since the last pack",
    "Workstream Highlight Reports",
    "Appendix: RAG methodology",
    "Sign-off",
]
# ...and as its contents list them, with each workstream's report after "Workstream Highlight Reports".
CONTENTS = [*TOP_SECTIONS[:4], *WORKSTREAMS, *TOP_SECTIONS[4:]]
SECTIONS = ["Programme Level Highlight Report for the Period: 1 September 2023 – 31 October 2023", *CONTENTS]


def fingerprint_of(app, period_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(ProgrammeReport.content_fingerprint).where(ProgrammeReport.period_id == period_id)
        )


def in_order(text, parts):
    positions = []
    start = 0
    for part in parts:
        position = text.find(part, start)
        assert position >= 0, f"{part!r} missing or out of order"
        positions.append(position)
        start = position + len(part)
    return positions


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.mark.parametrize("email", [STEVE_COX, RICHARD_CARR, COMMITTEE_MEMBER])
def test_the_signed_off_report_page_holds_every_section_in_the_seed_order(signed_in, ids, app, email):
    html = signed_in(email).get(f"/periods/{ids.periods['sep_oct']}/report").get_data(as_text=True)
    main = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main"):]))
    in_order(main, SECTIONS)
    assert "I am pleased to present the highlight report for the Improvement Plan for September and October 2023." in main
    assert fingerprint_of(app, ids.periods["sep_oct"]) in main
    assert "DRAFT" not in main
    assert "Signed off by Nick Bell, for the Corporate Management Team" in main


def test_changes_since_the_last_pack_are_derived_from_the_data(signed_in, ids):
    html = signed_in(STEVE_COX).get(f"/periods/{ids.periods['sep_oct']}/report").get_data(as_text=True)
    changes = html[html.index('id="changes"'):html.index('id="workstreams"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", changes))
    assert "Compared with 1 July 2023 – 31 August 2023" in text
    assert "No rating moved." in text
    assert "PTN-M01 (Partnership working): Scope and Approach agreed with CMT and Project Team" in text
    assert "PRC-M04 (Procurement): Procurement training for all staff, 1 period late" in text


def test_an_open_period_report_is_a_draft_for_programme_staff_and_hidden_from_everyone_else(signed_in, ids):
    path = f"/periods/{ids.periods['nov_dec']}/report"
    # It holds every workstream's draft: a project manager sees only their own workstream's.
    assert signed_in(LOUISA_SIMPSON).get(path).status_code == 404
    html = signed_in(STEVE_COX).get(path).get_data(as_text=True)
    assert "DRAFT – not signed off" in html
    assert "None until signed off" in html
    for reader in (RICHARD_CARR, COMMITTEE_MEMBER):
        client = signed_in(reader)
        for suffix in ("", ".pdf", ".docx"):
            assert client.get(path + suffix).status_code in (403, 404), (reader, suffix)


def test_readers_cannot_read_a_revision_being_prepared(app, signed_in, ids):
    period_id = ids.periods["sep_oct"]
    steve = signed_in(STEVE_COX)
    steve_token = re.search(r'name="csrf-token" content="([^"]+)"', steve.get("/").get_data(as_text=True)).group(1)
    with app.app_context():
        version = db.session.scalar(sa.select(ProgrammeReport.version).where(ProgrammeReport.period_id == period_id))
    response = steve.post(
        f"/periods/{period_id}/reopen",
        data={"csrf_token": steve_token, "version": version, "reason": "The IIB challenged a rating.",
              "workstream_ids": [ids.workstreams["PTN"]]},
    )
    assert response.status_code == 302
    reader = signed_in(RICHARD_CARR)
    assert reader.get(f"/periods/{period_id}/revisions/2").status_code == 404
    assert reader.get(f"/periods/{period_id}/revisions/2.pdf").status_code == 404
    latest = reader.get(f"/periods/{period_id}/report").get_data(as_text=True)
    assert fingerprint_of(app, period_id) in latest
    assert "DRAFT" not in latest
    assert "DRAFT – not signed off" in steve.get(f"/periods/{period_id}/revisions/2").get_data(as_text=True)


def test_the_pdf_pack_holds_every_section_and_workstream_in_order(app, signed_in, ids):
    response = signed_in(RICHARD_CARR).get(f"/periods/{ids.periods['sep_oct']}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="waymark-2023-09-01-to-2023-10-31-rev1.pdf"'
    pages = pdf_text(response.data)
    text = " ".join(pages)
    contents_end = text.index("Lead Executive Director Overview I am pleased")
    in_order(text[contents_end:], SECTIONS[1:])
    assert fingerprint_of(app, ids.periods["sep_oct"]) in text.replace(" ", "")
    assert "The Contract Register is complete, and discussions are being held on how far back the dates should go." in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        if number > 1:
            assert "Programme Level Highlight Report: 1 September 2023 – 31 October 2023" in page
    assert "DRAFT" not in text


def test_two_downloads_of_a_signed_off_pack_are_the_same(app, signed_in, ids):
    client = signed_in(COMMITTEE_MEMBER)
    first = client.get(f"/periods/{ids.periods['sep_oct']}/revisions/1.pdf").data
    second = client.get(f"/periods/{ids.periods['sep_oct']}/report.pdf").data
    assert pdf_text(first) == pdf_text(second)


def test_a_draft_pdf_is_marked_on_every_page_and_named_as_a_draft(signed_in, ids):
    response = signed_in(STEVE_COX).get(f"/periods/{ids.periods['nov_dec']}/report.pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="waymark-2023-11-01-to-2023-12-31-rev1-draft.pdf"'
    pages = pdf_text(response.data)
    assert all("DRAFT – not signed off" in page for page in pages)


def test_officers_text_is_escaped_in_the_report_and_pack(app, signed_in, ids):
    from app.models import WorkstreamUpdate

    with app.app_context():
        update = db.session.get(WorkstreamUpdate, ids.update("GOV", "nov_dec"))
        update.key_activities = "<script>alert('x')</script> & <b>bold</b>"
        db.session.commit()
    client = signed_in(STEVE_COX)
    html = client.get(f"/periods/{ids.periods['nov_dec']}/report").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    text = " ".join(pdf_text(client.get(f"/periods/{ids.periods['nov_dec']}/report.pdf").data))
    assert "<script>alert('x')</script> & <b>bold</b>" in text


def test_report_routes_send_a_signed_out_visitor_to_sign_in_and_know_unknown_periods(client, signed_in, ids):
    for suffix in ("", ".pdf", ".docx"):
        response = client.get(f"/periods/{ids.periods['sep_oct']}/report{suffix}")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    officer = signed_in(STEVE_COX)
    assert officer.get("/periods/999999/report").status_code == 404
    assert officer.get(f"/periods/{ids.periods['sep_oct']}/revisions/9").status_code == 404


def test_a_signed_off_report_body_is_rendered_once_and_a_live_one_after_every_change(app, signed_in, ids, monkeypatch):
    from app.reports import rendering

    renders = []
    real = rendering.render_template
    monkeypatch.setattr(rendering, "render_template", lambda *a, **k: renders.append(a[0]) or real(*a, **k))
    reader = signed_in(RICHARD_CARR)
    for _ in range(3):
        assert reader.get(f"/periods/{ids.periods['sep_oct']}/report").status_code == 200
    assert len(renders) == 1

    officer = signed_in(STEVE_COX)
    live = f"/periods/{ids.periods['nov_dec']}/report"
    officer.get(live)
    officer.get(live)
    assert len(renders) == 2
    editor = signed_in(LOUISA_SIMPSON)
    token = re.search(r'name="csrf-token" content="([^"]+)"', editor.get("/").get_data(as_text=True)).group(1)
    update_id = ids.update("GOV", "nov_dec")
    html = editor.get(f"/updates/{update_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    saved = editor.post(f"/updates/{update_id}/edit",
                         data={"csrf_token": token, "version": version, "key_activities": "Freshly saved activities."})
    assert saved.status_code == 302
    assert "Freshly saved activities." in officer.get(live).get_data(as_text=True)
    assert len(renders) == 3
