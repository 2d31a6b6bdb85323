"""Two engines, one meaning: ``--engine spark`` gives the same results and rejected rows as polars.

Generated extracts (``ipaudit sample``) in three forms — clean UTF-8 CSV, the messy
Windows-1252 export with extra faults (a ragged record, a delimiter-only row, an empty line,
a duplicate id, CR line ends, a UTF-8 file with BOM), and Parquet split over several row
groups and Spark partitions — are read by both engines and audited under the three shipped
profiles; the JSON reports must be byte-identical and the rejected rows equal. Spark's JVM
starts once per run (``conftest.spark``); each extract is read once per engine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from ipaudit.cli import main
from ipaudit.engine import AuditOptions, audit
from ipaudit.extract import Extract, read_extract
from ipaudit.profile import load_profile
from ipaudit.report import make_views, write_views
from ipaudit.sample import generate

if not os.environ.get("IPAUDIT_REQUIRE_SPARK"):
    pytest.importorskip("pyspark")

# One JVM: make test distributes whole files (--dist loadfile), so this file runs on one worker.
pytestmark = pytest.mark.slow

AS_OF = dt.date(2025, 6, 30)
CLOCK = dt.datetime(2025, 7, 1, 8, 0, 0)
FORMATS = ("clean-csv", "messy-csv", "parquet")
PROFILES = ("national", "unn", "helse-bergen")


def _sample(root: Path) -> Path:
    generate(root, patients=80, seed=11, as_of=AS_OF)
    return root / "extract"


def _mess_up(extract: Path) -> None:
    """Faults the sample does not have: a ragged record, a delimiter-only row, an empty line, a
    duplicate document id, an unclosed-looking but quoted multi-line note, CR line ends in
    one file and UTF-8 with BOM and LF in another."""
    documents = extract / "dokumenter.csv"
    text = documents.read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    header, first = lines[0], lines[1]
    width = header.count(";")
    extra = [
        first,  # the same document id again: a duplicate of row 2
        first + ";overflødig",  # one field too many: a ragged record
        ";" * width,  # delimiter-only
        "",  # an empty line
        ";".join(["DX1", first.split(";")[1], "01.03.2025", "Notat", "", "", "", "", '"Første linje\r\nandre; linje"']
                 + [""] * (width - 8)),
    ]
    body = [line for line in lines[1:] if line]
    documents.write_bytes("\r\n".join([header, *body[:5], *extra, *body[5:]]).encode("cp1252") + b"\r\n")
    coordinators = extract / "koordinatorer.csv"
    coordinators.write_bytes(coordinators.read_bytes().replace(b"\r\n", b"\r"))
    patients = extract / "pasienter.csv"
    utf8 = patients.read_bytes().decode("cp1252").replace("\r\n", "\n")
    patients.write_bytes(b"\xef\xbb\xbf" + utf8.encode("utf-8"))


def _clean(extract: Path, target: Path) -> Path:
    """The accepted rows of ``extract`` as plain UTF-8, comma-separated CSV with ISO dates."""
    target.mkdir()
    for table, frame in read_extract(extract).tables.items():
        out = frame.drop("source_row")
        if "consent_scope" in out.columns:
            out = out.with_columns(pl.col("consent_scope").list.join(","))
        out.write_csv(target / f"{table}.csv")
    return target


def _parquet(extract: Path, target: Path) -> Path:
    """Every file of ``extract`` as Parquet of text columns (birth dates as real dates), the
    documents in small row groups so Spark reads them in several partitions."""
    target.mkdir()
    for source in sorted(extract.glob("*.csv")):
        data = source.read_bytes()
        text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp1252")
        frame = pl.read_csv(text.replace("\r\n", "\n").encode(), separator=";", infer_schema=False)
        if "Fødselsdato" in frame.columns:
            frame = frame.with_columns(pl.col("Fødselsdato").str.to_date("%d.%m.%Y", strict=False))
        frame.write_parquet(target / f"{source.stem}.parquet", row_group_size=100)
    return target


# Session-scoped: built once per worker even if other modules' tests come in between.
@pytest.fixture(scope="session")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("engines")
    parquet = _parquet(_sample(root / "for-parquet"), root / "parquet")
    messy = _sample(root / "messy")
    clean = _clean(messy, root / "clean")
    _mess_up(messy)
    return {"clean-csv": clean, "messy-csv": messy, "parquet": parquet}


@pytest.fixture(scope="session")
def both(extracts: dict[str, Path], spark: Any) -> dict[str, tuple[Extract, Extract]]:
    from ipaudit.spark import read_extract_spark

    return {fmt: (read_extract(path), read_extract_spark(str(path), spark=spark)) for fmt, path in extracts.items()}


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_engines_accept_reject_and_count_the_same_rows(both: dict[str, tuple[Extract, Extract]], fmt: str) -> None:
    polars_read, spark_read = both[fmt]
    assert spark_read.counts == polars_read.counts
    assert_frame_equal(spark_read.rejected, polars_read.rejected)
    assert spark_read.sources == polars_read.sources
    assert spark_read.ignored_files == polars_read.ignored_files
    for table, accepted in polars_read.tables.items():
        if table != "documents":  # Spark keeps the documents; the stage hands out the cohort's
            assert_frame_equal(spark_read.tables[table], accepted)
    if fmt == "messy-csv":
        reasons = " ".join(polars_read.rejected.get_column("reason"))
        assert "duplikat" in reasons and "tom rad" in reasons and "felt" in reasons


def _json(result: Any, out: Path) -> bytes:
    (path,) = write_views(result, out, make_views(["json"]))
    return path.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", PROFILES)
def test_both_engines_give_identical_json(
    both: dict[str, tuple[Extract, Extract]], fmt: str, profile: str, tmp_path: Path
) -> None:
    options = AuditOptions(as_of=AS_OF, profile=load_profile(profile))
    polars_read, spark_read = both[fmt]
    expected = _json(audit(polars_read, options, generated_at=CLOCK), tmp_path / "polars")
    actual = _json(audit(spark_read, options, generated_at=CLOCK), tmp_path / "spark")
    assert json.loads(expected)["results"], "the extract must give results to compare"
    assert actual == expected


def _cli(args: list[str], code: int) -> Any:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_the_command_line_runs_spark_on_a_uri_with_the_same_report(extracts: dict[str, Path], spark: Any,
                                                                    tmp_path: Path) -> None:
    extract = extracts["parquet"]
    common = ["--as-of", "2025-06-30", "--format", "json", "--fail-on", "never", "--quiet"]
    _cli(["audit", str(extract), *common, "--out", str(tmp_path / "a")], 0)
    _cli(["audit", extract.absolute().as_uri(), "--engine", "spark", *common, "--out", str(tmp_path / "b")], 0)
    reports = [json.loads((tmp_path / d / "ipaudit-results.json").read_text()) for d in ("a", "b")]
    for report in reports:
        report.pop("generated_at")
    assert reports[0] == reports[1]


def test_an_input_error_in_a_spark_worker_is_the_same_one_line(tmp_path: Path, spark: Any,
                                                               extracts: dict[str, Path]) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for source in extracts["clean-csv"].iterdir():
        (broken / source.name).write_bytes(source.read_bytes())
    (broken / "documents.csv").write_bytes("document_id,text\nD1,hei\n".encode("utf-16"))
    polars_run = _cli(["audit", str(broken), "--out", str(tmp_path / "a")], 2)
    spark_run = _cli(["audit", str(broken), "--engine", "spark", "--out", str(tmp_path / "b")], 2)
    assert spark_run.stderr == polars_run.stderr
    assert "documents.csv" in spark_run.stderr and "Traceback" not in spark_run.stderr
