"""``ipaudit-results.csv`` and ``ipaudit-rejected.csv``: the results and rejected rows as CSV.

Comma separated (RFC 4180 quoting, ``\\n`` line ends), UTF-8 **with** a byte-order mark:
Excel then reads æøå right when a Norwegian user imports the file, and Python
(``utf-8-sig``), polars and pandas skip the mark. Field names are the JSON contract's;
``evidence`` is joined by ``|`` and dates are ISO.

**CSV injection** (OWASP, "CSV Injection"): the BOM invites Excel to open the files, and a
patient id, unit, column name or waiver reason from the extract or the waiver file could
start a formula (``=HYPERLINK(…)``). So by default every *text* cell (a ``String`` column:
ids, units, messages, evidence, reasons, names, statuses) that starts with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or a NUL gets a leading ``'``, which a spreadsheet
takes as "this is text" (``neutralise``); and, as OWASP also asks, every non-numeric field
is quoted with its quotes doubled, so a ``;`` (the list separator of a Norwegian Excel)
inside a value stays inside its cell for a reader that honours quotes. Numbers (the
rejected row's number) and dates are not text and are never changed: a negative number
stays a number. ``CsvView(raw=True)`` (``--raw-csv``) writes every value exactly as it is,
quoted only where RFC 4180 needs it, for programs that want them so.

With ``--history`` the results gain ``finding_id`` and ``change`` ('ny' / 'fortsatt' on a
fail), and ``ipaudit-resolved.csv`` lists the findings that failed in the previous run and
no longer fail: ``kind`` 'løst' (resolved) or 'unntatt' (waived since), then the fields of
the JSON ``history.resolved`` entries.

With ``--waivers`` ``ipaudit-waivers.csv`` lists every waiver and what it did in this run
(``state``: applied, expired or unused; ``unused_reason`` why an unused one did nothing),
as the JSON ``waivers`` object does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from ipaudit.extract.model import REJECTED_SCHEMA
from ipaudit.model import RESULT_SCHEMA, AuditResult
from ipaudit.report.base import ReportView, RunContext
from ipaudit.report.common import HISTORY_RESULT_COLUMNS, gone_frame

RESULTS_FILENAME = "ipaudit-results.csv"
REJECTED_FILENAME = "ipaudit-rejected.csv"
RESOLVED_FILENAME = "ipaudit-resolved.csv"
"""Written only with ``--history``."""
WAIVERS_FILENAME = "ipaudit-waivers.csv"
"""Written only with ``--waivers``."""
WAIVER_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "patient_id": pl.String(),
    "state": pl.String(),
    "reason": pl.String(),
    "approved_by": pl.String(),
    "expires": pl.Date(),
    "unused_reason": pl.String(),
}
#: Write a UTF-8 byte-order mark first (see the module docstring).
BOM = True
EVIDENCE_SEPARATOR = "|"
FORMULA_START = r"^([=+\-@\t\r\x00])"
"""A text cell a spreadsheet could read as a formula: OWASP's =, +, -, @, tab and carriage
return, and the NUL of OWASP ASVS 1.2.10."""
TEXT_MARK = "'"
"""Put before such a cell: a spreadsheet shows the rest as text."""


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a ``'`` before every text cell that starts like a formula (FORMULA_START).

    Only ``String`` columns: numbers and dates are written as numbers and dates. One
    vectorised replace per column, anchored at the start, so a value is changed at most once.
    """
    return frame.with_columns(pl.col(pl.String).str.replace(FORMULA_START, TEXT_MARK + "${1}"))


class CsvView(ReportView):
    """The results rows and the rejected input rows as two CSV files; with a history, also the
    findings resolved or waived since the previous run."""

    format = "csv"
    filenames = (RESULTS_FILENAME, REJECTED_FILENAME, RESOLVED_FILENAME, WAIVERS_FILENAME)

    def __init__(self, context: RunContext | None = None, *, raw: bool = False) -> None:
        super().__init__(context)
        self.raw = raw
        """With ``--raw-csv``: every value as it is, no ``'`` before a formula-like cell."""

    def _write(self, frame: pl.DataFrame, target: Path) -> None:
        """One CSV file: neutralised and quoted (module docstring), or raw with ``--raw-csv``."""
        if self.raw:
            frame.write_csv(target, include_bom=BOM)
            return
        with target.open("wb") as out:  # the header as in a raw file: fixed names, no quotes
            out.write(("\ufeff" if BOM else "").encode() + f"{','.join(frame.columns)}\n".encode())
            neutralise(frame).write_csv(out, include_header=False, quote_style="non_numeric")

    def filenames_for(self, result: AuditResult) -> tuple[str, ...]:
        optional = {RESOLVED_FILENAME: self.context.history is not None, WAIVERS_FILENAME: bool(result.waivers)}
        return tuple(name for name in self.filenames if optional.get(name, True))

    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        extra = [name for name in HISTORY_RESULT_COLUMNS if name in result.results.columns]
        results = result.results.select(
            [
                pl.col(name).list.join(EVIDENCE_SEPARATOR) if name == "evidence" else pl.col(name)
                for name in [*RESULT_SCHEMA, *extra]
            ]
        )
        self._write(results, targets[RESULTS_FILENAME])
        self._write(result.rejected.select(list(REJECTED_SCHEMA)), targets[REJECTED_FILENAME])
        if self.context.history is not None:
            self._write(gone_frame(self.context.history), targets[RESOLVED_FILENAME])
        if result.waivers:
            waivers = pl.DataFrame(
                [
                    (w.rule_id, w.patient_id, w.state, w.reason, w.approved_by, w.expires, w.unused_reason)
                    for w in result.waivers
                ],
                schema=WAIVER_SCHEMA,
                orient="row",
            )
            self._write(waivers, targets[WAIVERS_FILENAME])
