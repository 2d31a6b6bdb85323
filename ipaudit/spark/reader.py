"""Reading and validating an extract in Spark: the same rows accepted and rejected as on one machine.

Each table is read in Spark and judged in two passes of the one-machine code
(``ipaudit.spark.batches``): pass 1 reads and parses every row and finds the faults a row
has on its own (a Parquet table in parallel batches with Spark's row index as its row
number; a CSV file by the one-machine CSV reader, one task per file, so dialect, encoding
and record numbering are the reader's own); pass 2 adds duplicates and orphans, whose
per-row numbers Spark computes over the whole table (a window for the first row of each
id, a join to the patients), and merges the faults with the shared merge. What comes back
to the driver: the counts, the rejected rows, the accepted patients, episodes, assessments
and coordinators (patient-sized, no free text) and the file fingerprints. The documents
stay in the cluster: ``SparkDocuments`` hands the engine the cohort's windowed documents
and their evidence only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract.aliases import is_national_id, resolve_columns, table_file_names
from ipaudit.extract.containers import Layout, TableLocation, locate_tables, tables_in_listing
from ipaudit.extract.model import (
    ALL_TABLES,
    REJECTED_SCHEMA,
    REQUIRED_TABLES,
    TABLE_SCHEMAS,
    Extract,
    SourceFile,
    TableCounts,
)
from ipaudit.extract.reader import require_tables
from ipaudit.extract.reasons import REJECTED_PATIENT, SOURCE_ROW, UNKNOWN_PATIENT
from ipaudit.extract.validate import PatientIds, ValidatedTable, patient_ids
from ipaudit.spark import batches
from ipaudit.spark.schemas import spark_schema
from ipaudit.spark.session import BROADCAST_ROWS, spark_session
from ipaudit.spark.stage import SparkDocuments

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

from pyspark.sql import functions as F

#: Told which table is read next (table, label, done, total), as ``read_extract``'s progress.
Progress = Callable[[str, str, int, int], None]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def read_extract_spark(
    extract: str, master: str | None = None, progress: Progress | None = None, spark: SparkSession | None = None
) -> Extract:
    """Read, parse and validate the extract at ``extract`` (a local directory or a URI Spark
    reads: ``s3a://``, ``abfss://``, ``hdfs://``, ``file://``) in Spark.

    Returns an ``Extract`` like ``read_extract``'s whose ``tables["documents"]`` is empty
    and whose ``document_stage`` runs the document-heavy stage in Spark.
    """
    spark = spark or spark_session(master)
    location, uri, layout = _locate(spark, extract)
    if uri.startswith("file:"):
        require_tables(layout)
    else:  # the one-machine check takes a path that is not a directory for a workbook
        for table in REQUIRED_TABLES:
            if table not in layout.tables:
                raise InputError(f"{uri}: mangler tabellen {table} (en fil som heter {table_file_names(table)})")
    uris = {table: _join(uri, where.path.name) for table, where in layout.tables.items()}
    labels = {table: _label(uri, where) for table, where in layout.tables.items()}
    small = [table for table in layout.tables if table != "documents"]
    if progress is not None:
        progress(small[0], labels[small[0]], 0, len(layout.tables))
    where = layout.tables["documents"]
    # The documents are read in Spark's tasks; a Parquet file's source is read here with the rest.
    whole = {table: (layout.tables[table], table != "documents") for table in layout.tables}
    if where.format == "csv":
        del whole["documents"]
    judged, sources = _read_small(spark, whole, uris, labels)
    validated: dict[str, ValidatedTable] = {}
    patients: PatientIds | None = None
    for table in small:
        validated[table] = batches.finish_table(table, judged[table], patients)
        if table == "patients":
            patients = patient_ids(judged[table], validated[table].accepted)
    assert patients is not None  # patients is a required table
    if progress is not None:
        progress("documents", labels["documents"], len(small), len(layout.tables))
    with _input_errors():
        documents = _merge(spark, _judged(spark, "documents", where, uris["documents"], labels["documents"]), patients)
        outcome = _to_polars(
            documents.where(f"{batches.REJECTED_REASON} IS NOT NULL OR {batches.SOURCE} IS NOT NULL").select(
                F.lit("documents").alias("table"),
                F.col("source_row").alias("row"),
                F.col(batches.REJECTED_COLUMN).alias("column"),
                F.col(batches.REJECTED_REASON).alias("reason"),
                F.col(batches.SOURCE),
            ),
            {**REJECTED_SCHEMA, batches.SOURCE: pl.String()},
        )
        read = documents.count()
    for mark in outcome.get_column(batches.SOURCE).drop_nulls():
        found = json.loads(mark)
        sources["documents"] = (found["sha256"], tuple(found["headers"]))
    if "documents" not in sources:  # a CSV file without rows: its source alone
        sources.update(_read_small(spark, {"documents": (where, False)}, uris, labels)[1])
    document_rejected = outcome.filter(pl.col("reason").is_not_null()).drop(batches.SOURCE)
    rejected = pl.concat([*(v.rejected for v in validated.values()), document_rejected])
    rank = pl.col("table").replace_strict({t: i for i, t in enumerate(ALL_TABLES)}, return_dtype=pl.Int32)
    counts = {table: v.counts for table, v in validated.items()}
    counts["documents"] = TableCounts(read, read - document_rejected.height, document_rejected.height)
    accepted = documents.where(f"{batches.REJECTED_REASON} IS NULL").drop(
        batches.REJECTED_COLUMN, batches.REJECTED_REASON, batches.SOURCE
    )
    tables = {table: v.accepted for table, v in validated.items()}
    tables["documents"] = pl.DataFrame(schema=TABLE_SCHEMAS["documents"])
    files = tuple(SourceFile(table, where.path, None, *sources[table]) for table, where in layout.tables.items())
    return Extract(
        location=location,
        tables={table: tables[table] for table in ALL_TABLES if table in tables},
        counts={table: counts[table] for table in ALL_TABLES if table in counts},
        rejected=rejected.sort(rank, pl.col("row")),
        sources=files,
        ignored_files=layout.ignored,
        document_stage=SparkDocuments(spark, accepted, [documents]),
    )


def _read_small(
    spark: SparkSession, whole: dict[str, tuple[TableLocation, bool]], uris: dict[str, str], labels: dict[str, str]
) -> tuple[dict[str, pl.DataFrame], dict[str, tuple[str, tuple[str, ...]]]]:
    """Files read whole, one task each, by the one-machine reader: the patient-sized tables
    judged with their duplicates (``whole``: table → (location, judge)); every file's source
    (fingerprint, headers). An input error of the first table (in table order) stops the run."""
    files = {where.path.name: (table, where.format, labels[table], judge) for table, (where, judge) in whole.items()}
    loaded = spark.read.format("binaryFile").load([uris[table] for table in whole]).select("path", "content")
    out = loaded.mapInArrow(batches.read_whole(files), spark_schema(batches.SMALL_SCHEMA))  # type: ignore[arg-type]
    rows = out.toArrow().to_pylist()
    by_table = {files[row["path"].rstrip("/").rsplit("/", 1)[-1]][0]: row for row in rows}
    judged: dict[str, pl.DataFrame] = {}
    sources: dict[str, tuple[str, tuple[str, ...]]] = {}
    for table in whole:
        row = by_table[table]
        if row["error"] is not None:
            raise InputError(row["error"])
        sources[table] = (row["sha256"], tuple(row["headers"]))
        if row["payload"] is not None:
            judged[table] = batches.from_ipc(row["payload"])
    return judged, sources


def _locate(spark: SparkSession, extract: str) -> tuple[Path, str, Layout]:
    """The extract's location as reports show it, its URI, and its tables."""
    if not _SCHEME.match(extract) or extract.startswith("file://"):
        local = Path(extract.removeprefix("file://"))
        layout = locate_tables(local)
        if not local.is_dir():
            raise InputError(f"{local}: Spark-motoren leser en mappe med CSV- og Parquet-filer, ikke en arbeidsbok")
        return local, local.absolute().as_uri(), _no_workbooks(layout)
    return Path(extract), extract.rstrip("/"), _no_workbooks(_remote_layout(spark, extract.rstrip("/")))


def _remote_layout(spark: SparkSession, uri: str) -> Layout:
    """List a URI's directory with Hadoop's file system and apply the naming rules."""
    jvm: Any = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    try:
        fs = path.getFileSystem(spark._jsc.hadoopConfiguration())  # type: ignore[attr-defined]
        if not fs.exists(path):
            raise InputError(f"Finner ikke uttrekket {uri}")
        if not fs.getFileStatus(path).isDirectory():
            raise InputError(f"{uri}: Spark-motoren leser en mappe med CSV- og Parquet-filer")
        entries = [(status.getPath().getName(), bool(status.isFile())) for status in fs.listStatus(path)]
    except InputError:
        raise
    except Exception as exc:  # a missing file system (no s3a jars), no credentials
        raise InputError(f"{uri} kan ikke leses ({type(exc).__name__})") from None
    return tables_in_listing(Path(uri), entries)


def _no_workbooks(layout: Layout) -> Layout:
    for where in layout.tables.values():
        if where.format == "xlsx":
            raise InputError(f"{where.path}: Spark-motoren leser CSV og Parquet; bruk --engine polars for .xlsx")
    return layout


def _join(uri: str, name: str) -> str:
    return f"{uri.rstrip('/')}/{name}"


def _label(uri: str, where: TableLocation) -> str:
    """How messages name a table's file: as the user wrote the extract, plus the file name."""
    return str(where.path) if uri.startswith("file:") else _join(uri, where.path.name)


def _judged(spark: SparkSession, table: str, where: TableLocation, uri: str, label: str) -> DataFrame:
    """Pass 1 of a table: every row read, prepared, parsed and judged by itself."""
    schema = spark_schema(batches.judged_schema(table))
    if where.format == "csv":
        files = spark.read.format("binaryFile").load(uri).select("content")
        return files.mapInArrow(batches.judge_csv(table, where.path.name, label), schema)  # type: ignore[arg-type]
    from pyspark.errors import AnalysisException

    try:
        frame = spark.read.parquet(uri)
        names = frame.schema.names
    except AnalysisException:
        raise InputError(f"{label} kan ikke leses som Parquet") from None
    headers = [name for name in names if not is_national_id(name)]
    resolve_columns(table, headers, label)  # a missing required column stops the run here
    quoted = [F.col("`" + name.replace("`", "``") + "`") for name in headers]
    raw = frame.select(*quoted, F.col("_metadata.row_index").alias(SOURCE_ROW))
    return raw.mapInArrow(batches.judge_parquet(table, headers, label), schema)  # type: ignore[arg-type]


def _merge(spark: SparkSession, judged: DataFrame, patients: PatientIds) -> DataFrame:
    """Pass 2 of the documents: Spark's whole-table numbers for duplicates (a window over each
    id) and orphans (a join to the patients' standing), then the shared merge per batch."""
    from pyspark import StorageLevel
    from pyspark.sql import Window

    table = "documents"
    frame = judged
    for column in batches.unique_columns(table):
        first = F.min("source_row").over(Window.partitionBy(column))
        repeat = F.col(column).isNotNull() & (first != F.col("source_row"))
        frame = frame.withColumn(batches.FIRST + column, F.when(repeat, first))
    standing = pl.concat(
        [
            patients.accepted.to_frame("patient_id").with_columns(pl.lit(True).alias("__accepted")),
            patients.rejected.to_frame("patient_id").with_columns(pl.lit(False).alias("__accepted")),
        ]
    )
    schema = {"patient_id": pl.String(), "__accepted": pl.Boolean()}
    arrow = standing.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(batches.arrow_schema(schema))
    seen = spark.createDataFrame(arrow, spark_schema(schema))
    # null for an accepted patient or no id, then as validate.patient_standing says
    standing_expr = (
        F.when(F.col("patient_id").isNull() | F.col("__accepted"), F.lit(None).cast("string"))
        .when(F.col("__accepted").isNotNull(), F.lit(REJECTED_PATIENT))
        .otherwise(F.lit(UNKNOWN_PATIENT))
    )
    if standing.height <= BROADCAST_ROWS:
        seen = F.broadcast(seen)
    frame = frame.join(seen, on="patient_id", how="left").withColumn(batches.STANDING, standing_expr).drop("__accepted")
    merged = frame.mapInArrow(batches.merge_judged(table), spark_schema(batches.merged_schema(table)))  # type: ignore[arg-type]
    return merged.persist(StorageLevel.MEMORY_AND_DISK)


def _to_polars(frame: DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Collect a Spark frame through Arrow into polars with exactly ``schema``."""
    table = frame.select(*schema).toArrow()
    collected = pl.from_arrow(table) if table.num_rows else pl.DataFrame(schema=schema)
    assert isinstance(collected, pl.DataFrame)
    return collected.select(list(schema)).cast(pl.Schema(schema))


class _input_errors:
    """Turn an input error raised in a Spark worker back into ``InputError`` on the driver."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        found = re.search(re.escape(batches.INPUT_ERROR) + r"<<(.*?)>>", str(exc), re.DOTALL) if exc else None
        if found:
            raise InputError(found.group(1)) from None
