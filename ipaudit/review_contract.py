"""The review workbook as a contract: what ``ipaudit select`` writes and ``--review`` reads back.

The workbook (``ipaudit-stikkprove.xlsx``) has a sheet *Stikkprøve* with one row per drawn
patient: ``Pasient`` (the pseudonym when the run is pseudonymised), ``Utvalg`` (the stratum),
``Enhet``, ``Indeksdato``; per automated rule the tool's status (``IPxx verktøy``) beside the
reviewer's column ``IPxx revisor``; per manual requirement a column ``Mx revisor``; and one
free ``Merknad`` column. A reviewer column holds one of ``VERDICTS`` or nothing (not reviewed).
A rule that does not apply to a patient by design — the cohort's rules for the *Ikke vurdert*
stratum, IP00 for the cohort — shows ``NOT_FOR_STRATUM`` and its reviewer cell takes nothing
but *Ikke aktuelt*.

A hidden sheet *Identitet* holds the run the workbook was made for (``IDENTITY_KEYS``: as_of,
period, profile, n, seed, stratification, the *Ikke vurdert* count, the extract's
fingerprint, pseudonymised or not) and the drawn ids, one per row below ``IDS_HEADER``.
"""

from __future__ import annotations

import hashlib

from ipaudit.model import ExtractSummary

SAMPLE_SHEET = "Stikkprøve"
FINDINGS_SHEET = "Verktøyets funn"
ABOUT_SHEET = "Om utvalget"
IDENTITY_SHEET = "Identitet"
FORMAT_VERSION = 1

OPPFYLT = "Oppfylt"
IKKE_OPPFYLT = "Ikke oppfylt"
IKKE_AKTUELT = "Ikke aktuelt"
KAN_IKKE_VURDERES = "Kan ikke vurderes"
VERDICTS: tuple[str, ...] = (OPPFYLT, IKKE_OPPFYLT, IKKE_AKTUELT, KAN_IKKE_VURDERES)
"""The reviewer's choices, exactly; an empty cell means not reviewed."""
VERDICT_KEYS: dict[str, str] = {
    OPPFYLT: "oppfylt",
    IKKE_OPPFYLT: "ikke_oppfylt",
    IKKE_AKTUELT: "ikke_aktuelt",
    KAN_IKKE_VURDERES: "kan_ikke_vurderes",
}
"""Each verdict's key in the JSON ``review`` counts."""

PATIENT = "Pasient"
STRATUM = "Utvalg"
UNIT = "Enhet"
INDEX_DATE = "Indeksdato"
COMMENT = "Merknad"
LEADING: tuple[str, ...] = (PATIENT, STRATUM, UNIT, INDEX_DATE)
"""The first columns of *Stikkprøve*, in order."""
NOT_FOR_STRATUM = "Gjelder ikke"
"""The tool's column where a rule does not apply to the patient's stratum."""

IDS_HEADER = "Trukne pasienter"
IDENTITY_KEYS: dict[str, str] = {
    "format_version": "Formatversjon",
    "as_of": "Revisjonsdato",
    "period_from": "Periode fra",
    "period_to": "Periode til",
    "profile": "Profil",
    "n": "Antall fra kohorten",
    "seed": "Frø",
    "stratify": "Stratifisering",
    "unassessed": "Antall fra «Ikke vurdert»",
    "extract_fingerprint": "Uttrekkets fingeravtrykk",
    "pseudonymized": "Pseudonymisert",
}
"""Identity facts by key, with the label written beside each in column A."""


def tool_column(rule_id: str) -> str:
    return f"{rule_id} verktøy"


def reviewer_column(item_id: str) -> str:
    """``IP03 revisor``, ``HB01 revisor``, ``M4 revisor``."""
    return f"{item_id} revisor"


def extract_fingerprint(extract: ExtractSummary) -> str:
    """SHA-256 over each table's file hash (sorted by table): the same files give the same
    fingerprint wherever they lie; another export of the journal gives another."""
    lines = sorted(f"{s.table}\t{s.sheet or ''}\t{s.sha256}\n" for s in extract.sources)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def profile_name(source: str, name: str) -> str:
    """How the identity block names a profile: the built-in name, or the file path."""
    return name if source == "innebygd" else source
