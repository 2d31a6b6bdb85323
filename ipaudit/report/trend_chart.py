"""The compliance trend of the HTML report as the geometry of an inline SVG line chart.

One line per rule over the runs of ``Comparison.trend`` (x: the runs in order, evenly
spaced and labelled with their audit date; y: 0–100 %). Every line has its own colour,
dash pattern and marker shape, so the chart still reads when printed in black and white,
and a label at its end: the line's marker and the rule id, in ink. Markers and date labels are thinned past a couple
of dozen runs so sixty (or six hundred) nightly runs stay legible. This module computes
numbers and path data only; ``report.html.j2`` writes the markup, escaped as everything else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import polars as pl

from ipaudit import numbers
from ipaudit.report import common

WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 52, 84, 16, 40
#: At most this many date labels on the x axis, and about this many markers per line.
MAX_X_LABELS = 9
MAX_MARKERS = 16
#: Smallest vertical distance between two end labels, in SVG units.
LABEL_GAP = 13
MARKER_SIZE = 4.0

#: Okabe–Ito colours (safe for colour-blind readers; its yellow is too pale on white), then purple and brown.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#6A3D9A", "#8C564B")
#: stroke-dasharray per line: solid, dashed, dotted, dash-dot, long dash.
DASHES = ("", "9 5", "2 4", "12 4 3 4", "20 6")
#: (marker shape, filled): open and filled shapes alternate so they differ in grey too.
MARKERS = (("circle", False), ("square", True), ("triangle", False), ("diamond", True),
           ("cross", False), ("triangle-down", True))


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis."""

    pos: float
    text: str


@dataclass(frozen=True)
class Line:
    """One rule's line, its markers, its end label and its row in the legend."""

    rule_id: str
    title: str
    color: str
    dash: str
    """stroke-dasharray; empty for a solid line."""
    filled: bool
    """Markers filled with the colour (else white with a coloured outline)."""
    path: str
    """``d`` of the line; a run without a rate breaks it."""
    markers: str
    """``d`` of every marker of the line, as one path."""
    label: tuple[float, float, float] | None
    """End label (x, y of the text, y of the last point) when the last run has a rate."""
    label_marker: str
    """``d`` of the line's marker drawn before the end label, so the label names the line in grey too."""
    swatch_path: str
    swatch_marker: str
    previous: float | None
    """Rate in the run before the last, for the legend."""
    current: float | None
    """Rate in the last run (this one)."""

    @property
    def change(self) -> str:
        """The change from previous to current in percentage points, '+1,2' / '−0,4', or '–'."""
        if self.previous is None or self.current is None:
            return "–"
        points = round((self.current - self.previous) * 100, 1)
        text = numbers.fmt_decimal(abs(points))
        return "±0,0" if points == 0 else ("+" if points > 0 else "\u2212") + text


@dataclass(frozen=True)
class TrendChart:
    """Everything the template needs to draw the chart and its legend."""

    width: int
    height: int
    plot: tuple[float, float, float, float]
    """left, top, right, bottom of the plotting area."""
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    runs: int
    first: dt.date
    last: dt.date
    without_rate: list[str]
    """Rules in the trend that never had a compliance rate (no line is drawn for them)."""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker_path(shape: str, x: float, y: float, r: float = MARKER_SIZE) -> str:
    """``d`` of one marker centred on (x, y)."""
    n = _num
    if shape == "circle":
        return f"M{n(x - r)} {n(y)}a{n(r)} {n(r)} 0 1 0 {n(2 * r)} 0a{n(r)} {n(r)} 0 1 0 {n(-2 * r)} 0z"
    if shape == "square":
        s = r * 0.9
        return f"M{n(x - s)} {n(y - s)}h{n(2 * s)}v{n(2 * s)}h{n(-2 * s)}z"
    if shape == "triangle":
        return f"M{n(x)} {n(y - r * 1.25)}L{n(x + r * 1.15)} {n(y + r * 0.85)}L{n(x - r * 1.15)} {n(y + r * 0.85)}z"
    if shape == "triangle-down":
        return f"M{n(x)} {n(y + r * 1.25)}L{n(x + r * 1.15)} {n(y - r * 0.85)}L{n(x - r * 1.15)} {n(y - r * 0.85)}z"
    if shape == "diamond":
        s = r * 1.3
        return f"M{n(x)} {n(y - s)}L{n(x + s)} {n(y)}L{n(x)} {n(y + s)}L{n(x - s)} {n(y)}z"
    # cross: a plus of arm half-width w, turned 45°, as one closed outline
    w, arm = r * 0.42, r * 1.35
    plus = [(w, w), (w, arm), (-w, arm), (-w, w), (-arm, w), (-arm, -w), (-w, -w), (-w, -arm), (w, -arm),
            (w, -w), (arm, -w), (arm, w)]
    c = math.sqrt(0.5)
    points = [(x + (px - py) * c, y + (px + py) * c) for px, py in plus]
    return "M" + "L".join(f"{n(px)} {n(py)}" for px, py in points) + "z"


