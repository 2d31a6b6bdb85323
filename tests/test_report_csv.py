"""ipaudit-results.csv and ipaudit-rejected.csv: fixed columns, `|`-joined evidence, BOM."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from report_fixtures import FORMULA_ID, MULTILINE_MESSAGE, make_result

from ipaudit.report import write_reports
from ipaudit.report.csv import neutralise

RESULT_COLUMNS = ["rule_id", "patient_id", "status", "severity", "message", "evidence",
                  "due_date", "index_date", "unit", "original_status", "waiver_reason",
                  "waiver_approved_by", "waiver_expires"]


def _shown(value: str) -> str:
    """A text value as the neutralised CSV shows it: a ``'`` before a formula-like start."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r", "\x00") else value


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_results_csv(tmp_path: Path) -> None:
    result = make_result(40)
    paths = write_reports(result, tmp_path, ["csv"])
    assert [p.name for p in paths] == ["ipaudit-results.csv", "ipaudit-rejected.csv", "ipaudit-waivers.csv"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].split(b"\n", 1)[0].decode() == ",".join(RESULT_COLUMNS)
    rows = _read(paths[0])
    assert len(rows) == result.results.height
    by_key = {(r["rule_id"], r["patient_id"]): r for r in rows}
    for frame_row in result.results.iter_rows(named=True):
        row = by_key[(frame_row["rule_id"], _shown(frame_row["patient_id"]))]
        assert row["evidence"] == "|".join(frame_row["evidence"])
        due = frame_row["due_date"]
        assert row["due_date"] == (due.isoformat() if due else "")
    assert any("|" in r["evidence"] for r in rows)
    assert any(r["message"] == MULTILINE_MESSAGE for r in rows)
    assert any(r["patient_id"] == "'" + FORMULA_ID for r in rows)


def test_polars_reads_it_back(tmp_path: Path) -> None:
    result = make_result(20)
    write_reports(result, tmp_path, ["csv"])
    back = pl.read_csv(tmp_path / "ipaudit-results.csv", try_parse_dates=True)
    assert back.columns == RESULT_COLUMNS
    assert back.height == result.results.height
    assert back.get_column("due_date").dtype == pl.Date


def test_rejected_csv(tmp_path: Path) -> None:
    result = make_result(10, n_rejected=4)
    write_reports(result, tmp_path, ["csv"])
    rows = _read(tmp_path / "ipaudit-rejected.csv")
    assert list(rows[0]) == ["table", "row", "column", "reason"]
    assert [(r["table"], int(r["row"])) for r in rows] == [
        (t, n) for t, n in result.rejected.select("table", "row").iter_rows()
    ]


def test_empty_csv_has_a_header(tmp_path: Path) -> None:
    result = make_result(3, n_rejected=0)
    write_reports(result, tmp_path, ["csv"])
    text = (tmp_path / "ipaudit-rejected.csv").read_text(encoding="utf-8-sig")
    assert text.strip() == "table,row,column,reason"


def test_waivers_csv_lists_every_waiver_and_what_it_did(tmp_path: Path) -> None:
    result = make_result(n_patients=20)
    write_reports(result, tmp_path, ["csv"])
    rows = _read(tmp_path / "ipaudit-waivers.csv")
    assert [(r["rule_id"], r["patient_id"], r["state"]) for r in rows] == [
        (w.rule_id, w.patient_id, w.state) for w in result.waivers
    ]
    assert {r["state"] for r in rows} == {"applied", "expired", "unused"}
    assert rows[1]["expires"] == "2025-01-31" and rows[1]["approved_by"] == "Ola Nordmann"


def test_no_waivers_csv_without_waivers(tmp_path: Path) -> None:
    write_reports(make_result(n_patients=5, with_waivers=False), tmp_path, ["csv"])
    assert not (tmp_path / "ipaudit-waivers.csv").exists()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\x00"])
def test_neutralise_puts_a_quote_before_every_formula_start(start: str) -> None:
    frame = pl.DataFrame({"text": [f"{start}1+2", f"a{start}b", "'=x", "", None]})
    assert neutralise(frame).get_column("text").to_list() == [f"'{start}1+2", f"a{start}b", "'=x", "", None]


def test_neutralise_leaves_numbers_and_dates_alone() -> None:
    frame = pl.DataFrame(
        {"row": [-5, 3], "day": [dt.date(1899, 12, 31), dt.date(2025, 1, 1)], "id": ["-5", "5"]}
    )
    assert neutralise(frame).rows() == [(-5, dt.date(1899, 12, 31), "'-5"), (3, dt.date(2025, 1, 1), "5")]


def test_text_cells_are_quoted_and_embedded_quotes_doubled_numbers_are_not(tmp_path: Path) -> None:
    write_reports(make_result(10, n_rejected=2), tmp_path, ["csv"])
    lines = (tmp_path / "ipaudit-rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "table,row,column,reason"
    table, row, *_ = lines[1].split(",")
    assert table.startswith('"') and table.endswith('"') and row.isdigit()
    text = (tmp_path / "ipaudit-results.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"")"' in text


def test_raw_csv_writes_values_as_they_are(tmp_path: Path) -> None:
    result = make_result(40)
    write_reports(result, tmp_path, ["csv"], raw_csv=True)
    rows = _read(tmp_path / "ipaudit-results.csv")
    assert any(r["patient_id"] == FORMULA_ID for r in rows)
    assert not any(r["patient_id"].startswith("'") for r in rows)
    header, first = (tmp_path / "ipaudit-results.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    assert first.startswith(result.results.get_column("rule_id")[0] + ",")  # quoted only where needed
