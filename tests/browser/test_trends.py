"""The RAG trend chart and the programme heat-map in a real browser, with axe-core on every page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_as, visit
from tests.personas import RICHARD_CARR, STEVE_COX
from tests.test_trends import add_periods

NOV_DEC = "1 November 2023 – 31 December 2023"


@pytest.mark.parametrize(
    ("email", "periods"),
    [(STEVE_COX, ["Green/Amber", "Green/Amber", "Not agreed"]), (RICHARD_CARR, ["Green/Amber", "Green/Amber"])],
)
def test_trend_chart_and_heatmap_are_shown_and_accessible(page, app, ids, email, periods):
    sign_in_as(page, email)

    visit(page, f"/workstreams/{ids.workstreams['PTN']}")
    chart = page.get_by_role("img", name=re.compile(r"^Agreed RAG rating of Partnership working"))
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile(rf"over {len(periods)} periods: Green/Amber, Green/Amber"))
    page.get_by_text("Show the ratings as a table").click()
    ratings = page.get_by_role("table", name="Agreed RAG rating of Partnership working, oldest first")
    expect(ratings).to_be_visible()
    expect(ratings.get_by_role("cell")).to_have_text(periods)
    assert_accessible(page)

    visit(page, "/periods")
    region = page.get_by_role("region", name=re.compile("Agreed RAG rating of each workstream"))
    expect(region).to_be_visible()
    heatmap = region.get_by_role("table")
    expect(heatmap.get_by_role("columnheader")).to_have_count(1 + len(periods))
    expect(heatmap.get_by_role("columnheader", name=NOV_DEC)).to_have_count(1 if len(periods) == 3 else 0)
    expect(heatmap.get_by_role("rowheader")).to_have_count(5)
    row = heatmap.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Partnership working"))
    expect(row.get_by_role("cell")).to_have_text(periods)
    # The scroll container takes keyboard focus, so it can be scrolled without a mouse.
    region.focus()
    expect(region).to_be_focused()
    assert_accessible(page)


def test_heatmap_and_a_long_chart_scroll_inside_their_regions_on_a_narrow_screen(page, app, ids):
    add_periods(app, 7)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_as(page, STEVE_COX)
    visit(page, "/periods")
    region = page.get_by_role("region", name=re.compile("Agreed RAG rating of each workstream"))
    expect(region).to_be_visible()
    scroll_width, client_width = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll_width > client_width
    # The heat-map scrolls within the screen's width (the older tables on these pages do not, yet).
    assert fits_the_screen(page, region)
    visit(page, f"/workstreams/{ids.workstreams['PTN']}")
    # Eight periods: the chart shrinks only so far, then scrolls in a focusable frame named by its title.
    frame = page.get_by_role("region", name="Agreed RAG rating of Partnership working")
    expect(frame.get_by_role("img", name=re.compile(r"over 8 periods"))).to_be_visible()
    scroll_width, client_width = frame.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll_width > client_width
    assert fits_the_screen(page, frame)
    frame.focus()
    expect(frame).to_be_focused()
    assert_accessible(page)


def fits_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
