"""The tables of the extract format as data: each column's kind, aliases and whether required.

``spec/extract-format.md`` describes five tables; this module restates them once so that
header resolution (``aliases``), parsing (``parse``) and validation (``schemas``) never
repeat the spec. Aliases are written as in the spec; ``aliases.normalise_name`` folds æøå,
so ``nivå`` also matches ``niva``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ipaudit.extract.vocabulary import CARE_TYPES, CONSENT_SCOPES, LEVELS, NEEDS, SERVICES_FROM


class Kind(StrEnum):
    """How a column's text is parsed."""

    ID = "id"
    TEXT = "text"
    DATE = "date"
    BOOLEAN = "boolean"
    ENUM = "enum"
    DOC_TYPE = "doc_type"
    CONSENT = "consent"
    MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of one table of the extract format."""

    name: str
    """Canonical column name (as in TABLE_SCHEMAS)."""
    kind: Kind
    """How the text is parsed."""
    required: bool = False
    """A row without a value is rejected."""
    unique: bool = False
    """Every copy after the first (in file order) is rejected."""
    aliases: tuple[str, ...] = ()
    """Other headers sites use for the column (Norwegian, matched case-insensitively)."""
    allowed: tuple[str, ...] = ()
    """The allowed values of an ENUM or CONSENT column."""


TABLE_NAMES: dict[str, tuple[str, ...]] = {
    "patients": ("pasienter",),
    "episodes": ("kontakter", "opphold"),
    "assessments": ("vurderinger",),
    "coordinators": ("koordinatorer",),
    "documents": ("dokumenter", "journaldokumenter"),
}
"""Norwegian names a table's file or sheet may carry besides the canonical one."""

NATIONAL_ID_ALIASES: tuple[str, ...] = ("national_id", "fodselsnummer", "fødselsnummer", "fnr")
"""Headers of the national id column: dropped at reading, never kept or echoed."""

# Aliases of patient_id in every table. The spec lists only ``pasientnr`` outside patients;
# accepting the same three everywhere costs nothing and spares a site a hand edit.
_PATIENT_ID = ("pasientnr", "pasient_id", "pasientnummer")

TABLE_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "patients": (
        ColumnSpec("patient_id", Kind.ID, required=True, unique=True, aliases=_PATIENT_ID),
        ColumnSpec("birth_date", Kind.DATE, aliases=("fodselsdato", "fødselsdato")),
        ColumnSpec("municipality", Kind.MUNICIPALITY, aliases=("kommunenr", "kommune")),
    ),
    "episodes": (
        ColumnSpec(
            "episode_id",
            Kind.ID,
            required=True,
            unique=True,
            aliases=("kontaktid", "kontakt_id", "oppholdsid"),
        ),
        ColumnSpec("patient_id", Kind.ID, required=True, aliases=_PATIENT_ID),
        ColumnSpec("unit", Kind.TEXT, required=True, aliases=("enhet", "avdeling")),
        ColumnSpec("level", Kind.ENUM, required=True, aliases=("nivå",), allowed=LEVELS),
        ColumnSpec("care_type", Kind.ENUM, aliases=("omsorgsnivå", "kontakttype"), allowed=CARE_TYPES),
        ColumnSpec("start_date", Kind.DATE, required=True, aliases=("fra_dato", "innleggelsesdato")),
        ColumnSpec("end_date", Kind.DATE, aliases=("til_dato", "utskrivningsdato")),
    ),
    "assessments": (
        ColumnSpec("assessment_id", Kind.ID, required=True, unique=True, aliases=("vurderingsid",)),
        ColumnSpec("patient_id", Kind.ID, required=True, aliases=_PATIENT_ID),
        ColumnSpec("assessed_date", Kind.DATE, required=True, aliases=("vurdert_dato", "dato")),
        ColumnSpec("need", Kind.ENUM, required=True, aliases=("behov",), allowed=NEEDS),
        ColumnSpec("criteria_met", Kind.BOOLEAN, aliases=("fyller_kriterier",)),
        ColumnSpec("wants_ip", Kind.BOOLEAN, aliases=("ønsker_ip",)),
        ColumnSpec("wants_coordinator", Kind.BOOLEAN, aliases=("ønsker_koordinator",)),
        ColumnSpec("services_from", Kind.ENUM, aliases=("tjenester_fra",), allowed=SERVICES_FROM),
        ColumnSpec("unit", Kind.TEXT, aliases=("enhet",)),
    ),
    "coordinators": (
        ColumnSpec("patient_id", Kind.ID, required=True, aliases=_PATIENT_ID),
        ColumnSpec("name", Kind.TEXT, aliases=("navn", "koordinator")),
        ColumnSpec("phone", Kind.TEXT, aliases=("telefon", "tlf")),
        ColumnSpec("level", Kind.ENUM, required=True, aliases=("nivå",), allowed=LEVELS),
        ColumnSpec("appointed_date", Kind.DATE, required=True, aliases=("oppnevnt_dato", "oppnevnt")),
        ColumnSpec("first_contact_date", Kind.DATE, aliases=("første_kontakt",)),
        ColumnSpec("ended_date", Kind.DATE, aliases=("avsluttet_dato",)),
    ),
    "documents": (
        ColumnSpec("document_id", Kind.ID, required=True, unique=True, aliases=("dokumentid", "dok_id")),
        ColumnSpec("patient_id", Kind.ID, required=True, aliases=_PATIENT_ID),
        ColumnSpec("episode_id", Kind.ID, aliases=("kontaktid",)),
        ColumnSpec("doc_date", Kind.DATE, required=True, aliases=("dokumentdato", "dato")),
        ColumnSpec("doc_type", Kind.DOC_TYPE, required=True, aliases=("dokumenttype", "type")),
        ColumnSpec("title", Kind.TEXT, aliases=("tittel",)),
        ColumnSpec("status", Kind.TEXT, aliases=("dokumentstatus",)),
        ColumnSpec("unit", Kind.TEXT, aliases=("enhet",)),
        ColumnSpec("author", Kind.TEXT, aliases=("forfatter",)),
        ColumnSpec("text", Kind.TEXT, aliases=("tekst", "notat")),
        ColumnSpec("consent_scope", Kind.CONSENT, aliases=("samtykke_omfang",), allowed=CONSENT_SCOPES),
    ),
}
"""Every table's columns in TABLE_SCHEMAS order (``source_row`` is added by the reader)."""


def column_spec(table: str, column: str) -> ColumnSpec:
    """The spec of one canonical column of one table."""
    for spec in TABLE_COLUMNS[table]:
        if spec.name == column:
            return spec
    raise KeyError(f"{table}.{column}")
