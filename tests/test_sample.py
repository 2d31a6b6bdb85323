"""The synthetic extract: reproducible, messy in the right ways, and its ground truth right.

The main guard is ``reference_audit``: a small, literal, pure-Python reading of
spec/extract-format.md and spec/rules.md (national defaults, every profile's rules) that
recomputes, from the written files alone, every row that must be rejected and every
``fail``/``pending`` result, and must agree exactly with what ``generate`` recorded while
building the patients. It shares no code with the generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ipaudit.sample import RULE_ORDER, generate

AS_OF = dt.date(2025, 6, 30)
FILES = {
    "patients": "pasienter.csv",
    "episodes": "kontakter.csv",
    "assessments": "vurderinger.csv",
    "coordinators": "koordinatorer.csv",
    "documents": "dokumenter.csv",
}

# ------------------------------------------------------------------ reading (extract-format.md)
ALIASES = {
    "patients": {
        "patient_id": ("pasientnr", "pasient_id", "pasientnummer"),
        "birth_date": ("fodselsdato", "fødselsdato"),
        "municipality": ("kommunenr", "kommune"),
        "national_id": ("fodselsnummer", "fødselsnummer", "fnr"),
    },
    "episodes": {
        "episode_id": ("kontaktid", "kontakt_id", "oppholdsid"),
        "patient_id": ("pasientnr",),
        "unit": ("enhet", "avdeling"),
        "level": ("nivå", "niva"),
        "care_type": ("omsorgsnivå", "kontakttype"),
        "start_date": ("fra_dato", "innleggelsesdato"),
        "end_date": ("til_dato", "utskrivningsdato"),
    },
    "assessments": {
        "assessment_id": ("vurderingsid",),
        "patient_id": ("pasientnr",),
        "assessed_date": ("vurdert_dato", "dato"),
        "need": ("behov",),
        "criteria_met": ("fyller_kriterier",),
        "wants_ip": ("ønsker_ip", "onsker_ip"),
        "wants_coordinator": ("ønsker_koordinator", "onsker_koordinator"),
        "services_from": ("tjenester_fra",),
        "unit": ("enhet",),
    },
    "coordinators": {
        "patient_id": ("pasientnr",),
        "name": ("navn", "koordinator"),
        "phone": ("telefon", "tlf"),
        "level": ("nivå", "niva"),
        "appointed_date": ("oppnevnt_dato", "oppnevnt"),
        "first_contact_date": ("forste_kontakt", "første_kontakt"),
        "ended_date": ("avsluttet_dato",),
    },
    "documents": {
        "document_id": ("dokumentid", "dok_id"),
        "patient_id": ("pasientnr",),
        "episode_id": ("kontaktid",),
        "doc_date": ("dokumentdato", "dato"),
        "doc_type": ("dokumenttype", "type"),
        "title": ("tittel",),
        "status": ("dokumentstatus",),
        "unit": ("enhet",),
        "author": ("forfatter",),
        "text": ("tekst", "notat"),
        "consent_scope": ("samtykke_omfang",),
    },
}
# column -> (kind, required); kind: text | date | bool | a set of allowed values
COLUMNS: dict[str, dict[str, tuple[object, bool]]] = {
    "patients": {"patient_id": ("text", True), "birth_date": ("date", False)},
    "episodes": {
        "episode_id": ("text", True),
        "patient_id": ("text", True),
        "unit": ("text", True),
        "level": ({"spesialist", "kommune"}, True),
        "care_type": ({"døgn", "dag", "poliklinisk", "ambulant"}, False),
        "start_date": ("date", True),
        "end_date": ("date", False),
    },
    "assessments": {
        "assessment_id": ("text", True),
        "patient_id": ("text", True),
        "assessed_date": ("date", True),
        "need": ({"ja", "nei", "uavklart"}, True),
        "criteria_met": ("bool", False),
        "wants_ip": ("bool", False),
        "wants_coordinator": ("bool", False),
        "services_from": ({"spesialist", "kommune", "begge"}, False),
    },
    "coordinators": {
        "patient_id": ("text", True),
        "level": ({"spesialist", "kommune"}, True),
        "appointed_date": ("date", True),
        "first_contact_date": ("date", False),
        "ended_date": ("date", False),
    },
    "documents": {
        "document_id": ("text", True),
        "patient_id": ("text", True),
        "doc_date": ("date", True),
        "doc_type": ("text", True),
    },
}
ID_COLUMN = {
    "patients": "patient_id",
    "episodes": "episode_id",
    "assessments": "assessment_id",
    "documents": "document_id",
}
NO_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
TRUE, FALSE = {"ja", "j", "true", "1", "yes"}, {"nei", "n", "false", "0", "no"}


def parse_date(text: str) -> dt.date:
    if m := NO_DMY.match(text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := ISO.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(text)


def fold(header: str) -> str:
    return header.strip().lower()


def read_records(raw: list[list[str]], table: str) -> list[tuple[int, dict[str, str]]]:
    """Header mapping by alias; returns (row number, canonical -> stripped text)."""
    lookup = {alias: col for col, aliases in ALIASES[table].items() for alias in (col, *aliases)}
    columns = [lookup.get(fold(h)) for h in raw[0]]
    assert set(COLUMNS[table]) <= set(columns), (table, raw[0])
    return [
        (number, {c: v.strip() for c, v in zip(columns, record, strict=True) if c})
        for number, record in enumerate(raw[1:], start=2)
    ]


def validate(records: dict[str, list[tuple[int, dict[str, str]]]]):
    """Accepted rows with typed values, and the set of (table, row) rejected."""
    accepted: dict[str, list[dict[str, object]]] = {}
    rejected: set[tuple[str, int]] = set()
    patient_ids: set[object] = set()
    for table in FILES:
        seen: set[str] = set()
        accepted[table] = []
        for number, rec in records[table]:
            row: dict[str, object] = dict(rec)
            ok = True
            for col, (kind, required) in COLUMNS[table].items():
                value = rec.get(col, "")
                if not value:
                    row[col] = None
                    ok &= not required
                elif kind == "date":
                    try:
                        row[col] = parse_date(value)
                    except ValueError:
                        ok = False
                elif kind == "bool":
                    row[col] = True if value.lower() in TRUE else False if value.lower() in FALSE else "?"
                    ok &= row[col] != "?"
                elif isinstance(kind, set):
                    row[col] = value.lower()
                    ok &= value.lower() in kind
            if table == "episodes" and ok and row["end_date"] and row["end_date"] < row["start_date"]:
                ok = False
            if table != "patients" and row.get("patient_id") not in patient_ids:
                ok = False
            id_col = ID_COLUMN.get(table)
            if id_col and rec.get(id_col):
                ok &= rec[id_col] not in seen
                seen.add(rec[id_col])
            if ok:
                accepted[table].append(row)
            else:
                rejected.add((table, number))
        if table == "patients":
            patient_ids = {r["patient_id"] for r in accepted["patients"]}
    return accepted, rejected


# ------------------------------------------------------------------ the rules (rules.md)
TITLES = {
    "INFO_IP": ("informasjon om individuell plan og koordinator", "informasjon om ip"),
    "SAMTYKKE": ("samtykke", "samtykke individuell plan", "samtykke til melding til kommunen"),
    "MELDING_KE": ("melding om behov for individuell plan og koordinator", "melding til koordinerende enhet"),
    "IP_PLAN": ("individuell plan", "individuell plan (og koordinator) fe"),
    "KLAGEVEILEDNING": ("klageveiledning", "orientering om klagerett"),
    "EPIKRISE": ("epikrise",),
    "JOURNALNOTAT": ("journalnotat", "notat"),
}
DOC_TYPE = {name: code for code, names in TITLES.items() for name in (code.lower(), *names)}
PATTERNS = {
    "INFO_IP": [
        r"\b(informert|informerte|informasjon|orientert|orientering) om (retten til )?"
        r"(individuell plan|ip\b|koordinator|barnekoordinator)"
    ],
    "INFO_BARNEKOORDINATOR": [
        r"\b(informert|informerte|informasjon|orientert|orientering) om (retten til )?(en |ein )?barnekoordinator"
    ],
    "SAMTYKKE": [
        r"\bsamtykk\w* (til|i) (individuell plan|ip\b|melding|koordinator|"
        r"informasjonsdeling|utveksling)"
    ],
    "KLAGEVEILEDNING": [
        r"\bklagerett",
        r"\bklageadgang",
        r"\brett til (å|a) klage",
        r"\b(informert|orientert|veiledet|rettleia) om (retten til (å|a) )?klage",
    ],
    "MENTION": [r"\bkoordinator", r"\bindividuell plan", r"\bip\b"],
}
NEGATION = re.compile(r"\b(ikke|ikkje|ingen|aldri|not)\b", re.I)
CLAUSE_END = re.compile(r"[.!?;,:\n\r]|\bmen\b", re.I)
DRAFT = {"kladd", "utkast", "ufullstendig", "draft"}
PLACEHOLDERS = {"ukjent", "nn", "n.n.", "-", "?", "x", "xx", "ikke oppnevnt", "mangler", "tbd"}
SUSPENDED = (dt.date(2020, 3, 27), dt.date(2020, 5, 26))


def has_evidence(text: str | None, kind: str) -> bool:
    for pattern in PATTERNS[kind]:
        for match in re.finditer(pattern, text or "", re.I):
            ends = [m.end() for m in CLAUSE_END.finditer(text, 0, match.start())]
            clause = text[(ends[-1] if ends else 0) : match.start()]
            if not NEGATION.search(clause):
                return True
    return False


def real_name(name: str | None) -> bool:
    name = (name or "").strip()
    return sum(ch.isalpha() for ch in name) >= 2 and name.lower() not in PLACEHOLDERS


def reference_audit(tables, as_of: dt.date) -> set[tuple[str, str, str]]:
    """Every (rule, patient, status) with status fail or pending."""
    days = dt.timedelta
    by_patient = {t: defaultdict(list) for t in FILES}
    for table, rows in tables.items():
        for row in rows:
            by_patient[table][row["patient_id"]].append(row)
    out: set[tuple[str, str, str]] = set()

    def put(rule: str, pid: str, ok: bool, due: dt.date | None) -> None:
        if not ok:
            out.add((rule, pid, "pending" if due is not None and as_of <= due else "fail"))

    for patient in tables["patients"]:
        pid = patient["patient_id"]
        assessments = [a for a in by_patient["assessments"][pid] if a["assessed_date"] <= as_of]
        if not assessments:  # IP00
            episodes = [e for e in by_patient["episodes"][pid] if e["start_date"] <= as_of]
            stay = sum(((e["end_date"] or as_of) - e["start_date"]).days for e in episodes if e["care_type"] == "døgn")
            put("IP00", pid, not (stay >= 21 or len({e["unit"] for e in episodes}) >= 3), None)
        needs = [a["assessed_date"] for a in assessments if a["need"] == "ja"]
        if not needs:
            continue
        index = min(needs)
        start = index - days(90)

        def documented(field: str, index: dt.date = index, rows: list = assessments) -> object:
            filled = [a for a in rows if a["assessed_date"] >= index and a[field] is not None]
            return max(filled, key=lambda a: a["assessed_date"])[field] if filled else None

        criteria, wants_ip = documented("criteria_met"), documented("wants_ip")
        wants_co, services = documented("wants_coordinator"), documented("services_from")
        docs = [
            {**d, "type": DOC_TYPE.get(d["doc_type"].lower(), "OTHER")}
            for d in by_patient["documents"][pid]
            if start <= d["doc_date"] <= as_of and (d.get("status") or "").lower() not in DRAFT
        ]
        coords = [c for c in by_patient["coordinators"][pid] if start <= c["appointed_date"] <= as_of]
        suspended = SUSPENDED[0] <= index <= SUSPENDED[1]

        def evidence(kind: str, docs: list = docs) -> list[dict]:
            return [d for d in docs if d["type"] == kind or has_evidence(d.get("text"), kind)]

        def of_type(kind: str, docs: list = docs) -> list[dict]:
            return [d for d in docs if d["type"] == kind]

        put("IP01", pid, bool(evidence("INFO_IP")), index + days(14))
        if not suspended:
            put("IP02", pid, criteria is not None and wants_ip is not None, index + days(14))
        actions = of_type("MELDING_KE") + of_type("IP_PLAN")
        consents = evidence("SAMTYKKE")
        if wants_ip is True or wants_co is True or coords or actions:
            if actions:
                first = min(d["doc_date"] for d in actions)
                before = [s for s in consents if s["doc_date"] <= first]
                notice_first = any(d["doc_date"] == first for d in of_type("MELDING_KE"))

                def narrow(s: dict) -> bool:
                    scope = [p.strip() for p in (s.get("consent_scope") or "").split(",") if p.strip()]
                    return s["type"] == "SAMTYKKE" and bool(scope) and "melding_kommune" not in scope

                put("IP03", pid, bool(before) and not (notice_first and all(map(narrow, before))), None)
            else:
                put("IP03", pid, bool(consents), index + days(14))
        put("IP04", pid, bool(coords) or wants_co is False, index + days(30))
        if coords:
            put("IP05", pid, all(real_name(c.get("name")) for c in coords), None)
            put("HB01", pid, all(len(re.sub(r"\D", "", c.get("phone") or "")) >= 8 for c in coords), None)
        if (wants_ip is True or wants_co is True) and services != "spesialist":
            sent = [d for d in of_type("MELDING_KE") if d["doc_date"] <= index + days(14)]
            put("IP06", pid, bool(sent), index + days(14))
        branch_a = criteria is False
        owns_plan = wants_ip is True and services == "spesialist"  # v2: only then does the hospital own the plan
        branch_b = not suspended and owns_plan and not of_type("IP_PLAN") and as_of > index + days(90)
        branch_c = wants_co is True and not coords and as_of > index + days(30)
        if branch_a or branch_b or branch_c:
            klage = [d for d in evidence("KLAGEVEILEDNING") if d["doc_date"] >= index]
            put("IP07", pid, bool(klage), None if branch_b or branch_c else index + days(14))
        municipal = [c for c in coords if c["level"] == "kommune"]
        if municipal:
            late = [
                c
                for c in municipal
                if c["first_contact_date"] and c["first_contact_date"] > c["appointed_date"] + days(14)
            ]
            missing = [c for c in municipal if not c["first_contact_date"]]
            overdue = [c for c in missing if as_of > c["appointed_date"] + days(14)]
            if late or overdue:
                out.add(("IP08", pid, "fail"))
            elif missing:
                out.add(("IP08", pid, "pending"))
        starts = [c["appointed_date"] for c in coords] + [d["doc_date"] for d in of_type("IP_PLAN")]
        if starts:
            epikriser = [d for d in of_type("EPIKRISE") if d["doc_date"] >= min(starts)]
            if epikriser:
                put("IP09", pid, any(has_evidence(d.get("text"), "MENTION") for d in epikriser), None)
        if len(coords) >= 2:
            latest = max(coords, key=lambda c: c["appointed_date"])
            name = (latest.get("name") or "").strip().lower()
            earlier = [
                (c.get("name") or "").strip().lower() for c in coords if c["appointed_date"] < latest["appointed_date"]
            ]
            if name and any(e and e != name for e in earlier):
                renewed = [s for s in consents if s["doc_date"] >= latest["appointed_date"]]
                put("IP10", pid, bool(renewed), latest["appointed_date"] + days(14))
        plans = of_type("IP_PLAN")
        if plans and not suspended:
            put("IP11", pid, len({d["unit"] for d in plans}) <= 1, None)
        if owns_plan and not suspended:
            put("IP12", pid, bool(plans), index + days(90))
        born = patient.get("birth_date")
        if born and index >= dt.date(2022, 8, 1):
            try:
                adult_from = born.replace(year=born.year + 18)
            except ValueError:  # 29 February: the 18th birthday is 1 March
                adult_from = dt.date(born.year + 18, 3, 1)
            if index < adult_from:
                told = [d for d in docs if has_evidence(d.get("text"), "INFO_BARNEKOORDINATOR")]
                put("IP13", pid, bool(told), index + days(14))
    return out


# ------------------------------------------------------------------ helpers
def csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def xlsx_rows(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = []
            for value in row:
                if isinstance(value, dt.datetime):
                    value = value.strftime("%d.%m.%Y %H:%M")
                cells.append("" if value is None else str(value))
            rows.append(cells)
        width = len(rows[0])
        sheets[sheet.title] = [row + [""] * (width - len(row)) for row in rows]
    return sheets


def audit_files(raw: dict[str, list[list[str]]], as_of: dt.date):
    tables, rejected = validate({t: read_records(raw[t], t) for t in FILES})
    return reference_audit(tables, as_of), rejected, tables


def ground_truth(out: Path) -> tuple[set[tuple[str, str, str]], set[tuple[str, int]]]:
    with (out / "ground_truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = {(r["rule_id"], r["patient_id"], r["status"]) for r in csv.DictReader(handle)}
    with (out / "ground_truth_rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = {(r["table"], int(r["row"])) for r in csv.DictReader(handle)}
    return truth, rejected


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize(
    ("seed", "patients", "as_of"),
    [(1, 400, AS_OF), (7, 250, AS_OF), (3, 200, dt.date(2023, 1, 15)), (5, 120, dt.date(2020, 9, 1))],
)
def test_reference_audit_agrees_with_ground_truth(tmp_path: Path, seed: int, patients: int, as_of):
    summary = generate(tmp_path, patients=patients, seed=seed, as_of=as_of)
    raw = {t: csv_rows(tmp_path / "extract" / name) for t, name in FILES.items()}
    found, rejected, tables = audit_files(raw, as_of)
    truth, truth_rejected = ground_truth(tmp_path)
    assert rejected == truth_rejected
    assert sorted(found - truth) == [] and sorted(truth - found) == []
    assert summary.gaps == {r: sum(t[0] == r for t in truth) for r in RULE_ORDER if any(t[0] == r for t in truth)}
    # a SAMTYKKE document with a scope never also matches the SAMTYKKE phrases (no ambiguity)
    for doc in tables["documents"]:
        if doc.get("consent_scope"):
            assert not has_evidence(doc.get("text"), "SAMTYKKE")


def test_every_rule_has_failures_and_pending_where_it_has_a_deadline(tmp_path: Path):
    generate(tmp_path, patients=300, seed=11)
    truth, rejected = ground_truth(tmp_path)
    assert {rule for rule, _, status in truth if status == "fail"} == set(RULE_ORDER)
    pending = {rule for rule, _, status in truth if status == "pending"}
    assert pending == {"IP01", "IP02", "IP03", "IP04", "IP06", "IP07", "IP08", "IP10", "IP12", "IP13"}
    assert {table for table, _ in rejected} == set(FILES)


def test_rejected_rows_cover_every_kind_of_fault(tmp_path: Path):
    generate(tmp_path, patients=150, seed=4)
    with (tmp_path / "ground_truth_rejected.csv").open(encoding="utf-8") as handle:
        faults = {row["fault"] for row in csv.DictReader(handle)}
    assert faults == {
        "unparseable date",
        "two-digit year",
        "bad boolean",
        "value outside set",
        "duplicate id",
        "orphan patient_id",
        "end before start",
        "missing required value",
    }


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path):
    def files(out: Path, seed: int) -> dict[str, bytes]:
        generate(out, patients=80, seed=seed, xlsx=out / "extract.xlsx")
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first, again = files(tmp_path / "a", 5), files(tmp_path / "b", 5)
    assert first == again
    other = files(tmp_path / "c", 6)
    assert other["extract/dokumenter.csv"] != first["extract/dokumenter.csv"]
    assert other["ground_truth.csv"] != first["ground_truth.csv"]


def test_files_look_like_a_norwegian_export(tmp_path: Path):
    generate(tmp_path, patients=100, seed=2)
    extract = tmp_path / "extract"
    assert sorted(p.name for p in extract.iterdir()) == sorted([*FILES.values(), "README.txt"])
    docs = (extract / "dokumenter.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        docs.decode("utf-8")  # æøå as single Windows-1252 bytes
    text = docs.decode("cp1252")
    assert text.startswith("DokumentID;Pasientnr;KontaktID;Dokumentdato;Dokumenttype;Tittel;")
    assert "Informasjon om individuell plan og koordinator" in text
    assert re.search(r";\d\d\.\d\d\.\d{4} \d\d:\d\d;", text)  # dates with a time
    records = csv_rows(extract / "dokumenter.csv")
    assert any("\n" in cell for row in records for cell in row)  # quoted line breaks
    assert any(";" in cell for row in records for cell in row)  # quoted delimiters
    headers = {t: csv_rows(extract / name)[0] for t, name in FILES.items()}
    assert headers["patients"][:4] == ["Pasientnr", "Fødselsdato", "Kommunenr", "Fødselsnummer"]
    assert headers["assessments"][3:6] == ["Behov", "Fyller_kriterier", "Ønsker_IP"]
    patient_ids = [row[0] for row in csv_rows(extract / "pasienter.csv")[1:]]
    assert all(re.fullmatch(r"\d{7}", pid) for pid in patient_ids)
    assert patient_ids[0].startswith("000")
    assert all(re.fullmatch(r"\d{11}", row[3]) for row in csv_rows(extract / "pasienter.csv")[1:])


def test_xlsx_holds_the_same_extract(tmp_path: Path):
    summary = generate(tmp_path, patients=120, seed=9, xlsx=tmp_path / "uttrekk.xlsx")
    assert summary.xlsx == tmp_path / "uttrekk.xlsx"
    sheets = xlsx_rows(tmp_path / "uttrekk.xlsx")
    assert list(sheets) == ["Pasienter", "episodes", "Vurderinger", "coordinators", "Dokumenter"]
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "uttrekk.xlsx", read_only=True)
    for sheet in book.worksheets:  # real Excel dates in some date cells of every sheet
        assert any(isinstance(v, dt.datetime) for row in sheet.iter_rows(values_only=True) for v in row)
    raw = dict(zip(FILES, sheets.values(), strict=True))
    for table in FILES:
        assert len(raw[table]) == summary.rows[table] + 1
    found, rejected, _ = audit_files(raw, AS_OF)
    truth, truth_rejected = ground_truth(tmp_path)
    assert found == truth
    assert rejected == truth_rejected
