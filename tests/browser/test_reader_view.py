"""The signed-off view and the staff's "Not yet signed off" marks in a real browser, with axe-core on each page."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import HEIDI_ROBINSON, RICHARD_CARR
from tests.test_reader_view import MARKER, changed  # noqa: F401 (a fixture)


def test_staff_pages_with_values_not_yet_signed_off_are_accessible(page, changed):  # noqa: F811
    sign_in_as(page, HEIDI_ROBINSON)
    for path in ["/periods", "/workstreams", f"/workstreams/{changed.workstreams['GOV']}",
                 f"/periods/{changed.periods['sep_oct']}", f"/updates/{changed.update('GOV', 'sep_oct')}"]:
        visit(page, path)
        expect(page.get_by_text("Not yet signed off").first).to_be_visible()
        assert_accessible(page)


def test_a_reader_sees_the_reopened_period_as_signed_off(page, changed):  # noqa: F811
    sign_in_as(page, RICHARD_CARR)
    visit(page, f"/workstreams/{changed.workstreams['GOV']}")
    expect(page.get_by_role("cell", name="Signed off, revision 1")).to_have_count(2)
    expect(page.get_by_text(re.compile(MARKER))).to_have_count(0)
    assert_accessible(page)
    visit(page, "/periods")
    expect(page.get_by_text("Not yet signed off")).to_have_count(0)
    assert_accessible(page)
