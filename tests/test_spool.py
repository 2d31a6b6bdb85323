"""Documents spooled to disk in patient partitions, audited a partition at a time: the same audit.

A health region's extract does not fit in memory whole (``ipaudit.extract.spool``). Here the
batch and partition sizes are tiny, so an extract of eighty patients is read in several
batches and audited in several partitions, and everything is compared with the whole
extract read and audited at once: counts, rejected rows, the accepted documents, and the
JSON report byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from ipaudit.cli import main
from ipaudit.engine import AuditOptions, audit, partitions
from ipaudit.extract import Extract, read_extract
from ipaudit.extract.spool import PatientRanges
from ipaudit.profile import load_profile
from ipaudit.report import make_views, write_views
from ipaudit.sample import generate

AS_OF = dt.date(2025, 6, 30)
CLOCK = dt.datetime(2025, 7, 1, 8, 0)


def _messy(root: Path) -> Path:
    """A sample with a duplicate document id (in another batch than its first), a ragged
    record and a delimiter-only row among the documents."""
    generate(root, patients=80, seed=11, as_of=AS_OF)
    documents = root / "extract" / "dokumenter.csv"
    lines = documents.read_bytes().split(b"\r\n")
    extra = [lines[1], lines[2] + b";x", b";" * lines[0].count(b";")]
    documents.write_bytes(b"\r\n".join([*lines[:-1], *extra, lines[-1]]))
    return root / "extract"


def _parquet(extract: Path, target: Path) -> Path:
    """The sample's files as Parquet of text columns, in small row groups."""
    target.mkdir()
    for source in sorted(extract.glob("*.csv")):
        text = source.read_bytes().decode("cp1252").replace("\r\n", "\n")
        frame = pl.read_csv(text.encode(), separator=";", infer_schema=False)
        frame.write_parquet(target / f"{source.stem}.parquet", row_group_size=50)
    return target


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("spool")
    generate(root / "plain", patients=80, seed=12, as_of=AS_OF)
    return {"messy-csv": _messy(root / "messy"), "parquet": _parquet(root / "plain" / "extract", root / "parquet")}


def _read(extract: Path, per_partition: int) -> Extract:
    return read_extract(extract, batch_rows=70, partition_patients=per_partition)


