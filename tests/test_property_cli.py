"""Property tests of the reader through the command line (issue 12, "Done when").

Random bytes as one table file, random CSV structures (delimiters, quoting, CR/LF/CRLF,
ragged, blank and delimiter-only rows, UTF-8 or Windows-1252) and random workbook shapes
(sheet names, empty sheets, sparse cells, the header row and column anywhere, numbers, dates
and booleans in cells) go through ``ipaudit validate`` and ``ipaudit audit`` (every format but supervision)
in-process, and every run must hold:

* exit 0, 1 or 2, never a traceback (internal errors propagate: IPAUDIT_DEBUG=1);
* exit 2: stderr is exactly one line starting ``ipaudit: ``; validate and audit agree on it;
  a file the generator wrote well-formed (no raw line) is never refused;
* for every table, rows read = accepted + rejected, in validate's table and in the JSON, the
  JSON's rejected list has one entry per rejected row, and — where the generator knows it —
  rows read is the number of non-blank records it wrote;
* a national id planted in the Fødselsnummer column and inside a free-text cell appears in no
  output file and nowhere on stdout or stderr.

Hypothesis runs derandomised (the same few examples every run) so CI is deterministic and
the file stays fast; ``IPAUDIT_PROPERTY_EXAMPLES=300`` hunts with that many random examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_cli import ASSESSMENTS, COORDINATORS

from ipaudit.cli import main

NATIONAL_ID = "13097248022"
"""Planted in the Fødselsnummer column and inside journal text; must reach no output."""
OTHER_ID = "24118937711"
PATIENTS = (
    "Pasientnr;Fødselsdato;Kommunenr;Fødselsnummer\n"
    f"0001;01.02.1980;301;{NATIONAL_ID}\n0002;03.04.1990;4601;{OTHER_ID}\n"
)
DOC_HEADER = [
    "Dokumentid", "Pasientnr", "Dokumentdato", "Dokumenttype", "Tittel",
    "Dokumentstatus", "Enhet", "Forfatter", "Tekst", "Samtykke_omfang",
]  # fmt: skip
DOC_ROWS = [
    ["D1", "0001", "04.03.2025", "Informasjon om IP", "Informasjon om IP", "Godkjent", "DPS Nord", "Lege A", "", ""],
    ["D2", "0001", "05.03.2025", "Samtykke", "Samtykke", "Godkjent", "DPS Nord", "Lege A", "", "ip,koordinator"],
    ["D3", "0002", "06.03.2025", "Notat", "Notat", "Godkjent", "Medisinsk avdeling", "Lege B",
     f"Pasienten (fnr {NATIONAL_ID}) er informert om IP; ønsker ikke.", ""],
]  # fmt: skip
DOCUMENTS = "\n".join(";".join(f'"{v}"' if ";" in v else v for v in row) for row in [DOC_HEADER, *DOC_ROWS]) + "\n"
TABLE_FILES = {
    "patients": ("pasienter", PATIENTS),
    "assessments": ("vurderinger", ASSESSMENTS),
    "documents": ("dokumenter", DOCUMENTS),
    "coordinators": ("koordinatorer", COORDINATORS),
}
_TABLE_OF = {stem: table for table, (stem, _) in TABLE_FILES.items()}
AS_OF = "2025-06-30"
FORMATS = "html,xlsx,json,csv"
"""Every format of an internal run: the HTML and the workbook show clauses of journal text."""
DELIMITERS = (";", ",", "\t", "|")  # ipaudit.extract.csvio.DELIMITERS
EXPLORE = int(os.environ.get("IPAUDIT_PROPERTY_EXAMPLES", "0"))
"""Set to hunt: that many random (not derandomised) examples per property, e.g. 300."""
PROPERTY = settings(
    max_examples=EXPLORE or 4,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
Expected = dict[str, tuple[int, int]]
"""Per table: the rows the reader must count, and how many of them it must at least reject."""
COUNT_LINE = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)$")

pytestmark = pytest.mark.slow


def _write_base(directory: Path, *, skip: str | None = None) -> None:
    """The valid extract (Windows-1252, ';'), every table but ``skip``."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, (stem, text) in TABLE_FILES.items():
        if table != skip:
            (directory / f"{stem}.csv").write_bytes(text.encode("cp1252"))


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, env={"IPAUDIT_DEBUG": "1"}, catch_exceptions=False)


