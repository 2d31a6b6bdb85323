"""The fixed value sets of the extract format: enumerations, yes/no words and document types.

Everything here is copied from ``spec/extract-format.md`` so the parser, the pandera schemas
and the engine share one source of truth. Values are stored the way the reader returns them:
enumerations lower-case canonical (``døgn``), document types as upper-case codes.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("spesialist", "kommune")
"""Service level of an episode or a coordinator."""

CARE_TYPES: tuple[str, ...] = ("døgn", "dag", "poliklinisk", "ambulant")
"""Care type (omsorgsnivå) of an episode."""

NEEDS: tuple[str, ...] = ("ja", "nei", "uavklart")
"""Outcome of an assessment of the need for an individual plan."""

SERVICES_FROM: tuple[str, ...] = ("spesialist", "kommune", "begge")
"""Who provides the services an assessment found."""

CONSENT_SCOPES: tuple[str, ...] = ("ip", "koordinator", "melding_kommune", "informasjonsdeling")
"""What a consent document covers (a comma list in the extract)."""

ENUM_SYNONYMS: dict[str, str] = {"dogn": "døgn"}
"""Lower-cased spellings accepted for an enumeration value, mapped to the canonical value."""

BOOLEAN_WORDS: dict[str, bool] = {
    "ja": True,
    "j": True,
    "true": True,
    "1": True,
    "yes": True,
    "nei": False,
    "n": False,
    "false": False,
    "0": False,
    "no": False,
}
"""Lower-cased yes/no words and what they mean."""

DOC_TYPE_TITLES: dict[str, tuple[str, ...]] = {
    "INFO_IP": ("Informasjon om individuell plan og koordinator", "Informasjon om IP"),
    "SAMTYKKE": ("Samtykke", "Samtykke individuell plan", "Samtykke til melding til kommunen"),
    "MELDING_KE": (
        "Melding om behov for individuell plan og koordinator",
        "Melding til koordinerende enhet",
    ),
    "IP_PLAN": ("Individuell plan", "Individuell plan (og koordinator) FE"),
    "KLAGEVEILEDNING": ("Klageveiledning", "Orientering om klagerett"),
    "EPIKRISE": ("Epikrise",),
    "JOURNALNOTAT": ("Journalnotat", "Notat"),
}
"""Document type codes and the titles sites use for them."""

OTHER_DOC_TYPE = "OTHER"
"""The code of a document whose type matches no code or title."""

DOC_TYPE_CODES: tuple[str, ...] = (*DOC_TYPE_TITLES, OTHER_DOC_TYPE)
"""Every code ``doc_type`` can hold after reading."""

DRAFT_STATUSES: tuple[str, ...] = ("kladd", "utkast", "ufullstendig", "draft")
"""Lower-cased document statuses that mean unsigned (never evidence); used by the engine."""


def doc_type_lookup() -> dict[str, str]:
    """Map every lower-cased code and title (single spaces) to its code."""
    lookup: dict[str, str] = {}
    for code, titles in DOC_TYPE_TITLES.items():
        lookup[code.lower()] = code
        for title in titles:
            lookup[" ".join(title.lower().split())] = code
    return lookup
