"""What changed since the previous run: new, still failing, resolved and waived-since findings.

A finding is one rule for one patient; its id is ``f"{rule_id}:{patient_id}"``, the same in
every run, so two runs compare by id alone. With ``--pseudonymize`` the patient id is
already the pseudonym (same key, same pseudonym), so the history never holds a real id.

"Failing" means status ``fail`` in that run — nothing else. Hence:

- *new* (``ny``): fail now, not fail in the previous run (absent, pass, pending, waived …);
  a fail whose waiver expired is therefore new again.
- *still failing* (``fortsatt``): fail now and fail in the previous run.
- *resolved* (``løst``): fail in the previous run, now pass, pending, not_applicable or no
  longer in the results at all (the patient left the cohort); ``current_status`` says which
  (null when absent).
- *waived since* (``unntatt``): fail in the previous run, now waived. Kept apart from
  resolved on purpose: a waiver accepts a gap, it does not close it, and a report that
  counted it as resolved would overstate the improvement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ipaudit.model import Status

CHANGE_NEW = "ny"
CHANGE_STILL = "fortsatt"

ID_COLUMNS: dict[str, pl.DataType] = {
    "finding_id": pl.String(),
    "rule_id": pl.String(),
    "patient_id": pl.String(),
    "severity": pl.String(),
}
#: Columns of Comparison.new and Comparison.still_failing.
FAILING_SCHEMA: dict[str, pl.DataType] = dict(ID_COLUMNS)
#: Columns of Comparison.resolved and Comparison.waived_since.
GONE_SCHEMA: dict[str, pl.DataType] = {
    **ID_COLUMNS,
    "previous_status": pl.String(),
    "previous_message": pl.String(),
    "current_status": pl.String(),
}
#: Columns of the previous run's failing findings as read from the history.
PREVIOUS_SCHEMA: dict[str, pl.DataType] = {**ID_COLUMNS, "status": pl.String(), "message": pl.String()}


def finding_id(rule_id: str, patient_id: str) -> str:
    """The stable id of one rule for one patient, the same in every run: ``IP04:P-3f2a…``."""
    return f"{rule_id}:{patient_id}"


def finding_id_expr() -> pl.Expr:
    """``finding_id`` as a polars expression over ``rule_id`` and ``patient_id``."""
    return pl.concat_str(pl.col("rule_id"), pl.lit(":"), pl.col("patient_id")).alias("finding_id")


@dataclass(frozen=True)
class PreviousRun:
    """The run a comparison was made against."""

    run_id: int
    as_of: dt.date
    started_at: dt.datetime | None
    """When that run's audit was computed (None if the history did not record it)."""
    pseudonymized: bool = False
    """Whether that run's ids were pseudonyms."""


@dataclass(frozen=True, eq=False)
class Comparison:
    """This run against the previous run of the same profile in the history."""

    run_id: int | None
    """This run's id in the history; None when it was compared but not (yet) recorded."""
    profile: str
    """The profile both runs used."""
    previous_run: PreviousRun | None
    """None on the first run of the profile: then every fail is new."""
    new: pl.DataFrame
    """FAILING_SCHEMA rows: fail now, not fail before. In result order."""
    still_failing: pl.DataFrame
    """FAILING_SCHEMA rows: fail now and fail before. In result order."""
    resolved: pl.DataFrame
    """GONE_SCHEMA rows: fail before; now pass, pending, not_applicable or absent (current_status null)."""
    waived_since: pl.DataFrame
    """GONE_SCHEMA rows: fail before, waived now (a waiver is not a fix, so not in resolved)."""
    trend: pl.DataFrame
    """TREND_SCHEMA rows of this profile's runs, this run last (run_id null if not recorded)."""

    def annotate(self, results: pl.DataFrame) -> pl.DataFrame:
        """``results`` with ``finding_id`` and ``change`` ('ny' / 'fortsatt' on fail rows, else null)."""
        still = self.still_failing.get_column("finding_id")
        failing = pl.col("status") == Status.FAIL.value
        return results.with_columns(finding_id_expr()).with_columns(
            pl.when(failing & pl.col("finding_id").is_in(still.implode()))
            .then(pl.lit(CHANGE_STILL))
            .when(failing)
            .then(pl.lit(CHANGE_NEW))
            .otherwise(pl.lit(None, dtype=pl.String))
            .alias("change")
        )

    @property
    def counts(self) -> dict[str, int]:
        """How many findings are new, still failing, resolved and waived since the previous run."""
        return {
            "new": self.new.height,
            "still_failing": self.still_failing.height,
            "resolved": self.resolved.height,
            "waived_since": self.waived_since.height,
        }

    def describe(self) -> str:
        """One bokmål line for the terminal summary (ids and counts only, no journal text)."""
        counts = (
            f"{self.new.height} nye, {self.still_failing.height} fortsatt ikke oppfylt, "
            f"{self.resolved.height} løst, {self.waived_since.height} unntatt siden sist"
        )
        if self.previous_run is None:
            return f"Historikk: første kjøring med profilen {self.profile}; {self.new.height} ikke oppfylt, alle nye."
        prev = self.previous_run
        return f"Historikk: mot kjøring {prev.run_id} (revisjonsdato {prev.as_of:%d.%m.%Y}): {counts}."


def compare(results: pl.DataFrame, previous_failing: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The four sets from this run's results and the previous run's failing findings (PREVIOUS_SCHEMA)."""
    current = results.select("rule_id", "patient_id", "severity", "status").with_columns(finding_id_expr())
    failing = current.filter(pl.col("status") == Status.FAIL.value).select(list(FAILING_SCHEMA))
    before = previous_failing.select("finding_id")
    gone = (
        previous_failing.join(failing.select("finding_id"), on="finding_id", how="anti")
        .join(current.select("finding_id", pl.col("status").alias("current_status")), on="finding_id", how="left")
        .select(
            *ID_COLUMNS,
            pl.col("status").alias("previous_status"),
            pl.col("message").alias("previous_message"),
            "current_status",
        )
        .sort("rule_id", "patient_id")
    )
    waived = pl.col("current_status") == Status.WAIVED.value
    return {
        "new": failing.join(before, on="finding_id", how="anti", maintain_order="left"),
        "still_failing": failing.join(before, on="finding_id", how="semi", maintain_order="left"),
        "resolved": gone.filter(~waived.fill_null(False)),
        "waived_since": gone.filter(waived.fill_null(False)),
    }
