"""The compliance trend of the HTML report as small multiples: one small line chart per rule.

Seven rules between 92 and 99 % drawn on one 0–100 % axis lie on top of each other, and a
rule that moves from 0 to 50 % on two patients looks like the biggest event of the month.
So every rule gets its own panel with its own y scale (at least ``MIN_SPAN`` wide, on round
5/10/25 percentage-point steps, so one patient more or less in a large group does not look
like a landslide), the same x axis (the runs in order, evenly spaced, first and last audit
date written out), and every point says on hover what it rests on: "50,0 % (1 av 2)". A
point resting on fewer than ``SMALL_BASE`` assessed patients is drawn hollow — there one
patient moves the rate by more than ten percentage points. The line has the colour of the
rule's severity, as the bars of the summary chart do.

This module computes numbers and path data only; ``report.html.j2`` writes the markup,
escaped as everything else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from ipaudit import numbers
from ipaudit.report import common

#: viewBox of one panel, and its plotting area inside it.
WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 8, 24
#: Smallest height of a panel's y scale (a fraction: 0.10 = 10 percentage points).
MIN_SPAN = 0.10
#: Fewer assessed patients than this and the point is drawn hollow ("lite grunnlag").
SMALL_BASE = 10
#: Marker radius by number of runs: bigger while there is room.
MARKER_RADII = ((16, 3.2), (40, 2.2))
SMALL_MARKER_RADIUS = 1.6


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis."""

    pos: float
    text: str
    anchor: str = "middle"
    """text-anchor of the label."""


@dataclass(frozen=True)
class Point:
    """One run of one rule: where it is drawn and what it rests on."""

    x: float
    y: float
    rate: float
    assessed: int
    """pass + fail: the patients the rate is computed from."""
    passed: int
    as_of: dt.date

    @property
    def small(self) -> bool:
        """Fewer than SMALL_BASE assessed patients: drawn hollow."""
        return self.assessed < SMALL_BASE

    @property
    def title(self) -> str:
        """The hover text: '30.06.2025: 50,0 % (1 av 2 vurderte oppfylt)'."""
        return (f"{common.fmt_date(self.as_of)}: {numbers.fmt_pct(self.rate)} "
                f"({common.fmt_int(self.passed)} av {common.fmt_int(self.assessed)} vurderte oppfylt)")


@dataclass(frozen=True)
class Panel:
    """One rule's small chart, its figures and its row in the table below the panels."""

    rule_id: str
    title: str
    severity: str
    """'error' or 'warning' (the line's colour); '' when unknown."""
    path: str
    """``d`` of the line; a run without a rate breaks it."""
    points: list[Point]
    y_ticks: list[Tick]
    """The lowest and highest value of the panel's own scale, labelled."""
    grid: list[float]
    """y of the unlabelled grid lines between them."""
    radius: float
    previous: float | None
    """Rate in the run before the last."""
    current: float | None
    """Rate in the last run (this one)."""
    n_previous: int | None
    """Assessed patients (pass + fail) in the run before the last; None when the rule was not in it."""
    n_current: int | None
    """Assessed patients in the last run."""

    @property
    def change(self) -> str:
        """The change from previous to current in percentage points, '+1,2' / '−0,4', or '–'."""
        if self.previous is None or self.current is None:
            return "–"
        points = round((self.current - self.previous) * 100, 1)
        text = numbers.fmt_decimal(abs(points))
        return "±0,0" if points == 0 else ("+" if points > 0 else "\u2212") + text

    @property
    def small_now(self) -> bool:
        """This run's rate rests on fewer than SMALL_BASE patients."""
        return self.n_current is not None and self.n_current < SMALL_BASE

    @property
    def description(self) -> str:
        """The panel in words, for screen readers: first and last point, lowest and highest."""
        first, last = self.points[0], self.points[-1]
        rates = [p.rate for p in self.points]
        return (f"{self.rule_id}: fra {numbers.fmt_pct(first.rate)} (n = {common.fmt_int(first.assessed)}) "
                f"{common.fmt_date(first.as_of)} til {numbers.fmt_pct(last.rate)} "
                f"(n = {common.fmt_int(last.assessed)}) {common.fmt_date(last.as_of)}; "
                f"laveste {numbers.fmt_pct(min(rates))}, høyeste {numbers.fmt_pct(max(rates))}")


