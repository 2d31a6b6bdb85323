"""The audit: build the cohort and the evidence once, run the profile's rules, assemble one result.

The engine knows nothing of click or of report formats. ``audit(extract, options)`` returns
an ``AuditResult`` that every view renders as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace

import polars as pl

from ipaudit import __version__
from ipaudit.checks import PARAMETERS, contract, registry
from ipaudit.checks.base import CheckContext
from ipaudit.documents import WINDOW_COLUMNS, local_stage, spooled_stage
from ipaudit.extract.model import OPTIONAL_TABLES, TABLE_SCHEMAS, Extract
from ipaudit.model import (
    CHECK_RESULT_SCHEMA,
    RESULT_SCHEMA,
    UNKNOWN_UNIT,
    AuditResult,
    ExtractSummary,
    Population,
    ProfileInfo,
    RuleMeta,
    RuleSummary,
    Status,
)
from ipaudit.profile import Profile
from ipaudit.text_evidence import text_evidence
from ipaudit.waivers import Waiver, apply_waivers

#: Which date column says when a row of a table happened (rows after as_of are ignored).
_DATED_BY = {
    "episodes": "start_date",
    "assessments": "assessed_date",
    "coordinators": "appointed_date",
}


@dataclass(frozen=True)
class AuditOptions:
    """How to audit: the date, the period and the standard."""

    as_of: dt.date
    """The audit date; rows dated after it are ignored."""
    profile: Profile
    period_from: dt.date | None = None
    """First day an index assessment may have (None: no lower bound)."""
    period_to: dt.date | None = None
    """Last day an index assessment may have (None: as_of)."""
    waivers: tuple[Waiver, ...] = ()


def audit(extract: Extract, options: AuditOptions, *, generated_at: dt.datetime | None = None) -> AuditResult:
    """Run every rule of the profile over the extract.

    ``generated_at`` is the time the reports say they were made (default: now, to the second);
    tests pass a fixed one so that reports compare byte for byte.

    An extract whose documents are spooled in patient partitions (``extract.spool``) is
    audited one partition at a time: every rule judges a patient by that patient's rows
    alone, the partitions are ranges of patient ids in order, so the results, put together
    rule by rule, are those of the whole extract at once.
    """
    profile = options.profile
    pieces: list[_Piece] = []
    compact = extract.spool is not None  # audited in partitions: more than one piece to hold
    for part in partitions(extract):
        pieces.append(_audit_part(part, options, compact=compact))
        del part
    notes = pieces[0].notes
    by_rule = [piece.results for piece in pieces]
    empty = [pl.DataFrame(schema=RESULT_SCHEMA)]
    results = pl.concat([frames[i] for i in range(len(profile.rules)) for frames in by_rule] or empty, how="vertical")
    text_found = pl.concat([piece.text_found for piece in pieces], how="vertical")
    minors = pl.concat([piece.minors for piece in pieces], how="vertical")
    cohort_size = sum(piece.cohort_size for piece in pieces)
    period_to = pieces[0].period_to
    del pieces, by_rule
    with_patients = options.waivers and extract.has("patients")
    known_patients = extract.tables["patients"].get_column("patient_id").to_list() if with_patients else []
    results, waiver_outcomes = apply_waivers(
        results, options.waivers, options.as_of, known_patients=known_patients, rules_run=profile.rules
    )
    counts = _counted(results, ("rule_id", "status"))
    waived = (pl.col("status") == Status.WAIVED.value) & (pl.col("original_status") == Status.FAIL.value)
    waived_fail = {rule_id: n for (rule_id,), n in _counted(results, ("rule_id",), waived).items()}
    child = pl.col("patient_id").is_in(minors.get_column("patient_id").implode())
    children = _counted(results, ("rule_id", "status"), child)
    del minors
    rules = tuple(
        _summary(rule_id, counts, children, profile, notes[rule_id], waived_fail.get(rule_id, 0))
        for rule_id in profile.rules
    )
    return AuditResult(
        tool_version=__version__,
        generated_at=generated_at or dt.datetime.now().replace(microsecond=0),
        as_of=options.as_of,
        period_from=options.period_from,
        period_to=period_to,
        profile=ProfileInfo(
            name=profile.name,
            source=profile.source,
            extends=profile.extends,
            parameters=dict(profile.parameters),
            suspensions=profile.suspensions,
        ),
        extract=ExtractSummary(
            location=extract.location,
            counts=dict(extract.counts),
            sources=extract.sources,
            ignored_files=extract.ignored_files,
            missing_optional=tuple(t for t in OPTIONAL_TABLES if not extract.has(t)),
        ),
        cohort_size=cohort_size,
        rules=rules,
        results=results,
        rejected=extract.rejected,
        units=_units(results, profile),
        waivers=waiver_outcomes,
        warnings=profile.warnings,
        text_evidence=text_evidence(results, text_found, {r: registry()[r].meta for r in profile.rules}),
    )


@dataclass(frozen=True)
class _Piece:
    """What auditing one partition of patients gives (``_audit_part``)."""

    results: list[pl.DataFrame]
    """Per rule of the profile, in its order: RESULT_SCHEMA rows sorted by patient."""
    notes: dict[str, str | None]
    """Per rule: its note (the same for every partition: it depends on the tables present)."""
    cohort_size: int
    text_found: pl.DataFrame
    """The evidence rows found by free text (``text_evidence`` reads their clauses)."""
    minors: pl.DataFrame
    """patient_id of each patient counted as a child (``_minors``)."""
    period_to: dt.date


_REPEATED = ("status", "message", "unit")
"""Result columns with few distinct values (statuses, a rule's messages, the units): each held once."""


def _owned(frame: pl.DataFrame, columns: Collection[str]) -> pl.DataFrame:
    """``frame`` with the text of ``columns`` owning its bytes, as compact as it can be, so the
    results of one partition keep nothing else of it alive.

    polars slices and gathers text without copying it: a clause cut out of a note keeps every
    note read with it, a document id the documents. Across a hundred partitions that is
    gigabytes. A column in ``_REPEATED`` is built from its distinct values, held once each
    (at ten million results a message copied per row costs gigabytes too). Columns not named
    are left as they are: a rule's id and severity are one value for all its rows."""
    owned: list[pl.Expr | pl.Series] = []
    for name in columns:
        dtype = frame.schema[name]
        if name in _REPEATED and dtype == pl.String:
            owned.append(_interned(frame.get_column(name)))
        elif dtype == pl.String:
            owned.append(pl.col(name) + pl.lit(""))  # a new value: the concatenation is not a view
        elif dtype == pl.List(pl.String):
            owned.append(pl.col(name).list.eval(pl.element() + pl.lit("")))
    return frame.with_columns(owned) if owned else frame


def _interned(column: pl.Series) -> pl.Series:
    """``column`` gathered from its distinct values (owned, each once): every row a view of them."""
    distinct = column.unique(maintain_order=True).to_frame().select(pl.col(column.name) + pl.lit(""))
    index = column.to_frame().join(
        distinct.with_row_index("_index"), on=column.name, how="left", maintain_order="left"
    ).get_column("_index")
    return distinct.get_column(column.name).gather(index)


def partitions(extract: Extract) -> Iterator[Extract]:
    """The extract as the engine audits it: whole, or, when its documents are spooled in
    patient partitions (``Extract.spool``), one partition at a time, every table cut to the
    partition's patients and the documents read from the spool."""
    spool = extract.spool
    if spool is None:
        yield extract
        return
    if spool.ranges.count == 1:
        yield replace(extract, spool=None, document_stage=local_stage(spool.documents(0)))
        return
    # Each row's partition once per table, not once per table and partition.
    where = {name: spool.ranges.partition(frame.get_column("patient_id")) for name, frame in extract.tables.items()}
    for k in range(spool.ranges.count):
        tables = {name: frame.filter(where[name] == k) for name, frame in extract.tables.items()}
        yield replace(extract, tables=tables, spool=None, document_stage=local_stage(spool.documents(k)))


def _audit_part(extract: Extract, options: AuditOptions, *, compact: bool = False) -> _Piece:
    """Every rule of the profile over one partition of patients (or the whole extract).

    ``compact``: the results and text evidence are made to own their text (``_owned``), as
    the pieces of an audit in partitions must be; a whole extract's need not (it costs a
    few milliseconds per rule, which a test suite of small audits feels)."""
    ctx = prepare(extract, options)
    profile = options.profile
    frames: list[pl.DataFrame] = []
    notes: dict[str, str | None] = {}
    for rule_id in profile.rules:
        rule = registry()[rule_id]
        frame, notes[rule_id] = _run_rule(rule.meta, rule.check, ctx, profile)
        frames.append(frame.with_columns(pl.lit(rule_id).alias("rule_id")))
    results = _assemble(frames, ctx, profile)
    text_found = ctx.evidence.filter(pl.col("by") == "text")
    if compact:
        results = [_owned(frame, (*_REPEATED, "evidence")) for frame in results]
        text_found = _owned(text_found, text_found.columns)
    return _Piece(
        results=results,
        notes=notes,
        cohort_size=ctx.cohort.height,
        text_found=text_found,
        minors=_minors(ctx),
        period_to=ctx.period_to,
    )


def prepare(extract: Extract, options: AuditOptions) -> CheckContext:
    """Build the cohort, documented values, window, documents, evidence and coordinators once."""
    as_of = options.as_of
    params = options.profile.parameters
    period_to = min(options.period_to or as_of, as_of)
    tables = _tables_until(extract, as_of)

    cohort = _cohort(tables["assessments"], options.period_from, period_to)
    cohort = cohort.with_columns(
        (pl.col("index_date") - pl.duration(days=params["lookback_days"])).alias("window_start"),
    )
    cohort = cohort.join(_documented_values(tables["assessments"], cohort), on="patient_id", how="left")
    cohort = _with_age(cohort, tables["patients"], pl.col("index_date")).sort("patient_id")

    window = cohort.select(WINDOW_COLUMNS)
    # The stage keeps only documents dated up to as_of in their window, so it reads the table as
    # accepted: a copy without the later ones would cost gigabytes at ten million documents.
    stage = extract.document_stage
    if stage is None:
        stage = spooled_stage(extract.spool) if extract.spool else local_stage(extract.tables["documents"])
    documents, evidence = stage(window, as_of, options.profile.patterns)
    coordinators = (
        tables["coordinators"]
        .join(window, on="patient_id", how="inner")
        .filter(pl.col("appointed_date").is_between(pl.col("window_start"), pl.lit(as_of)))
        .drop("window_start")
        .sort("patient_id", "appointed_date", "source_row")
    )
    return CheckContext(
        as_of=as_of,
        period_from=options.period_from,
        period_to=period_to,
        cohort=cohort,
        documents=documents,
        evidence=evidence,
        coordinators=coordinators,
        tables=tables,
        present_tables=frozenset(extract.tables),
    )


def _tables_until(extract: Extract, as_of: dt.date) -> dict[str, pl.DataFrame]:
    """Every table but documents (the document stage windows those) with rows dated after
    as_of removed; absent optional tables as empty frames."""
    tables: dict[str, pl.DataFrame] = {}
    for name, schema in TABLE_SCHEMAS.items():
        if name == "documents":
            continue
        frame = extract.tables.get(name)
        if frame is None:
            frame = pl.DataFrame(schema=schema)
        if name in _DATED_BY:
            frame = frame.filter(pl.col(_DATED_BY[name]) <= as_of)
        tables[name] = frame
    return tables


def _cohort(assessments: pl.DataFrame, period_from: dt.date | None, period_to: dt.date) -> pl.DataFrame:
    """Each patient's index assessment: the earliest need = ja assessment in the period."""
    in_period = pl.col("assessed_date") <= period_to
    if period_from is not None:
        in_period = in_period & (pl.col("assessed_date") >= period_from)
    return (
        assessments.filter(pl.col("need") == "ja", in_period)
        .sort("patient_id", "assessed_date", "source_row")
        .group_by("patient_id", maintain_order=True)
        .first()
        .select(
            "patient_id",
            pl.col("assessed_date").alias("index_date"),
            pl.col("assessment_id").alias("index_assessment_id"),
            pl.col("unit").fill_null(UNKNOWN_UNIT),
        )
    )


def _documented_values(assessments: pl.DataFrame, cohort: pl.DataFrame) -> pl.DataFrame:
    """Per field, the value of the latest assessment in [index date, as_of] where it is set."""
    fields = ("criteria_met", "wants_ip", "wants_coordinator", "services_from")
    since_index = (
        assessments.join(cohort.select("patient_id", "index_date"), on="patient_id", how="inner")
        .filter(pl.col("assessed_date") >= pl.col("index_date"))
        .sort("patient_id", "assessed_date", "source_row")
    )
    return since_index.group_by("patient_id", maintain_order=True).agg(
        pl.col(name).drop_nulls().last().alias(name) for name in fields
    )


def eighteenth_birthday(birth_date: pl.Expr) -> pl.Expr:
    """The 18th birthday; for a 29 February birth date in a year whose 18th is not a leap year, 1 March."""
    year = birth_date.dt.year() + 18
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    moved = (birth_date.dt.month() == 2) & (birth_date.dt.day() == 29) & ~leap
    month = pl.when(moved).then(pl.lit(3)).otherwise(birth_date.dt.month())
    day = pl.when(moved).then(pl.lit(1)).otherwise(birth_date.dt.day())
    return pl.date(year, month, day)


def _with_age(frame: pl.DataFrame, patients: pl.DataFrame, on: pl.Expr) -> pl.DataFrame:
    """``frame`` with birth_date, eighteenth_birthday and under_18 (``on`` before the 18th
    birthday; null when the birth date is unknown)."""
    births = patients.select("patient_id", "birth_date").unique("patient_id", keep="first")
    return (
        frame.join(births, on="patient_id", how="left")
        .with_columns(eighteenth_birthday(pl.col("birth_date")).alias("eighteenth_birthday"))
        .with_columns((on < pl.col("eighteenth_birthday")).alias("under_18"))
    )


def suspended_by(profile: Profile, tags: Collection[str]) -> pl.Expr:
    """Per index date: the message of the first suspension with one of ``tags`` that covers
    it (``Suspension.message``), else null. The one place suspensions are matched to dates:
    the engine suspends whole rules with it, and branches (``RuleMeta.branch_tags``)."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for suspension in reversed(profile.suspensions):
        if suspension.tags & set(tags):
            covered = pl.col("index_date").is_between(pl.lit(suspension.start), pl.lit(suspension.end))
            expr = pl.when(covered).then(pl.lit(suspension.message())).otherwise(expr)
    return expr


def _run_rule(meta: RuleMeta, check, ctx: CheckContext, profile: Profile) -> tuple[pl.DataFrame, str | None]:
    """Run one rule; a missing optional table makes it not_applicable (or not run)."""
    missing = [t for t in meta.requires if t not in ctx.present_tables]
    if missing:
        table = missing[0]
        if meta.population != Population.COHORT:
            return pl.DataFrame(schema=CHECK_RESULT_SCHEMA), (f"Ikke kjørt: uttrekket mangler tabellen {table}.")
        message = f"Ikke aktuelt: uttrekket mangler tabellen {table}."
        frame = ctx.cohort.select(
            "patient_id",
            pl.lit(Status.NOT_APPLICABLE).alias("status"),
            pl.lit(message).alias("message"),
            pl.lit([], dtype=pl.List(pl.String)).alias("evidence"),
            pl.lit(None, dtype=pl.Date).alias("due_date"),
        )
        return frame, f"Ikke aktuelt for noen pasient: uttrekket mangler tabellen {table}."

    params = {name: profile.parameters[name] for name in meta.parameters}
    if meta.branch_tags:
        branches = [
            suspended_by(profile, tags).alias(f"branch_{branch}_suspension") for branch, tags in meta.branch_tags
        ]
        ctx = replace(ctx, cohort=ctx.cohort.with_columns(branches))
    frame = contract.validate(meta, check(ctx, params), ctx).select(list(CHECK_RESULT_SCHEMA))
    if meta.population == Population.COHORT:
        frame = _suspend(meta, frame, ctx, profile)
        frame = _in_force(meta, frame, ctx)
    notes = [note for table, note in meta.limited_without if table not in ctx.present_tables]
    return frame, " ".join(notes) or None


def _suspend(meta: RuleMeta, frame: pl.DataFrame, ctx: CheckContext, profile: Profile) -> pl.DataFrame:
    """A rule tagged like a suspension is not_applicable for index dates inside it."""
    if not any(s.tags & meta.tags for s in profile.suspensions):
        return frame
    suspended = ctx.cohort.select("patient_id", suspended_by(profile, meta.tags).alias("_suspension"))
    inside = pl.col("_suspension").is_not_null()
    return (
        frame.join(suspended, on="patient_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(inside).then(pl.lit(Status.NOT_APPLICABLE)).otherwise("status").alias("status"),
            pl.when(inside).then(pl.col("_suspension")).otherwise("message").alias("message"),
            pl.when(inside).then(pl.lit(None, dtype=pl.Date)).otherwise("due_date").alias("due_date"),
        )
        .drop("_suspension")
    )


def _in_force(meta: RuleMeta, frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """A rule with ``in_force_from`` is not_applicable for index dates before it."""
    if meta.in_force_from is None:
        return frame
    message = f"Kravet gjelder fra {meta.in_force_from:%d.%m.%Y}."
    before = ctx.cohort.select("patient_id", (pl.col("index_date") < meta.in_force_from).alias("_before"))
    inside = pl.col("_before").fill_null(False)
    return (
        frame.join(before, on="patient_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(inside).then(pl.lit(Status.NOT_APPLICABLE)).otherwise("status").alias("status"),
            pl.when(inside).then(pl.lit(message)).otherwise("message").alias("message"),
            pl.when(inside).then(pl.lit([], dtype=pl.List(pl.String))).otherwise("evidence").alias("evidence"),
            pl.when(inside).then(pl.lit(None, dtype=pl.Date)).otherwise("due_date").alias("due_date"),
        )
        .drop("_before")
    )


def _assemble(frames: list[pl.DataFrame], ctx: CheckContext, profile: Profile) -> list[pl.DataFrame]:
    """Per rule, its results with severity, index date and unit (RESULT_SCHEMA), sorted by
    patient (rows of one patient in the order the check gave them).

    Each rule's frame is finished by itself and let go (``frames`` is emptied): at ten
    million results one rule's copy is held at a time, not the whole table's two or three.
    """
    # The cohort's patients and the others IP00 reports on, each once: index date and unit.
    patients = _patient_units(ctx).join(ctx.cohort.select("patient_id", "index_date"), on="patient_id", how="left")
    finished = []
    while frames:
        frame = frames.pop(0)
        rule_id = frame.get_column("rule_id")[0] if frame.height else None
        severity = profile.severities.get(rule_id, registry()[rule_id].meta.severity).value if rule_id else None
        # The rule's id and severity are one value for all rows (held once, not per row).
        constant = {"rule_id": pl.lit(rule_id, dtype=pl.String), "severity": pl.lit(severity, dtype=pl.String)}
        finished.append(
            frame.drop("rule_id")
            .join(patients, on="patient_id", how="left", maintain_order="left")
            .with_columns(
                pl.col("unit").fill_null(UNKNOWN_UNIT),
                pl.lit(None, dtype=pl.String).alias("original_status"),
                pl.lit(None, dtype=pl.String).alias("waiver_reason"),
                pl.lit(None, dtype=pl.String).alias("waiver_approved_by"),
                pl.lit(None, dtype=pl.Date).alias("waiver_expires"),
            )
            .sort("patient_id", maintain_order=True)
            .select([constant[n].alias(n) if n in constant else pl.col(n).cast(t) for n, t in RESULT_SCHEMA.items()])
        )
        del frame
    return finished


def _patient_units(ctx: CheckContext) -> pl.DataFrame:
    """The unit each patient is reported under: the index assessment's unit; for patients
    outside the cohort (IP00), the unit of their latest episode."""
    from_cohort = ctx.cohort.select("patient_id", "unit")
    episodes = ctx.tables["episodes"]
    latest_episode = (
        episodes.sort("patient_id", "start_date", "source_row")
        .group_by("patient_id", maintain_order=True)
        .last()
        .select("patient_id", "unit")
        .join(from_cohort, on="patient_id", how="anti")
    )
    return pl.concat([from_cohort, latest_episode], how="vertical")


def _minors(ctx: CheckContext) -> pl.DataFrame:
    """patient_id of the patients counted as children: under 18 on their index date; for a
    patient outside the cohort (IP00), which has no index date, under 18 on the audit date."""
    in_cohort = ctx.cohort.select("patient_id", "under_18")
    outside = _with_age(
        ctx.tables["patients"].select("patient_id").unique().join(in_cohort, on="patient_id", how="anti"),
        ctx.tables["patients"],
        pl.lit(ctx.as_of),
    ).select("patient_id", "under_18")
    flags = pl.concat([in_cohort, outside], how="vertical")
    return flags.filter(pl.col("under_18").fill_null(False)).select("patient_id")


COUNT_ROWS = 1_000_000
"""Results counted at once: a group_by over ten million results at once costs a gigabyte."""


def _counted(results: pl.DataFrame, keys: tuple[str, ...], where: pl.Expr | None = None) -> dict[tuple[str, ...], int]:
    """How many results have each value of ``keys`` (among those ``where`` holds for), counted
    a slice at a time over only the columns needed."""
    counts: Counter[tuple[str, ...]] = Counter()
    for piece in results.iter_slices(COUNT_ROWS):
        frame = piece.lazy() if where is None else piece.lazy().filter(where)
        for *values, n in frame.group_by(keys).len().collect().iter_rows():
            counts[tuple(values)] += n
    return dict(counts)


def _summary(
    rule_id: str,
    all_counts: Mapping[tuple[str, ...], int],
    children_counts: Mapping[tuple[str, ...], int],
    profile: Profile,
    note: str | None,
    waived_fail: int = 0,
) -> RuleSummary:
    # The views get the metadata with the profile's values in its texts ('innen 14 dager').
    meta = registry()[rule_id].meta.resolved(profile.parameters, PARAMETERS)
    counts = {s.value: all_counts.get((rule_id, s.value), 0) for s in Status}
    children = {s.value: children_counts.get((rule_id, s.value), 0) for s in Status}
    loosened = tuple(
        f"Parameteren {name} er satt til {value} dager, løsere enn {base} i profilen {parent}."
        for name, (parent, base, value) in profile.loosened.items()
        if name in meta.parameters
    )
    return RuleSummary(
        meta=meta,
        severity=profile.severities.get(rule_id, meta.severity),
        parameters={name: profile.parameters[name] for name in meta.parameters},
        counts=counts,
        compliance_rate=meta.rate(counts["pass"], counts["fail"]),
        note=note,
        loosened=loosened,
        waived_fail=waived_fail,
        rate_without_waivers=meta.rate(counts["pass"], counts["fail"] + waived_fail),
        children=children,
        children_rate=meta.rate(children["pass"], children["fail"]),
    )


def _units(results: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Per unit and rule: counts per status and the compliance rate."""
    order = {rule_id: i for i, rule_id in enumerate(profile.rules)}
    # The same rate as RuleMeta.rate: none for a rule that chooses its own population.
    cohort_rules = [r for r in profile.rules if registry()[r].meta.population == Population.COHORT]
    statuses = [s.value for s in Status]
    counts = _counted(results, ("unit", "rule_id", "status"))
    rows = [(unit, rule_id, status, n) for (unit, rule_id, status), n in counts.items()]
    counted = pl.DataFrame(
        rows, schema={"unit": pl.String, "rule_id": pl.String, "status": pl.String, "n": pl.Int64}, orient="row"
    )
    frame = (
        counted.group_by("unit", "rule_id")
        .agg(*(pl.col("n").filter(pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in statuses))
        .with_columns(
            pl.when((pl.col("pass") + pl.col("fail") > 0) & pl.col("rule_id").is_in(cohort_rules))
            .then(pl.col("pass") / (pl.col("pass") + pl.col("fail")))
            .otherwise(None)
            .alias("compliance_rate"),
            pl.col("rule_id").replace_strict(order, return_dtype=pl.Int32).alias("_order"),
        )
        .sort("unit", "_order")
        .drop("_order")
    )
    return frame
