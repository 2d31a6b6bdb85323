"""Waivers: a reviewed finding accepted for a patient, with a reason, an approver and an expiry.

A waiver file is TOML with one ``[[waiver]]`` table per waiver (keys ``rule``, ``patient``,
``reason``, ``approved_by``, ``expires``; all required). While as_of ≤ expires a waiver turns
that patient's ``fail`` or ``pending`` into ``waived``, keeping the original status, the
reason and the approver beside it: a waived result is never hidden.

A waiver naming an unknown rule is refused (``InputError``). A waiver that does nothing says
why (``WaiverOutcome.unused_reason``), and the ones that point at nobody — a patient not in
the extract (often an id that lost its leading zeros in Excel), not in the rule's cohort, or
a rule the profile does not run — become warnings on stderr and in every report.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.messages import os_reason, toml_error
from ipaudit.model import AuditResult, Status, WaiverOutcome

#: Waivers that point at nobody named one by one on stderr and in the reports; the rest are counted.
MAX_WAIVER_WARNINGS = 20
#: Why a waiver did nothing (WaiverOutcome.unused_reason), in bokmål.
UNUSED_REASONS: dict[str, str] = {
    "unknown_patient": "pasienten finnes ikke i uttrekket",
    "outside_cohort": "pasienten er ikke i regelens kohort",
    "rule_not_run": "regelen er ikke slått på i profilen",
    "not_failing": "resultatet er verken «ikke oppfylt» eller «frist ikke passert»",
}

_FIELDS = ("rule", "patient", "reason", "approved_by", "expires")


@dataclass(frozen=True)
class Waiver:
    """One accepted finding."""

    rule_id: str
    patient_id: str
    reason: str
    approved_by: str
    expires: dt.date
    """Last day the waiver applies (inclusive)."""


def load_waivers(path: Path, known_rules: Collection[str] | None = None) -> tuple[Waiver, ...]:
    """Read and validate a waiver file; any fault raises InputError naming the file and entry.
    ``known_rules`` defaults to every rule of the catalogue."""
    if known_rules is None:
        from ipaudit.checks import catalogue

        known_rules = [meta.id for meta in catalogue()]
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"Unntaksfilen {path} finnes ikke") from None
    except UnicodeDecodeError:
        raise InputError(f"Unntaksfilen {path} kan ikke leses: den er ikke lagret som UTF-8") from None
    except OSError as exc:
        raise InputError(f"Unntaksfilen {path} kan ikke leses: {os_reason(exc)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Unntaksfilen {path} er ikke gyldig TOML: {toml_error(str(exc))}") from None
    entries = raw.get("waiver", [])
    unknown = set(raw) - {"waiver"}
    if unknown or not isinstance(entries, list):
        raise InputError(f"Unntaksfilen {path}: forventer bare [[waiver]]-tabeller")
    waivers = []
    for i, entry in enumerate(entries, start=1):
        where = f"Unntaksfilen {path}, unntak nr. {i}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: må være en tabell")
        for key in _FIELDS:
            value = entry.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise InputError(f"{where}: mangler «{key}»")
        extra = set(entry) - set(_FIELDS)
        if extra:
            raise InputError(f"{where}: ukjent nøkkel «{sorted(extra)[0]}»")
        expires = parse_date(entry["expires"])
        if expires is None:
            raise InputError(f"{where}: «expires» er ingen gyldig dato (ÅÅÅÅ-MM-DD eller dd.mm.åååå)")
        rule_id = str(entry["rule"]).strip().upper()
        if rule_id not in known_rules:
            raise InputError(
                f"{where}: «rule» = «{entry['rule']}» er ingen kjent regel (kjente: {', '.join(sorted(known_rules))})"
            )
        waivers.append(
            Waiver(
                rule_id=rule_id,
                patient_id=str(entry["patient"]).strip(),
                reason=str(entry["reason"]).strip(),
                approved_by=str(entry["approved_by"]).strip(),
                expires=expires,
            )
        )
    return tuple(waivers)


def parse_date(value: object) -> dt.date | None:
    """A date from TOML or the command line: a real date, ISO (2025-06-30) or dd.mm.yyyy."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    return None


