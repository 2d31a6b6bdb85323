"""The output contract of every check: one pandera (polars) schema, checked on every run.

What a check returns (``CHECK_RESULT_SCHEMA``) must hold, for the rule it belongs to:

- ``status`` one of the statuses a check may give (``Status`` without ``waived``, which only a
  waiver sets);
- ``message`` a non-empty text;
- ``evidence`` a list (maybe empty) of ids that exist in the extract, in the table the rule's
  ``evidence_kind`` names, and belong to the same patient (documents: signed, in the patient's
  window — the only ones a check may cite);
- ``due_date`` exactly where the rule has one: never for a rule without a due date
  (``RuleMeta.has_due_date``), never on ``not_applicable``, always on ``pending`` (and then on
  or after the audit date);
- one row per patient: for a cohort rule exactly the cohort, for a rule that chooses its own
  population (IP00) patients of the extract, each once.

A check that breaks it is a programming error: ``validate`` raises ``CheckContractError``
naming the rule and what was broken (never a value from the data), which the CLI turns into
exit 3. ``failure_cases`` are read in this one adapter, never parsed from error strings.
"""

from __future__ import annotations

import pandera.errors
import pandera.polars as pa
import polars as pl

from ipaudit.checks.base import CheckContext
from ipaudit.errors import CheckContractError
from ipaudit.model import CHECK_RESULT_SCHEMA, Population, RuleMeta, Status

#: The statuses a check may give (``waived`` is set by waivers, after the checks).
CHECK_STATUSES: tuple[str, ...] = tuple(s.value for s in Status if s is not Status.WAIVED)

#: Check name → what it means, for the one-line error.
BROKEN: dict[str, str] = {
    "not_nullable": "en verdi mangler",
    "field_uniqueness": "samme pasient har flere rader",
    "status_in_enum": "status utenfor Status",
    "message_not_empty": "tom melding",
    "evidence_exists": "dokumentasjon som ikke finnes i uttrekket for pasienten",
    "no_due_date": "revisjonsfrist på en regel uten frist",
    "not_applicable_without_due_date": "revisjonsfrist på et «ikke aktuelt»-resultat",
    "pending_has_due_date": "«frist ikke passert» uten revisjonsfrist etter revisjonsdatoen",
    "patient_in_population": "en pasient utenfor regelens populasjon",
    "one_row_per_cohort_patient": "ikke én rad per pasient i kohorten",
    "column_in_schema": "feil kolonner",
    "column_in_dataframe": "feil kolonner",
    "dtype": "feil datatype",
}


def _known_ids(meta: RuleMeta, ctx: CheckContext) -> pl.LazyFrame:
    """(patient_id, id) of every row of the table the rule's evidence comes from."""
    kind = meta.evidence_kind
    # Documents: the staged ones (signed, of cohort patients, in their window). Every document a
    # check may cite is among them, and they are there under either engine (Spark keeps the
    # whole documents table on the cluster).
    table = ctx.documents if kind.table == "documents" else ctx.tables[kind.table]
    # Ids are unique within their table (the reader rejects repeats), so no unique() is needed.
    return table.lazy().select("patient_id", pl.col(kind.id_column).alias("_id"))


def _population(meta: RuleMeta, ctx: CheckContext) -> pl.LazyFrame:
    if meta.population == Population.COHORT:
        return ctx.cohort.lazy().select("patient_id")
    return ctx.tables["patients"].lazy().select("patient_id").unique()


def schema(meta: RuleMeta, ctx: CheckContext) -> pa.DataFrameSchema:
    """The contract of ``meta``'s check under ``ctx`` (the extract and the cohort of this run)."""
    known = _known_ids(meta, ctx)
    population = _population(meta, ctx)
    cohort_size = ctx.cohort.height
    as_of = pl.lit(ctx.as_of)

    def evidence_exists(data: pa.PolarsData) -> pl.LazyFrame:
        rows = data.lazyframe.select("patient_id", "evidence").with_row_index("_row")
        listed = (
            rows.filter(pl.col("evidence").list.len() > 0)
            .explode("evidence")
            .join(known.with_columns(pl.lit(True).alias("_known")), how="left",
                  left_on=["patient_id", "evidence"], right_on=["patient_id", "_id"])
            .group_by("_row")
            .agg(pl.col("_known").fill_null(False).all().alias("ok"))
        )
        return rows.join(listed, on="_row", how="left").sort("_row").select(pl.col("ok").fill_null(True))

    def in_population(data: pa.PolarsData) -> pl.LazyFrame:
        flagged = population.with_columns(pl.lit(True).alias("_in"))
        rows = data.lazyframe.select("patient_id").with_row_index("_row")
        return (
            rows.join(flagged, on="patient_id", how="left").sort("_row").select(pl.col("_in").fill_null(False))
        )

    due = pl.col("due_date")
    status = pl.col("status")
    frame_checks = [
        pa.Check(lambda d: d.lazyframe.select(status.is_in(CHECK_STATUSES)), error="status_in_enum"),
        pa.Check(lambda d: d.lazyframe.select(pl.col("message").str.strip_chars().str.len_chars() > 0),
                 error="message_not_empty"),
        pa.Check(evidence_exists, error="evidence_exists"),
        pa.Check(lambda d: d.lazyframe.select(~((status == Status.NOT_APPLICABLE) & due.is_not_null())),
                 error="not_applicable_without_due_date"),
        pa.Check(in_population, error="patient_in_population"),
    ]
    if meta.has_due_date:
        frame_checks.append(
            pa.Check(lambda d: d.lazyframe.select(~(status == Status.PENDING) | (due >= as_of).fill_null(False)),
                     error="pending_has_due_date")
        )
    else:
        frame_checks.append(pa.Check(lambda d: d.lazyframe.select(due.is_null()), error="no_due_date"))
    if meta.population == Population.COHORT:
        frame_checks.append(
            pa.Check(lambda d: d.lazyframe.select(pl.len() == cohort_size), error="one_row_per_cohort_patient")
        )
    return pa.DataFrameSchema(
        {
            "patient_id": pa.Column(CHECK_RESULT_SCHEMA["patient_id"], nullable=False, unique=True),
            "status": pa.Column(CHECK_RESULT_SCHEMA["status"], nullable=False),
            "message": pa.Column(CHECK_RESULT_SCHEMA["message"], nullable=False),
            "evidence": pa.Column(CHECK_RESULT_SCHEMA["evidence"], nullable=False),
            "due_date": pa.Column(CHECK_RESULT_SCHEMA["due_date"], nullable=True),
        },
        checks=frame_checks,
        strict=True,
        ordered=True,
        name=f"resultat av {meta.id}",
    )


def validate(meta: RuleMeta, frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """``frame`` when it meets ``meta``'s contract; else ``CheckContractError`` naming the rule."""
    try:
        schema(meta, ctx).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise CheckContractError(meta.id, _broken(exc.failure_cases)) from None
    except pandera.errors.SchemaError as exc:  # a failure pandera does not collect (e.g. a wrong dtype)
        raise CheckContractError(meta.id, [BROKEN.get(str(exc.reason_code.value), "feil form")]) from None
    return frame


def _broken(failure_cases: pl.DataFrame) -> list[str]:
    """What was broken, in words, with how many rows: the one reader of ``failure_cases``."""
    counts = failure_cases.group_by("check", maintain_order=True).len()
    out = []
    for check, n in counts.iter_rows():
        name = str(check).split("(")[0]
        out.append(f"{BROKEN.get(name, name)} ({n} {'rad' if n == 1 else 'rader'})")
    return out