def _every(n: int, most: int) -> list[int]:
    """Indices 0 … n-1 thinned to about ``most``, always keeping the last (this run)."""
    step = max(1, math.ceil(n / most))
    return [i for i in range(n) if (n - 1 - i) % step == 0]


def _spread(wanted: Sequence[float], low: float, high: float, gap: float) -> list[float]:
    """Positions as near ``wanted`` as possible, at least ``gap`` apart, within [low, high]."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], low), high) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(wanted)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def build_chart(trend: pl.DataFrame, titles: Mapping[str, str]) -> TrendChart | None:
    """The chart of ``trend`` (TREND_SCHEMA rows, oldest run first); None with fewer than two runs.

    ``titles`` (rule id → title, in report order) gives the lines' order and legend texts;
    rules only in the trend follow, by their id.
    """
    runs = common.trend_runs(trend)
    n = runs.height
    if n < 2:
        return None
    in_trend = common.trend_rule_ids(trend)
    rule_ids = [r for r in titles if r in in_trend] + [r for r in in_trend if r not in titles]
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM

    def x_at(i: int) -> float:
        return left + (right - left) * i / (n - 1)

    def y_at(rate: float) -> float:
        return bottom - (bottom - top) * min(max(rate, 0.0), 1.0)

    marked = set(_every(n, MAX_MARKERS))
    lines: list[Line] = []
    ends: list[tuple[int, float]] = []
    without_rate = []
    for rule_id in rule_ids:
        rates: list[float | None] = runs.get_column(rule_id).to_list()
        if all(rate is None for rate in rates):
            without_rate.append(rule_id)
            continue
        k = len(lines)
        color, dash = COLORS[k % len(COLORS)], DASHES[k % len(DASHES)]
        shape, filled = MARKERS[k % len(MARKERS)]
        segments, dots = [], []
        for i, rate in enumerate(rates):
            if rate is None:
                continue
            x, y = x_at(i), y_at(rate)
            joined = i > 0 and rates[i - 1] is not None
            segments.append(f"{'L' if joined else 'M'}{_num(x)} {_num(y)}")
            alone = not joined and (i == n - 1 or rates[i + 1] is None)
            if i in marked or alone:
                dots.append(marker_path(shape, x, y))
        current, previous = rates[-1], rates[-2]
        if current is not None:
            ends.append((k, y_at(current)))
        lines.append(Line(
            rule_id=rule_id, title=titles.get(rule_id, rule_id), color=color, dash=dash, filled=filled,
            path="".join(segments), markers="".join(dots), label=None, label_marker="",
            swatch_path="M2 8H42", swatch_marker=marker_path(shape, 22, 8),
            previous=previous, current=current,
        ))
    placed = _spread([y for _, y in ends], top + 4, bottom, LABEL_GAP)
    for (k, y), label_y in zip(ends, placed, strict=True):
        shape = MARKERS[k % len(MARKERS)][0]
        lines[k] = replace(lines[k], label=(right + 22, label_y, y),
                           label_marker=marker_path(shape, right + 14, label_y - 4, MARKER_SIZE * 0.9))
    as_of = runs.get_column("as_of").to_list()
    x_ticks = [Tick(x_at(i), common.fmt_date(as_of[i])) for i in _every(n, MAX_X_LABELS)]
    y_ticks = [Tick(y_at(p / 100), f"{p}{common.NBSP}%") for p in (0, 25, 50, 75, 100)]
    return TrendChart(
        width=WIDTH, height=HEIGHT, plot=(left, top, right, bottom), lines=lines, x_ticks=x_ticks,
        y_ticks=y_ticks, runs=n, first=as_of[0], last=as_of[-1], without_rate=without_rate,
    )

