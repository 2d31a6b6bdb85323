"""The history file: records every run and reads back the previous run and the trend.

Each run stores as_of, period, profile, tool version, the sha256 of every input file, the
per-rule counts and every non-pass result (ids, status, severity, due date and the rule's
own message — never journal text). A run is written in one ``BEGIN IMMEDIATE``
transaction with bulk inserts, so a kill mid-write leaves the file as it was and two runs
sharing one file wait for each other instead of interleaving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import polars as pl

from ipaudit.errors import InputError
from ipaudit.history.compare import PREVIOUS_SCHEMA, Comparison, PreviousRun, compare, finding_id_expr
from ipaudit.history.schema import connect, immediate
from ipaudit.model import AuditResult, Status

DEFAULT_TIMEOUT = 120.0
"""Seconds to wait for another run that is writing to the same history file."""

#: Columns of History.trend() and Comparison.trend.
TREND_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Int64(),
    "as_of": pl.Date(),
    "started_at": pl.Datetime("us"),
    "profile": pl.String(),
    "rule_id": pl.String(),
    "compliance_rate": pl.Float64(),
    "pass": pl.Int64(),
    "fail": pl.Int64(),
}

_STATUSES = tuple(s.value for s in Status)


def open_history(path: Path | str, *, create: bool = True, timeout: float = DEFAULT_TIMEOUT) -> History:
    """Open the history file, creating it (``create``) or migrating it to the current version.

    Raises InputError (one line) for a missing file when not ``create``, a file that is not
    SQLite or not an ipaudit history, a version newer than this release knows, or a file
    another run keeps locked longer than ``timeout`` seconds.
    """
    path = Path(path)
    return History(path, connect(path, create=create, timeout=timeout))


class History:
    """An open history file. Use as a context manager, or call close()."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    def __enter__(self) -> History:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def compare(self, result: AuditResult) -> Comparison:
        """Compare with the latest recorded run of the same profile, recording nothing."""
        with _busy_as_input_error(self.path):
            comparison = self._compare(result)
        trend = pl.concat([comparison.trend, trend_rows(result, run_id=None)], how="vertical")
        return replace(comparison, trend=trend)

    def record(self, result: AuditResult) -> Comparison:
        """Compare with the latest recorded run of the same profile, then record this run, at once."""
        with self.recording(result) as comparison:
            return comparison

    @contextlib.contextmanager
    def recording(self, result: AuditResult) -> Iterator[Comparison]:
        """Compare and record this run in one write transaction that ends with the block.

        Write the reports inside the block: the run is committed only when the block ends
        without an exception, and rolled back otherwise — so a run whose reports were never
        written (an error, a kill) is not the run the next night compares with. Another run
        sharing the file waits (busy timeout) instead of interleaving; if the wait runs
        out, InputError before anything is written.
        """
        with _busy_as_input_error(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
        try:
            comparison = self._compare(result, with_trend=False)
            run_id = self._insert(result)
            # The trend is read once, after the insert, so it ends with this run.
            yield replace(comparison, run_id=run_id, trend=self.trend(result.profile.name))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._conn.execute("ROLLBACK")
            raise InputError(
                f"Historikkfilen {self.path} kunne ikke oppdateres ({exc}); rapportene er skrevet, "
                "men kjøringen er ikke lagret i historikken"
            ) from None

    def runs(self) -> pl.DataFrame:
        """Every recorded run (run_id, started_at, as_of, period_from, period_to, profile, tool_version,
        cohort_size, findings), oldest first."""
        rows = self._conn.execute(
            "SELECT r.run_id, r.started_at, r.as_of, r.period_from, r.period_to, r.profile, r.tool_version,"
            " r.cohort_size, (SELECT count(*) FROM findings f WHERE f.run_id = r.run_id)"
            " FROM runs r ORDER BY r.run_id"
        ).fetchall()
        schema = {
            "run_id": pl.Int64(),
            "started_at": pl.String(),
            "as_of": pl.String(),
            "period_from": pl.String(),
            "period_to": pl.String(),
            "profile": pl.String(),
            "tool_version": pl.String(),
            "cohort_size": pl.Int64(),
            "findings": pl.Int64(),
        }
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        return frame.with_columns(
            pl.col("started_at").str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False),
            *(pl.col(c).str.to_date("%Y-%m-%d") for c in ("as_of", "period_from", "period_to")),
        )

    def inputs(self, run_id: int) -> pl.DataFrame:
        """The input files of one run: table_name, file_name, sheet, sha256."""
        rows = self._conn.execute(
            "SELECT table_name, file_name, sheet, sha256 FROM run_inputs WHERE run_id = ? ORDER BY rowid", (run_id,)
        ).fetchall()
        schema = dict.fromkeys(("table_name", "file_name", "sheet", "sha256"), pl.String())
        return pl.DataFrame(rows, schema=schema, orient="row")

    def trend(self, profile: str | None = None, *, last: int | None = None) -> pl.DataFrame:
        """Compliance per rule and run (TREND_SCHEMA), oldest run first, rules in profile order.

        ``profile`` keeps one profile's runs; ``last`` keeps the latest n runs (per the filter).
        """
        params: list[object] = [profile] if profile is not None else []
        where = "WHERE r.profile = ?" if profile is not None else ""
        if last is not None:
            scope = f"SELECT run_id FROM runs r {where} ORDER BY run_id DESC LIMIT ?"
            where, params = f"WHERE r.run_id IN ({scope})", [*params, last]
        rows = self._conn.execute(
            "SELECT r.run_id, r.as_of, r.started_at, r.profile, c.rule_id, c.compliance_rate, c.pass, c.fail"
            f" FROM runs r JOIN rule_counts c ON c.run_id = r.run_id {where} ORDER BY r.run_id, c.rowid",
            params,
        ).fetchall()
        as_text = {**TREND_SCHEMA, "as_of": pl.String(), "started_at": pl.String()}
        frame = pl.DataFrame(rows, schema=as_text, orient="row")
        return frame.with_columns(
            pl.col("as_of").str.to_date("%Y-%m-%d"),
            pl.col("started_at").str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False),
        )

    def prune(self, keep_runs: int) -> int:
        """Delete the findings of all but the latest ``keep_runs`` runs of each profile; return how many.

        Runs, inputs and rule counts stay, so the trend keeps its whole length. Comparisons
        need only the latest run's findings, so ``keep_runs`` must be at least 1.
        """
        if keep_runs < 1:
            raise InputError("Antall kjøringer å beholde funn for må være minst 1")
        with _busy_as_input_error(self.path), immediate(self._conn):
            cursor = self._conn.execute(
                "DELETE FROM findings WHERE run_id NOT IN (SELECT run_id FROM runs r WHERE"
                " (SELECT count(*) FROM runs n WHERE n.profile = r.profile AND n.run_id > r.run_id) < ?)",
                (keep_runs,),
            )
        return cursor.rowcount

    # -- internals -----------------------------------------------------------------------

    def _compare(self, result: AuditResult, *, with_trend: bool = True) -> Comparison:
        previous = self._previous_run(result.profile.name)
        if previous is not None and previous.pseudonymized != result.pseudonymized:
            # Pseudonyms and real ids never match: every finding would look new and every old one resolved.
            had, has = ("med", "uten") if previous.pseudonymized else ("uten", "med")
            raise InputError(
                f"Historikken {self.path}: forrige kjøring med profilen {result.profile.name} var {had} "
                f"pseudonymisering, denne er {has}; bruk en egen historikkfil for pseudonymiserte kjøringer"
            )
        previous_failing = self._failing(previous.run_id) if previous else pl.DataFrame(schema=PREVIOUS_SCHEMA)
        sets = compare(result.results, previous_failing)
        return Comparison(
            run_id=None,
            profile=result.profile.name,
            previous_run=previous,
            trend=self.trend(result.profile.name) if with_trend else pl.DataFrame(schema=TREND_SCHEMA),
            **sets,
        )

    def _previous_run(self, profile: str) -> PreviousRun | None:
        row = self._conn.execute(
            "SELECT run_id, as_of, started_at, pseudonymized FROM runs WHERE profile = ? ORDER BY run_id DESC LIMIT 1",
            (profile,),
        ).fetchone()
        if row is None:
            return None
        started = dt.datetime.fromisoformat(row[2]) if row[2] else None
        return PreviousRun(
            run_id=row[0], as_of=dt.date.fromisoformat(row[1]), started_at=started, pseudonymized=bool(row[3])
        )

    def _failing(self, run_id: int) -> pl.DataFrame:
        rows = self._conn.execute(
            "SELECT finding_id, rule_id, patient_id, severity, status, message FROM findings"
            " WHERE run_id = ? AND status = ?",
            (run_id, Status.FAIL.value),
        ).fetchall()
        return pl.DataFrame(rows, schema=PREVIOUS_SCHEMA, orient="row")

    def _insert(self, result: AuditResult) -> int:
        conn = self._conn
        cursor = conn.execute(
            "INSERT INTO runs (started_at, as_of, period_from, period_to, profile, tool_version, cohort_size,"
            " pseudonymized) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                result.generated_at.replace(microsecond=0).isoformat(),
                result.as_of.isoformat(),
                result.period_from.isoformat() if result.period_from else None,
                result.period_to.isoformat(),
                result.profile.name,
                result.tool_version,
                result.cohort_size,
                int(result.pseudonymized),
            ),
        )
        run_id = cursor.lastrowid
        assert run_id is not None
        conn.executemany(
            "INSERT INTO run_inputs (run_id, table_name, file_name, sheet, sha256) VALUES (?, ?, ?, ?, ?)",
            [(run_id, s.table, s.path.name, s.sheet, s.sha256) for s in result.extract.sources],
        )
        conn.executemany(
            "INSERT INTO rule_counts (run_id, rule_id, pass, fail, pending, not_applicable, waived, compliance_rate)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, r.meta.id, *(r.counts.get(s, 0) for s in _STATUSES), r.compliance_rate) for r in result.rules],
        )
        findings = result.results.filter(pl.col("status") != Status.PASS.value).select(
            pl.lit(run_id, dtype=pl.Int64),
            finding_id_expr(),
            "rule_id",
            "patient_id",
            "status",
            "severity",
            pl.col("due_date").dt.to_string("%Y-%m-%d"),
            "message",
        )
        conn.executemany(
            "INSERT INTO findings (run_id, finding_id, rule_id, patient_id, status, severity, due_date, message)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            findings.iter_rows(),
        )
        return run_id


def trend_rows(result: AuditResult, run_id: int | None) -> pl.DataFrame:
    """TREND_SCHEMA rows for one result (used for a run compared but not yet recorded)."""
    rows = [
        (
            run_id,
            result.as_of,
            result.generated_at.replace(microsecond=0),
            result.profile.name,
            r.meta.id,
            r.compliance_rate,
            r.counts.get("pass", 0),
            r.counts.get("fail", 0),
        )
        for r in result.rules
    ]
    return pl.DataFrame(rows, schema=TREND_SCHEMA, orient="row")


@contextlib.contextmanager
def _busy_as_input_error(path: Path) -> Iterator[None]:
    """Turn 'database is locked' (the busy timeout passed) into one readable line: exit 2."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(f"Historikkfilen {path} er låst av en annen kjøring; prøv igjen senere") from None
        raise
