"""``ipaudit explain``: why each rule came out as it did for one patient.

Reads the extract as the audit does (the same engine, the same reading of free text), for
one patient only: the other patients' rows are dropped before anything is computed, so
nothing about them can be printed. For each rule it prints the status, the index date and
the due date, the finding's message, and for the rules that read documents for a kind of
evidence every document of the patient with why it counted or not: dated after the audit
date, outside the window, an unsigned draft, a type the rule does not read, evidence by
its type, or the reading of its text (negated before/after, planned, hedged, question,
template, refused, other person, other topic, only mentioned, no match) with the clause.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import polars as pl

from ipaudit.checks import registry
from ipaudit.documents import TYPE_EVIDENCE_KINDS
from ipaudit.engine import AuditOptions, audit
from ipaudit.errors import InputError
from ipaudit.evidence import read, reason_text
from ipaudit.extract.model import Extract
from ipaudit.extract.vocabulary import DRAFT_STATUSES

_STATUS = {
    "pass": "oppfylt",
    "fail": "ikke oppfylt",
    "pending": "frist ikke passert (revisjonsfristen er ikke ute)",
    "not_applicable": "ikke aktuelt",
    "waived": "unntatt",
}


def explain(extract: Extract, options: AuditOptions, patient_id: str, rule_id: str | None = None) -> list[str]:
    """The lines ``ipaudit explain`` prints for one patient (and one rule, if given)."""
    rule_ids = options.profile.rules
    if rule_id is not None:
        rule_id = rule_id.strip().upper()
        if rule_id not in rule_ids:
            raise InputError(f"regelen {rule_id} finnes ikke i profilen {options.profile.name}")
        rule_ids = (rule_id,)
    one = _only_patient(extract, patient_id)
    if not any(t.height for t in one.tables.values()):
        raise InputError("fant ingen rader for denne pasient-id-en i uttrekket")
    result = audit(one, options)
    documents = one.tables.get("documents", pl.DataFrame())
    lines = [f"Revisjonsdato {options.as_of:%d.%m.%Y} · profil {options.profile.name}"]
    index = result.results.filter(pl.col("index_date").is_not_null()).get_column("index_date")
    lookback = options.profile.parameters["lookback_days"]
    window_start: dt.date | None = None
    if index.len():
        index_date = index.item(0)
        window_start = index_date - dt.timedelta(days=lookback)
        lines.append(
            f"Indeksdato (første vurdering med behov): {index_date:%d.%m.%Y} · "
            f"dokumenter telles fra {window_start:%d.%m.%Y} ({lookback} dager før) til revisjonsdatoen"
        )
    else:
        lines.append("Pasienten er ikke i kohorten: ingen vurdering med behov for IP i perioden.")
    for rid in rule_ids:
        lines.extend(_rule(rid, result.results.filter(pl.col("rule_id") == rid), documents, options, window_start))
    return lines


def _only_patient(extract: Extract, patient_id: str) -> Extract:
    """The extract with every table cut to one patient's rows."""
    tables = {
        name: frame.filter(pl.col("patient_id") == patient_id) if "patient_id" in frame.columns else frame
        for name, frame in extract.tables.items()
    }
    return dataclasses.replace(extract, tables=tables, document_stage=None)


def _rule(
    rule_id: str, rows: pl.DataFrame, documents: pl.DataFrame, options: AuditOptions, window_start: dt.date | None
) -> Iterator[str]:
    meta = registry()[rule_id].meta
    yield ""
    if rows.height == 0:
        yield f"{rule_id} {meta.title}: ingen resultat for pasienten (regelen gjelder ikke pasienten)."
        return
    row = rows.row(0, named=True)
    due = f" · revisjonsfrist (profil) {row['due_date']:%d.%m.%Y}" if row["due_date"] else ""
    yield f"{rule_id} {meta.title}: {_STATUS.get(row['status'], row['status'])}{due}"
    yield f"  {row['message']}"
    for kind, doc_types in meta.phrases:
        yield f"  Dokumenter vurdert som {kind.value}:"
        considered = list(_documents(kind.value, doc_types, documents, options, window_start))
        yield from considered or ["    ingen dokumenter for pasienten"]


def _documents(
    kind: str, doc_types: tuple[str, ...], documents: pl.DataFrame, options: AuditOptions, window_start: dt.date | None
) -> Iterator[str]:
    """One line per document of the patient: id, date, type and why it counted or not."""
    if documents.height == 0:
        return
    patterns = options.profile.patterns.get(kind, ())
    texts = documents.filter(pl.col("text").is_not_null()).select("document_id", "text")
    reading = {r["document_id"]: r for r in read(texts, kind, patterns).iter_rows(named=True)}
    for doc in documents.sort("doc_date", "document_id").iter_rows(named=True):
        yield f"    {doc['document_id']}  {doc['doc_date']:%d.%m.%Y}  {doc['doc_type']}: " + _why(
            doc, kind, doc_types, reading, options.as_of, window_start
        )


def _why(
    doc: dict, kind: str, doc_types: tuple[str, ...], reading: dict, as_of: dt.date, window_start: dt.date | None
) -> str:
    """Why one document counted for ``kind`` or did not (in the engine's order of filters)."""
    status = (doc.get("status") or "").strip().lower()
    if doc["doc_date"] > as_of:
        return "teller ikke: datert etter revisjonsdatoen"
    if window_start is None or doc["doc_date"] < window_start:
        return "teller ikke: utenfor vinduet"
    if status in DRAFT_STATUSES:
        return f"teller ikke: usignert kladd (status «{doc['status']}»)"
    if kind in TYPE_EVIDENCE_KINDS and doc["doc_type"] == kind:
        return "teller: dokumenttypen"
    if doc_types and doc["doc_type"] not in doc_types:
        return f"teller ikke: feil dokumenttype (teksten leses bare i {', '.join(doc_types)})"
    if doc["text"] is None:
        return "teller ikke: feil dokumenttype og ingen tekst"
    found = reading.get(doc["document_id"])
    if found is None:
        return "teller ikke: ingen treff i teksten"
    clause = f" — «{found['clause']}»" if found["clause"] else ""
    if found["evidence"]:
        return f"teller: teksten{clause}"
    return f"teller ikke: {reason_text(found['reason'])}{clause}"
