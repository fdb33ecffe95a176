"""RAG trends: the chart on each workstream's page and the programme heat-map on the periods list."""
import contextlib
import datetime as dt
import html as html_lib
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import RAG, ProgrammeReport, UpdateState, Workstream, WorkstreamUpdate
from app.models.types import utcnow
from app.periods.services import open_period
from app.reports.services import freeze_revision
from tests.conftest import demo_programme, user_by_email
from tests.demo_ids import TITLES
from tests.personas import COMMITTEE_MEMBER, LOUISA_SIMPSON, RICHARD_CARR, STEVE_COX


JUL_AUG = "1 July 2023 – 31 August 2023"
SEP_OCT = "1 September 2023 – 31 October 2023"
NOV_DEC = "1 November 2023 – 31 December 2023"
WORKSTREAMS = list(TITLES.values())
SIGNED_OFF_RATINGS = {name: ("Green", "Green") for name in WORKSTREAMS} | {"Partnership working": ("Green/Amber", "Green/Amber")}


def text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def chart(html: str) -> str:
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 1, "expected one chart on the page"
    return svgs[0]


def trend_table(html: str) -> list[tuple[str, str]]:
    """(period, agreed rating) rows of the chart's table alternative."""
    trend = html[html.index('<div class="wm-trend">'):]
    table = re.search(r"<table\b.*?</table>", trend, re.S).group(0)
    return [
        (text(header), text(cell))
        for header, cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', table, re.S)
    ]