def _assert_exit(result: Result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ipaudit: "), result.stderr
        assert not result.stdout.strip(), result.stdout


def _contents(path: Path) -> bytes:
    """A file's bytes; a workbook's unzipped members, where its text is."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(name) for name in book.namelist())


def _validate_counts(output: str) -> dict[str, tuple[int, int, int]]:
    """validate's table: table → (read, accepted, rejected)."""
    counts = {}
    for line in output.splitlines():
        match = COUNT_LINE.match(line)
        if match:
            counts[match[1]] = (int(match[2]), int(match[3]), int(match[4]))
    return counts


def check_cli(extract: Path, out: Path, expected: Expected | None = None) -> None:
    """Run validate and audit on ``extract`` and assert every property of the module docstring."""
    validate = _invoke(["validate", str(extract)])
    _assert_exit(validate)
    args = ["audit", str(extract), "--as-of", AS_OF, "--out", str(out), "--format", FORMATS, "--fail-on", "never"]
    audit = _invoke(args)
    _assert_exit(audit)
    streams = validate.output + validate.stderr + audit.output + audit.stderr
    assert NATIONAL_ID not in streams and OTHER_ID not in streams
    # A file the generator wrote well-formed (it knows the counts) must be read, not refused.
    assert expected is None or validate.exit_code != 2, validate.stderr
    if validate.exit_code == 2:
        assert audit.exit_code == 2 and audit.stderr == validate.stderr
        return
    counts = _validate_counts(validate.output)
    assert counts and all(read == accepted + rejected for read, accepted, rejected in counts.values()), counts
    assert validate.exit_code == (1 if any(rejected for *_, rejected in counts.values()) else 0)
    if audit.exit_code != 2:  # the engine may still refuse the data (one line, checked above)
        doc = json.loads((out / "ipaudit-results.json").read_text("utf-8"))
        tables = doc["input"]["tables"]
        assert {t: (c["rows_read"], c["rows_accepted"], c["rows_rejected"]) for t, c in tables.items()} == counts
        for table, c in tables.items():
            rows = {r["row"] for r in doc["rejected"] if r["table"] == table}
            assert len(rows) == c["rows_rejected"] == sum(r["table"] == table for r in doc["rejected"])
        for path in out.rglob("*"):
            if path.is_file():
                data = _contents(path)
                assert NATIONAL_ID.encode() not in data and OTHER_ID.encode() not in data, path.name
    for table, (read, malformed) in (expected or {}).items():
        assert counts[table][0] == read and counts[table][2] >= malformed, (table, counts[table], read, malformed)


def _run(build: Callable[[Path], Expected | None]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected = build(root / "uttrekk")
        check_cli(root / "uttrekk", root / "out", expected)


# --- (a) random bytes as one table file --------------------------------------------------------


@PROPERTY
@given(
    table=st.sampled_from(list(TABLE_FILES)),
    suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".parquet"]),
    prefix=st.sampled_from([b"", b"Dokumentid;Pasientnr;Dokumentdato\n", b"\xef\xbb\xbf", b"PK\x03\x04", b"PAR1"]),
    data=st.binary(max_size=400),
)
@example(table="documents", suffix=".csv", prefix=b"", data=b"")
@example(table="patients", suffix=".csv", prefix=b"", data=b"Pasientnr;F\xf8dselsdato\r0001;01.01.1980\r\xc3")
def test_property_random_bytes_as_a_table_file(table: str, suffix: str, prefix: bytes, data: bytes) -> None:
    def build(extract: Path) -> None:
        _write_base(extract, skip=table)
        (extract / f"{TABLE_FILES[table][0]}{suffix}").write_bytes(prefix + data)

    _run(build)


