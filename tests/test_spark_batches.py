"""The Spark workers' functions without Spark: judging a table in any batches gives the one-machine outcome.

``ipaudit.spark.batches`` runs per partition in Spark; here the partitions are simulated
with polars (the whole-table numbers Spark computes — the first row of each id, each row's
patient standing — computed as one machine does), so batch-invariance is pinned on every
machine, with or without pyspark and Java.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ipaudit.documents import finish_documents, finish_evidence, local_stage
from ipaudit.extract import read_extract
from ipaudit.extract.containers import collect_text, locate_tables, read_table_text
from ipaudit.extract.parse import prepare
from ipaudit.extract.validate import patient_ids, patient_standing
from ipaudit.sample import generate
from ipaudit.spark import batches

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("batches")
    generate(root, patients=60, seed=5, as_of=AS_OF)
    documents = root / "extract" / "dokumenter.csv"
    lines = documents.read_bytes().split(b"\r\n")
    # a duplicate id, a ragged record and a delimiter-only row among the documents
    extra = [lines[1], lines[2] + b";x", b";" * lines[0].count(b";")]
    documents.write_bytes(b"\r\n".join([lines[0], *extra, *lines[1:]]))
    return root / "extract"


def _prepared(extract: Path, table: str) -> tuple[pl.DataFrame, tuple[tuple[int, str], ...]]:
    where = locate_tables(extract).tables[table]
    raw = read_table_text(where, {})
    return collect_text(prepare(table, raw.plan, raw.headers, where.label), where), raw.faults


@pytest.mark.parametrize("batch_rows", [60, 250])
def test_the_reader_in_batches_of_any_size_accepts_and_rejects_as_in_one_batch(extract: Path, batch_rows: int) -> None:
    whole = read_extract(extract, batch_rows=10**9)
    batched = read_extract(extract, batch_rows=batch_rows)
    assert batched.counts == whole.counts
    assert_frame_equal(batched.rejected, whole.rejected)
    for table, frame in whole.tables.items():
        assert_frame_equal(batched.tables[table], frame)
    # the duplicate is found across batches; the ragged and the empty row are rejected once
    reasons = " ".join(whole.rejected.filter(pl.col("table") == "documents").get_column("reason"))
    assert "duplikat" in reasons and "tom rad" in reasons and "felt" in reasons
    assert whole.rejected.filter(pl.col("table") == "documents").height == 3 + whole.rejected.filter(
        (pl.col("table") == "documents") & pl.col("reason").str.contains("pasient")
    ).height


@pytest.mark.parametrize("chunk", [7, 50, 10_000])
def test_documents_judged_in_any_batches_are_accepted_and_rejected_as_on_one_machine(
    extract: Path, chunk: int
) -> None:
    one_machine = read_extract(extract)
    patients = patient_ids(_prepared(extract, "patients")[0], one_machine.tables["patients"])
    prepared, faults = _prepared(extract, "documents")
    # pass 1: every batch by itself (the file's structural faults go with the first batch)
    judged = pl.concat(
        batches.judge_prepared("documents", prepared.slice(offset, chunk), faults if offset == 0 else ())
        for offset in range(0, prepared.height, chunk)
    )
    # what Spark computes over the whole table
    first = pl.col("source_row").min().over("document_id")
    judged = judged.with_columns(
        pl.when(pl.col("document_id").is_not_null() & (first != pl.col("source_row")))
        .then(first)
        .alias(batches.FIRST + "document_id"),
        patient_standing(judged, patients).alias(batches.STANDING),
    )
    # pass 2: in other batches, in another order
    shuffled = judged.sample(fraction=1.0, shuffle=True, seed=chunk)
    merged = pl.concat(
        batches.merge_frame("documents", shuffled.slice(offset, chunk + 3))
        for offset in range(0, shuffled.height, chunk + 3)
    )
    rejected = merged.filter(pl.col(batches.REJECTED_REASON).is_not_null()).select(
        pl.lit("documents").alias("table"),
        pl.col("source_row").alias("row"),
        pl.col(batches.REJECTED_COLUMN).alias("column"),
        pl.col(batches.REJECTED_REASON).alias("reason"),
    )
    expected = one_machine.rejected.filter(pl.col("table") == "documents")
    assert_frame_equal(rejected.sort("row"), expected)
    assert merged.height == one_machine.counts["documents"].rows_read
    reasons = " ".join(expected.get_column("reason"))
    assert "duplikat" in reasons and "tom rad" in reasons and "felt" in reasons


def test_small_tables_finished_on_the_driver_match_the_reader(extract: Path) -> None:
    one_machine = read_extract(extract)
    patients = None
    for table in ("patients", "episodes", "assessments", "coordinators"):
        prepared, faults = _prepared(extract, table)
        judged = batches.judge_prepared(table, prepared, faults, duplicates=True)
        validated = batches.finish_table(table, judged, patients)
        if table == "patients":
            patients = patient_ids(judged, validated.accepted)
        assert validated.counts == one_machine.counts[table]
        assert_frame_equal(validated.accepted, one_machine.tables[table])
        assert_frame_equal(validated.rejected, one_machine.rejected.filter(pl.col("table") == table))


def test_the_document_stage_per_batch_is_the_one_machine_stage(extract: Path) -> None:
    from ipaudit.engine import AuditOptions
    from ipaudit.engine import prepare as prepare_context
    from ipaudit.profile import load_profile

    data = read_extract(extract)
    options = AuditOptions(as_of=AS_OF, profile=load_profile("national"))
    ctx = prepare_context(data, options)
    window = ctx.cohort.select("patient_id", "index_date", "window_start")
    expected_documents, expected_evidence = local_stage(data.tables["documents"])(
        window, AS_OF, options.profile.patterns
    )
    joined = data.tables["documents"].join(window, on="patient_id", how="inner")
    run = batches.document_stage(AS_OF, options.profile.patterns)
    pieces = [joined.slice(offset, 25).to_arrow() for offset in range(0, joined.height, 25)]
    arrow = [batch for piece in pieces for batch in piece.to_batches()]
    rows = pl.concat(pl.from_arrow(batch) for batch in run(arrow)).to_dicts()  # type: ignore[attr-defined]
    evidence = pl.concat([batches.from_ipc(r["payload"]) for r in rows if r["part"] == "evidence"])
    documents = pl.concat([batches.from_ipc(r["payload"]) for r in rows if r["part"] == "documents"])
    assert_frame_equal(finish_evidence(evidence), expected_evidence)
    assert_frame_equal(finish_documents(documents), expected_documents)
    assert expected_evidence.height > 0


def test_the_one_machine_stage_reads_text_in_batches_of_any_size_alike(extract: Path) -> None:
    from ipaudit.engine import AuditOptions
    from ipaudit.engine import prepare as prepare_context
    from ipaudit.profile import load_profile

    data = read_extract(extract)
    options = AuditOptions(as_of=AS_OF, profile=load_profile("national"))
    window = prepare_context(data, options).cohort.select("patient_id", "index_date", "window_start")
    patterns = options.profile.patterns
    documents, evidence = local_stage(data.tables["documents"], batch_rows=10**9)(window, AS_OF, patterns)
    for rows in (90, 400):
        batched = local_stage(data.tables["documents"], batch_rows=rows)(window, AS_OF, options.profile.patterns)
        assert_frame_equal(batched[0], documents)
        assert_frame_equal(batched[1], evidence)
    assert evidence.filter(pl.col("by") == "text").height > 0
    none = local_stage(data.tables["documents"], batch_rows=5)(window.clear(), AS_OF, options.profile.patterns)
    assert none[0].is_empty() and none[1].is_empty()
    assert none[1].columns == evidence.columns and none[1].dtypes == evidence.dtypes
