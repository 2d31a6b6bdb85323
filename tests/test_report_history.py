"""--history in every report: new / still failing / resolved exactly as the Comparison says, the trend.

The results come from a real history file (report_fixtures.make_recorded records earlier runs
with ipaudit.history and annotates the result as ``ipaudit audit --history`` does); every view
is checked against the run's Comparison, never against the fixture's design.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import markupsafe
import polars as pl
import pytest
from openpyxl import load_workbook
from report_fixtures import (
    FORMULA_ID,
    GONE_PATIENT,
    PREVIOUS_AS_OF,
    PREVIOUS_MARKUP,
    Recorded,
    make_recorded,
    make_result,
)

from ipaudit import report
from ipaudit.history import Comparison
from ipaudit.report import json as json_view
from ipaudit.report import trend_chart

RESULT_COLUMNS = ["rule_id", "patient_id", "status", "severity", "message", "evidence",
                  "due_date", "index_date", "unit", "original_status", "waiver_reason",
                  "waiver_approved_by", "waiver_expires"]
RESOLVED_COLUMNS = ["kind", "finding_id", "rule_id", "patient_id", "severity", "previous_status",
                    "previous_message", "current_status"]


@pytest.fixture
def run(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """This run, two earlier runs in its history file (kept apart from the output directories)."""
    return make_recorded(40, tmp_path_factory.mktemp("historikk") / "h.sqlite", earlier_runs=2)


def _history(run: Recorded) -> Comparison:
    return run.history


def write_reports(run: Recorded, out: Path, formats: list[str] | tuple[str, ...], **kwargs: Any) -> list[Path]:
    """The reports of ``run`` as ``ipaudit audit --history`` writes them."""
    return report.write_reports(run.result, out, formats, context=run.context, **kwargs)


def _ids(frame: pl.DataFrame) -> list[str]:
    return frame.get_column("finding_id").to_list()


def _changes(run: Recorded) -> dict[str, set[str]]:
    """finding ids per expected change, from the Comparison alone."""
    history = _history(run)
    return {"ny": set(_ids(history.new)), "fortsatt": set(_ids(history.still_failing))}


def test_the_fixture_has_every_kind_of_change(run: Recorded) -> None:
    history = _history(run)
    assert history.previous_run is not None and history.previous_run.as_of == PREVIOUS_AS_OF
    assert all(history.counts.values()), history.counts
    assert f"IP01:{GONE_PATIENT}" in _ids(history.resolved)
    assert None in history.resolved.get_column("current_status").to_list()


# ------------------------------------------------------------------ JSON


def _json(run: Recorded, out: Path) -> dict[str, Any]:
    write_reports(run, out, ["json"])
    return json.loads((out / "ipaudit-results.json").read_text(encoding="utf-8"))


def test_json_marks_every_result_and_lists_the_changes(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    doc = _json(run, tmp_path)
    rows = doc["results"]
    assert all(list(row)[: len(RESULT_COLUMNS)] == RESULT_COLUMNS for row in rows)
    assert all(list(row)[len(RESULT_COLUMNS):] == ["finding_id", "change"] for row in rows)
    assert all(row["finding_id"] == f"{row['rule_id']}:{row['patient_id']}" for row in rows)
    for change, ids in _changes(run).items():
        assert {row["finding_id"] for row in rows if row["change"] == change} == ids
    assert all(row["change"] is None for row in rows if row["status"] != "fail")

    h = doc["history"]
    assert list(h) == ["run_id", "previous_run", "counts", "resolved", "waived_since", "trend"]
    assert h["run_id"] == history.run_id
    assert h["previous_run"] == {"run_id": history.previous_run.run_id, "as_of": "2025-05-31",
                                 "started_at": "2025-06-01T06:15:00"}
    assert h["counts"] == history.counts
    for key in ("resolved", "waived_since"):
        assert h[key] == getattr(history, key).to_dicts()
    assert h["trend"] == [
        {**row, "as_of": row["as_of"].isoformat()} for row in history.trend.select(json_view.TREND_FIELDS).to_dicts()
    ]
    gone = next(r for r in h["resolved"] if r["patient_id"] == GONE_PATIENT)
    assert gone["previous_message"] == PREVIOUS_MARKUP and gone["current_status"] is None


def test_json_first_run(tmp_path: Path) -> None:
    run = make_recorded(10, tmp_path / "h.sqlite", earlier_runs=0)
    h = _json(run, tmp_path / "out")["history"]
    fails = run.result.results.filter(pl.col("status") == "fail").height
    assert h["previous_run"] is None
    assert h["counts"] == {"new": fails, "still_failing": 0, "resolved": 0, "waived_since": 0}
    assert h["resolved"] == [] and h["waived_since"] == [] and len(h["trend"]) == len(run.result.rules)


@pytest.mark.parametrize("chunk", [1, 5])
def test_json_history_arrays_chunked(run: Recorded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     chunk: int) -> None:
    whole = _json(run, tmp_path / "whole")
    monkeypatch.setattr(json_view, "CHUNK_ROWS", chunk)
    assert _json(run, tmp_path / "chunked") == whole


# ------------------------------------------------------------------ CSV


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_changes_and_resolved_file(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    paths = write_reports(run, tmp_path, ["csv"])
    assert [p.name for p in paths] == [
        "ipaudit-results.csv",
        "ipaudit-rejected.csv",
        "ipaudit-resolved.csv",
        "ipaudit-waivers.csv",
    ]
    # no temporary files left; the manifest describes the set
    assert sorted(os.listdir(tmp_path)) == sorted([*(p.name for p in paths), "ipaudit-manifest.json"])

    rows = _read_csv(tmp_path / "ipaudit-results.csv")
    assert list(rows[0]) == [*RESULT_COLUMNS, "finding_id", "change"]
    for change, ids in _changes(run).items():
        assert {r["finding_id"] for r in rows if r["change"] == change} == ids
    assert all(r["change"] == "" for r in rows if r["status"] != "fail")

    raw = (tmp_path / "ipaudit-resolved.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    resolved = _read_csv(tmp_path / "ipaudit-resolved.csv")
    assert list(resolved[0]) == RESOLVED_COLUMNS
    expected = [("løst", i) for i in _ids(history.resolved)] + [("unntatt", i) for i in _ids(history.waived_since)]
    assert [(r["kind"], r["finding_id"]) for r in resolved] == expected
    gone = next(r for r in resolved if r["patient_id"] == GONE_PATIENT)
    assert gone["previous_message"] == PREVIOUS_MARKUP and gone["current_status"] == ""


def test_csv_resolved_file_first_run_has_a_header(tmp_path: Path) -> None:
    run = make_recorded(10, tmp_path / "h.sqlite", earlier_runs=0)
    write_reports(run, tmp_path / "out", ["csv"])
    text = (tmp_path / "out" / "ipaudit-resolved.csv").read_text(encoding="utf-8-sig")
    assert text.strip() == ",".join(RESOLVED_COLUMNS)


# ------------------------------------------------------------------ HTML


def _html(run: Recorded, out: Path, limit: int = 200, formats: tuple[str, ...] = ("html",)) -> str:
    write_reports(run, out, formats, html_limit=limit)
    return (out / "ipaudit-report.html").read_text(encoding="utf-8")


def _section(page: str, anchor: str) -> str:
    start = page.index(anchor)
    return page[start: page.index("</section>", start)]


_ROW = re.compile(r'<td class="id">(.*?)</td>\s*<td><span class="status (\w+)">[^<]*</span></td>\s*'
                  r'<td>(?:<span class="change (\w+)">([^<]*)</span>)?</td>')


def test_html_findings_marked_new_or_still_failing_and_new_first(run: Recorded, tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    expected = _changes(run)
    seen: dict[str, set[str]] = {"ny": set(), "fortsatt": set()}
    for rule in run.result.rules:
        section = _section(page, f'<section class="rule" id="regel-{rule.meta.id}">')
        assert "<th scope=\"col\">Endring</th>" in section
        rows = _ROW.findall(section)
        assert len(rows) == section.count('<span class="status ')
        fails = [change for _, status, change, _ in rows if status == "fail"]
        assert fails == sorted(fails, key=["ny", "fortsatt"].index), rule.meta.id  # new first
        for patient, status, change, label in rows:
            assert bool(change) == (status == "fail")
            if change:
                assert label == {"ny": "Ny", "fortsatt": "Fortsatt"}[change]
                seen[change].add(f"{rule.meta.id}:{markupsafe.Markup(patient).unescape()}")
    assert seen == expected


def test_html_summary_box_and_resolved_section(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    page = _html(run, tmp_path)
    box = page[page.index('id="siden-forrige"'):page.index('<figure class="chart"')]
    assert "revisjonsdato 31.05.2025" in box
    numbers = re.findall(r'<span class="since-number">([\d\u00a0]+)</span>', box)
    assert [int(n.replace("\u00a0", "")) for n in numbers] == list(history.counts.values())

    section = _section(page, '<section id="loste">')
    listed = re.findall(r'<a href="#regel-(\w+)">\w+</a></td><td class="id">(.*?)</td>', section)
    shown = [f"{rule}:{markupsafe.Markup(p).unescape()}" for rule, p in listed]
    assert shown == _ids(history.resolved) + _ids(history.waived_since)
    assert "Ikke lenger med i revisjonen" in section  # GONE_PATIENT left the cohort


def test_html_resolved_list_is_capped_with_a_pointer(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    page = _html(run, tmp_path, limit=3, formats=("html", "xlsx", "csv"))
    section = _section(page, '<section id="loste">').replace("\u00a0", " ")
    assert f"Viser 3 av {history.resolved.height} funn." in section
    assert "Se ipaudit-report.xlsx (arket Løst) eller ipaudit-resolved.csv for alle." in section


def test_html_escapes_the_previous_message(run: Recorded, tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    assert PREVIOUS_MARKUP not in page and "<img" not in page
    assert str(markupsafe.escape(PREVIOUS_MARKUP)) in page
    assert str(markupsafe.escape(FORMULA_ID)) in page


def test_html_with_history_stays_self_contained_and_norwegian(run: Recorded, tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "url(" not in page
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", page)


def _panels(page: str) -> list[str]:
    """The small charts of the trend, one per rule: head, figures and svg."""
    start = page.index('<div class="trend-panels">')
    block = page[start: page.index('<p class="trend-key">', start)]
    return block.split('<div class="trend-panel">')[1:]


def _trend_cells(run: Recorded, rule_id: str) -> list[dict[str, Any]]:
    return _history(run).trend.filter(pl.col("rule_id") == rule_id).to_dicts()


def test_trend_has_one_panel_per_rule_with_its_own_scale_and_n(run: Recorded, tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    panels = _panels(page)
    rules = [r.meta.id for r in run.result.rules]
    assert [re.search(r'class="panel-head"><a href="#regel-(\w+)"', p).group(1) for p in panels] == rules
    for rule_id, panel in zip(rules, panels, strict=True):
        cells = _trend_cells(run, rule_id)
        rates = [c["compliance_rate"] for c in cells]
        low, high = (float(v) / 100 for v in reversed(re.findall(r'class="axis"[^>]*>(\d+)\xa0%</text>', panel)))
        assert low <= min(rates) and max(rates) <= high and high - low >= trend_chart.MIN_SPAN - 1e-9
        # Every point tells on hover what it rests on; the panel head gives this run's n.
        titles = re.findall(r"<title>([^<]+)</title>", panel)
        assert len(titles) == len(cells)
        for cell, title in zip(cells, titles, strict=True):
            assert f"({cell['pass']} av {cell['pass'] + cell['fail']} vurderte oppfylt)" in title
        assert f"n = {cells[-1]['pass'] + cells[-1]['fail']}" in panel
        assert re.findall(r'class="axis"[^>]*>(\d\d\.\d\d\.\d{4})</text>', panel) == ["01.05.2025", "30.06.2025"]
    table = page[page.index('<table class="compact trend-table">'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>"): table.index("</table>")], re.S)
    assert len(rows) == len(rules)
    for rule_id, row in zip(rules, rows, strict=True):
        cells = _trend_cells(run, rule_id)
        numbers = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
        assert numbers[1] == str(cells[-2]["pass"] + cells[-2]["fail"])
        assert numbers[3] == str(cells[-1]["pass"] + cells[-1]["fail"])


def test_a_rate_on_a_tiny_base_is_drawn_hollow_and_says_so(run: Recorded, tmp_path: Path) -> None:
    """IP10 went 0 → 50 % on n = 2: its own panel, hollow points, "lite grunnlag", n in the table."""
    trend = _history(run).trend.with_columns(
        pl.when(pl.col("rule_id") == "IP02").then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
        for c, v in (("pass", 1), ("fail", 1), ("compliance_rate", 0.5))
    )
    chart = trend_chart.build_chart(trend, {r.meta.id: r.meta.title for r in run.result.rules})
    assert chart is not None
    ip02 = next(p for p in chart.panels if p.rule_id == "IP02")
    assert ip02.small_now and all(p.small for p in ip02.points) and ip02.n_current == 2
    assert "(1 av 2 vurderte oppfylt)" in ip02.points[-1].title
    big = next(p for p in chart.panels if p.rule_id == "IP01")
    assert not big.small_now and not any(p.small for p in big.points)


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ((0.921, 0.922, 0.921), (0.85, 1.0)),  # 92 % rules no longer squashed at the top of 0–100 %
        ((0.994,), (0.9, 1.0)),
        ((0.0, 0.5), (0.0, 0.5)),
        ((0.0,), (0.0, 0.1)),
        ((0.548, 0.567), (0.5, 0.65)),
        ((0.2, 0.9), (0.0, 1.0)),
    ],
)
def test_each_panel_scale_is_round_and_at_least_ten_points(rates: tuple[float, ...],
                                                           expected: tuple[float, float]) -> None:
    low, high, _ = trend_chart.scale(rates)
    assert (low, high) == expected


def test_trend_chart_draws_no_panel_for_a_rule_without_rates(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    trend = history.trend.with_columns(
        compliance_rate=pl.when(pl.col("rule_id") == "IP00").then(None).otherwise(pl.col("compliance_rate"))
    )
    chart = trend_chart.build_chart(trend, {r.meta.id: r.meta.title for r in run.result.rules})
    assert chart is not None
    assert [panel.rule_id for panel in chart.panels] == [r.meta.id for r in run.result.rules[1:]]
    assert chart.without_rate == ["IP00"]


def test_trend_with_one_run_says_when_it_comes(tmp_path: Path) -> None:
    run = make_recorded(10, tmp_path / "h.sqlite", earlier_runs=0)
    page = _html(run, tmp_path / "out")
    assert "Trenden vises fra andre kjøring" in page
    assert 'class="trend-chart"' not in page
    assert "Første kjøring med profilen national" in page
    assert "<th scope=\"col\">Endring</th>" in page and '<span class="change fortsatt">' not in page


@pytest.mark.slow
def test_trend_with_sixty_runs_stays_legible(tmp_path: Path) -> None:
    run = make_recorded(12, tmp_path / "h.sqlite", earlier_runs=59)
    chart = trend_chart.build_chart(_history(run).trend, {})
    assert chart is not None and chart.runs == 60
    panels = _panels(_html(run, tmp_path / "out"))
    assert len(panels) == len(run.result.rules)
    for panel in panels:
        dates = re.findall(r'class="axis"[^>]*>(\d\d\.\d\d\.\d{4})</text>', panel)
        assert dates[-1] == "30.06.2025" and len(dates) == 2
        radii = set(re.findall(r'class="trend-point[^"]*" cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"', panel))
        assert radii == {str(trend_chart.SMALL_MARKER_RADIUS)}
        assert panel.count("<title>") == 60


# ------------------------------------------------------------------ XLSX


def test_xlsx_funn_lost_trend_and_summary(run: Recorded, tmp_path: Path) -> None:
    history = _history(run)
    (path,) = write_reports(run, tmp_path, ["xlsx"])
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Sammendrag", "Funn", "Ikke aktuelt", "Løst", "Trend", "Enheter", "Regler", "Avviste rader"]

    funn = list(wb["Funn"].iter_rows(values_only=True))
    header = list(funn[0])
    assert header[3:5] == ["Status", "Endring"] and header[-1] == "Funn-id"
    col_change, col_id = header.index("Endring"), header.index("Funn-id")
    marked: dict[str, set[str]] = {"ny": set(), "fortsatt": set()}
    for row in funn[1:]:
        assert row[col_id] == f"{row[0]}:{row[2]}"
        if row[col_change] is not None:
            marked[{"Ny": "ny", "Fortsatt": "fortsatt"}[row[col_change]]].add(row[col_id])
        else:
            assert row[3] != "Ikke oppfylt"
    assert marked == _changes(run)

    lost = wb["Løst"]
    rows = list(lost.iter_rows(values_only=True))
    assert rows[0] == ("Type", "Regel", "Tittel", "Pasient", "Alvorlighet", "Status nå",
                       "Melding ved forrige kjøring", "Funn-id")
    assert [(r[0], r[7]) for r in rows[1:]] == (
        [("Løst", i) for i in _ids(history.resolved)] + [("Unntatt", i) for i in _ids(history.waived_since)])
    gone = next(r for r in rows if r[3] == GONE_PATIENT)
    assert gone[5] == "Ikke lenger med i revisjonen" and gone[6] == PREVIOUS_MARKUP
    assert lost.freeze_panes == "A2" and lost.auto_filter.ref == f"A1:H{len(rows)}"
    for row in lost.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"

    trend = wb["Trend"]
    rule_ids = [r.meta.id for r in run.result.rules]
    head = [c.value for c in trend[1]]
    assert head[:3] == ["Kjøring", "Revisjonsdato", "Kjørt"]
    assert [h.split("\n")[0] for h in head[3: 3 + len(rule_ids)]] == rule_ids
    rates = history.trend.select("run_id", "rule_id", "compliance_rate").rows()
    by_run = {(run, rule): rate for run, rule, rate in rates}
    data = [row for row in trend.iter_rows(min_row=2) if isinstance(row[0].value, int)]
    assert [row[0].value for row in data] == history.trend.get_column("run_id").unique(maintain_order=True).to_list()
    assert data[-1][1].value == dt.datetime(2025, 6, 30) and data[-1][1].number_format == "dd.mm.yyyy"
    for row in data:
        for rule, cell in zip(rule_ids, row[3:], strict=False):
            assert cell.value == pytest.approx(by_run[(row[0].value, rule)])
            assert cell.number_format == "0.0 %"

    summary = {row[0]: row[1] for row in wb["Sammendrag"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Siden forrige kjøring"] is None
    assert summary["Forrige revisjonsdato"] == dt.datetime(2025, 5, 31)
    assert summary["Nye"].startswith(f"{history.counts['new']}:")
    assert summary["Løst"].startswith(f"{history.counts['resolved']}:")
    assert summary["Unntatt siden"].startswith(f"{history.counts['waived_since']}:")


# ------------------------------------------------------------------ without history


def test_without_history_nothing_changes(tmp_path: Path) -> None:
    result = make_result(20)
    paths = report.write_reports(result, tmp_path, ["html", "xlsx", "json", "csv"])
    assert "ipaudit-resolved.csv" not in [p.name for p in paths]
    assert not (tmp_path / "ipaudit-resolved.csv").exists()
    doc = json.loads((tmp_path / "ipaudit-results.json").read_text(encoding="utf-8"))
    assert doc["history"] is None
    assert all(list(row) == RESULT_COLUMNS for row in doc["results"])
    assert list(_read_csv(tmp_path / "ipaudit-results.csv")[0]) == RESULT_COLUMNS
    page = (tmp_path / "ipaudit-report.html").read_text(encoding="utf-8")
    for text in ("Endring", "siden-forrige", "Siden forrige", 'id="trend"', 'id="loste"', 'class="change'):
        assert text not in page
    wb = load_workbook(tmp_path / "ipaudit-report.xlsx")
    assert wb.sheetnames == ["Sammendrag", "Funn", "Ikke aktuelt", "Enheter", "Regler", "Avviste rader"]
    assert "Endring" not in [c.value for c in wb["Funn"][1]]
    assert all(row[0] != "Siden forrige kjøring" for row in wb["Sammendrag"].iter_rows(values_only=True))
