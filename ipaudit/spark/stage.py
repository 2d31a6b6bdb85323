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

from ipaudit.documents import EVIDENCE_KEEP, WINDOW_COLUMNS, Patterns, finish_documents, finish_evidence
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
        schema = {name: dtype for name, dtype in window.schema.items() if name in WINDOW_COLUMNS}
        arrow = pl.DataFrame(window.select(WINDOW_COLUMNS)).to_arrow(compat_level=pl.CompatLevel.oldest())
        cohort = self.spark.createDataFrame(arrow.cast(batches.arrow_schema(schema)), spark_schema(schema))
        from pyspark.sql import functions as F

        joined = self.documents.join(
            F.broadcast(cohort) if window.height <= BROADCAST_ROWS else cohort, on="patient_id", how="inner"
        )
        stage = batches.stage_schema()
        out = joined.mapInArrow(batches.document_stage(as_of, patterns), spark_schema(stage))  # type: ignore[arg-type]
        table = out.toArrow()
        frame = pl.from_arrow(table) if table.num_rows else pl.DataFrame(schema=stage)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.cast(pl.Schema(stage))
        is_evidence = pl.col(batches.KIND).is_not_null()
        evidence = frame.filter(is_evidence).select(
            *EVIDENCE_KEEP, pl.col(batches.KIND).alias("kind"), pl.col(batches.BY).alias("by")
        )
        documents = frame.filter(~is_evidence).drop(batches.KIND, batches.BY)
        return finish_documents(documents), finish_evidence(evidence)

    def release(self) -> None:
        """Free the persisted documents once the audit is done."""
        for frame in self.persisted:
            frame.unpersist()
