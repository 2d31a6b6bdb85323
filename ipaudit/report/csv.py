"""``ipaudit-results.csv`` and ``ipaudit-rejected.csv``: the results and rejected rows as CSV.

Comma separated (RFC 4180 quoting, ``\\n`` line ends), UTF-8 **with** a byte-order mark:
Excel then reads æøå right when a Norwegian user imports the file, and Python
(``utf-8-sig``), polars and pandas skip the mark. Field names are the JSON contract's;
``evidence`` is joined by ``|`` and dates are ISO. Values are written as they are (a
patient id starting with ``=`` stays ``=…``): this is the machine-readable output, and
the Excel report is the one for opening in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from ipaudit.extract.model import REJECTED_SCHEMA
from ipaudit.model import RESULT_SCHEMA, AuditResult
from ipaudit.report.base import ReportView

RESULTS_FILENAME = "ipaudit-results.csv"
REJECTED_FILENAME = "ipaudit-rejected.csv"
#: Write a UTF-8 byte-order mark first (see the module docstring).
BOM = True
EVIDENCE_SEPARATOR = "|"


class CsvView(ReportView):
    """The results rows and the rejected input rows as two CSV files."""

    format = "csv"
    filenames = (RESULTS_FILENAME, REJECTED_FILENAME)

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        results = result.results.select(
            [
                pl.col(name).list.join(EVIDENCE_SEPARATOR) if name == "evidence" else pl.col(name)
                for name in RESULT_SCHEMA
            ]
        )
        results.write_csv(targets[RESULTS_FILENAME], include_bom=BOM)
        result.rejected.select(list(REJECTED_SCHEMA)).write_csv(
            targets[REJECTED_FILENAME], include_bom=BOM
        )
