"""The key facts of a supervision (*Nøkkelopplysninger*) from ``--supervision-info FILE.toml``.

A tilsynsrapport opens with who was supervised, by whom, and the dates of the case: notice,
on-site review, preliminary and final report, and the deadline for the plan for correction.
None of that is in a journal extract, so the case officer writes it in a small TOML file::

    virksomhet = "Helse Nord RHF, Universitetssykehuset Nord-Norge HF"
    tilsynsmyndighet = "Statsforvalteren i Troms og Finnmark"
    saksnummer = "2025/1234"
    varsel = 2025-08-15
    tilsynsbesok = 2025-09-22
    tilsynsbesok_slutt = 2025-09-23
    forelopig_rapport = 2025-10-20
    endelig_rapport = 2025-11-24
    frist_plan_for_retting = 2026-01-15

Every key is optional; an unknown key, a value of the wrong kind or a date that is not a date
(TOML date, ISO or dd.mm.yyyy) is refused with one line naming file and key. The dates must
follow each other (notice ≤ on-site ≤ preliminary ≤ final report ≤ deadline) where given.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ipaudit.errors import InputError
from ipaudit.waivers import parse_date

#: Text keys and their labels in the report, in the report's order.
TEXT_FIELDS: dict[str, str] = {
    "virksomhet": "Virksomhet det er ført tilsyn med",
    "tilsynsmyndighet": "Tilsynsmyndighet",
    "saksnummer": "Saksnummer",
}
#: Date keys and their labels, in the order the case runs.
DATE_FIELDS: dict[str, str] = {
    "varsel": "Varsel om tilsyn",
    "tilsynsbesok": "Tilsynsbesøk (stedlig tilsyn)",
    "tilsynsbesok_slutt": "Tilsynsbesøk, siste dag",
    "forelopig_rapport": "Foreløpig rapport",
    "endelig_rapport": "Endelig rapport",
    "frist_plan_for_retting": "Frist for plan for retting",
}
_ORDER = ("varsel", "tilsynsbesok", "tilsynsbesok_slutt", "forelopig_rapport", "endelig_rapport",
          "frist_plan_for_retting")


@dataclass(frozen=True)
class SupervisionInfo:
    """What the case officer wrote; everything optional."""

    texts: dict[str, str]
    """By TEXT_FIELDS key."""
    dates: dict[str, dt.date]
    """By DATE_FIELDS key."""

    def rows(self) -> list[tuple[str, str | dt.date]]:
        """(label, value) in the report's order, only what was given; the on-site days as one row."""
        out: list[tuple[str, str | dt.date]] = [(TEXT_FIELDS[k], v) for k, v in self.texts.items()]
        for key, label in DATE_FIELDS.items():
            if key == "tilsynsbesok_slutt" or key not in self.dates:
                continue
            day = self.dates[key]
            end = self.dates.get("tilsynsbesok_slutt") if key == "tilsynsbesok" else None
            out.append((label, f"{day:%d.%m.%Y}–{end:%d.%m.%Y}" if end and end != day else day))
        return out


def _date(value: object, where: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise InputError(f"{where}: «{str(value)[:30]}» er ingen dato; bruk ÅÅÅÅ-MM-DD eller dd.mm.åååå")
    return day


def load_supervision_info(path: Path) -> SupervisionInfo:
    """Read and validate the file; any fault is one InputError line naming file and key."""
    try:
        raw = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"Tilsynsfilen {path} finnes ikke") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Tilsynsfilen {path} kan ikke leses: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Tilsynsfilen {path} er ikke gyldig TOML: {exc}") from None
    known = (*TEXT_FIELDS, *DATE_FIELDS)
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise InputError(f"Tilsynsfilen {path}: ukjent nøkkel «{unknown[0]}»; kjente nøkler er {', '.join(known)}")
    texts: dict[str, str] = {}
    for key in TEXT_FIELDS:
        if key in raw:
            value = raw[key]
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"Tilsynsfilen {path}, «{key}»: må være en tekst som ikke er tom")
            texts[key] = " ".join(value.split())
    dates = {key: _date(raw[key], f"Tilsynsfilen {path}, «{key}»") for key in DATE_FIELDS if key in raw}
    given = [k for k in _ORDER if k in dates]
    for earlier, later in zip(given, given[1:], strict=False):
        if dates[later] < dates[earlier]:
            raise InputError(
                f"Tilsynsfilen {path}, «{later}»: {dates[later]:%d.%m.%Y} er før «{earlier}» "
                f"({dates[earlier]:%d.%m.%Y})"
            )
    return SupervisionInfo(texts=texts, dates=dates)
