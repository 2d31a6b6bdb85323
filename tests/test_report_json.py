"""ipaudit-results.json keeps the contract of spec/outputs.md: keys, types, counts, ISO dates."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from report_fixtures import MARKUP_MESSAGE, MULTILINE_MESSAGE, make_result

from ipaudit.extract.model import REJECTED_SCHEMA
from ipaudit.model import RESULT_SCHEMA, AuditResult
from ipaudit.report import json as json_view
from ipaudit.report import write_reports

CONTRACT_KEYS = ["tool", "version", "format_version", "as_of", "period", "profile", "input",
                 "rejected", "rules", "results", "waivers"]
RULE_KEYS = ["rule_id", "title", "severity", "basis", "counts", "compliance_rate"]
RESULT_KEYS = ["rule_id", "patient_id", "status", "severity", "message", "evidence", "due_date"]
STATUSES = {"pass", "fail", "pending", "not_applicable", "waived"}


def _write(result: AuditResult, tmp_path: Path) -> dict[str, Any]:
    (path,) = write_reports(result, tmp_path, ["json"])
    assert path.name == "ipaudit-results.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _is_iso_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) == 10 and value[4] == "-")


def test_contract_keys_in_order_and_types(tmp_path: Path) -> None:
    result = make_result(40)
    doc = _write(result, tmp_path)
    assert [k for k in doc if k in CONTRACT_KEYS] == CONTRACT_KEYS
    assert doc["tool"] == "ipaudit"
    assert doc["version"] == result.tool_version
    assert doc["format_version"] == 1 and isinstance(doc["format_version"], int)
    assert doc["as_of"] == "2025-06-30"
    assert doc["period"] == {"from": "2025-01-01", "to": "2025-06-30"}
    assert doc["profile"] == "national"
    for name, counts in doc["input"]["tables"].items():
        assert counts == {
            "rows_read": result.extract.counts[name].rows_read,
            "rows_accepted": result.extract.counts[name].rows_accepted,
            "rows_rejected": result.extract.counts[name].rows_rejected,
        }
    assert doc["cohort_size"] == 40
    assert doc["pseudonymized"] is False


def test_rejected_rows(tmp_path: Path) -> None:
    result = make_result(10, n_rejected=7)
    doc = _write(result, tmp_path)
    assert len(doc["rejected"]) == 7
    for row in doc["rejected"]:
        assert list(row) == list(REJECTED_SCHEMA)
        assert isinstance(row["row"], int)
    assert doc["rejected"][0] == result.rejected.row(0, named=True)


def test_rules_carry_statute_guidance_deadlines_and_children(tmp_path: Path) -> None:
    result = make_result(40)
    doc = _write(result, tmp_path)
    for rule, summary in zip(doc["rules"], result.rules, strict=True):
        assert rule["statute"] == summary.meta.statute and rule["guidance"] == summary.meta.guidance
        assert rule["legal_deadline"] == summary.meta.legal_deadline
        assert rule["in_force_from"] is None or rule["in_force_from"] == summary.meta.in_force_from.isoformat()
        assert rule["children"]["counts"] == summary.children
        assert rule["children"]["compliance_rate"] == summary.children_rate


def test_rules_counts_match_results(tmp_path: Path) -> None:
    result = make_result(40)
    doc = _write(result, tmp_path)
    assert [r["rule_id"] for r in doc["rules"]] == [r.meta.id for r in result.rules]
    for rule, summary in zip(doc["rules"], result.rules, strict=True):
        assert list(rule)[: len(RULE_KEYS)] == RULE_KEYS
        assert set(rule["counts"]) == STATUSES
        assert all(isinstance(v, int) for v in rule["counts"].values())
        assert rule["counts"] == summary.counts
        assert rule["basis"] == summary.meta.basis
        assert rule["severity"] == summary.severity.value
        in_results = [r["status"] for r in doc["results"] if r["rule_id"] == rule["rule_id"]]
        assert {s: in_results.count(s) for s in STATUSES} == rule["counts"]
        assert rule["compliance_rate"] == summary.compliance_rate
    rates = [r["compliance_rate"] for r in doc["rules"]]
    assert any(isinstance(rate, float) and 0 < rate < 1 for rate in rates)  # the comparison is not vacuous


def test_results_rows(tmp_path: Path) -> None:
    result = make_result(40)
    doc = _write(result, tmp_path)
    assert len(doc["results"]) == result.results.height
    for row in doc["results"]:
        assert list(row)[: len(RESULT_KEYS)] == RESULT_KEYS
        assert list(row) == list(RESULT_SCHEMA)
        assert row["status"] in STATUSES
        assert isinstance(row["evidence"], list)
        assert all(isinstance(e, str) for e in row["evidence"])
        assert _is_iso_or_none(row["due_date"])
    messages = {r["message"] for r in doc["results"]}
    assert MARKUP_MESSAGE in messages and MULTILINE_MESSAGE in messages
    assert any(len(r["evidence"]) == 2 for r in doc["results"])
    assert any(r["due_date"] is None for r in doc["results"])
    waived = next(r for r in doc["results"] if r["status"] == "waived")
    assert waived["original_status"] == "fail" and waived["waiver_reason"]


def test_waivers(tmp_path: Path) -> None:
    doc = _write(make_result(20), tmp_path)
    assert set(doc["waivers"]) == {"applied", "expired", "unused"}
    assert [w["patient_id"] for w in doc["waivers"]["unused"]] == ["P9999999"]
    assert doc["waivers"]["expired"][0]["expires"] == "2025-01-31"
    doc = _write(make_result(20, with_waivers=False), tmp_path)
    assert doc["waivers"] == {"applied": [], "expired": [], "unused": []}


def test_empty_results_and_rejected(tmp_path: Path) -> None:
    result = make_result(5, n_rejected=0)
    result = dataclasses.replace(result, results=result.results.clear())
    doc = _write(result, tmp_path)
    assert doc["results"] == [] and doc["rejected"] == []


def test_null_evidence_is_an_empty_list(tmp_path: Path) -> None:
    result = make_result(5)
    result = dataclasses.replace(
        result, results=result.results.with_columns(evidence=pl.lit(None, RESULT_SCHEMA["evidence"]))
    )
    doc = _write(result, tmp_path)
    assert all(r["evidence"] == [] for r in doc["results"])


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_chunked_arrays_equal_one_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        chunk: int) -> None:
    result = make_result(30, n_rejected=11)
    whole = _write(result, tmp_path / "whole")
    monkeypatch.setattr(json_view, "CHUNK_ROWS", chunk)
    assert _write(result, tmp_path / "chunked") == whole
