"""Waivers: a reviewed finding accepted for a patient, with a reason, an approver and an expiry.

A waiver file is TOML with one ``[[waiver]]`` table per waiver (keys ``rule``, ``patient``,
``reason``, ``approved_by``, ``expires``; all required). While as_of ≤ expires a waiver turns
that patient's ``fail`` or ``pending`` into ``waived``, keeping the original status, the
reason and the approver beside it: a waived result is never hidden.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.model import Status, WaiverOutcome

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


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """Read and validate a waiver file; any fault raises InputError naming the file and entry."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"Unntaksfilen {path} finnes ikke") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Unntaksfilen {path} kan ikke leses: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Unntaksfilen {path} er ikke gyldig TOML: {exc}") from None
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
        waivers.append(
            Waiver(
                rule_id=str(entry["rule"]).strip().upper(),
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
    results: pl.DataFrame, waivers: tuple[Waiver, ...], as_of: dt.date
) -> tuple[pl.DataFrame, tuple[WaiverOutcome, ...]]:
    """Turn waived fail/pending results into ``waived``; say what each waiver did."""
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

    outcomes = []
    for w in waivers:
        if as_of > w.expires:
            state = "expired"
        elif (w.rule_id, w.patient_id) in applied_keys:
            state = "applied"
        else:
            state = "unused"
        outcomes.append(WaiverOutcome(w.rule_id, w.patient_id, w.reason, w.approved_by, w.expires, state))
    return updated, tuple(outcomes)
