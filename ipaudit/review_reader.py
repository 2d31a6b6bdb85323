"""Read a filled-in review workbook back (``ipaudit audit … --review FILLED.xlsx``).

Three steps, at the pipeline's places: ``open_workbook`` reads the hidden *Identitet* block
before the extract is read (the sample to redraw: n, seed, stratification, *Ikke vurdert*);
``check_identity`` compares it with the audited run (extract fingerprint, as_of, period,
profile, pseudonymised or not); ``read_review`` compares the drawn ids with the redraw and
reads the verdicts. Anything that does not fit the contract (``ipaudit.review_contract``) is
refused with one ``InputError`` line naming sheet and cell, e.g.
``Stikkprøve!F7: «kanskje» er ikke et gyldig svar``: a value outside the choices, a patient
not in the sample, a duplicated row, a drawn patient missing, a verdict where the rule does
not apply, a missing column, or a workbook made for another extract, as_of, period, profile,
seed or key. A refusal never echoes more than a short, cleaned piece of a cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from ipaudit import review_contract as contract
from ipaudit.errors import InputError
from ipaudit.manual_requirements import MANUAL_REQUIREMENTS
from ipaudit.model import AuditResult
from ipaudit.review import Review, summarise
from ipaudit.selection import STRATUM_LABELS, SampleDraw, SampleSpec, rule_applies

_SHOWN = 30
"""Characters of a cell shown in a refusal."""


@dataclass(frozen=True)
class Identity:
    """The hidden *Identitet* block: the run a workbook was made for."""

    values: dict[str, Any]
    """By ``IDENTITY_KEYS`` key, as written."""
    cells: dict[str, str]
    """Key → the cell holding its value ('Identitet!B4'), for refusals."""
    ids: tuple[str, ...]
    """The drawn patient ids, in the workbook's order."""
    ids_cell: str
    """The first id's cell."""

    @property
    def spec(self) -> SampleSpec:
        return SampleSpec(
            n=self.values["n"],
            seed=self.values["seed"],
            stratify=self.values["stratify"] or None,
            unassessed=self.values["unassessed"],
        )


@dataclass(frozen=True)
class OpenWorkbook:
    """A review workbook opened and its identity read."""

    path: Path
    sha256: str
    book: Workbook
    identity: Identity


def _shown(value: object) -> str:
    """A cell value fit for one line on stderr: no control characters, no long digit runs
    (an id or a national id typed in the wrong cell), at most _SHOWN characters."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(value)).strip()
    text = re.sub(r"\d{6,}", "…", text)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _cell(sheet: str, row: int, column: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}"


def open_workbook(path: Path) -> OpenWorkbook:
    """Open ``path`` and read its identity block; InputError when it is no review workbook."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Arbeidsboken {path} kan ikke leses ({exc.strerror or exc})") from None
    try:
        book = load_workbook(path, data_only=True)  # small; loaded whole, the file is closed at once
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputError(f"{path.name} kan ikke leses som en Excel-arbeidsbok (.xlsx)") from None
    for sheet in (contract.IDENTITY_SHEET, contract.SAMPLE_SHEET):
        if sheet not in book.sheetnames:
            raise InputError(
                f"{path.name} mangler arket «{sheet}»; les inn arbeidsboken ipaudit select laget "
                f"(fant arkene {', '.join(book.sheetnames)})"
            )
    return OpenWorkbook(path=path, sha256=hashlib.sha256(data).hexdigest(), book=book, identity=_identity(book))


