"""What Spark's Python workers run: the one-machine reader's and engine's own functions, per batch.

Each function here takes and yields Arrow record batches (the ``mapInArrow`` contract) and
does nothing but call the polars code the one-machine path calls: the CSV reader, the
column preparation and parsing, the row faults, the duplicate and orphan reasons, the
fault merge, the window filter and the evidence reader. Nothing here imports pyspark, so
it is tested without a JVM. A table's rows travel between the two passes as TABLE_SCHEMAS
columns plus the row faults in ``FAULTS`` (a list of (order, column, reason)).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from ipaudit.documents import Patterns, evidence_rows, signed_in_window
from ipaudit.errors import InputError
from ipaudit.extract.containers import TableLocation, as_text, collect_text, read_table_text
from ipaudit.extract.csvio import spooling
from ipaudit.extract.judge import split_prepared, unique_columns
from ipaudit.extract.model import TABLE_SCHEMAS, TableCounts
from ipaudit.extract.parse import parse, prepare
from ipaudit.extract.reasons import FAULT_SCHEMA, IDX, SOURCE_ROW
from ipaudit.extract.validate import (
    PatientIds,
    ValidatedTable,
    accepted_rows,
    duplicate_faults,
    first_rows,
    merge_faults,
    orphan_faults,
    patient_standing,
    row_faults,
)

FAULTS = "__faults"
"""Per row: the faults the row has on its own, a list of structs (order, column, reason)."""
FIRST = "__first_"
"""Prefix of the column holding, per unique column, the source row of the id's first row."""
STANDING = "__standing"
"""Per row: null, ``rejected`` or ``unknown`` (validate.patient_standing)."""
REJECTED_COLUMN = "__rejected_column"
REJECTED_REASON = "__rejected_reason"
"""Set on a rejected row: the column(s) and reason(s) of its rejected-rows entry."""
KIND = "__kind"
BY = "__by"
"""Set on an evidence row of the document stage; null on a document row."""

SOURCE = "__source"
"""On the first row read from a CSV file: the file's ``SourceFile`` fingerprint and headers
(JSON), carried through both passes so the file is read once; null elsewhere."""

INPUT_ERROR = "IPAUDIT-INPUT-ERROR"
"""Marks an input error raised in a worker, so the driver can tell it from a crash."""

CHUNK_ROWS = 200_000
"""Rows judged at once: pandera's fixed cost per call is paid per chunk, not per Arrow batch."""

_FAULT_STRUCT = pl.Struct({"order": pl.Int32(), "column": pl.String(), "reason": pl.String()})


def judged_schema(table: str) -> dict[str, pl.DataType]:
    """Columns of a table's rows after the first pass (before duplicates and orphans)."""
    return {**TABLE_SCHEMAS[table], FAULTS: pl.List(_FAULT_STRUCT), SOURCE: pl.String()}


def merged_schema(table: str) -> dict[str, pl.DataType]:
    """Columns of a table's rows after the second pass: accepted or with their rejection."""
    return {**TABLE_SCHEMAS[table], REJECTED_COLUMN: pl.String(), REJECTED_REASON: pl.String(), SOURCE: pl.String()}


STAGE_SCHEMA: dict[str, pl.DataType] = {"part": pl.String(), "payload": pl.Binary()}
"""Output of ``document_stage``: per chunk, the windowed documents and the evidence rows, each
as Arrow IPC (``part`` = ``documents`` or ``evidence``), so their columns are whatever the
shared functions give."""


def arrow_schema(schema: dict[str, pl.DataType]) -> pa.Schema:
    """The Arrow schema Spark expects for polars columns (plain, not large or view types)."""
    return pa.schema([pa.field(name, _arrow_type(dtype)) for name, dtype in schema.items()])


def _arrow_type(dtype: Any) -> pa.DataType:
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pa.struct([pa.field(f.name, _arrow_type(f.dtype)) for f in dtype.fields])
    simple: dict[type[pl.DataType], pa.DataType] = {
        pl.String: pa.string(),
        pl.Date: pa.date32(),
        pl.Boolean: pa.bool_(),
        pl.Int64: pa.int64(),
        pl.Int32: pa.int32(),
        pl.Binary: pa.binary(),
    }
    return simple[type(dtype)]


