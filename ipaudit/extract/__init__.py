"""Reading an extract: containers, CSV dialects, aliases, parsing and validation.

``read_extract(path)`` is the one entry point; it returns an ``Extract`` whose tables have
exactly the columns and dtypes of ``TABLE_SCHEMAS`` and whose ``rejected`` frame lists every
row that could not be accepted, with its source row number and a reason in bokmål.
"""

from __future__ import annotations

from ipaudit.extract.model import (
    ALL_TABLES,
    OPTIONAL_TABLES,
    REJECTED_SCHEMA,
    REQUIRED_TABLES,
    TABLE_SCHEMAS,
    Extract,
    SourceFile,
    TableCounts,
)
from ipaudit.extract.reader import read_extract

__all__ = [
    "ALL_TABLES",
    "OPTIONAL_TABLES",
    "REJECTED_SCHEMA",
    "REQUIRED_TABLES",
    "TABLE_SCHEMAS",
    "Extract",
    "SourceFile",
    "TableCounts",
    "read_extract",
]
