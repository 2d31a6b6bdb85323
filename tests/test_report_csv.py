"""ipaudit-results.csv and ipaudit-rejected.csv: fixed columns, `|`-joined evidence, BOM."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from report_fixtures import FORMULA_ID, MULTILINE_MESSAGE, make_result

from ipaudit.report import write_reports

RESULT_COLUMNS = ["rule_id", "patient_id", "status", "severity", "message", "evidence",
                  "due_date", "index_date", "unit", "original_status", "waiver_reason",
                  "waiver_approved_by", "waiver_expires"]


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
        row = by_key[(frame_row["rule_id"], frame_row["patient_id"])]
        assert row["evidence"] == "|".join(frame_row["evidence"])
        due = frame_row["due_date"]
        assert row["due_date"] == (due.isoformat() if due else "")
    assert any("|" in r["evidence"] for r in rows)
    assert any(r["message"] == MULTILINE_MESSAGE for r in rows)
    assert any(r["patient_id"] == FORMULA_ID for r in rows)


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
