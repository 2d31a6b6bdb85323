"""Validating a table in batches: each row judged by itself per batch, then the whole table.

A table of ten million documents is never held as text: its rows are read in batches
(``containers.text_batches``), and each batch is parsed and given its own faults
(unreadable cells, schema failures, structural faults, empty rows). What needs the whole
table — repeated ids and orphans — is computed over a slim frame of ids, and the merge turns
every row's faults into one rejected-rows entry: ``validate_batches`` on one machine. The
Spark engine (``spark.batches``) splits its batches with the same ``split_prepared`` and
calls the same ``parse``, ``row_faults``, duplicate and orphan reasons and merge, so both
accept and reject alike.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from ipaudit.extract.columns import TABLE_COLUMNS
from ipaudit.extract.model import REJECTED_SCHEMA, TABLE_SCHEMAS, TableCounts
from ipaudit.extract.parse import EMPTY, parse
from ipaudit.extract.reasons import EMPTY_ROW, IDX, SOURCE_ROW, no_faults
from ipaudit.extract.spool import DocumentSpool
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


def unique_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` whose every repeat is rejected."""
    return tuple(spec.name for spec in TABLE_COLUMNS[table] if spec.unique)


def split_prepared(
    table: str, prepared: pl.DataFrame, faults: tuple[tuple[int, str], ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A prepared table (with EMPTY) as (the rows with a value, the rows rejected before their
    columns were read: ``faults`` of the file and the empty rows). Row-local, so it splits
    any batch."""
    # Without empty rows the table is not copied (a copy of ten million rows costs gigabytes).
    empty_rows = prepared.filter(pl.col(EMPTY)).get_column(SOURCE_ROW)
    text = prepared.filter(~pl.col(EMPTY)).drop(EMPTY) if empty_rows.len() else prepared.drop(EMPTY)
    return text, structural_rejects(table, faults, empty_rows)


def structural_rejects(table: str, faults: tuple[tuple[int, str], ...], empty_rows: pl.Series) -> pl.DataFrame:
    """Rejected entries (REJECTED_SCHEMA) for records rejected before their columns were read:
    malformed records and rows without any value. Their column is empty: the fault is the row's."""
    rows = [number for number, _ in faults] + empty_rows.to_list()
    reasons = [reason for _, reason in faults] + [EMPTY_ROW] * empty_rows.len()
    return pl.DataFrame(
        {"table": [table] * len(rows), "row": rows, "column": [""] * len(rows), "reason": reasons},
        schema=REJECTED_SCHEMA,
    )


def validate_batches(
    table: str,
    batches: Iterable[pl.DataFrame],
    faults: tuple[tuple[int, str], ...],
    patients: PatientIds | None,
    spool: DocumentSpool | None = None,
) -> tuple[ValidatedTable, pl.Series]:
    """Validate a prepared table read in batches (one machine): each batch parsed and given
    its own row faults, the file's structural ``faults`` and empty rows rejected as rows;
    then repeated ids and orphans over a slim frame of the whole table's ids, one rejected
    entry per faulty row, and the accepted rows taken out of each batch in turn (the table
    is held about once, never twice). Also returns the patient id of every row read with a
    value (``patient_ids`` needs those of rejected rows too).

    With a ``spool``, a table of more than one batch is not held at all: every parsed batch
    goes to the spool as it is read, only the ids stay, the spool is told which source rows
    were rejected, and the accepted frame returned is empty (``extract.spool``)."""
    parts: list[pl.DataFrame] = []
    row_fault_frames = [no_faults()]
    structural: list[pl.DataFrame] = []
    offset = 0
    keys = list(dict.fromkeys([*unique_columns(table), "patient_id", SOURCE_ROW]))
    slims: list[pl.DataFrame] = []
    for batch in batches:
        text, rejects = split_prepared(table, batch, () if structural else faults)
        structural.append(rejects)
        parsed, parse_faults = parse(table, text)
        found = row_faults(table, text, parsed, parse_faults)
        if found.height:
            row_fault_frames.append(found.with_columns(pl.col(IDX) + offset))
        if spool is not None and (parts or spool.written):  # more than one batch: none is held
            for held in parts:
                slims.append(held.select(keys))
                spool.write(held)
            parts = []
            slims.append(parsed.select(keys))
            spool.write(parsed)
        else:
            parts.append(parsed)
        offset += parsed.height
        del batch, text, parsed
    if not structural:  # a file without rows: its structural faults alone
        structural.append(structural_rejects(table, faults, pl.Series([], dtype=pl.Int64)))
    slims += [part.select(keys) for part in parts]
    no_rows = pl.DataFrame(schema={k: TABLE_SCHEMAS[table].get(k, pl.Int64()) for k in keys})
    slim = pl.concat(slims) if slims else no_rows
    del slims
    found_faults = [*row_fault_frames, duplicate_faults(table, first_rows(table, slim))]
    if patients is not None:
        found_faults.append(orphan_faults(table, patient_standing(slim, patients)))
    positions, rejected = merge_faults(table, slim.get_column(SOURCE_ROW), pl.concat(found_faults))
    seen = slim.get_column("patient_id")
    rejected = pl.concat([rejected, *structural])
    read = offset + sum(frame.height for frame in structural)
    if spool is not None and spool.written:
        spool.reject(slim.get_column(SOURCE_ROW).gather(positions))
        spooled = pl.DataFrame(schema=TABLE_SCHEMAS[table])
        return ValidatedTable(spooled, rejected, TableCounts(read, offset - positions.len(), rejected.height)), seen
    del slim
    accepted: list[pl.DataFrame] = []
    start = 0
    while parts:
        part = parts.pop(0)
        inside = positions.filter(positions.is_between(start, start + part.height - 1)) - start
        accepted.append(accepted_rows(table, part, inside))
        start += part.height
        del part
    rows = pl.concat(accepted) if accepted else pl.DataFrame(schema=TABLE_SCHEMAS[table])
    if not rows.get_column("source_row").is_sorted():
        rows = rows.sort("source_row", maintain_order=True)
    return ValidatedTable(rows, rejected, TableCounts(read, rows.height, rejected.height)), seen