@pytest.mark.parametrize(("fmt", "per_partition"), [("messy-csv", 7), ("parquet", 30)])
def test_spooled_documents_are_accepted_and_rejected_as_in_memory(
    extracts: dict[str, Path], fmt: str, per_partition: int
) -> None:
    whole = read_extract(extracts[fmt], batch_rows=10**9)
    spooled = _read(extracts[fmt], per_partition)
    spool = spooled.spool
    assert spool is not None and spool.ranges.count == -(-80 // per_partition)
    assert spooled.counts == whole.counts
    assert_frame_equal(spooled.rejected, whole.rejected)
    assert spooled.tables["documents"].is_empty()
    for table in ("patients", "episodes", "assessments", "coordinators"):
        assert_frame_equal(spooled.tables[table], whole.tables[table])
    parts = [spool.documents(k) for k in range(spool.ranges.count)]
    for k, part in enumerate(parts):  # each partition holds its own patients' documents only
        assert (spool.ranges.partition(part.get_column("patient_id")) == k).all()
    assert_frame_equal(pl.concat(parts).sort("source_row"), whole.tables["documents"])
    if fmt == "messy-csv":
        reasons = " ".join(whole.rejected.filter(pl.col("table") == "documents").get_column("reason"))
        assert "duplikat" in reasons and "tom rad" in reasons and "felt" in reasons
    directory = spool.directory
    assert directory.is_dir()
    spool.release()
    assert not directory.exists()


def test_a_documents_table_of_one_batch_stays_in_memory(extracts: dict[str, Path]) -> None:
    data = read_extract(extracts["parquet"], batch_rows=10**9, partition_patients=7)
    assert data.spool is None and data.tables["documents"].height > 0


def test_patient_ranges_cover_every_id_in_order() -> None:
    ids = pl.Series([f"P{n:03d}" for n in range(100)])
    ranges = PatientRanges.of(ids.sample(fraction=1.0, shuffle=True, seed=1), 30)
    assert ranges.count == 4
    parts = ranges.partition(pl.Series(["", "P000", "P024", "P025", "P099", "Q", None]))
    assert parts.to_list() == [0, 0, 0, 1, 3, 3, 0]
    sizes = ranges.partition(ids).value_counts().sort("__partition").get_column("count").to_list()
    assert sizes == [25, 25, 25, 25]
    assert PatientRanges.of(ids, 1000).count == 1
    assert PatientRanges.of(pl.Series([], dtype=pl.String), 10).count == 1


def _json(data: Extract, profile: str, out: Path) -> bytes:
    result = audit(data, AuditOptions(as_of=AS_OF, profile=load_profile(profile)), generated_at=CLOCK)
    (path,) = write_views(result, out, make_views(["json"]))
    return path.read_bytes()


@pytest.fixture(scope="module")
def whole_json(extracts: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    """The JSON report of each extract read and audited whole, per (format, profile)."""
    out = tmp_path_factory.mktemp("whole")
    cases = [("messy-csv", "national"), ("parquet", "unn")]
    return {
        (fmt, profile): _json(read_extract(extracts[fmt]), profile, out / f"{fmt}-{profile}") for fmt, profile in cases
    }


@pytest.mark.parametrize(("fmt", "profile"), [("messy-csv", "national"), ("parquet", "unn")])
def test_an_audit_in_partitions_gives_the_json_of_the_whole(
    extracts: dict[str, Path], whole_json: dict[tuple[str, str], bytes], fmt: str, profile: str, tmp_path: Path
) -> None:
    expected = whole_json[fmt, profile]
    spooled = _read(extracts[fmt], 20)
    assert spooled.spool is not None and len(list(partitions(spooled))) == 4
    actual = _json(spooled, profile, tmp_path / "parts")
    report = json.loads(expected)
    assert report["results"] and {r["status"] for r in report["results"]} >= {"pass", "fail"}
    assert actual == expected


def test_the_audit_command_spools_documents_and_deletes_them(
    extracts: dict[str, Path], whole_json: dict[tuple[str, str], bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool_root = tmp_path / "tmp"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))
    monkeypatch.setattr("ipaudit.extract.containers.BATCH_ROWS", 70)
    monkeypatch.setattr("ipaudit.extract.spool.PARTITION_PATIENTS", 11)
    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args: object, **kwargs: object) -> str:
        made.append(Path(real_mkdtemp(*args, **kwargs)))  # type: ignore[arg-type]
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    args = ["audit", str(extracts["messy-csv"]), "--as-of", "2025-06-30", "--format", "json", "--fail-on", "never"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "parts")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert any(path.name.startswith("ipaudit-documents-") for path in made), "the documents were not spooled"
    assert not list(spool_root.glob("ipaudit-documents-*"))
    reports = [
        json.loads(whole_json["messy-csv", "national"]),
        json.loads((tmp_path / "parts" / "ipaudit-results.json").read_text()),
    ]
    for report in reports:
        report.pop("generated_at")
    assert reports[1] == reports[0]


def test_counts_and_cited_clauses_taken_a_slice_at_a_time_are_those_of_the_whole(
    extracts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = read_extract(extracts["messy-csv"])
    options = AuditOptions(as_of=AS_OF, profile=load_profile("national"))
    whole = audit(data, options, generated_at=CLOCK)
    monkeypatch.setattr("ipaudit.engine.COUNT_ROWS", 13)
    monkeypatch.setattr("ipaudit.text_evidence.SLICE_ROWS", 17)
    sliced = audit(data, options, generated_at=CLOCK)
    assert whole.text_evidence.height > 17 and whole.results.height > 13
    assert_frame_equal(sliced.text_evidence, whole.text_evidence)
    assert_frame_equal(sliced.units, whole.units)
    assert sliced.rules == whole.rules
    assert any(rule.children["pass"] or rule.children["fail"] for rule in whole.rules)


def test_the_context_of_a_spooled_extract_prepared_whole_is_that_of_the_extract_in_memory(
    extracts: dict[str, Path],
) -> None:
    from ipaudit.engine import prepare

    options = AuditOptions(as_of=AS_OF, profile=load_profile("national"))
    whole = prepare(read_extract(extracts["messy-csv"]), options)
    spooled = prepare(_read(extracts["messy-csv"], 9), options)
    assert whole.evidence.height > 0
    assert_frame_equal(spooled.documents, whole.documents)
    assert_frame_equal(spooled.evidence, whole.evidence)
