"""``ipaudit-results.csv`` and ``ipaudit-rejected.csv``: the results and rejected rows as CSV.

Comma separated (RFC 4180 quoting, ``\\n`` line ends), UTF-8 **with** a byte-order mark:
Excel then reads æøå right when a Norwegian user imports the file, and Python
(``utf-8-sig``), polars and pandas skip the mark. Field names are the JSON contract's;
``evidence`` is joined by ``|`` and dates are ISO. Values are written as they are (a
patient id starting with ``=`` stays ``=…``): this is the machine-readable output, and
the Excel report is the one for opening in Excel.

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
from ipaudit.report.base import ReportView
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


class CsvView(ReportView):
    """The results rows and the rejected input rows as two CSV files; with a history, also the
    findings resolved or waived since the previous run."""

    format = "csv"
    filenames = (RESULTS_FILENAME, REJECTED_FILENAME, RESOLVED_FILENAME, WAIVERS_FILENAME)

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
        results.write_csv(targets[RESULTS_FILENAME], include_bom=BOM)
        result.rejected.select(list(REJECTED_SCHEMA)).write_csv(
            targets[REJECTED_FILENAME], include_bom=BOM
        )
        if self.context.history is not None:
            gone_frame(self.context.history).write_csv(targets[RESOLVED_FILENAME], include_bom=BOM)
        if result.waivers:
            waivers = pl.DataFrame(
                [
                    (w.rule_id, w.patient_id, w.state, w.reason, w.approved_by, w.expires, w.unused_reason)
                    for w in result.waivers
                ],
                schema=WAIVER_SCHEMA,
                orient="row",
            )
            waivers.write_csv(targets[WAIVERS_FILENAME], include_bom=BOM)