def _identity(book: Workbook) -> Identity:
    sheet = contract.IDENTITY_SHEET
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    ids: list[str] = []
    ids_cell = f"{sheet}!A1"
    in_ids = False
    for row_number, row in enumerate(book[sheet].iter_rows(values_only=True), start=1):
        first = row[0] if row else None
        if in_ids:
            if first not in (None, ""):
                ids.append(str(first))
            continue
        if first == contract.IDS_HEADER:
            in_ids, ids_cell = True, f"{sheet}!A{row_number + 1}"
        elif first in contract.IDENTITY_KEYS:
            values[str(first)] = row[1] if len(row) > 1 else None
            cells[str(first)] = f"{sheet}!B{row_number}"
    missing = [key for key in contract.IDENTITY_KEYS if key not in values]
    if missing or not in_ids:
        what = f"nøkkelen «{missing[0]}»" if missing else f"raden «{contract.IDS_HEADER}»"
        raise InputError(f"{sheet}: {what} mangler; arbeidsboken er ikke laget av ipaudit select, eller er endret")
    for key in ("format_version", "n", "seed", "unassessed"):
        values[key] = _integer(values[key], cells[key])
    if values["format_version"] != contract.FORMAT_VERSION:
        raise InputError(
            f"{cells['format_version']}: arbeidsboken har formatversjon {values['format_version']}, "
            f"denne versjonen av ipaudit leser {contract.FORMAT_VERSION}"
        )
    for key in ("as_of", "period_from", "period_to", "profile", "stratify", "extract_fingerprint", "pseudonymized"):
        values[key] = "" if values[key] is None else str(values[key])
    return Identity(values=values, cells=cells, ids=tuple(ids), ids_cell=ids_cell)


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{where}: «{_shown(value)}» er ikke et heltall")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except ValueError:
        raise InputError(f"{where}: «{_shown(value)}» er ikke et heltall") from None
    if number != value and not isinstance(value, str):
        raise InputError(f"{where}: «{_shown(value)}» er ikke et heltall")
    return number


def _day(text: str) -> str:
    return dt.date.fromisoformat(text).strftime("%d.%m.%Y") if text else "ingen"


def check_identity(opened: OpenWorkbook, result: AuditResult, *, pseudonymized: bool) -> None:
    """Refuse a workbook made for another extract, as_of, period, profile or pseudonymisation
    (``pseudonymized``: whether this run will be; checked before the result is)."""
    ident, cells = opened.identity.values, opened.identity.cells
    fingerprint = contract.extract_fingerprint(result.extract)
    if ident["extract_fingerprint"] != fingerprint:
        raise InputError(
            f"{cells['extract_fingerprint']}: arbeidsboken er laget for et annet uttrekk "
            f"(fingeravtrykk {ident['extract_fingerprint'][:12]}…, dette uttrekket {fingerprint[:12]}…)"
        )
    checks = (
        ("as_of", result.as_of.isoformat(), "revisjonsdato", "--as-of", _day),
        ("period_from", result.period_from.isoformat() if result.period_from else "", "periodestart", "--from", _day),
        ("period_to", result.period_to.isoformat(), "periodeslutt", "--to", _day),
    )
    for key, mine, label, option, show in checks:
        theirs = ident[key]
        if theirs != mine:
            try:
                hint = f" (bruk {option} {theirs})" if theirs else ""
                raise InputError(
                    f"{cells[key]}: arbeidsboken er laget for {label} {show(theirs)}, "
                    f"denne kjøringen har {show(mine)}{hint}"
                )
            except ValueError:
                raise InputError(f"{cells[key]}: «{_shown(theirs)}» er ingen dato") from None
    profile = contract.profile_name(result.profile.source, result.profile.name)
    if ident["profile"] != profile:
        raise InputError(
            f"{cells['profile']}: arbeidsboken er laget for profilen «{_shown(ident['profile'])}», "
            f"denne kjøringen har «{profile}»"
        )
    made_pseudonymized = ident["pseudonymized"] == "ja"
    if made_pseudonymized and not pseudonymized:
        raise InputError(
            f"{cells['pseudonymized']}: arbeidsboken er pseudonymisert; kjør med --pseudonymize og samme nøkkelfil"
        )
    if pseudonymized and not made_pseudonymized:
        raise InputError(
            f"{cells['pseudonymized']}: arbeidsboken er ikke pseudonymisert; kjør uten --pseudonymize"
        )