@dataclass(frozen=True)
class TrendChart:
    """Everything the template needs to draw the panels and the table."""

    width: int
    height: int
    plot: tuple[float, float, float, float]
    """left, top, right, bottom of the plotting area of every panel."""
    panels: list[Panel]
    x_ticks: list[Tick]
    runs: int
    first: dt.date
    last: dt.date
    without_rate: list[str]
    """Rules in the trend that never had a compliance rate (no panel is drawn for them)."""
    small_base: int = SMALL_BASE


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def scale(rates: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a panel's y scale: round steps, at least MIN_SPAN, within 0–100 %."""
    low, high = min(rates), max(rates)
    if high - low < MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
        if low < 0:
            low, high = 0.0, MIN_SPAN
        elif high > 1:
            low, high = 1 - MIN_SPAN, 1.0
    span = high - low
    step = 0.05 if span <= 0.25 else 0.10 if span <= 0.5 else 0.25
    low = max(0.0, math.floor(round(low / step, 6)) * step)
    high = min(1.0, math.ceil(round(high / step, 6)) * step)
    return round(low, 4), round(high, 4), step


def _pct_label(value: float) -> str:
    percent = round(value * 100, 1)
    text = str(int(percent)) if percent == int(percent) else numbers.fmt_decimal(percent)
    return f"{text}{numbers.NBSP}%"


def _radius(runs: int) -> float:
    return next((r for most, r in MARKER_RADII if runs <= most), SMALL_MARKER_RADIUS)


@dataclass(frozen=True)
class _Cell:
    """One rule in one run, as the trend has it (all None but as_of when the rule was not in the run)."""

    as_of: dt.date
    rate: float | None
    passed: int | None
    failed: int | None

    @property
    def assessed(self) -> int | None:
        if self.passed is None and self.failed is None:
            return None
        return (self.passed or 0) + (self.failed or 0)


def _panel(rule_id: str, title: str, severity: str, cells: list[_Cell], x_at: Sequence[float]) -> Panel:
    """One rule's panel from its cells, one per run."""
    low, high, step = scale([c.rate for c in cells if c.rate is not None])
    top, bottom = TOP, HEIGHT - BOTTOM

    def y_at(rate: float) -> float:
        return bottom - (bottom - top) * (rate - low) / (high - low)

    points: list[Point] = []
    segments = []
    for i, cell in enumerate(cells):
        if cell.rate is None:
            continue
        joined = i > 0 and cells[i - 1].rate is not None
        point = Point(x=x_at[i], y=round(y_at(cell.rate), 2), rate=cell.rate, assessed=cell.assessed or 0,
                      passed=cell.passed or 0, as_of=cell.as_of)
        segments.append(f"{'L' if joined else 'M'}{_num(point.x)} {_num(point.y)}")
        points.append(point)
    grid = [round(y_at(low + k * step), 2) for k in range(1, round((high - low) / step))]
    last, before = cells[-1], cells[-2]
    return Panel(
        rule_id=rule_id, title=title, severity=severity, path="".join(segments), points=points,
        y_ticks=[Tick(y_at(high), _pct_label(high), "end"), Tick(y_at(low), _pct_label(low), "end")],
        grid=grid, radius=_radius(len(cells)), previous=before.rate, current=last.rate,
        n_previous=before.assessed, n_current=last.assessed,
    )


def build_chart(trend: pl.DataFrame, titles: Mapping[str, str],
                severities: Mapping[str, str] | None = None) -> TrendChart | None:
    """The panels of ``trend`` (TREND_SCHEMA rows, oldest run first); None with fewer than two runs.

    ``titles`` (rule id → title, in report order) gives the panels' order and titles; rules
    only in the trend follow, by their id. ``severities``: rule id → 'error' / 'warning'.
    """
    runs = common.trend_runs(trend)
    n = runs.height
    if n < 2:
        return None
    in_trend = common.trend_rule_ids(trend)
    rule_ids = [r for r in titles if r in in_trend] + [r for r in in_trend if r not in titles]
    left, right = LEFT, WIDTH - RIGHT
    x_at = [round(left + (right - left) * i / (n - 1), 2) for i in range(n)]
    as_of = runs.get_column("as_of").to_list()
    by_rule = _cells_by_rule(trend, runs)
    panels, without_rate = [], []
    for rule_id in rule_ids:
        cells = by_rule[rule_id]
        if all(cell.rate is None for cell in cells):
            without_rate.append(rule_id)
            continue
        panels.append(_panel(rule_id, titles.get(rule_id, rule_id), (severities or {}).get(rule_id, ""),
                             cells, x_at))
    x_ticks = [Tick(x_at[0], common.fmt_date(as_of[0]), "start"), Tick(x_at[-1], common.fmt_date(as_of[-1]), "end")]
    return TrendChart(
        width=WIDTH, height=HEIGHT, plot=(left, TOP, right, HEIGHT - BOTTOM), panels=panels, x_ticks=x_ticks,
        runs=n, first=as_of[0], last=as_of[-1], without_rate=without_rate,
    )


def _cells_by_rule(trend: pl.DataFrame, runs: pl.DataFrame) -> dict[str, list[_Cell]]:
    """rule id → one cell per run of ``runs``, oldest first."""
    found = {(row["rule_id"], row["run"]): row for row in common.number_runs(trend).iter_rows(named=True)}
    out: dict[str, list[_Cell]] = {}
    for rule_id in common.trend_rule_ids(trend):
        out[rule_id] = []
        for run, day in runs.select("run", "as_of").iter_rows():
            row = found.get((rule_id, run), {})
            out[rule_id].append(_Cell(day, row.get("compliance_rate"), row.get("pass"), row.get("fail")))
    return out
