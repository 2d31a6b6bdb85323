"""Recognising tables and columns by the names sites give them.

Names are compared after ``normalise_name``: NFC-composed, trimmed, lower-cased, æ/ø/å folded to
ae/o/a and runs of spaces or hyphens turned into one underscore, so ``Fødselsdato``,
``fodselsdato`` and ``Fødsels-dato`` are one name. A table's column is taken from the first
header that matches, in the order canonical name, then aliases as the spec lists them;
further matching headers are ignored like any other extra column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ipaudit.errors import InputError
from ipaudit.extract.columns import NATIONAL_ID_ALIASES, TABLE_COLUMNS, TABLE_NAMES

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_name(name: str) -> str:
    """Fold a header, file stem or sheet name to the form names are compared in."""
    composed = unicodedata.normalize("NFC", name.replace("\ufeff", ""))
    folded = composed.strip().lower().translate(_FOLD)
    return _SEPARATORS.sub("_", folded)


_TABLE_BY_NAME: dict[str, str] = {
    normalise_name(alias): table for table, names in TABLE_NAMES.items() for alias in (table, *names)
}
_NATIONAL_ID: frozenset[str] = frozenset(normalise_name(a) for a in NATIONAL_ID_ALIASES)


def table_for_name(name: str) -> str | None:
    """The canonical table a file stem or sheet name stands for, or None."""
    return _TABLE_BY_NAME.get(normalise_name(name))


def table_file_names(table: str) -> str:
    """The names a table may be given, for messages: ``patients eller pasienter``."""
    return " eller ".join((table, *TABLE_NAMES[table]))


def is_national_id(header: str) -> bool:
    """True when a header names the national id column (dropped at reading)."""
    return normalise_name(header) in _NATIONAL_ID


def column_names(table: str, column: str) -> tuple[str, ...]:
    """The canonical name and the aliases of a column, in priority order, normalised."""
    for spec in TABLE_COLUMNS[table]:
        if spec.name == column:
            names = (spec.name, *spec.aliases)
            return tuple(dict.fromkeys(normalise_name(n) for n in names))
    raise KeyError(f"{table}.{column}")


def resolve_columns(table: str, headers: Sequence[str], label: str) -> dict[str, str]:
    """Map the canonical columns of ``table`` to the headers that hold them.

    Raises InputError naming ``label`` when a required column has no matching header.
    Optional columns without a header are left out of the mapping.
    """
    by_normalised: dict[str, str] = {}
    for header in headers:
        by_normalised.setdefault(normalise_name(header), header)
    found: dict[str, str] = {}
    for spec in TABLE_COLUMNS[table]:
        for name in column_names(table, spec.name):
            if name in by_normalised:
                found[spec.name] = by_normalised[name]
                break
        else:
            if spec.required:
                names = ", ".join((spec.name, *spec.aliases))
                raise InputError(f"{label}: mangler den påkrevde kolonnen {spec.name} (godtatte navn: {names})")
    return found
