"""``read_extract``: from a directory or workbook to an ``Extract`` of validated tables.

The tables are read in the order patients, episodes, assessments, coordinators, documents,
each as text first (ids keep their leading zeros), then prepared, parsed and judged row by
row in batches (``extract.judge``: a table is never held as text whole), then finished.
Patients come first so that every other table's rows can be checked against the accepted
patients. Structural faults (a missing table or column, an unreadable file) raise
``InputError``; faults in rows reject the row and are listed in ``Extract.rejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract import containers
from ipaudit.extract.aliases import table_file_names, table_for_name
from ipaudit.extract.containers import FORMATS, Layout, locate_tables, read_table_text, text_batches
from ipaudit.extract.csvio import spooling
from ipaudit.extract.judge import validate_batches
from ipaudit.extract.model import (
    ALL_TABLES,
    REJECTED_SCHEMA,
    REQUIRED_TABLES,
    Extract,
    SourceFile,
    TableCounts,
)
from ipaudit.extract.parse import prepare
from ipaudit.extract.spool import DocumentSpool, PatientRanges
from ipaudit.extract.validate import PatientIds, patient_ids

#: Called before each table is read with (table, file label, tables done, tables in all).
Progress = Callable[[str, str, int, int], None]


def read_extract(
    path: Path,
    progress: Progress | None = None,
    *,
    batch_rows: int | None = None,
    partition_patients: int | None = None,
) -> Extract:
    """Read, parse and validate the extract at ``path`` (a directory or an .xlsx workbook).

    ``progress``, when given, is told which table is read next (the CLI draws a progress bar
    from it when attached to a terminal); it never receives any content of the extract.
    Tables are read ``batch_rows`` rows at a time (None: ``containers.BATCH_ROWS``).

    With ``partition_patients``, a documents table of more than one batch is spooled to disk
    in partitions of about that many patients (``extract.spool``): ``tables["documents"]``
    is then empty and ``Extract.spool`` holds them (call its ``release`` when done; the spool
    is deleted at exit in any case). Without, every table is held in memory.
    """
    location = Path(path)
    layout = locate_tables(location)
    require_tables(layout)
    hashes: dict[Path, str] = {}
    tables: dict[str, pl.DataFrame] = {}
    counts: dict[str, TableCounts] = {}
    rejected: list[pl.DataFrame] = [pl.DataFrame(schema=REJECTED_SCHEMA)]
    sources: list[SourceFile] = []
    patients: PatientIds | None = None
    spooled: DocumentSpool | None = None
    for done, (table, where) in enumerate(layout.tables.items()):
        if progress is not None:
            progress(table, where.label, done, len(layout.tables))
        with spooling():  # a transcoded copy of the file lives only until it is read
            raw = read_table_text(where, hashes)
            plan = prepare(table, raw.plan, raw.headers, where.label)
            batches = text_batches(plan, where, batch_rows or containers.BATCH_ROWS)
            spool = None
            if table == "documents" and partition_patients is not None and patients is not None:
                spool = DocumentSpool(PatientRanges.of(patients.accepted, partition_patients))
            result, seen = validate_batches(table, batches, raw.faults, patients, spool)
        if spool is not None and spool.written:
            spooled = spool
        elif spool is not None:
            spool.release()
        if table == "patients":
            patients = patient_ids(seen.to_frame(), result.accepted)
        tables[table] = result.accepted
        counts[table] = result.counts
        rejected.append(result.rejected)
        sources.append(raw.source)
    table_rank = pl.col("table").replace_strict({t: i for i, t in enumerate(ALL_TABLES)}, return_dtype=pl.Int32)
    return Extract(
        location=location,
        tables=tables,
        counts=counts,
        rejected=pl.concat(rejected).sort(table_rank, pl.col("row")),
        sources=tuple(sources),
        ignored_files=layout.ignored,
        spool=spooled,
    )


def require_tables(layout: Layout) -> None:
    """Raise InputError naming the extract when a required table is absent (for a workbook:
    every missing table at once, and the sheets it has)."""
    missing = [table for table in REQUIRED_TABLES if table not in layout.tables]
    if missing and not layout.location.is_dir():
        wanted = "; ".join(f"{table} ({table_file_names(table)})" for table in missing)
        sheets = [f"«{t.sheet}»" for t in layout.tables.values()]
        sheets += [f"«{name.split('!', 1)[1]}»" for name in layout.ignored if "!" in name]
        raise InputError(
            f"{layout.location}: mangler ark for {'tabellene' if len(missing) > 1 else 'tabellen'} {wanted}; "
            f"arbeidsboken har arkene {', '.join(sheets) or '(ingen)'}"
        )
    for table in missing:
        names = table_file_names(table)
        extensions = ", ".join(FORMATS)
        # A file with the table's name but another extension (pasienter.xls) deserves a hint.
        near = [name for name in layout.ignored if table_for_name(Path(name).stem) == table]
        hint = f"; fant {', '.join(near)}, men bare {extensions} kan leses" if near else ""
        raise InputError(
            f"{layout.location}: mangler tabellen {table} (en fil som heter {names} med endelse {extensions}){hint}"
        )
