"""Generator round trip: the audit finds every gap `ipaudit sample` injected and flags nothing else."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from ipaudit.cli import main
from ipaudit.profile import load_profile
from ipaudit.sample import generate

FLAGGED = ("fail", "pending")


def _audit(extract: Path, out: Path, profile: str, as_of: dt.date) -> dict:
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(extract),
            "--profile",
            profile,
            "--as-of",
            as_of.isoformat(),
            "--out",
            str(out),
            "--format",
            "json",
            "--fail-on",
            "never",
            "--quiet",
        ],
        env={"IPAUDIT_DEBUG": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "ipaudit-results.json").read_text("utf-8"))


def _expected(truth_dir: Path, profile: str) -> set[tuple[str, str, str]]:
    rules = set(load_profile(profile).rules)
    truth = pl.read_csv(truth_dir / "ground_truth.csv", schema_overrides={"patient_id": pl.String})
    return {row for row in truth.select("rule_id", "patient_id", "status").iter_rows() if row[0] in rules}


@pytest.mark.parametrize(
    ("seed", "profile", "as_of", "container"),
    [
        (1, "national", dt.date(2025, 6, 30), "csv"),
        (3, "unn", dt.date(2025, 6, 30), "csv"),
        (5, "helse-bergen", dt.date(2023, 1, 15), "csv"),
        (7, "unn", dt.date(2020, 9, 1), "xlsx"),
    ],
)
def test_every_injected_gap_is_found_and_nothing_else(
    tmp_path: Path, seed: int, profile: str, as_of: dt.date, container: str
) -> None:
    xlsx = tmp_path / "extract.xlsx" if container == "xlsx" else None
    summary = generate(tmp_path / "sample", patients=400, seed=seed, as_of=as_of, xlsx=xlsx)
    extract = xlsx if xlsx else summary.extract_dir
    doc = _audit(extract, tmp_path / "out", profile, as_of)

    found = {(r["rule_id"], r["patient_id"], r["status"]) for r in doc["results"] if r["status"] in FLAGGED}
    expected = _expected(summary.out_dir, profile)
    assert found - expected == set(), "flagged but not injected"
    assert expected - found == set(), "injected but not found"
    assert len(expected) > 50

    truth_rejected = pl.read_csv(summary.ground_truth_rejected)
    rejected = {(r["table"], r["row"]) for r in doc["rejected"]}
    assert rejected == set(truth_rejected.select("table", "row").iter_rows())
    for table, counts in doc["input"]["tables"].items():
        assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_rejected"], table


def test_shipped_sample_data_matches_its_ground_truth(tmp_path: Path) -> None:
    root = Path(__file__).parents[1] / "sample_data"
    expected = _expected(root, "national")
    for extract in (root / "extract", root / "extract.xlsx"):
        doc = _audit(extract, tmp_path / extract.suffix.strip(".") or "dir", "national", dt.date(2025, 6, 30))
        found = {(r["rule_id"], r["patient_id"], r["status"]) for r in doc["results"] if r["status"] in FLAGGED}
        assert found == expected, extract.name
