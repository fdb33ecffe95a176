"""One RAG palette (app/rag.py) feeds every output: the screen stylesheet, the PDF's print stylesheet, the
trend chart and the Word pack."""
import re
import subprocess
import sys
from pathlib import Path

from app.rag import RAG, RAG_PALETTE, rag_tag_css
from app.reports.docx_export import RAG_FILLS
from app.trend_chart import marker, trend_chart

ROOT = Path(__file__).resolve().parent.parent


def test_the_scss_partial_is_the_one_make_assets_writes_from_the_palette():
    written = subprocess.run([sys.executable, "-m", "app.rag"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert (ROOT / "static/scss/components/_rag_palette.scss").read_text() == written.stdout


def test_the_built_stylesheet_holds_every_tag_colour_of_the_palette():
    built = (ROOT / "static/css/waymark.css").read_text()
    for rag, colours in RAG_PALETTE.items():
        modifier = rag.css_modifier if rag else "none"
        rule = f".wm-rag--{modifier}{{color:{colours.text};background:{colours.tint};border-color:{colours.mark}}}"
        assert rule in built


def test_the_print_stylesheet_writes_no_colour_of_its_own_for_ratings():
    print_css = (ROOT / "static/css/print.css").read_text()
    assert not re.search(r"\.wm-rag--", print_css)
    assert rag_tag_css().count(".wm-rag--") == len(RAG) + 1


def test_the_word_pack_shades_a_rating_with_its_palette_tint():
    for rag in RAG:
        assert "#" + RAG_FILLS[rag].lower() == RAG_PALETTE[rag].tint


def test_the_trend_chart_draws_each_level_in_its_palette_colours_and_own_shape():
    chart = trend_chart([{"label": "Sep–Oct 2023", "rag": "AMBER"}], "Governance")
    level = {lv.rag: lv for lv in chart.levels}
    assert [lv.rag for lv in chart.levels] == list(RAG)
    assert level[RAG.AMBER].fill == RAG_PALETTE[RAG.AMBER].band
    assert chart.columns[0].marker.attributes["fill"] == RAG_PALETTE[RAG.AMBER].mark
    shapes = {(m.tag, m.attributes.get("d")) for m in (marker(rag, 50, 50) for rag in RAG)}
    assert len(shapes) == len(RAG)


def test_the_trend_line_joins_consecutive_agreed_ratings_and_breaks_where_none_was_agreed():
    points = [{"label": f"P{n}", "rag": rag} for n, rag in enumerate(["GREEN", "AMBER", None, "RED", None, "RED", "RED"])]
    chart = trend_chart(points, "Governance")
    assert [len(line.split(" ")) for line in chart.lines] == [2, 2]
    assert chart.description.startswith("Agreed RAG rating of Governance over 7 periods: Green, Amber, not agreed")
    assert trend_chart([], "Governance") is None
