"""How dates and officers' free text are written."""
import datetime as dt

from app.formatting import long_date, prose, short_date
from app.models import ReportingPeriod


def test_period_label_is_written_in_full():
    period = ReportingPeriod(start_date=dt.date(2023, 9, 1), end_date=dt.date(2023, 10, 31))
    assert period.label == "1 September 2023 – 31 October 2023"
    assert period.slug == "2023-09-01-to-2023-10-31"


def test_dates_have_no_leading_zero():
    assert long_date(dt.date(2024, 1, 5)) == "5 January 2024"
    assert short_date(dt.date(2024, 1, 5)) == "5 Jan 2024"
    assert long_date(None) == ""


def test_prose_makes_paragraphs_and_bullet_lists():
    html = str(prose("First paragraph\nsecond line\n\n- one\n- two\n\nLast"))
    assert html == (
        '<div class="wm-prose"><p class="govuk-body">First paragraph<br>second line</p>'
        '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>'
        '<p class="govuk-body">Last</p></div>'
    )


def test_prose_handles_a_list_straight_after_a_sentence():
    html = str(prose("Activities:\n- one\n- two"))
    assert '<p class="govuk-body">Activities:</p><ul' in html


def test_prose_escapes_markup():
    html = str(prose('<img src=x onerror="alert(1)">\n- <a href="javascript:x">y</a>'))
    assert "<img" not in html and "<a " not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_prose_of_nothing_is_empty():
    assert str(prose("")) == "" and str(prose(None)) == "" and str(prose(" \n\n ")) == ""
