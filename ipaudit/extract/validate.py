"""Deciding which rows of a parsed table are accepted and why the others are rejected.

Faults come from four places: the parse step (unreadable dates, yes/no values, consent
scopes), the pandera schema (missing required values, values outside a set, episodes ending
before they start), duplicate ids (every copy after the first, in file order) and orphans
(a patient id not among the accepted patients). ``pandera_faults`` is the one adapter from
pandera's ``failure_cases`` to faults. A row with several faults gets one rejected entry
whose ``column`` and ``reason`` list them all, in the order of the table's columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.errors
import polars as pl

from ipaudit.extract.columns import TABLE_COLUMNS, column_spec
from ipaudit.extract.model import REJECTED_SCHEMA, TABLE_SCHEMAS, TableCounts
from ipaudit.extract.reasons import (
    END_BEFORE_START,
    FAULT_SCHEMA,
    IDX,
    MISSING,
    ORPHAN,
    ORPHAN_OF_REJECTED,
    SOURCE_ROW,
    duplicate_of,
    fault_frame,
    invalid_choice,
    no_faults,
)
from ipaudit.extract.schemas import (
    ALLOWED_VALUES_CHECK,
    END_NOT_BEFORE_START_CHECK,
    NOT_NULL_CHECK,
    SCHEMAS,
)


@dataclass(frozen=True)
class PatientIds:
    """The patient ids other tables are checked against."""

    accepted: pl.Series
    """Ids of accepted patients."""
    rejected: pl.Series
    """Ids that occur only on rejected patient rows."""


@dataclass(frozen=True)
class ValidatedTable:
    """The outcome of validating one table."""

    accepted: pl.DataFrame
    """Accepted rows, TABLE_SCHEMAS columns and dtypes, in source order."""
    rejected: pl.DataFrame
    """One REJECTED_SCHEMA row per rejected row."""
    counts: TableCounts
    """Rows read, accepted and rejected."""


def _order(table: str, column: str) -> int:
    return [spec.name for spec in TABLE_COLUMNS[table]].index(column)


def pandera_faults(table: str, failure_cases: pl.DataFrame, text: pl.DataFrame) -> pl.DataFrame:
    """Turn pandera ``failure_cases`` into faults (the only place that reads them).

    ``text`` is the table before parsing, so a value outside a set is quoted as written.
    Failures not tied to a row (a wrong dtype, a missing column) are programming errors.
    """
    cases = failure_cases.select(pl.col("index").cast(pl.Int64).alias(IDX), pl.col("column"), pl.col("check"))
    known = (NOT_NULL_CHECK, ALLOWED_VALUES_CHECK, END_NOT_BEFORE_START_CHECK)
    unexpected = cases.filter(pl.col(IDX).is_null() | ~pl.col("check").is_in(known))
    if not unexpected.is_empty():
        raise RuntimeError(f"unexpected schema failure in {table}: {unexpected.rows()[:3]}")
    faults = [no_faults()]
    for (column, check), group in cases.group_by("column", "check", maintain_order=True):
        name = "end_date" if check == END_NOT_BEFORE_START_CHECK else str(column)
        if check == NOT_NULL_CHECK:
            reason = pl.lit(MISSING)
        elif check == END_NOT_BEFORE_START_CHECK:
            reason = pl.lit(END_BEFORE_START)
        else:
            reason = invalid_choice(pl.col("__value"), column_spec(table, name).allowed)
        rows = group.select(IDX).with_columns(text.get_column(name).gather(group.get_column(IDX)).alias("__value"))
        faults.append(fault_frame(rows, pl.lit(True), name, _order(table, name), reason))
    return pl.concat(faults)


def _schema_faults(table: str, parsed: pl.DataFrame, text: pl.DataFrame) -> pl.DataFrame:
    columns = list(TABLE_SCHEMAS[table])
    columns.remove("source_row")
    try:
        SCHEMAS[table].validate(parsed.select(columns), lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return pandera_faults(table, exc.failure_cases, text)
    return no_faults()


def _duplicate_faults(table: str, text: pl.DataFrame) -> pl.DataFrame:
    """Every row whose unique id already occurred on an earlier row."""
    faults = [no_faults()]
    for spec in TABLE_COLUMNS[table]:
        if not spec.unique:
            continue
        ids = text.get_column(spec.name).drop_nulls()
        if ids.n_unique() == ids.len():  # fast path: hashing once is cheaper than ranking
            continue
        rows = text.select(spec.name, SOURCE_ROW).with_row_index(IDX)
        repeat = pl.col(spec.name).is_not_null() & ~pl.col(spec.name).is_first_distinct()
        copies = rows.filter(repeat)
        if copies.is_empty():
            continue
        first = (
            rows.filter(pl.col(spec.name).is_in(copies.get_column(spec.name).unique().implode()))
            .unique(spec.name, keep="first", maintain_order=True)
            .select(spec.name, pl.col(SOURCE_ROW).alias("__first"))
        )
        copies = copies.join(first, on=spec.name, how="left")
        order = _order(table, spec.name)
        faults.append(fault_frame(copies, pl.lit(True), spec.name, order, duplicate_of(pl.col("__first"))))
    return pl.concat(faults)


def _orphan_faults(table: str, text: pl.DataFrame, patients: PatientIds) -> pl.DataFrame:
    """Rows whose patient id is not among the accepted patients."""
    rows = text.select("patient_id").with_row_index(IDX)
    patient = pl.col("patient_id")
    orphan = patient.is_not_null() & ~patient.is_in(patients.accepted.implode())
    reason = (
        pl.when(patient.is_in(patients.rejected.implode())).then(pl.lit(ORPHAN_OF_REJECTED)).otherwise(pl.lit(ORPHAN))
    )
    return fault_frame(rows, orphan, "patient_id", _order(table, "patient_id"), reason)


def validate_table(
    table: str,
    text: pl.DataFrame,
    parsed: pl.DataFrame,
    parse_faults: pl.DataFrame,
    patients: PatientIds | None,
) -> ValidatedTable:
    """Accept or reject every row of a table; ``patients`` is None for patients itself."""
    schema_faults = _schema_faults(table, parsed, text).join(
        parse_faults.select(IDX, "column"), on=[IDX, "column"], how="anti"
    )
    parts = [
        parse_faults,
        schema_faults,
        _duplicate_faults(table, text),
        *([] if patients is None else [_orphan_faults(table, text, patients)]),
    ]
    faults = pl.concat([part.cast(pl.Schema(FAULT_SCHEMA)) for part in parts])
    rejected = (
        faults.sort(IDX, "order", maintain_order=True)
        .group_by(IDX, maintain_order=True)
        .agg(
            pl.col("column").unique(maintain_order=True).str.join(", "),
            pl.col("reason").str.join("; "),
        )
    )
    rows = text.get_column(SOURCE_ROW).gather(rejected.get_column(IDX))
    rejected_rows = rejected.select(pl.lit(table).alias("table"), rows.alias("row"), "column", "reason")
    rejected_rows = rejected_rows.cast(pl.Schema(REJECTED_SCHEMA))
    keep = ~pl.int_range(pl.len(), dtype=pl.Int64).is_in(rejected.get_column(IDX).implode())
    accepted = parsed.filter(keep).rename({SOURCE_ROW: "source_row"})
    accepted = accepted.select(list(TABLE_SCHEMAS[table])).cast(pl.Schema(TABLE_SCHEMAS[table]))
    if not accepted.get_column("source_row").is_sorted():
        accepted = accepted.sort("source_row", maintain_order=True)
    counts = TableCounts(text.height, accepted.height, rejected_rows.height)
    return ValidatedTable(accepted, rejected_rows, counts)


def patient_ids(text: pl.DataFrame, accepted: pl.DataFrame) -> PatientIds:
    """Accepted patient ids, and ids seen only on rejected patient rows."""
    accepted_ids = accepted.get_column("patient_id").unique()
    seen = text.get_column("patient_id").drop_nulls().unique()
    return PatientIds(accepted_ids, seen.filter(~seen.is_in(accepted_ids.implode())))
