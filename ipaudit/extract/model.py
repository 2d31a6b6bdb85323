"""What reading an extract produces: validated tables, rejected rows and per-table counts.

The reader guarantees the column names and dtypes below for every table it returns, so the
engine never has to know which aliases, encodings or containers the site used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from ipaudit.documents import DocumentStage
    from ipaudit.extract.spool import DocumentSpool

REQUIRED_TABLES: tuple[str, ...] = ("patients", "assessments", "documents")
OPTIONAL_TABLES: tuple[str, ...] = ("episodes", "coordinators")
ALL_TABLES: tuple[str, ...] = ("patients", "episodes", "assessments", "coordinators", "documents")

#: The dtypes of every accepted table. ``source_row`` is the row number in the source file
#: (header = row 1 for CSV; the sheet row for xlsx). Enumerations are lower-case canonical
#: values; ``doc_type`` is a code (INFO_IP, SAMTYKKE, MELDING_KE, IP_PLAN, KLAGEVEILEDNING,
#: EPIKRISE, JOURNALNOTAT or OTHER). ``national_id`` is dropped at reading and never kept.
TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "patients": {
        "patient_id": pl.String(),
        "birth_date": pl.Date(),
        "municipality": pl.String(),
        "source_row": pl.Int64(),
    },
    "episodes": {
        "episode_id": pl.String(),
        "patient_id": pl.String(),
        "unit": pl.String(),
        "level": pl.String(),
        "care_type": pl.String(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
        "source_row": pl.Int64(),
    },
    "assessments": {
        "assessment_id": pl.String(),
        "patient_id": pl.String(),
        "assessed_date": pl.Date(),
        "need": pl.String(),
        "criteria_met": pl.Boolean(),
        "wants_ip": pl.Boolean(),
        "wants_coordinator": pl.Boolean(),
        "services_from": pl.String(),
        "unit": pl.String(),
        "source_row": pl.Int64(),
    },
    "coordinators": {
        "patient_id": pl.String(),
        "name": pl.String(),
        "phone": pl.String(),
        "level": pl.String(),
        "appointed_date": pl.Date(),
        "first_contact_date": pl.Date(),
        "ended_date": pl.Date(),
        "source_row": pl.Int64(),
    },
    "documents": {
        "document_id": pl.String(),
        "patient_id": pl.String(),
        "episode_id": pl.String(),
        "doc_date": pl.Date(),
        "doc_type": pl.String(),
        "title": pl.String(),
        "status": pl.String(),
        "unit": pl.String(),
        "author": pl.String(),
        "text": pl.String(),
        "consent_scope": pl.List(pl.String()),
        "source_row": pl.Int64(),
    },
}

#: One row per rejected input row: which table, the source row number, the column(s) at
#: fault (comma separated when several) and the reason(s) in bokmål.
REJECTED_SCHEMA: dict[str, pl.DataType] = {
    "table": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "reason": pl.String(),
}


@dataclass(frozen=True)
class TableCounts:
    """How many rows of one table were read, accepted and rejected (read = accepted + rejected)."""

    rows_read: int
    rows_accepted: int
    rows_rejected: int


@dataclass(frozen=True)
class SourceFile:
    """One file (or workbook sheet) a table was read from."""

    table: str
    """Canonical table name."""
    path: Path
    """The file; for a workbook, the workbook file."""
    sheet: str | None
    """The sheet name when the table came from a workbook sheet, else None."""
    sha256: str
    """Fingerprint of the file's bytes, so a finding can be reproduced later."""
    headers: tuple[str, ...] = ()
    """The column names as the file has them (``ipaudit validate`` names the user's column)."""


@dataclass(frozen=True)
class Extract:
    """A read and validated extract."""

    location: Path
    """The directory or workbook given on the command line."""
    tables: dict[str, pl.DataFrame]
    """Accepted rows per canonical table name, with TABLE_SCHEMAS columns. Optional tables
    that are absent from the extract are absent from this mapping."""
    counts: dict[str, TableCounts]
    """Rows read/accepted/rejected per table present."""
    rejected: pl.DataFrame
    """Rejected rows (REJECTED_SCHEMA), sorted by table order then row."""
    sources: tuple[SourceFile, ...] = ()
    """Where each table came from."""
    ignored_files: tuple[str, ...] = field(default_factory=tuple)
    """Names of files in the directory that are not tables (a README, a checksum file)."""
    document_stage: DocumentStage | None = None
    """Where the documents live when they are not in ``tables`` (the Spark engine keeps them
    in the cluster and ``tables["documents"]`` is then empty): the stage the engine asks for
    the cohort's windowed documents and evidence. None: ``tables["documents"]`` or ``spool``
    holds them."""
    spool: DocumentSpool | None = None
    """The accepted documents on disk in patient partitions (``extract.spool``), when
    ``read_extract`` was asked to spool a table of more than one batch; ``tables["documents"]``
    is then empty and the engine audits one partition at a time."""

    def has(self, table: str) -> bool:
        """True when the extract holds the table (it may still have zero accepted rows)."""
        return table in self.tables