def _verdict(value: object, where: str) -> str | None:
    """One of VERDICTS (spacing and case forgiven), None for an empty cell; else InputError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        wanted = " ".join(value.split()).casefold()
        for choice in contract.VERDICTS:
            if choice.casefold() == wanted:
                return choice
    choices = ", ".join(contract.VERDICTS)
    raise InputError(f"{where}: «{_shown(value)}» er ikke et gyldig svar (velg {choices} eller tomt)")


def read_review(opened: OpenWorkbook, result: AuditResult, draw: SampleDraw) -> Review:
    """The verdicts of the *Stikkprøve* sheet, checked against ``draw`` (the redraw of the
    identity's sample on this run, pseudonymised as the run is) and counted."""
    identity = opened.identity
    drawn = draw.patients.get_column("patient_id").to_list()
    if list(identity.ids) != drawn:
        raise InputError(
            f"{identity.cells['seed']}: trekningen med frø {identity.values['seed']} gir ikke pasientene "
            "arbeidsboken lister; den er laget for et annet frø, utvalg eller en annen nøkkel"
        )
    stratum_of = dict(draw.patients.select("patient_id", "stratum").iter_rows())
    rules = [r.meta.id for r in result.rules]
    manual = [m.id for m in MANUAL_REQUIREMENTS]
    sheet = contract.SAMPLE_SHEET
    rows = opened.book[sheet].iter_rows(values_only=True)
    header = [("" if h is None else str(h).strip()) for h in next(rows, ())]
    position = {name: i for i, name in reversed(list(enumerate(header)))}
    needed = [contract.PATIENT, *(contract.reviewer_column(x) for x in (*rules, *manual))]
    for name in needed:
        if name not in position:
            last = get_column_letter(max(len(header), 1))
            raise InputError(
                f"{sheet}!A1:{last}1: kolonnen «{name}» mangler; arbeidsboken passer ikke til denne kjøringen"
            )
    patient_col = position[contract.PATIENT]
    comment_col = position.get(contract.COMMENT)
    verdicts: dict[tuple[str, str], str] = {}
    first_row: dict[str, int] = {}
    comments = 0
    for row_number, row in enumerate(rows, start=2):
        values = list(row)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        raw_id = values[patient_col] if patient_col < len(values) else None
        patient_id = "" if raw_id is None else str(raw_id).strip()
        where = _cell(sheet, row_number, patient_col + 1)
        if not patient_id:
            raise InputError(f"{where}: raden har ingen pasient")
        if patient_id not in stratum_of:
            raise InputError(f"{where}: pasienten «{_shown(patient_id)}» er ikke i utvalget")
        if patient_id in first_row:
            raise InputError(f"{where}: pasienten står også i rad {first_row[patient_id]}")
        first_row[patient_id] = row_number
        stratum = stratum_of[patient_id]
        for item in (*rules, *manual):
            column = position[contract.reviewer_column(item)]
            value = values[column] if column < len(values) else None
            verdict = _verdict(value, _cell(sheet, row_number, column + 1))
            if verdict is None:
                continue
            if item in rules and not rule_applies(result, item, stratum):
                if verdict == contract.IKKE_AKTUELT:
                    continue
                raise InputError(
                    f"{_cell(sheet, row_number, column + 1)}: {item} gjelder ikke pasienter i utvalget "
                    f"«{STRATUM_LABELS[stratum]}»; la cellen stå tom"
                )
            verdicts[(patient_id, item)] = verdict
        if comment_col is not None and comment_col < len(values) and values[comment_col] not in (None, ""):
            comments += 1
    missing = [p for p in drawn if p not in first_row]
    if missing:
        raise InputError(
            f"{sheet}!A2:A{len(drawn) + 1}: {len(missing)} av de {len(drawn)} trukne pasientene mangler i arket; "
            "legg slettede rader tilbake"
        )
    applicable = {
        rule_id: [p for p in drawn if rule_applies(result, rule_id, stratum_of[p])] for rule_id in rules
    }
    statuses = result.results.filter(result.results["patient_id"].is_in(drawn)).select(
        "patient_id", "rule_id", "status"
    )
    return summarise(
        workbook_name=opened.path.name,
        workbook_sha256=opened.sha256,
        patients=drawn,
        verdicts=verdicts,
        rules=applicable,
        manual=manual,
        tool_status={(p, r): s for p, r, s in statuses.iter_rows()},
        comments=comments,
    )

