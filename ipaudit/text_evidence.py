"""The clauses behind the verdicts: which sentence of a note each text-based evidence rests on.

A result cites its evidence by document id. When a document counted because of its free
text (``by = 'text'`` in the engine's evidence table, for a kind the rule reads in its
``RuleMeta.phrases``), the adviser must be able to check the reading in seconds: the
internal HTML report and the workbook show the clause that counted next to the id.

The clause is journal text. It is built once by the engine for the views that may show it
and is dropped by ``ipaudit.pseudonymize`` (a pseudonymised run holds no free text); the
JSON and CSV views, the history and the terminal never read it.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ipaudit.model import RuleMeta

TEXT_EVIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "patient_id": pl.String(),
    "status": pl.String(),
    "document_id": pl.String(),
    "doc_date": pl.Date(),
    "doc_type": pl.String(),
    "kind": pl.String(),
    "clause": pl.String(),
}
"""One row per (result, document cited by text): the clause that counted (at most
``ipaudit.evidence.CLAUSE_CHARS`` characters, one line)."""


def empty() -> pl.DataFrame:
    """No text evidence (a pseudonymised run, or a result built without the engine)."""
    return pl.DataFrame(schema=TEXT_EVIDENCE_SCHEMA)


def text_evidence(results: pl.DataFrame, evidence: pl.DataFrame, rules: Mapping[str, RuleMeta]) -> pl.DataFrame:
    """The text-based evidence each result cites, with its clause (TEXT_EVIDENCE_SCHEMA).

    ``results`` has rule_id, patient_id, status and evidence (a list of ids); ``evidence`` is
    the engine's evidence table (``CheckContext.evidence``). Only rules that read free text
    (``RuleMeta.phrases``) cite documents by text; the kinds a rule reads decide which
    clause belongs to it when one note is evidence of several kinds. Ordered as the results
    are, then by document date and id.
    """
    reads = pl.DataFrame(
        [(rule_id, str(kind)) for rule_id, meta in rules.items() for kind, _types in meta.phrases],
        schema={"rule_id": pl.String, "kind": pl.String},
        orient="row",
    )
    by_text = evidence.filter(pl.col("by") == "text").select(
        "patient_id", "document_id", "doc_date", "doc_type", "kind", "clause"
    )
    if reads.height == 0 or by_text.height == 0:
        return empty()
    # A slice of the results at a time: each result's citations are its own, and the slices
    # keep the results' order (at ten million results, all at once cost a gigabyte).
    return pl.concat([_cited(piece, reads, by_text) for piece in results.iter_slices(SLICE_ROWS)] or [empty()])


SLICE_ROWS = 1_000_000
"""Results whose citations are read at once."""


def _cited(results: pl.DataFrame, reads: pl.DataFrame, by_text: pl.DataFrame) -> pl.DataFrame:
    """``text_evidence`` of some results (in their order)."""
    cited = (
        results.select("rule_id", "patient_id", "status", "evidence")  # not the other columns
        .filter(pl.col("rule_id").is_in(reads.get_column("rule_id").unique().implode()))
        .select(pl.int_range(pl.len()).alias("_order"), "rule_id", "patient_id", "status", "evidence")
        .explode("evidence")
        .filter(pl.col("evidence").is_not_null())
        .rename({"evidence": "document_id"})
    )
    return (
        cited.join(reads, on="rule_id", how="inner")
        .join(by_text, on=["patient_id", "document_id", "kind"], how="inner")
        .sort("_order", "doc_date", "document_id", "kind")
        .unique(subset=["_order", "document_id", "clause"], keep="first", maintain_order=True)
        .select(list(TEXT_EVIDENCE_SCHEMA))
        .cast(TEXT_EVIDENCE_SCHEMA)  # type: ignore[arg-type]
    )


def clauses_by_result(frame: pl.DataFrame) -> pl.DataFrame:
    """rule_id, patient_id → ``clauses``: a list of {document_id, clause} in citation order,
    for joining onto the results a view lists."""
    return frame.group_by("rule_id", "patient_id", maintain_order=True).agg(
        pl.struct("document_id", "clause").alias("clauses")
    )
