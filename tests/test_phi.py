"""PHI in outputs (issue 12 item 4): pseudonymised outputs name no other extract file and hold no
waiver free text; the national id mask catches the ways a birth date and number get written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ipaudit.cli import main
from ipaudit.extract import read_extract
from tests.test_cli import write_extract
from tests.test_extract import DOCUMENTS, PATIENTS, extract_dir, extract_rejected

STRAY = "Kari Nordmann 01018012345.txt"


def test_pseudonymised_outputs_carry_no_other_file_name_of_the_extract(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "uttrekk")
    (extract / STRAY).write_text("notat")
    key = tmp_path / "nokkel"
    key.write_bytes(b"k" * 32)
    key.chmod(0o600)
    out = tmp_path / "ut"
    args = ["audit", str(extract), "--as-of", "30.06.2025", "--out", str(out), "--pseudonymize", str(key)]
    result = CliRunner().invoke(main, [*args, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    for path in out.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert b"Nordmann" not in data and b"01018012345" not in data, path.name
    assert "Nordmann" not in result.output


@pytest.mark.parametrize("written", ["100561/83310", "100561:83310", "10.05.61 83310", "100561 83310", "10056183310"])
def test_the_national_id_mask_catches_every_usual_spelling(tmp_path: Path, written: str) -> None:
    documents = [DOCUMENTS[0], ["D1", "0001", written, "Notat"]]
    extract = read_extract(extract_dir(tmp_path, patients=PATIENTS, documents=documents))
    (rejected,) = extract_rejected(extract, "documents")
    assert written not in rejected[3] and "83310" not in rejected[3], rejected[3]


def test_dates_before_1900_are_written_to_the_workbook_as_text(tmp_path: Path) -> None:
    import dataclasses
    import datetime as dt

    import openpyxl
    import polars as pl
    from report_fixtures import make_result

    from ipaudit.report import write_reports

    result = make_result(10)
    fails = pl.col("status") == "fail"
    old = pl.when(fails).then(pl.lit(dt.date(1899, 12, 30))).otherwise(pl.col("due_date"))
    result = dataclasses.replace(result, results=result.results.with_columns(old.alias("due_date")))
    (path,) = write_reports(result, tmp_path, ["xlsx"])
    values = [cell for row in openpyxl.load_workbook(path)["Funn"].iter_rows(values_only=True) for cell in row]
    assert "30.12.1899" in values
    assert not any(isinstance(v, dt.datetime) and v.year < 1900 for v in values)


@pytest.mark.parametrize("written", ["13097248022", "130972 48022", "13.09.72 48022", "130972/48022"])
def test_a_national_id_quoted_in_the_clause_that_counted_is_masked(written: str) -> None:
    """The clause is shown in the internal HTML and workbook and by ``ipaudit explain``."""
    import polars as pl

    from ipaudit.evidence import evidence_clauses

    texts = pl.DataFrame({"document_id": ["D1"], "text": [f"Pasienten (fnr {written}) er informert om IP."]})
    [(document, clause)] = evidence_clauses(texts, "INFO_IP").rows()
    assert document == "D1" and written not in clause and "***********" in clause
    assert clause.startswith("Pasienten (fnr ***********) er informert om IP")
