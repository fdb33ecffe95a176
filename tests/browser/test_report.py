"""Reading and downloading the board pack in a real browser, as the IIB member it is sent to."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import ANGELA_PROBERT, RICHARD_CARR


def test_iib_member_reads_the_signed_off_pack_and_downloads_it(page, app):
    sign_in_as(page, RICHARD_CARR)
    page.get_by_role("link", name=re.compile(r"Read the signed-off programme report\s+for 1 September 2023")).click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Programme Level Highlight Report for the Period: 1 September 2023 – 31 October 2023"
    )
    for title in [
        "Governance and decision making",
        "Procurement",
        "Project plans and delivery",
        "Partnership working",
        "Confidence, culture and capacity",
    ]:
        expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Agreed RAG rating of Partnership working"))).to_be_visible()
    with page.expect_download() as pdf:
        page.get_by_role("link", name=re.compile("Download as PDF")).click()
    assert pdf.value.suggested_filename == "waymark-2023-09-01-to-2023-10-31-rev1.pdf"
    with page.expect_download() as word:
        page.get_by_role("link", name=re.compile("Download as Word")).click()
    assert word.value.suggested_filename == "waymark-2023-09-01-to-2023-10-31-rev1.docx"


def test_an_officer_reads_the_open_period_as_a_draft(page, app):
    sign_in_as(page, ANGELA_PROBERT)
    visit(page, "/periods")
    page.get_by_role("link", name="1 November 2023 – 31 December 2023").click()
    page.get_by_role("link", name=re.compile("Read the programme report")).click()
    assert_accessible(page)
    expect(page.get_by_text("DRAFT – not signed off").first).to_be_visible()
