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

from collections.abc import Callable

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


#: A frame-wide check: the rows of the data in, one boolean per row out (true = row keeps it).
FrameCheck = Callable[[pa.PolarsData], pl.LazyFrame]


def frame_checks(meta: RuleMeta, ctx: CheckContext) -> list[tuple[str, FrameCheck]]:
    """The frame-wide checks of ``meta``'s contract under ``ctx``, by name (``BROKEN``'s keys)."""
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
    checks: list[tuple[str, FrameCheck]] = [
        ("status_in_enum", lambda d: d.lazyframe.select(status.is_in(CHECK_STATUSES))),
        ("message_not_empty", lambda d: d.lazyframe.select(pl.col("message").str.strip_chars().str.len_chars() > 0)),
        ("evidence_exists", evidence_exists),
        ("not_applicable_without_due_date",
         lambda d: d.lazyframe.select(~((status == Status.NOT_APPLICABLE) & due.is_not_null()))),
        ("patient_in_population", in_population),
    ]
    if meta.has_due_date:
        checks.append(("pending_has_due_date",
                       lambda d: d.lazyframe.select(~(status == Status.PENDING) | (due >= as_of).fill_null(False))))
    else:
        checks.append(("no_due_date", lambda d: d.lazyframe.select(due.is_null())))
    if meta.population == Population.COHORT:
        checks.append(("one_row_per_cohort_patient", lambda d: d.lazyframe.select(pl.len() == cohort_size)))
    return checks


#: Per column: (dtype, nullable, unique).
COLUMNS: dict[str, tuple[pl.DataType, bool, bool]] = {
    "patient_id": (CHECK_RESULT_SCHEMA["patient_id"], False, True),
    "status": (CHECK_RESULT_SCHEMA["status"], False, False),
    "message": (CHECK_RESULT_SCHEMA["message"], False, False),
    "evidence": (CHECK_RESULT_SCHEMA["evidence"], False, False),
    "due_date": (CHECK_RESULT_SCHEMA["due_date"], True, False),
}


def schema(meta: RuleMeta, ctx: CheckContext, checks: list[tuple[str, FrameCheck]] | None = None,
           ) -> pa.DataFrameSchema:
    """The contract of ``meta``'s check under ``ctx`` (the extract and the cohort of this run)."""
    checks = frame_checks(meta, ctx) if checks is None else checks
    columns = {name: pa.Column(dtype, nullable=nullable, unique=unique)
               for name, (dtype, nullable, unique) in COLUMNS.items()}
    return pa.DataFrameSchema(
        columns,
        checks=[pa.Check(fn, error=name) for name, fn in checks],
        strict=True,
        ordered=True,
        name=f"resultat av {meta.id}",
    )


def _holds(frame: pl.DataFrame, checks: list[tuple[str, FrameCheck]]) -> bool:
    """Whether ``frame`` meets the contract, in one polars query: the same columns, dtypes,
    nulls, uniqueness and frame checks as the pandera schema, which then only has to run (and
    say what broke) when this is false. pandera runs tens of small queries per check; on the
    many small audits of a test suite or a pilot that is most of the audit's time."""
    if frame.schema != pl.Schema({name: dtype for name, (dtype, _, _) in COLUMNS.items()}):
        return False
    data = pa.PolarsData(frame.lazy())
    facts = [pl.col(name).null_count().eq(0).alias(f"_null_{name}")
             for name, (_, nullable, _) in COLUMNS.items() if not nullable]
    facts += [pl.col(name).is_unique().all().alias(f"_unique_{name}")
              for name, (_, _, unique) in COLUMNS.items() if unique]
    parts = [data.lazyframe.select(facts)]
    for i, (_, fn) in enumerate(checks):
        out = fn(data)
        parts.append(out.select(pl.all_horizontal(pl.all().fill_null(False)).all().alias(f"_check_{i}")))
    row = pl.concat(parts, how="horizontal").collect().row(0)
    return all(value is True for value in row)


def validate(meta: RuleMeta, frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """``frame`` when it meets ``meta``'s contract; else ``CheckContractError`` naming the rule."""
    checks = frame_checks(meta, ctx)
    if _holds(frame, checks):
        return frame
    try:
        schema(meta, ctx, checks).validate(frame, lazy=True)
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