def apply_waivers(
    results: pl.DataFrame,
    waivers: tuple[Waiver, ...],
    as_of: dt.date,
    *,
    known_patients: Collection[str] | None = None,
    rules_run: Collection[str] | None = None,
) -> tuple[pl.DataFrame, tuple[WaiverOutcome, ...]]:
    """Turn waived fail/pending results into ``waived``; say what each waiver did and, for one
    that did nothing, why (``known_patients``: the extract's patient ids; ``rules_run``: the
    profile's rules)."""
    if not waivers:
        return results, ()
    active = [w for w in waivers if as_of <= w.expires]
    table = pl.DataFrame(
        {
            "rule_id": [w.rule_id for w in active],
            "patient_id": [w.patient_id for w in active],
            "_reason": [w.reason for w in active],
            "_by": [w.approved_by for w in active],
            "_expires": [w.expires for w in active],
        },
        schema={
            "rule_id": pl.String,
            "patient_id": pl.String,
            "_reason": pl.String,
            "_by": pl.String,
            "_expires": pl.Date,
        },
    ).unique(subset=["rule_id", "patient_id"], keep="first", maintain_order=True)
    joined = results.join(table, on=["rule_id", "patient_id"], how="left", maintain_order="left")
    hit = pl.col("_reason").is_not_null() & pl.col("status").is_in([Status.FAIL.value, Status.PENDING.value])
    applied_keys = set(joined.filter(hit).select("rule_id", "patient_id").iter_rows())
    with_result = set(joined.filter(pl.col("_reason").is_not_null()).select("rule_id", "patient_id").iter_rows())
    updated = (
        joined.with_columns(
            pl.when(hit).then(pl.col("status")).otherwise("original_status").alias("original_status"),
            pl.when(hit).then(pl.col("_reason")).otherwise("waiver_reason").alias("waiver_reason"),
            pl.when(hit).then(pl.col("_by")).otherwise("waiver_approved_by").alias("waiver_approved_by"),
            pl.when(hit).then(pl.col("_expires")).otherwise("waiver_expires").alias("waiver_expires"),
        )
        .with_columns(
            pl.when(hit).then(pl.lit(Status.WAIVED.value)).otherwise("status").alias("status"),
        )
        .drop("_reason", "_by", "_expires")
    )

    patients = set(known_patients) if known_patients is not None else None
    rules = set(rules_run) if rules_run is not None else None
    padded: dict[str, str] | None = None
    outcomes = []
    for w in waivers:
        reason = similar = None
        if as_of > w.expires:
            state = "expired"
        elif (w.rule_id, w.patient_id) in applied_keys:
            state = "applied"
        else:
            state = "unused"
            if rules is not None and w.rule_id not in rules:
                reason = "rule_not_run"
            elif patients is not None and w.patient_id not in patients:
                reason = "unknown_patient"
                if padded is None:
                    padded = {}
                    for patient in patients:
                        padded.setdefault(patient.lstrip("0"), patient)
                similar = padded.get(w.patient_id.lstrip("0"))
            elif (w.rule_id, w.patient_id) not in with_result:
                reason = "outside_cohort"
            else:
                reason = "not_failing"
        outcomes.append(
            WaiverOutcome(
                w.rule_id, w.patient_id, w.reason, w.approved_by, w.expires, state,
                unused_reason=reason, similar_patient=similar,
            )
        )
    return updated, tuple(outcomes)


def waiver_warnings(outcomes: Iterable[WaiverOutcome]) -> list[str]:
    """One bokmål warning per waiver that points at nobody (not in the extract, not in the
    rule's cohort, a rule not run), with the leading-zeros hint where it fits; past
    MAX_WAIVER_WARNINGS one line says how many more there are."""
    astray = [w for w in outcomes if w.unused_reason in ("unknown_patient", "outside_cohort", "rule_not_run")]
    out = []
    for w in astray[:MAX_WAIVER_WARNINGS]:
        why = UNUSED_REASONS[w.unused_reason or "unknown_patient"]
        text = f"Unntaket for {w.rule_id}, pasient «{w.patient_id}», er ikke brukt: {why}"
        if w.unused_reason == "unknown_patient":
            if w.similar_patient is not None:
                text += f" (uttrekket har «{w.similar_patient}»: har Excel fjernet innledende nuller?)"
            else:
                text += " (sjekk om Excel har fjernet innledende nuller, f.eks. 578 for 0578)"
        out.append(text)
    if len(astray) > MAX_WAIVER_WARNINGS:
        out.append(
            f"… og {len(astray) - MAX_WAIVER_WARNINGS} unntak til som ikke er brukt av samme grunner "
            "(se unntakslisten i rapporten)"
        )
    return out


def run_warnings(result: AuditResult) -> list[str]:
    """Every warning of a run, as stderr and the reports show them: the profile's, then the waivers'."""
    return [*result.warnings, *waiver_warnings(result.waivers)]
