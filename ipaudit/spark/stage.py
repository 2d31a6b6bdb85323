"""The document-heavy stage in Spark: the cohort's windowed documents and their evidence.

The engine computes the cohort on the driver and hands its window (one row per cohort
patient) to ``SparkDocuments``. Spark joins the accepted documents to it, and each
partition runs the one-machine window filter and evidence reader
(``ipaudit.documents`` through ``batches.document_stage``). Only the windowed documents
without their text and the evidence rows come back: cohort-sized frames, never free text.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

from ipaudit.documents import WINDOW_COLUMNS, Patterns, evidence_rows, finish_documents, finish_evidence
from ipaudit.extract.model import TABLE_SCHEMAS
from ipaudit.spark import batches
from ipaudit.spark.schemas import spark_schema
from ipaudit.spark.session import BROADCAST_ROWS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class SparkDocuments:
    """A document stage (``ipaudit.documents.DocumentStage``) over documents held in Spark."""

    def __init__(self, spark: SparkSession, documents: DataFrame, persisted: list[DataFrame]) -> None:
        self.spark = spark
        """The session the documents live in."""
        self.documents = documents
        """The accepted documents (TABLE_SCHEMAS columns)."""
        self.persisted = persisted
        """The frames the reader persisted, freed by ``release``."""

    def __call__(self, window: pl.DataFrame, as_of: dt.date, patterns: Patterns) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(signed documents in the window without text, evidence rows), as ``local_stage`` gives."""
        from pyspark.sql import functions as F

        columns = {name: dtype for name, dtype in window.schema.items() if name in WINDOW_COLUMNS}
        arrow = window.select(WINDOW_COLUMNS).to_arrow(compat_level=pl.CompatLevel.oldest())
        cohort = self.spark.createDataFrame(arrow.cast(batches.arrow_schema(columns)), spark_schema(columns))
        small = window.height <= BROADCAST_ROWS
        joined = self.documents.join(F.broadcast(cohort) if small else cohort, on="patient_id", how="inner")
        stage = joined.mapInArrow(batches.document_stage(as_of, patterns), spark_schema(batches.STAGE_SCHEMA))  # type: ignore[arg-type]
        rows = stage.toArrow().to_pylist()
        parts = {
            part: [batches.from_ipc(row["payload"]) for row in rows if row["part"] == part]
            for part in ("documents", "evidence")
        }
        # No chunk had a document: the shared functions over no documents give the empty frames.
        none = pl.DataFrame(schema={**TABLE_SCHEMAS["documents"], "index_date": pl.Date(), "window_start": pl.Date()})
        documents = parts["documents"] or [none.drop("text", "window_start")]
        evidence = parts["evidence"] or [evidence_rows(none, patterns)]
        return (
            finish_documents(pl.concat(documents, how="vertical_relaxed")),
            finish_evidence(pl.concat(evidence, how="vertical_relaxed")),
        )

    def release(self) -> None:
        """Free the persisted documents once the audit is done."""
        for frame in self.persisted:
            frame.unpersist()
