"""Deciding which rows of a parsed table are accepted and why the others are rejected.

Faults come from four places: the parse step (unreadable dates, yes/no values, consent
scopes), the pandera schema (missing required values, values outside a set, episodes ending
before they start), duplicate ids (every copy after the first, in file order) and orphans
(a patient id not among the accepted patients). ``pandera_faults`` is the one adapter from
pandera's ``failure_cases`` to faults. A row with several faults gets one rejected entry
whose ``column`` and ``reason`` list them all, in the order of the table's columns.

The steps are separate pure functions so that another engine runs the same code: the row
faults (``row_faults``) judge each row by itself and may run in batches; duplicates and
orphans take per-row numbers (``first_rows``, ``patient_standing``) that need the whole
table; ``merge_faults`` and ``accepted_rows`` turn faults into the outcome.
``extract.judge.validate_batches`` puts them together for a table read in batches on one
machine, ``spark.batches`` in Spark.
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
    REJECTED_PATIENT,
    SOURCE_ROW,
    UNKNOWN_PATIENT,
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
    schema_holds,
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
    frame = parsed.select(columns)
    if schema_holds(table, frame):
        return no_faults()
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return pandera_faults(table, exc.failure_cases, text)
    return no_faults()


def first_rows(table: str, text: pl.DataFrame) -> dict[str, pl.Series]:
    """Per unique column of ``table``: for each row, the source row of the first row with its id.

    Null where the id is null or the row is itself the first; only columns with a repeat
    are in the mapping. One machine computes it here; the Spark engine computes the same
    numbers with a window over the whole table and hands them to ``duplicate_faults``.
    """
    first: dict[str, pl.Series] = {}
    for spec in TABLE_COLUMNS[table]:
        if not spec.unique:
            continue
        ids = text.get_column(spec.name)
        shared = ids.is_duplicated() & ids.is_not_null()  # one hash pass over the whole table
        if not shared.any():
            continue
        # Only rows whose id occurs more than once are ranked (a few, in a table of millions).
        rows = text.select(spec.name, SOURCE_ROW).with_row_index(IDX).filter(shared)
        first_row = pl.col(SOURCE_ROW).first().over(spec.name)
        repeats = rows.with_columns(first_row.alias("__first")).filter(~pl.col(spec.name).is_first_distinct())
        numbers = pl.repeat(None, text.height, dtype=text.schema[SOURCE_ROW], eager=True).alias(spec.name)
        first[spec.name] = numbers.scatter(repeats.get_column(IDX), repeats.get_column("__first"))
    return first


def duplicate_faults(table: str, first: dict[str, pl.Series]) -> pl.DataFrame:
    """Every row whose unique id already occurred on an earlier row (``first_rows``' numbers)."""
    faults = [no_faults()]
    for column, first_row in first.items():
        copies = pl.DataFrame({"__first": first_row}).with_row_index(IDX)
        order = _order(table, column)
        mask = pl.col("__first").is_not_null()
        faults.append(fault_frame(copies, mask, column, order, duplicate_of(pl.col("__first"))))
    return pl.concat(faults)


def patient_standing(text: pl.DataFrame, patients: PatientIds) -> pl.Series:
    """Per row: null for an accepted patient (or no id), ``rejected`` for an id seen only on
    rejected patient rows, ``unknown`` for any other id. The Spark engine computes the same
    with a join and hands it to ``orphan_faults``."""
    patient = pl.col("patient_id")
    return text.select(
        pl.when(patient.is_null() | patient.is_in(patients.accepted.implode()))
        .then(None)
        .when(patient.is_in(patients.rejected.implode()))
        .then(pl.lit(REJECTED_PATIENT))
        .otherwise(pl.lit(UNKNOWN_PATIENT))
        .alias("standing")
    ).to_series()


def orphan_faults(table: str, standing: pl.Series) -> pl.DataFrame:
    """Rows whose patient id is not among the accepted patients (``patient_standing``)."""
    rows = pl.DataFrame({"standing": standing}).with_row_index(IDX)
    orphan = pl.col("standing").is_not_null()
    reason = pl.when(pl.col("standing") == REJECTED_PATIENT).then(pl.lit(ORPHAN_OF_REJECTED)).otherwise(pl.lit(ORPHAN))
    return fault_frame(rows, orphan, "patient_id", _order(table, "patient_id"), reason)


def row_faults(table: str, text: pl.DataFrame, parsed: pl.DataFrame, parse_faults: pl.DataFrame) -> pl.DataFrame:
    """The faults a row has on its own: unparseable cells and schema failures.

    Each row is judged by itself, so a table may be judged in any batches (the Spark
    engine does so); duplicates and orphans need the whole table and come separately.
    """
    schema_faults = _schema_faults(table, parsed, text).join(
        parse_faults.select(IDX, "column"), on=[IDX, "column"], how="anti"
    )
    return pl.concat([part.cast(pl.Schema(FAULT_SCHEMA)) for part in (parse_faults, schema_faults)])


def merge_faults(table: str, source_rows: pl.Series, faults: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """One rejected entry per faulty row: (positions of the rejected rows, REJECTED_SCHEMA rows).

    ``faults`` come in the order row faults, duplicates, orphans; a row's columns and
    reasons are listed in the order of the table's columns.
    """
    rejected = (
        faults.cast(pl.Schema(FAULT_SCHEMA))
        .sort(IDX, "order", maintain_order=True)
        .group_by(IDX, maintain_order=True)
        .agg(
            pl.col("column").unique(maintain_order=True).str.join(", "),
            pl.col("reason").str.join("; "),
        )
    )
    rows = source_rows.gather(rejected.get_column(IDX))
    rejected_rows = rejected.select(pl.lit(table).alias("table"), rows.alias("row"), "column", "reason")
    return rejected.get_column(IDX), rejected_rows.cast(pl.Schema(REJECTED_SCHEMA))


def accepted_rows(table: str, parsed: pl.DataFrame, rejected: pl.Series) -> pl.DataFrame:
    """The parsed rows not at the positions ``rejected``, with TABLE_SCHEMAS columns and dtypes."""
    accepted = parsed.rename({SOURCE_ROW: "source_row"})
    if rejected.len():  # without a rejected row the columns are kept, not copied
        accepted = accepted.filter(~pl.int_range(pl.len(), dtype=pl.Int64).is_in(rejected.implode()))
    return accepted.select(list(TABLE_SCHEMAS[table])).cast(pl.Schema(TABLE_SCHEMAS[table]))


def patient_ids(text: pl.DataFrame, accepted: pl.DataFrame) -> PatientIds:
    """Accepted patient ids, and ids seen only on rejected patient rows."""
    accepted_ids = accepted.get_column("patient_id").unique()
    seen = text.get_column("patient_id").drop_nulls().unique()
    return PatientIds(accepted_ids, seen.filter(~seen.is_in(accepted_ids.implode())))