def to_batches(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> Iterator[pa.RecordBatch]:
    """A frame as Arrow batches of exactly ``schema`` (Spark rejects view and large types)."""
    target = arrow_schema(schema)
    table = frame.select(list(schema)).cast(pl.Schema(schema)).to_arrow(compat_level=pl.CompatLevel.oldest())
    yield from table.cast(target).to_batches(max_chunksize=65_536)


def _frames(batches: Iterable[pa.RecordBatch], chunk_rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:
    """Arrow batches gathered into frames of about ``chunk_rows`` rows."""
    pending: list[pl.DataFrame] = []
    rows = 0
    for batch in batches:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        pending.append(frame)
        rows += frame.height
        if rows >= chunk_rows:
            yield pl.concat(pending, how="vertical_relaxed")
            pending, rows = [], 0
    if pending:
        yield pl.concat(pending, how="vertical_relaxed")


def input_error(message: str) -> RuntimeError:
    """An exception carrying an input error's one line across Spark to the driver."""
    return RuntimeError(f"{INPUT_ERROR}<<{message}>>")


# --- pass 1: read and judge each row by itself -------------------------------------------


def judge_text(table: str, text: pl.DataFrame, *, duplicates: bool = False) -> pl.DataFrame:
    """Parse prepared text and attach each row's own faults (``judged_schema`` columns); with
    ``duplicates`` (a whole table in one frame) the duplicate faults too."""
    parsed, parse_faults = parse(table, text)
    faults = row_faults(table, text, parsed, parse_faults)
    if duplicates:
        faults = pl.concat([faults, duplicate_faults(table, first_rows(table, text))])
    per_row = faults.group_by(IDX, maintain_order=True).agg(
        pl.struct(pl.col("order"), pl.col("column"), pl.col("reason")).alias(FAULTS)
    )
    judged = (
        parsed.with_row_index(IDX)
        .with_columns(pl.col(IDX).cast(pl.Int64))
        .join(per_row, on=IDX, how="left", maintain_order="left")
        .rename({SOURCE_ROW: "source_row"})
    )
    judged = judged.with_columns(pl.lit(None, pl.String).alias(SOURCE))
    return judged.select(list(judged_schema(table))).cast(pl.Schema(judged_schema(table)))


def judge_prepared(
    table: str, prepared: pl.DataFrame, faults: tuple[tuple[int, str], ...], *, duplicates: bool = False
) -> pl.DataFrame:
    """A prepared table (or batch) judged: its rows with a value by ``judge_text``, and the rows
    rejected before their columns were read (``judge.split_prepared``) as judged rows without
    values whose one fault is their rejected-rows entry, so they are counted and listed alike."""
    text, structural = split_prepared(table, prepared, faults)
    judged = judge_text(table, text, duplicates=duplicates)
    if structural.is_empty():
        return judged
    entry = pl.struct(pl.lit(-1, pl.Int32).alias("order"), pl.col("column"), pl.col("reason"))
    rows = structural.select(pl.col("row").alias("source_row"), pl.concat_list(entry).alias(FAULTS))
    return pl.concat([judged, rows], how="diagonal_relaxed").select(list(judged.schema)).cast(judged.schema)


def _own_faults(frame: pl.DataFrame) -> pl.DataFrame:
    """The FAULTS lists of a judged frame as a fault frame (IDX = position in ``frame``)."""
    return (
        frame.select(FAULTS)
        .with_row_index(IDX)
        .explode(FAULTS)
        .filter(pl.col(FAULTS).is_not_null())
        .unnest(FAULTS)
        .select(pl.col(IDX).cast(pl.Int64), "order", "column", "reason")
        .cast(pl.Schema(FAULT_SCHEMA))
    )


def finish_table(table: str, judged: pl.DataFrame, patients: PatientIds | None) -> ValidatedTable:
    """A whole table judged with duplicates (``judge_text(..., duplicates=True)``) finished as
    one machine finishes it (``judge.validate_batches``): orphans against ``patients``, the
    merge, the counts."""
    parts = [_own_faults(judged)]
    if patients is not None:
        parts.append(orphan_faults(table, patient_standing(judged, patients)))
    positions, rejected = merge_faults(table, judged.get_column("source_row"), pl.concat(parts))
    accepted = accepted_rows(table, judged.rename({"source_row": SOURCE_ROW}), positions).sort("source_row")
    return ValidatedTable(accepted, rejected, TableCounts(judged.height, accepted.height, rejected.height))


SMALL_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String(),
    "sha256": pl.String(),
    "headers": pl.List(pl.String()),
    "error": pl.String(),
    "payload": pl.Binary(),
}
"""Output of ``read_whole``: per file its fingerprint and headers (``SourceFile``), an input
error, or the judged table (Arrow IPC)."""


def read_whole(files: dict[str, tuple[str, str, str, bool]]) -> object:
    """A ``mapInArrow`` function over binaryFile rows of patient-sized tables: each file read
    whole by the one-machine reader (``files``: file name → (table, format, label, judge)) and,
    when ``judge``, judged with its duplicates; the judged frame travels back as Arrow IPC
    bytes. Without ``judge`` only the file's source (fingerprint, headers) comes back."""

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for path_text, content in zip(
                batch.column("path").to_pylist(), batch.column("content").to_pylist(), strict=True
            ):
                name = path_text.rstrip("/").rsplit("/", 1)[-1]
                table, fmt, label, judge = files[name]
                row: dict[str, Any] = dict.fromkeys(SMALL_SCHEMA)
                row["path"] = path_text
                with tempfile.TemporaryDirectory(prefix="ipaudit-") as tmp:
                    local = Path(tmp) / name
                    local.write_bytes(content)
                    where = TableLocation(table, local, None, fmt)
                    try:
                        with spooling():
                            raw = read_table_text(where, {})
                            row["sha256"], row["headers"] = raw.source.sha256, list(raw.source.headers)
                            if judge:
                                prepared = collect_text(prepare(table, raw.plan, raw.headers, str(local)), where)
                        if judge:
                            row["payload"] = to_ipc(judge_prepared(table, prepared, raw.faults, duplicates=True))
                    except InputError as exc:
                        row["error"] = str(exc).replace(str(local), label)
                yield from to_batches(pl.DataFrame([row], schema=SMALL_SCHEMA), SMALL_SCHEMA)

    return run


def from_ipc(payload: bytes) -> pl.DataFrame:
    """A frame sent by ``read_whole``."""
    return pl.read_ipc(io.BytesIO(payload))


def judge_parquet(table: str, headers: Sequence[str], label: str) -> object:
    """A ``mapInArrow`` function over a Parquet table's batches (its headers plus SOURCE_ROW
    holding Spark's row index): each chunk cast to text as one machine does, then judged."""

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for frame in _frames(batches):
            raw = frame.select(
                *(as_text(name, frame.schema[name]) for name in headers),
                (pl.col(SOURCE_ROW).cast(pl.Int64) + 2).alias(SOURCE_ROW),
            )
            prepared = prepare(table, raw.lazy(), headers, label).collect()
            yield from to_batches(judge_prepared(table, prepared, ()), judged_schema(table))

    return run


def judge_csv(table: str, name: str, label: str) -> object:
    """A ``mapInArrow`` function over one CSV file's bytes (Spark's binaryFile rows): the
    one-machine CSV reader on a local copy, then the rows judged. An input error travels to
    the driver as ``input_error``."""
    schema = judged_schema(table)

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for content in batch.column("content").to_pylist():
                with tempfile.TemporaryDirectory(prefix="ipaudit-") as tmp:
                    path = Path(tmp) / name
                    path.write_bytes(content)
                    del content
                    where = TableLocation(table, path, None, "csv")
                    try:
                        with spooling():
                            raw = read_table_text(where, {})
                            prepared = collect_text(prepare(table, raw.plan, raw.headers, str(path)), where)
                    except InputError as exc:
                        raise input_error(str(exc).replace(str(path), label)) from None
                judged = judge_prepared(table, prepared, raw.faults)
                source = json.dumps({"sha256": raw.source.sha256, "headers": list(raw.source.headers)})
                if judged.height:  # an empty table's source is read apart (``read_whole``)
                    judged = judged.with_columns(pl.Series(SOURCE, [source] + [None] * (judged.height - 1), pl.String))
                yield from to_batches(judged, schema)

    return run


# --- pass 2: duplicates, orphans and the merge ---------------------------------------------


def merge_judged(table: str) -> object:
    """A ``mapInArrow`` function over judged rows that also carry ``FIRST<column>`` per unique
    column and ``STANDING`` (except patients): the shared duplicate and orphan reasons and
    the shared merge give each row its rejection, as on one machine."""

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for frame in _frames(batches):
            yield from to_batches(merge_frame(table, frame), merged_schema(table))

    return run


def merge_frame(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One chunk of pass 2 (see ``merge_judged``)."""
    first = {column: frame.get_column(FIRST + column) for column in unique_columns(table)}
    parts = [_own_faults(frame), duplicate_faults(table, first)]
    if STANDING in frame.columns:
        parts.append(orphan_faults(table, frame.get_column(STANDING)))
    positions, rejected = merge_faults(table, frame.get_column("source_row"), pl.concat(parts))
    columns = pl.Series(REJECTED_COLUMN, [None] * frame.height, pl.String).scatter(positions, rejected["column"])
    reasons = pl.Series(REJECTED_REASON, [None] * frame.height, pl.String).scatter(positions, rejected["reason"])
    return frame.select(*TABLE_SCHEMAS[table], SOURCE).with_columns(columns, reasons)


# --- the document stage ----------------------------------------------------------------------


def document_stage(as_of: dt.date, patterns: Patterns) -> object:
    """A ``mapInArrow`` function over accepted documents joined to their patient's window: per
    chunk the shared window filter, then the windowed documents without text and their
    evidence rows (``STAGE_SCHEMA``)."""

    def run(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for frame in _frames(batches):
            in_window = signed_in_window(frame, as_of)
            if in_window.is_empty():
                continue
            documents = in_window.drop("text", "window_start")
            evidence = evidence_rows(in_window, patterns)
            rows = [
                {"part": "documents", "payload": to_ipc(documents)},
                {"part": "evidence", "payload": to_ipc(evidence)},
            ]
            yield from to_batches(pl.DataFrame(rows, schema=STAGE_SCHEMA), STAGE_SCHEMA)

    return run


def to_ipc(frame: pl.DataFrame) -> bytes:
    """A frame as Arrow IPC bytes (``from_ipc`` reads it back)."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    return buffer.getvalue()
