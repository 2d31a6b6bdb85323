"""A realistic synthetic AuditResult for the report tests, built without the engine.

``make_result`` gives every status, evidence lists, due dates, waivers, rejected rows, a
per-unit frame and hostile extract text (markup in a message, formula-looking patient ids
and units), so every view can be tested — and timed at a million results — on its own.
``make_recorded(…, history=PATH)`` first records earlier runs in a real history file
(``ipaudit.history.open_history``) and returns the result as ``ipaudit audit --history``
hands it to the views: annotated with ``finding_id`` and ``change``, with its Comparison (``Recorded``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import NamedTuple

import polars as pl

from ipaudit.extract.model import REJECTED_SCHEMA, SourceFile, TableCounts
from ipaudit.history import Comparison, open_history
from ipaudit.model import (
    RESULT_SCHEMA,
    AuditResult,
    ExtractSummary,
    ProfileInfo,
    RuleMeta,
    RuleSummary,
    Severity,
    Status,
    Suspension,
    WaiverOutcome,
)
from ipaudit.report.base import RunContext

AS_OF = dt.date(2025, 6, 30)
SCRIPT = "<script>alert(1)</script>"
FORMULA_ID = '=HYPERLINK("http://x")'
PHONE_UNIT = "+47 22"
MARKUP_MESSAGE = f"Notat: «{SCRIPT}» & <b>fet</b> — ikke informert om IP."
MULTILINE_MESSAGE = 'Første linje;\nandre linje med "sitat", komma og \u2028 skilletegn.'
#: The previous run's message of a finding whose patient has left the cohort since (resolved).
PREVIOUS_MARKUP = 'Forrige: <img src=x onerror="alert(1)"> & «sitat» =1+1'
GONE_PATIENT = "P-UTE-AV-KOHORTEN"
#: The previous run's audit date when ``make_recorded`` records earlier runs.
PREVIOUS_AS_OF = dt.date(2025, 5, 31)

UNITS = (
    "Medisinsk avdeling",
    "Barne- og ungdomsklinikken",
    "DPS Øst, allmennpsykiatrisk poliklinikk",
    PHONE_UNIT,
    "@rehab",
)
COVID = Suspension(
    name="Midlertidig opphør av retten til individuell plan (covid-19)",
    start=dt.date(2020, 3, 27),
    end=dt.date(2020, 5, 26),
    tags=frozenset({"ip-right"}),
    basis="Midlertidig forskrift 27. mars 2020 nr. 462",
)
PARAMETERS = {
    "info_days": 14,
    "notice_days": 14,
    "coordinator_days": 30,
    "plan_days": 90,
    "first_contact_days": 14,
    "at_risk_inpatient_days": 21,
    "at_risk_units": 3,
    "lookback_days": 90,
}

#: (meta, due-date offset in days or None); IP00 is special-cased below.
RULES: tuple[tuple[RuleMeta, int | None], ...] = (
    (
        RuleMeta(
            id="IP00",
            title="Behov for IP ikke vurdert",
            severity=Severity.WARNING,
            statute="spesialisthelsetjenesteloven § 2-5",
            guidance="HF-IP; HB 4 a",
            legal_deadline="ingen lovfestet frist",
            finding="Behovet for individuell plan er ikke vurdert",
            parameters=("at_risk_inpatient_days", "at_risk_units"),
            requires=("episodes",),
            applies_to="Pasienter uten vurdering som har lange døgnopphold eller flere enheter.",
            satisfied_by="Behovet for individuell plan er vurdert.",
        ),
        None,
    ),
    (
        RuleMeta(
            id="IP01",
            title="Informasjon om IP og koordinator gitt",
            severity=Severity.ERROR,
            statute="pasient- og brukerrettighetsloven § 3-2",
            guidance="UNN 4.1 og 5 a; HB 4 c og 7.4 a",
            legal_deadline="ingen lovfestet frist",
            finding="Det er ikke dokumentert at pasienten har fått informasjon",
            tags=frozenset({"core"}),
            parameters=("info_days", "lookback_days"),
            applies_to="Alle pasienter i kohorten.",
            satisfied_by="Dokumentert informasjon om retten til IP og koordinator.",
        ),
        14,
    ),
    (
        RuleMeta(
            id="IP02",
            title="Ønske og vilkår dokumentert",
            severity=Severity.ERROR,
            statute="helsepersonelloven §§ 39–40",
            guidance="UNN 4.1 og 5 b; HB 7.4 f 1–2",
            legal_deadline="ingen lovfestet frist",
            finding="Det er ikke dokumentert om pasienten fyller vilkårene",
            tags=frozenset({"ip-right"}),
            parameters=("info_days",),
            applies_to="Alle pasienter i kohorten.",
            satisfied_by="Både om vilkårene er oppfylt og pasientens ønske er dokumentert.",
        ),
        14,
    ),
    (
        RuleMeta(
            id="IP04",
            title="Koordinator oppnevnt eller avklart",
            severity=Severity.ERROR,
            statute="helse- og omsorgstjenesteloven § 7-2; spesialisthelsetjenesteloven § 2-5 a",
            guidance="HF-IP; UNN 5 d",
            legal_deadline="ingen lovfestet frist",
            finding="Det er ikke dokumentert at koordinator er oppnevnt",
            parameters=("coordinator_days",),
            requires=("coordinators",),
            applies_to="Alle pasienter i kohorten.",
            satisfied_by="Koordinator oppnevnt, eller pasienten ønsker ikke koordinator.",
        ),
        30,
    ),
    (
        RuleMeta(
            id="IP05",
            title="Koordinators navn dokumentert",
            severity=Severity.ERROR,
            statute="",
            guidance="UNN 5 e; HB 7.4 f 4",
            legal_deadline="ingen lovfestet frist",
            finding="Koordinators navn er ikke dokumentert",
            tags=frozenset({"core"}),
            requires=("coordinators",),
            applies_to="Pasienter i kohorten som har koordinator.",
            satisfied_by="Alle koordinatorer har et reelt navn.",
        ),
        None,
    ),
    (
        RuleMeta(
            id="IP06",
            title="Melding til koordinerende enhet i kommunen",
            severity=Severity.ERROR,
            statute="helsepersonelloven § 38 a",
            guidance="HF-IP; UNN 4.2.2 b; HB 4 f, 7.1 og 7.4 c",
            legal_deadline="snarest mulig",
            finding="Det er ikke dokumentert melding til koordinerende enhet",
            tags=frozenset({"core"}),
            parameters=("notice_days", "lookback_days"),
            applies_to="Pasienter som ønsker IP eller koordinator og har tjenester i kommunen.",
            satisfied_by="Melding til koordinerende enhet innen fristen.",
        ),
        14,
    ),
)

#: Per rule, a cycle of statuses over the cohort (P pass, F fail, E pending, N
#: not_applicable, W waived): every status present, a different rate per rule.
_CYCLES = ("PPFPEPNFPW", "PPPPFPPNPE", "PPPPPPPPPPPPFPPPPPPN", "FPPPFWPPNPFP", "PPPPPPPFPPPPPPE")
_CODES = {"P": "pass", "F": "fail", "E": "pending", "N": "not_applicable", "W": "waived"}
_MESSAGES = {
    "pass": "Dokumentert.",
    "fail": "Ikke dokumentert innen fristen (frist {due}).",
    "pending": "Ikke dokumentert ennå; frist {due}.",
    "not_applicable": "Gjelder ikke pasienten.",
    "waived": "Ikke dokumentert; unntak godkjent.",
}


def patient_ids(n_patients: int) -> list[str]:
    """Cohort patient ids; the second is formula-looking text from the extract."""
    ids = [f"P{i:07d}" for i in range(n_patients)]
    if n_patients > 1:
        ids[1] = FORMULA_ID
    return ids


def _rule_results(
    meta: RuleMeta, offset: int | None, k: int, cohort: pl.DataFrame
) -> pl.DataFrame:
    """One row per cohort patient for a regular rule, statuses cycling with the index."""
    cycle = [_CODES[c] for c in _CYCLES[(k - 1) % len(_CYCLES)]]
    status = pl.lit(pl.Series(cycle)).get((pl.col("i") + k) % len(cycle))
    due = pl.col("index_date") + pl.duration(days=offset) if offset is not None else None
    frame = cohort.with_columns(
        status=status,
        due_date=due if due is not None else pl.lit(None, pl.Date),
    )
    due_text = pl.col("due_date").dt.strftime("%d.%m.%Y").fill_null("ingen")
    message = pl.lit("")
    for st, text in _MESSAGES.items():
        head, _, tail = text.partition("{due}")
        piece = pl.concat_str(pl.lit(head), due_text, pl.lit(tail)) if "{due}" in text else (
            pl.lit(text)
        )
        message = pl.when(pl.col("status") == st).then(piece).otherwise(message)
    evidence = (
        pl.when(pl.col("status") == "pass")
        .then(pl.concat_list(pl.format("D{}-{}", pl.col("i"), pl.lit(k))))
        .when((pl.col("status") == "fail") & (pl.col("i") % 3 == 0))
        .then(pl.concat_list(pl.format("D{}-a", pl.col("i")), pl.format("D{}-b", pl.col("i"))))
        .otherwise(pl.lit([], pl.List(pl.String)))
    )
    waived = pl.col("status") == "waived"
    return frame.with_columns(
        rule_id=pl.lit(meta.id),
        severity=pl.lit(meta.severity.value),
        message=message,
        evidence=evidence,
        original_status=pl.when(waived).then(pl.lit("fail")),
        waiver_reason=pl.when(waived).then(pl.lit("Pasienten flyttet; journal hos ny enhet")),
        waiver_approved_by=pl.when(waived).then(pl.lit("Kari Nordmann, kvalitetsleder")),
        waiver_expires=pl.when(waived).then(pl.lit(dt.date(2025, 12, 31))),
    )


def _results(n_patients: int) -> pl.DataFrame:
    ids = patient_ids(n_patients)
    cohort = pl.DataFrame({"patient_id": ids}).with_row_index("i").with_columns(
        pl.col("i").cast(pl.Int64),
        index_date=pl.lit(AS_OF) - pl.duration(days=pl.col("i") % 200),
        unit=pl.lit(pl.Series(UNITS)).get((pl.col("i") // 3) % len(UNITS)),
    )
    frames = []
    for k, (meta, offset) in enumerate(RULES):
        if meta.id == "IP00":
            n_at_risk = max(1, n_patients // 50)
            frames.append(
                pl.DataFrame({"i": range(n_at_risk)}).with_columns(
                    pl.col("i").cast(pl.Int64),
                    patient_id=pl.format("U{}", pl.col("i")),
                    rule_id=pl.lit("IP00"),
                    status=pl.lit("fail"),
                    severity=pl.lit(meta.severity.value),
                    message=pl.lit("29 døgn innlagt i perioden, behov for IP ikke vurdert."),
                    evidence=pl.lit([], pl.List(pl.String)),
                    unit=pl.lit(UNITS[0]),
                )
            )
            continue
        frames.append(_rule_results(meta, offset, k, cohort))
    results = pl.concat(frames, how="diagonal_relaxed")
    # A journal-ish message that must never become markup (on a listed, failing row when
    # the cohort has at least 2 patients: IP01 fails for the patient with index 1).
    results = results.with_columns(
        message=pl.when((pl.col("rule_id") == "IP01") & (pl.col("patient_id") == ids[min(1, len(ids) - 1)]))
        .then(pl.lit(MARKUP_MESSAGE))
        .when((pl.col("rule_id") == "IP02") & (pl.col("patient_id") == ids[0]))
        .then(pl.lit(MULTILINE_MESSAGE))
        .otherwise(pl.col("message"))
    )
    order = {meta.id: n for n, (meta, _) in enumerate(RULES)}
    return (
        results.with_columns(_o=pl.col("rule_id").replace_strict(order, return_dtype=pl.Int32))
        .sort("_o", "patient_id")
        .select([pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()])
    )


def _counts(results: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    statuses = [s.value for s in Status]
    return (
        results.group_by(by, maintain_order=True)
        .agg([(pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in statuses])
        .with_columns(
            compliance_rate=pl.when(pl.col("pass") + pl.col("fail") > 0).then(
                pl.col("pass") / (pl.col("pass") + pl.col("fail"))
            )
        )
    )


def _rejected(n_rejected: int) -> pl.DataFrame:
    base = [
        ("documents", 17, "doc_date", "ugyldig dato: «31.02.2025»"),
        ("assessments", 4, "need", "ukjent verdi «kanskje» (tillatt: ja, nei, uavklart)"),
        ("coordinators", 9, "name", "=SUM(A1:A9) er ikke en tillatt verdi <b>"),
    ]
    rows = [base[i % len(base)] for i in range(n_rejected)]
    return pl.DataFrame(
        {
            "table": [r[0] for r in rows],
            "row": [r[1] + 10 * i for i, r in enumerate(rows)],
            "column": [r[2] for r in rows],
            "reason": [r[3] for r in rows],
        },
        schema=REJECTED_SCHEMA,
    )


def _summaries(results: pl.DataFrame) -> tuple[RuleSummary, ...]:
    """One RuleSummary per rule, counted from ``results``."""
    rule_counts = {row["rule_id"]: row for row in _counts(results, ["rule_id"]).to_dicts()}
    statuses = [s.value for s in Status]
    summaries = []
    for meta, _ in RULES:
        row = rule_counts.get(meta.id, {})
        # A quarter of each count are children (under 18 on the index date).
        children = {s: int(row.get(s) or 0) // 4 for s in statuses}
        decided = children["pass"] + children["fail"]
        summaries.append(
            RuleSummary(
                meta=meta,
                severity=meta.severity,
                parameters={p: PARAMETERS[p] for p in meta.parameters},
                counts={s: int(row.get(s) or 0) for s in statuses},
                compliance_rate=row.get("compliance_rate"),
                note=(
                    "Tabellen coordinators mangler navn for noen rader; se avviste rader."
                    if meta.id == "IP05"
                    else None
                ),
                loosened=(
                    ("notice_days er satt til 14 dager; UNN-retningslinjen sier «snarest».",)
                    if meta.id == "IP06"
                    else ()
                ),
                children=children,
                children_rate=children["pass"] / decided if decided and meta.id != "IP00" else None,
            )
        )
    return tuple(summaries)


def make_result(
    n_patients: int = 40,
    *,
    n_rejected: int = 5,
    with_waivers: bool = True,
    missing_optional: tuple[str, ...] = (),
) -> AuditResult:
    """A complete AuditResult with ``n_patients`` cohort patients and every status.

    The rules are IP00 (2 % of the cohort as at-risk rows), IP01, IP02, IP04, IP05, IP06;
    a million results take ``n_patients`` ≈ 196 000.
    """
    results = _results(n_patients)
    summaries = _summaries(results)
    rejected = _rejected(n_rejected)
    tables = ("patients", "episodes", "assessments", "coordinators", "documents")
    counts = {}
    for t in tables:
        if t in missing_optional:
            continue
        bad = rejected.filter(pl.col("table") == t).height
        counts[t] = TableCounts(rows_read=n_patients * 3 + bad, rows_accepted=n_patients * 3,
                                rows_rejected=bad)
    location = Path("/data/uttrekk/2025-06")
    sources = tuple(
        SourceFile(
            table=t,
            path=location / f"{t}.csv",
            sheet=None,
            sha256=hashlib.sha256(t.encode()).hexdigest(),
        )
        for t in counts
    )
    waivers: tuple[WaiverOutcome, ...] = ()
    if with_waivers:
        waived = results.filter(pl.col("status") == "waived").head(1).to_dicts()
        applied = tuple(
            WaiverOutcome(w["rule_id"], w["patient_id"], w["waiver_reason"],
                          w["waiver_approved_by"], w["waiver_expires"], "applied")
            for w in waived
        )
        waivers = (
            *applied,
            WaiverOutcome("IP06", "P0000003", "Avtale med kommunen <i>", "Ola Nordmann",
                          dt.date(2025, 1, 31), "expired"),
            WaiverOutcome("IP04", "P9999999", "Feilregistrert pasient", "Ola Nordmann",
                          dt.date(2026, 1, 31), "unused"),
        )
    result = AuditResult(
        tool_version="0.1.0",
        generated_at=dt.datetime(2025, 7, 1, 6, 15, 0),
        as_of=AS_OF,
        period_from=dt.date(2025, 1, 1),
        period_to=AS_OF,
        profile=ProfileInfo(
            name="national",
            source="innebygd",
            extends=(),
            parameters=dict(PARAMETERS),
            suspensions=(COVID,),
        ),
        extract=ExtractSummary(
            location=location,
            counts=counts,
            sources=sources,
            ignored_files=("LESMEG.txt", "sjekksum.sha256"),
            missing_optional=missing_optional,
        ),
        cohort_size=n_patients,
        rules=tuple(summaries),
        results=results,
        rejected=rejected,
        units=_counts(results, ["unit", "rule_id"]).sort("unit", maintain_order=True),
        waivers=waivers,
    )
    return result


class Recorded(NamedTuple):
    """A result as ``ipaudit audit --history`` hands it to the views: annotated, with its comparison."""

    result: AuditResult
    history: Comparison

    @property
    def context(self) -> RunContext:
        return RunContext(history=self.history)


def make_recorded(n_patients: int, history: Path, earlier_runs: int = 1) -> Recorded:
    """``make_result(n_patients)`` recorded in the history file ``history`` after ``earlier_runs``
    earlier runs (one a month, the latest as of PREVIOUS_AS_OF; 0 makes this the first run)."""
    return with_history(make_result(n_patients), history, earlier_runs)


def previous_results(results: pl.DataFrame, back: int = 1) -> pl.DataFrame:
    """The results of a run ``back`` runs before ``results``, built to give every kind of change.

    Per rule, with k the row's number within its rule: a fail with k % 3 == 0 was pass (now
    *new*), any other fail was fail (*still failing*); a pass with k % 5 == 0 and a pending with
    even k were fail (*resolved*, now pass / pending); a waived result was fail (*waived since*);
    and GONE_PATIENT failed IP01 with PREVIOUS_MARKUP as message (*resolved*, no longer in the
    results). Runs further back have more fails, so the trend rises towards this run.
    """
    k = pl.int_range(pl.len()).over("rule_id")
    was_fail = (
        ((pl.col("status") == "fail") & (k % 3 != 0))
        | ((pl.col("status") == "pass") & ((k % 5 == 0) | ((k + back) % 23 < min(back - 1, 12))))
        | ((pl.col("status") == "pending") & (k % 2 == 0))
        | (pl.col("status") == "waived")
    )
    was_pass = (pl.col("status") == "fail") & (k % 3 == 0)
    before = results.with_columns(
        status=pl.when(was_fail).then(pl.lit("fail")).when(was_pass).then(pl.lit("pass"))
        .otherwise(pl.col("status")),
        message=pl.when(was_fail & (pl.col("status") != "fail"))
        .then(pl.lit("Ikke dokumentert innen fristen (forrige kjøring)."))
        .otherwise(pl.col("message")),
    ).with_columns(
        *(pl.lit(None, dtype=RESULT_SCHEMA[c]).alias(c)
          for c in ("original_status", "waiver_reason", "waiver_approved_by", "waiver_expires"))
    )
    gone = before.filter(pl.col("rule_id") == "IP01").head(1).with_columns(
        patient_id=pl.lit(GONE_PATIENT), status=pl.lit("fail"), message=pl.lit(PREVIOUS_MARKUP)
    )
    return pl.concat([before, gone], how="vertical")


def with_history(result: AuditResult, path: Path, earlier_runs: int = 1) -> Recorded:
    """Record ``earlier_runs`` earlier runs and then ``result`` in the history file ``path``, with
    the real ipaudit.history API, and return ``result`` as the views get it from ``--history``."""
    with open_history(path) as store:
        for back in range(earlier_runs, 0, -1):
            results = previous_results(result.results, back)
            as_of = PREVIOUS_AS_OF - dt.timedelta(days=30 * (back - 1))
            store.record(dataclasses.replace(
                result,
                as_of=as_of,
                period_to=as_of,
                generated_at=dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(6, 15)),
                results=results,
                rules=_summaries(results),
                cohort_size=result.cohort_size + 1,
            ))
        comparison = store.record(result)
    return Recorded(dataclasses.replace(result, results=comparison.annotate(result.results)), comparison)