def heatmap(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The heat-map's period columns (as a screen reader names them) and each workstream row's cells."""
    region = re.search(r'<div class="wm-heatmap"[^>]*>.*?</table>', html, re.S)
    assert region, "no heat-map on the page"
    table = region.group(0)
    columns = [
        text(re.sub(r'<span aria-hidden="true">.*?</span>', "", header))
        for header in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)
    ]
    assert columns[0] == "Workstream"
    rows = {}
    for row in re.findall(r'<tr class="govuk-table__row">\s*<th scope="row".*?</tr>', table, re.S):
        name = text(re.search(r"<th.*?</th>", row, re.S).group(0))
        rows[name] = [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return columns[1:], rows


# The workstream page's chart


def test_workstream_page_draws_the_agreed_ratings_as_an_accessible_chart(signed_in, ids):
    html = signed_in(STEVE_COX).get(f"/workstreams/{ids.workstreams['PTN']}").get_data(as_text=True)
    svg = chart(html)
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in root
    for attribute in ("width", "height", "viewBox"):
        assert re.search(rf'\s{attribute}="[0-9. ]+"', root), attribute
    title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', root).group(1).split()
    title = re.search(rf'<title id="{title_id}">(.*?)</title>', svg).group(1)
    desc = re.search(rf'<desc id="{desc_id}">(.*?)</desc>', svg).group(1)
    assert title == "Agreed RAG rating of Partnership working"
    assert desc.startswith(
        "Agreed RAG rating of Partnership working over 3 periods: Green/Amber, Green/Amber, not agreed."
    )
    assert "Jul–Aug 2023" in desc and "Nov–Dec 2023" in desc
    # Each agreed rating is a point that names itself; the draft period is a gap in the line.
    assert re.findall(r"<g>\s*<title>(.*?)</title>", svg) == ["Jul–Aug 2023: Green/Amber", "Sep–Oct 2023: Green/Amber"]
    assert len(re.findall(r"<polyline\b", svg)) == 1
    # The axis names every level, Green first.
    assert re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', svg) == [rag.label for rag in RAG]
    # Self-contained for the PDF: no script, no links to other files, no classes inside the drawing.
    inner = svg[len(root):]
    assert "<script" not in inner and "href" not in inner and "class=" not in inner
    assert trend_table(html) == [
        ("Jul–Aug 2023", "Green/Amber"),
        ("Sep–Oct 2023", "Green/Amber"),
        ("Nov–Dec 2023", "Not agreed"),
    ]
    assert "Show the ratings as a table" in html


@pytest.mark.parametrize("email", [RICHARD_CARR, COMMITTEE_MEMBER])
def test_readers_see_the_chart_over_signed_off_periods_only(signed_in, ids, email):
    html = signed_in(email).get(f"/workstreams/{ids.workstreams['PTN']}").get_data(as_text=True)
    desc = re.search(r"<desc\b[^>]*>(.*?)</desc>", chart(html)).group(1)
    assert desc.startswith("Agreed RAG rating of Partnership working over 2 periods: Green/Amber, Green/Amber.")
    assert "Nov–Dec 2023" not in html
    assert trend_table(html) == [("Jul–Aug 2023", "Green/Amber"), ("Sep–Oct 2023", "Green/Amber")]


def test_the_chart_shows_the_latest_eight_periods(app, signed_in, ids):
    add_periods(app, 7)
    html = signed_in(LOUISA_SIMPSON).get(f"/workstreams/{ids.workstreams['GOV']}").get_data(as_text=True)
    periods = [period for period, _rating in trend_table(html)]
    assert len(periods) == 8
    assert periods[0] == "Nov–Dec 2023" and periods[-1] == "Jan–Feb 2025"
    assert "over 8 periods" in chart(html)


# The heat-map on the periods list


def test_heatmap_shows_every_workstream_in_every_period_for_officers(ids, signed_in):
    html = signed_in(STEVE_COX).get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    columns, rows = heatmap(html)
    assert columns == [JUL_AUG, SEP_OCT, NOV_DEC]
    assert list(rows) == WORKSTREAMS
    for name, (jul_aug, sep_oct) in SIGNED_OFF_RATINGS.items():
        assert rows[name] == [jul_aug, sep_oct, "Not agreed"], name
    assert rows["Partnership working"][columns.index(SEP_OCT)] == "Green/Amber"
    # Table semantics, and a named, focusable scroll container.
    assert re.search(r'<div class="wm-heatmap" role="region" aria-labelledby="([^"]+)" tabindex="0">', html)
    caption_id = re.search(r'class="wm-heatmap" role="region" aria-labelledby="([^"]+)"', html).group(1)
    assert re.search(rf'<caption[^>]*id="{caption_id}"', html)
    # The existing list of periods is still there, newest first.
    listed = re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/periods/\d+">(.*?)</a>', html)
    assert listed == [NOV_DEC, SEP_OCT, JUL_AUG]


@pytest.mark.parametrize("email", [RICHARD_CARR, COMMITTEE_MEMBER])
def test_readers_heatmap_has_no_open_period(ids, signed_in, email):
    html = signed_in(email).get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    columns, rows = heatmap(html)
    assert columns == [JUL_AUG, SEP_OCT]
    assert {name: tuple(cells) for name, cells in rows.items()} == SIGNED_OFF_RATINGS
    assert NOV_DEC not in html and "Nov–Dec 2023" not in html


def test_heatmap_shows_the_latest_twelve_periods_and_says_so(ids, app, signed_in):
    add_periods(app, 10)
    html = signed_in(STEVE_COX).get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    columns, rows = heatmap(html)
    assert len(columns) == 12
    assert columns[0] == SEP_OCT and columns[-1] == "1 July 2025 – 31 August 2025"
    assert all(len(cells) == 12 for cells in rows.values())
    assert "This shows the latest 12 periods. The 1 older period is in the list of periods." in html
    # The list pages through the history, twelve periods a page: the oldest is on page 2.
    assert html.count(f">{JUL_AUG}</a>") == 0
    older = signed_in(STEVE_COX).get(f"/programmes/{ids.programme}/periods?page=2").get_data(as_text=True)
    assert older.count(f">{JUL_AUG}</a>") == 1


def test_workstream_titles_are_escaped_in_the_chart_and_heatmap(app, signed_in, ids):
    with app.app_context():
        workstream = db.session.get(Workstream, ids.workstreams["PTN"])
        workstream.title = '<script>alert("x")</script> Partnership'
        db.session.commit()
    client = signed_in(STEVE_COX)
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Partnership"
    page = client.get(f"/workstreams/{ids.workstreams['PTN']}").get_data(as_text=True)
    svg = chart(page)
    assert "<script" not in svg
    assert f">Agreed RAG rating of {escaped}</title>" in svg
    assert f"Agreed RAG rating of {escaped} over 3 periods" in svg
    ids_in_chart = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert all(re.fullmatch(r"[A-Za-z0-9_.~-]+", element_id) for element_id in ids_in_chart)
    assert '<script>alert("x")</script>' not in page
    periods = client.get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in periods
    _columns, rows = heatmap(periods)
    assert '<script>alert("x")</script> Partnership' in rows
    assert f">{escaped}</a></th>" in periods


# A fixed number of SQL statements per page


@pytest.mark.parametrize("email", [STEVE_COX, RICHARD_CARR])
def test_trend_pages_run_as_many_sql_statements_however_many_periods(app, signed_in, ids, email):
    client = signed_in(email)
    paths = [f"/programmes/{ids.programme}/periods", f"/workstreams/{ids.workstreams['PTN']}"]
    before = {path: statements_for(app, client, path) for path in paths}
    add_periods(app, 6, sign_off=True)
    after = {path: statements_for(app, client, path) for path in paths}
    html = client.get(f"/programmes/{ids.programme}/periods").get_data(as_text=True)
    assert len(heatmap(html)[0]) == (9 if email == STEVE_COX else 8)
    assert after == before


# Helpers


RATINGS = list(RAG)


def period_end(start: dt.date) -> dt.date:
    month = start.month + 2
    return dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)


def add_periods(app, count: int, sign_off: bool = False) -> None:
    """`count` two-month periods from January 2024, every update approved with an agreed rating, and with
    `sign_off` signed off as CMT does it (the snapshot and what readers' pages read of it)."""
    with app.test_request_context():
        start = dt.date(2024, 1, 1)
        for index in range(count):
            end = period_end(start)
            period = open_period(
                demo_programme(),
                start_date=start, end_date=end, drafts_due=end, approvals_due=end, sign_off_due=end,
                iib_meeting_date=None, opened_by=None, while_another_is_open=True,
            )
            db.session.flush()
            for update in db.session.scalars(sa.select(WorkstreamUpdate).where(WorkstreamUpdate.period_id == period.id)):
                update.state = UpdateState.APPROVED
                update.agreed_rag = RATINGS[(index + update.workstream_id) % len(RATINGS)]
            db.session.commit()
            if sign_off:
                report = db.session.scalar(sa.select(ProgrammeReport).where(ProgrammeReport.period_id == period.id))
                cmt_member = user_by_email(STEVE_COX)
                freeze_revision(report, cmt_member, end + dt.timedelta(days=10), utcnow())
                db.session.commit()
            start = end + dt.timedelta(days=1)


@contextlib.contextmanager
def counting_statements(app):
    statements: list[str] = []

    def count(_connection, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def statements_for(app, client, path: str) -> int:
    client.get(path)  # warm up: connections, first-use queries
    with counting_statements(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)
