"""The agreed-rating trend chart as data: every label, position and shape worked out here, so that
templates/components/_rag_trend.html only lays the SVG out.

Green is at the top and Red at the bottom, each level named on the axis and drawn with its own marker
shape; each period's rating is also written under its label, so colour is never the only cue. Colours
are the RAG palette's (app/rag.py)."""
from __future__ import annotations

import dataclasses
from urllib.parse import quote

from app.formatting import as_date, short_period
from app.rag import RAG, RAG_PALETTE

# Geometry, in the SVG's own units: a column per period and a band per level, Green (severity 0) on top.
LEFT, TOP, COLUMN, BAND = 150, 10, 116, 44
AXIS_Y = TOP + 5 * BAND
# Beyond this drawn width the chart scrolls in a frame of its own (see _trends.scss).
WIDE = 720
# Each level's marker shape, so colour is never the only cue.
SHAPES = {RAG.GREEN: "circle", RAG.GREEN_AMBER: "square", RAG.AMBER: "triangle", RAG.AMBER_RED: "diamond",
          RAG.RED: "cross"}
OUTLINE = "#0b0c0c"
NOT_AGREED_TEXT = "#505a5f"


@dataclasses.dataclass(frozen=True)
class Marker:
    """One SVG element: its tag and presentation attributes."""

    tag: str
    attributes: dict[str, object]


@dataclasses.dataclass(frozen=True)
class Level:
    rag: RAG
    band_y: int
    label_y: int
    fill: str
    text_colour: str
    marker: Marker


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    lines: list[str]
    rag: RAG | None
    x: int
    marker: Marker | None
    rating_y: int
    rating_colour: str


@dataclasses.dataclass(frozen=True)
class TrendChart:
    base_id: str
    subject: str
    description: str
    columns: list[Column]
    levels: list[Level]
    # Polyline point lists joining consecutive agreed ratings; a period without one leaves a gap.
    lines: list[str]
    width: int
    height: int
    drawn_width: float
    drawn_height: float
    wide: bool

    # The geometry, for the template.
    left: int = LEFT
    top: int = TOP
    band: int = BAND
    axis_y: int = AXIS_Y

    @property
    def plot_width(self) -> int:
        return len(self.columns) * COLUMN


def marker(rag: RAG, x: int, y: int, size: int = 7) -> Marker:
    """The level's own shape, about 2 × size across, centred on (x, y)."""
    s, h = size, size * 6 // 7
    fill = RAG_PALETTE[rag].mark
    look = {"fill": fill, "stroke": OUTLINE, "stroke-width": "1.5"}
    shape = SHAPES[rag]
    if shape == "circle":
        return Marker("circle", {"cx": x, "cy": y, "r": s, **look})
    if shape == "square":
        return Marker("rect", {"x": x - h, "y": y - h, "width": 2 * h, "height": 2 * h, **look})
    if shape == "triangle":
        d = f"M{x} {y - s - 1}L{x + s + 1} {y + h}L{x - s - 1} {y + h}Z"
    elif shape == "diamond":
        d = f"M{x} {y - s - 1}L{x + s + 1} {y}L{x} {y + s + 1}L{x - s - 1} {y}Z"
    else:
        a, b = s // 2, s
        corners = [(-b, -b + a), (-b + a, -b), (0, -a), (b - a, -b), (b, -b + a), (a, 0), (b, b - a), (b - a, b),
                   (0, a), (-b + a, b), (-b, b - a), (-a, 0)]
        d = "M" + "L".join(f"{x + dx} {y + dy}" for dx, dy in corners) + "Z"
    return Marker("path", {"d": d, **look})


def _label(point) -> str:
    """"Sep–Oct 2023" from a label, a snapshot's period text, or the period's first and last days."""
    value = _get(point, "label") or _get(point, "period")
    if value:
        return str(value)
    return short_period(as_date(_get(point, "start_date")), as_date(_get(point, "end_date")))


def _get(point, name: str):
    return point.get(name) if isinstance(point, dict) else getattr(point, name, None)


def _lines(label: str) -> list[str]:
    # A long label is written on two lines, broken after its dash.
    if len(label) > 13 and "–" in label:
        first, rest = label.split("–", 1)
        return [first + "–", rest]
    return [label]


def _base_id(title: str) -> str:
    # The title, lower case and hyphenated, with what an id must not hold percent-encoded, then the % dropped.
    return "wm-rag-trend-" + quote(title.lower().replace(" ", "-"), safe="/").replace("%", "").replace("/", "-")


def trend_chart(points, title: str, id: str | None = None, fit_width: int | None = 640) -> TrendChart | None:
    """The chart of `points` (oldest first; each with a label, a snapshot's `period` or its start and end
    dates, and a `rag`: a rating, its name or None), or None when there are none. `fit_width` is the
    widest it is drawn, in CSS pixels (none on screen, where the stylesheet scales it)."""
    if not points:
        return None
    subject = f"Agreed RAG rating of {title}"
    columns = []
    for index, point in enumerate(points):
        label, rag = _label(point), RAG.named(_get(point, "rag"))
        x = LEFT + COLUMN * index + COLUMN // 2
        lines = _lines(label)
        columns.append(Column(
            label=label,
            lines=lines,
            rag=rag,
            x=x,
            marker=marker(rag, x, _level_y(rag), size=9) if rag else None,
            rating_y=AXIS_Y + 22 + 18 * len(lines),
            rating_colour=RAG_PALETTE[rag].text if rag else NOT_AGREED_TEXT,
        ))
    width = LEFT + len(columns) * COLUMN + 8
    height = AXIS_Y + (76 if any(len(c.lines) > 1 for c in columns) else 58)
    scale = fit_width / width if fit_width and width > fit_width else 1
    return TrendChart(
        base_id=id or _base_id(str(title)),
        subject=subject,
        description=_description(subject, columns),
        columns=columns,
        levels=[
            Level(rag, TOP + BAND * rag.severity, _level_y(rag) + 6, RAG_PALETTE[rag].band, RAG_PALETTE[rag].text,
                  marker(rag, LEFT - 14, _level_y(rag)))
            for rag in RAG
        ],
        lines=_joined_runs(columns),
        width=width,
        height=height,
        drawn_width=round(width * scale, 1),
        drawn_height=round(height * scale, 1),
        wide=width * scale > WIDE,
    )


def _level_y(rag: RAG) -> int:
    return TOP + BAND * rag.severity + BAND // 2


def _joined_runs(columns: list[Column]) -> list[str]:
    runs, run = [], []
    for column in columns + [None]:
        if column is not None and column.rag:
            run.append(f"{column.x},{_level_y(column.rag)}")
            continue
        if len(run) > 1:
            runs.append(" ".join(run))
        run = []
    return runs


def _description(subject: str, columns: list[Column]) -> str:
    ratings = ", ".join(c.rag.label if c.rag else "not agreed" for c in columns)
    n = len(columns)
    span = f", from {columns[0].label} to {columns[-1].label}" if n > 1 else f": {columns[0].label}"
    return f"{subject} over {n} period{'s' if n != 1 else ''}: {ratings}. Oldest first{span}."