def _workbook_bytes(tables: dict[str, str]) -> bytes:
    """An .xlsx with one sheet per (sheet name → ';' CSV text), every cell text."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.created = workbook.properties.modified = dt.datetime(2025, 1, 1)  # the same bytes every run
    for name, text in tables.items():
        sheet = workbook.create_sheet(name)
        for line in csv.reader(io.StringIO(text), delimiter=";"):
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def _valid_files() -> dict[str, bytes]:
    """Valid table files to damage: the documents table as CSV, .xlsx and Parquet, and a workbook extract."""
    import polars as pl

    frame = pl.DataFrame([dict(zip(DOC_HEADER, row, strict=True)) for row in DOC_ROWS])
    parquet = io.BytesIO()
    frame.with_columns(pl.lit(NATIONAL_ID).alias("Fødselsnummer")).write_parquet(parquet)
    book = {stem: text for stem, text in TABLE_FILES.values() if stem != "koordinatorer"}
    return {
        "dokumenter.csv": DOCUMENTS.encode("cp1252"),
        "dokumenter.xlsx": _workbook_bytes({"Ark1": DOCUMENTS}),
        "dokumenter.parquet": parquet.getvalue(),
        "uttrekk.xlsx": _workbook_bytes(book),
    }


@PROPERTY
@given(
    name=st.sampled_from(["dokumenter.csv", "dokumenter.xlsx", "dokumenter.parquet", "uttrekk.xlsx"]),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    keep=st.one_of(st.none(), st.floats(0, 1)),
)
# Found by this test: a byte inside the sheet's deflate stream raised zlib.error (exit 3).
@example(name="dokumenter.xlsx", flips=[(0.5, 0)], keep=None)
# Found by this test: the undamaged file, whose note D3 quotes a fødselsnummer in the clause
# that counted for IP01, showed it in the HTML report and the workbook.
@example(name="dokumenter.csv", flips=[], keep=None)
# Found by this test: a byte of a Parquet page header changed made polars panic (pyo3's
# PanicException is no Exception): a traceback. (Byte 54 of polars 2.1's file.)
@example(name="dokumenter.parquet", flips=[(54.5 / 4659, 0x7F)], keep=None)
def test_property_damaged_table_file(name: str, flips: list[tuple[float, int]], keep: float | None) -> None:
    """A valid CSV, workbook or Parquet file with bytes overwritten and the end cut off."""
    data = bytearray(_valid_files()[name])
    for where, byte in flips:
        data[int(where * len(data))] = byte
    if keep is not None:
        del data[int(keep * len(data)) :]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if name == "uttrekk.xlsx":
            extract = root / name
            extract.write_bytes(bytes(data))
        else:
            extract = root / "uttrekk"
            _write_base(extract, skip="documents")
            (extract / name).write_bytes(bytes(data))
        check_cli(extract, root / "out")


# --- (b) random CSV structures ------------------------------------------------------------------

# Encodable in Windows-1252 and never forming a UTF-8 multibyte character there.
ALPHABET = "abcæøåÆØÅé 019;,|\t\"'\n\r="
VALUES = {
    "Dokumentid": st.sampled_from(["D1", "D2", "D9", ""]),
    "Pasientnr": st.sampled_from(["0001", "0002", "0404", ""]),
    "Dokumentdato": st.sampled_from(["04.03.2025", "2025-03-05", "31.02.2025", "05.03.2025 10:15", ""]),
    "Dokumenttype": st.sampled_from(["Notat", "Informasjon om IP", "Samtykke", "Melding til koordinerende enhet"]),
    "Dokumentstatus": st.sampled_from(["Godkjent", "Utkast", ""]),
    "Tekst": st.sampled_from([f"fnr {NATIONAL_ID}", "Pasienten er informert om IP.", NATIONAL_ID, ""]),
    "Samtykke_omfang": st.sampled_from(["ip", "ip,koordinator", "tull", ""]),
    "Fødselsnummer": st.sampled_from([NATIONAL_ID, OTHER_ID, ""]),
    "Fødselsdato": st.sampled_from(["01.02.1980", "1990-04-03", "29.02.1981", ""]),
    "Kommunenr": st.sampled_from(["301", "4601", "0301", "x", ""]),
}
FREE = st.text(alphabet=ALPHABET, max_size=8)


@dataclass(frozen=True)
class Record:
    """One record to write: its fields (None: a raw line of ``text``), and how it is written."""

    fields: tuple[str, ...] | None
    text: str
    quote_all: bool
    ending: str
    kind: str



@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes, Expected | None]:
    """A random CSV file for the documents or patients table, and what the reader must count
    (None when a raw line makes it unknowable)."""
    table = draw(st.sampled_from(["documents", "patients"]))
    stem, text = TABLE_FILES[table]
    header = next(csv.reader([text.splitlines()[0]], delimiter=";"))
    if "Fødselsnummer" not in header and draw(st.booleans()):
        header.insert(draw(st.integers(0, len(header))), "Fødselsnummer")
    for extra in draw(st.lists(st.sampled_from(["Ekstra", "", "fnr", header[0], header[-1].upper()]), max_size=2)):
        header.insert(draw(st.integers(0, len(header))), extra)  # unknown, unnamed or repeated columns
    delimiter = draw(st.sampled_from(DELIMITERS))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3, unique=True))
    records: list[Record] = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["row", "row", "row", "ragged", "blank", "empty", "raw"]))
        ending = draw(st.sampled_from(endings))
        quote_all = draw(st.booleans())
        if kind == "row":
            fields = tuple(draw(st.one_of(VALUES.get(name, FREE), FREE)) for name in header)
        elif kind == "ragged":
            width = draw(st.integers(2, len(header) + 3).filter(lambda w, n=len(header): w != n))
            fields = tuple(draw(FREE) for _ in range(width))
        elif kind == "blank":
            fields = (draw(st.sampled_from(["", " ", "  "])),)
        elif kind == "empty":
            fields = tuple("" for _ in header)
        else:
            raw = st.text(alphabet=ALPHABET.replace("\n", "").replace("\r", ""))
            records.append(Record(None, draw(raw), False, ending, kind))
            continue
        records.append(Record(fields, "", quote_all, ending, kind))
    lead = draw(st.sampled_from(["", "\n", " \r\n"]))
    body = lead + _line(tuple(header), delimiter, False) + draw(st.sampled_from(endings))
    for record in records:
        body += record.text if record.fields is None else _line(record.fields, delimiter, record.quote_all)
        body += record.ending
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    if any(r.fields is None for r in records):
        return f"{stem}.csv", body.encode(encoding), None
    read = [r for r in records if r.fields is not None and not _blank(r.fields)]
    malformed = sum(r.kind in ("ragged", "empty") for r in read)
    return f"{stem}.csv", body.encode(encoding), {table: (len(read), malformed)}


def _line(fields: tuple[str, ...], delimiter: str, quote_all: bool) -> str:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    # The terminator tells the writer to quote a field holding CR or LF; it is cut off again.
    csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue().removesuffix("\r\n")


def _blank(fields: tuple[str, ...]) -> bool:
    """A blank record (records.py): no field, or one field with nothing but spaces."""
    return len(fields) == 1 and not fields[0].strip()


@PROPERTY
@given(file=csv_files())
# Found by this test: a blank line before a ','-separated header made ';' the delimiter (the
# blank line decided it), so the file had one column and "mangler den påkrevde kolonnen".
@example(file=("pasienter.csv", b"\r\nPasientnr,F\xf8dselsdato,Kommunenr\n0001,01.02.1980,301\n", {"patients": (1, 0)}))
def test_property_random_csv_structures(file: tuple[str, bytes, Expected | None]) -> None:
    name, data, expected = file

    def build(extract: Path) -> Expected | None:
        _write_base(extract, skip=_TABLE_OF[name.removesuffix(".csv")])
        (extract / name).write_bytes(data)
        return expected

    _run(build)


# --- (c) random workbook shapes -----------------------------------------------------------------

CELLS = st.one_of(
    st.none(),
    FREE,
    st.integers(-5, 10**12),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 12, 31)),
    st.sampled_from(["0001", "0002", "04.03.2025", "Notat", "ja", "nei"]),
)
SHEET_NAME = st.text(alphabet="abcxyzæøåABC 0123_-", min_size=1, max_size=20)


@st.composite
def workbooks(draw: st.DrawFn) -> tuple[list[tuple[str, list[list[object]]]], Expected]:
    """Sheets (name, rows of cells) and, per table sheet, the rows the reader must count."""
    sheets: list[tuple[str, list[list[object]]]] = []
    expected: Expected = {}
    tables = [("pasienter", PATIENTS), ("vurderinger", ASSESSMENTS), ("dokumenter", DOCUMENTS)]
    if draw(st.booleans()):
        tables.append(("koordinatorer", COORDINATORS))
    for name, text in tables:
        header, *rows = [next(csv.reader([line], delimiter=";")) for line in text.splitlines()]
        top, left = draw(st.integers(0, 3)), draw(st.integers(0, 2))
        grid: list[list[object]] = [[draw(st.sampled_from([None, " "])) for _ in range(left)] for _ in range(top)]
        grid.append([None] * left + list(header) + draw(st.lists(st.sampled_from([None, "Ekstra", 7]), max_size=2)))
        filled = 0
        for row in rows + [[] for _ in range(draw(st.integers(0, 3)))]:
            cells: list[object] = [draw(st.sampled_from([None, None, "x", 3])) for _ in range(left)]
            for column, value in zip(header, row, strict=False):  # [] is an empty sheet row
                cells.append(draw(_cell(column, value)))
            cells += draw(st.lists(CELLS, max_size=2))
            if draw(st.integers(0, 4)) == 0:
                cells = [None] * len(cells)  # an empty sheet row
            grid.append(cells)
            filled += any(c is not None and str(c).strip() for c in cells)
        sheets.append((name, grid))
        expected[_TABLE_OF[name]] = (filled, 0)
    others = st.tuples(SHEET_NAME, st.lists(st.lists(CELLS, max_size=3), max_size=3))
    sheets += draw(st.lists(others, max_size=2))  # sheets that are no table: empty or random
    order = draw(st.permutations(range(len(sheets))))
    return [sheets[i] for i in order], expected


def _cell(column: str, value: str) -> st.SearchStrategy[object]:
    """A cell under ``column`` of a row whose value was ``value``: it, nothing, or anything;
    a national id only where one belongs (the Fødselsnummer column, as text or a number, and
    journal text)."""
    if column == "Fødselsnummer":
        return st.sampled_from([value, int(value), None, NATIONAL_ID, int(NATIONAL_ID)])
    if column == "Tekst":
        return st.sampled_from([value, None, f"fnr {NATIONAL_ID} ringte", NATIONAL_ID, int(NATIONAL_ID)])
    return st.one_of(st.just(value), st.just(value), st.none(), CELLS)



@PROPERTY
@given(book=workbooks())
def test_property_random_workbook_shapes(book: tuple[list[tuple[str, list[list[object]]]], Expected]) -> None:
    from openpyxl import Workbook

    sheets, expected = book

    def build(extract: Path) -> Expected:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, grid in sheets:
            sheet = workbook.create_sheet(name)
            for r, row in enumerate(grid, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        sheet.cell(row=r, column=c, value=value)
        extract.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(extract)
        return expected  # SHEET_NAME cannot spell a table's name

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        book_path = root / "uttrekk.xlsx"
        known = build(book_path)
        check_cli(book_path, root / "out", known)
