"""The document-heavy stage: the cohort's signed documents in their window, and the evidence in them.

This is the boundary between the stage that touches every document (and its free text) and
the checks, which only need cohort-sized frames. Every function here is pure polars over
frames and works on any batch of documents (each document is judged by itself), so the same
code runs on one machine over the whole table and, in the Spark engine (``ipaudit.spark``),
inside ``mapInArrow`` over each partition: the two engines cannot drift.

A *document stage* is any callable ``(window, as_of, patterns) -> (documents, evidence)``;
``local_stage`` is the one-machine one. ``window`` has one row per cohort patient:
patient_id, index_date, window_start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import polars as pl

from ipaudit.checks import text_scopes
from ipaudit.evidence import evidence_by_kind
from ipaudit.extract.spool import DocumentSpool
from ipaudit.extract.vocabulary import DRAFT_STATUSES

TYPE_EVIDENCE_KINDS = ("INFO_IP", "SAMTYKKE", "KLAGEVEILEDNING")
"""Document types that are evidence of their own kind by type alone."""

WINDOW_COLUMNS = ("patient_id", "index_date", "window_start")
"""The columns of the cohort window a stage receives."""

EVIDENCE_KEEP = ("patient_id", "document_id", "doc_date", "doc_type", "consent_scope", "index_date")
"""The document columns every evidence row carries (besides kind, by and clause)."""

Patterns = Mapping[str, tuple[str, ...]]

_POSITION = "__position"


class DocumentStage(Protocol):
    """Given the cohort's windows: (signed documents in them without text, evidence rows)."""

    def __call__(self, window: pl.DataFrame, as_of: dt.date, patterns: Patterns) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Run the stage."""
        ...


def text_matches(texts: pl.DataFrame, patterns: Patterns) -> pl.DataFrame:
    """The documents in ``texts`` (document_id, doc_type, text) whose text is evidence of a
    kind (read as a reviewer reads it, with the profile's extra ``patterns`` per kind), with
    the clause that counted: columns document_id, kind, clause. A kind a rule narrows to some
    document types (``RuleMeta.phrases``) is found only in documents of those types.

    The one place the free-text reader is called, on both engines.
    """
    scopes = {kind: pl.col("doc_type").is_in(list(types)) for kind, types in text_scopes().items()}
    found = evidence_by_kind(texts.select("document_id", "doc_type", "text"), patterns, scopes=scopes)
    in_scope: pl.Expr = pl.lit(True)
    for kind, types in text_scopes().items():
        in_scope = pl.when(pl.col("kind") == kind).then(pl.col("doc_type").is_in(list(types))).otherwise(in_scope)
    return (
        found.join(texts.select("document_id", "doc_type"), on="document_id", how="inner", maintain_order="left")
        .filter(in_scope)
        .select("document_id", "kind", "clause")
    )


def signed_in_window(joined: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Documents already joined to their patient's window: those dated in [window_start, as_of]
    and not unsigned (status kladd, utkast, …)."""
    status = pl.col("status").str.strip_chars().str.to_lowercase()
    return joined.filter(
        pl.col("doc_date").is_between(pl.col("window_start"), pl.lit(as_of)),
        ~status.is_in(DRAFT_STATUSES).fill_null(False),
    )


def evidence_rows(documents: pl.DataFrame, patterns: Patterns) -> pl.DataFrame:
    """Evidence rows by document type and by text read as a reviewer reads it, one per
    (document, kind); ``clause`` is the clause that counted (null for evidence by type).

    A document that is evidence by type and by text is kept once, as ``type``. Unsorted:
    ``finish_evidence`` orders the rows of all batches.
    """
    keep = list(EVIDENCE_KEEP)
    by_type = documents.filter(pl.col("doc_type").is_in(TYPE_EVIDENCE_KINDS)).select(
        *keep,
        pl.col("doc_type").alias("kind"),
        pl.lit("type").alias("by"),
        pl.lit(None, dtype=pl.String).alias("clause"),
    )
    texts = documents.filter(pl.col("text").is_not_null())
    found = text_matches(texts.select("document_id", "doc_type", "text"), patterns)
    by_text = texts.select(*keep).join(found, on="document_id", how="inner").select(
        *keep, "kind", pl.lit("text").alias("by"), "clause"
    )
    parts = [by_type, by_text]
    return pl.concat(parts, how="vertical").unique(subset=["document_id", "kind"], keep="first", maintain_order=True)


def finish_evidence(rows: pl.DataFrame) -> pl.DataFrame:
    """All batches' evidence rows in one deterministic order."""
    return rows.sort("patient_id", "kind", "doc_date", "document_id")


def finish_documents(documents: pl.DataFrame) -> pl.DataFrame:
    """All batches' windowed documents without text and window start, in source order."""
    return documents.drop("text", "window_start", strict=False).sort("source_row")


STAGE_ROWS = 1_000_000
"""Windowed documents whose text is read at once on one machine: the text is copied for a
batch at a time, never for the whole window."""


def local_stage(documents: pl.DataFrame, batch_rows: int = STAGE_ROWS) -> DocumentStage:
    """The one-machine stage over the accepted documents table."""

    def run(window: pl.DataFrame, as_of: dt.date, patterns: Patterns) -> tuple[pl.DataFrame, pl.DataFrame]:
        # Join and filter only the columns the window needs, then pick the rows that passed:
        # the wide columns once without the text, the text a batch at a time with the few
        # columns an evidence row carries.
        slim = documents.select("patient_id", "doc_date", "status").with_row_index(_POSITION)
        joined = slim.join(window.select(WINDOW_COLUMNS), on="patient_id", how="inner")
        kept = signed_in_window(joined, as_of).select(_POSITION, "index_date", "window_start").sort(_POSITION)
        del slim, joined
        wide = documents.drop("text").select(pl.all().gather(kept.get_column(_POSITION)))
        in_window = finish_documents(wide.hstack(kept.drop(_POSITION)))
        del wide
        readable = documents.select(*(c for c in EVIDENCE_KEEP if c != "index_date"), "text")
        found = [pl.DataFrame(schema=_evidence_schema(documents))]
        for offset in range(0, kept.height, batch_rows):
            chunk = kept.slice(offset, batch_rows)
            batch = readable.select(pl.all().gather(chunk.get_column(_POSITION))).hstack(chunk.select("index_date"))
            found.append(evidence_rows(batch, patterns))
        return in_window, finish_evidence(pl.concat(found))

    return run


def spooled_stage(spool: DocumentSpool) -> DocumentStage:
    """The one-machine stage over documents spooled in patient partitions (``extract.spool``):
    the local stage over each partition's documents in turn, their outputs put together. The
    engine's own audit goes a partition at a time instead (``engine.partitions``)."""

    def run(window: pl.DataFrame, as_of: dt.date, patterns: Patterns) -> tuple[pl.DataFrame, pl.DataFrame]:
        ranges = spool.ranges
        outputs = [
            local_stage(spool.documents(k))(ranges.cut(window, k), as_of, patterns) for k in range(ranges.count)
        ]
        documents = finish_documents(pl.concat([found for found, _ in outputs]))
        return documents, finish_evidence(pl.concat([evidence for _, evidence in outputs]))

    return run


def _evidence_schema(documents: pl.DataFrame) -> dict[str, pl.DataType]:
    """The columns ``evidence_rows`` gives (so a window without documents has them too)."""
    keep = {c: documents.schema[c] for c in EVIDENCE_KEEP if c != "index_date"}
    return {**keep, "index_date": pl.Date(), "kind": pl.String(), "by": pl.String(), "clause": pl.String()}
