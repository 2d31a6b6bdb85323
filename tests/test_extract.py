"""Reading extracts: containers, CSV dialects, aliases, parsing, rejected rows and input errors.

Every test builds its tiny extract in ``tmp_path`` with the helpers at the top; test names say
which edge of ``spec/extract-format.md`` they pin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipaudit.errors import InputError
from ipaudit.extract import REJECTED_SCHEMA, TABLE_SCHEMAS, Extract, TableCounts, read_extract

Rows = Sequence[Sequence[object]]

PATIENTS: Rows = [["patient_id", "birth_date", "municipality"], ["0001", "1980-01-01", "0301"], ["0002", "", ""]]
ASSESSMENTS: Rows = [["assessment_id", "patient_id", "assessed_date", "need"], ["A1", "0001", "2024-01-01", "ja"]]
DOCUMENTS: Rows = [["document_id", "patient_id", "doc_date", "doc_type"], ["D1", "0001", "2024-01-02", "Epikrise"]]
EPISODES: Rows = [
    ["episode_id", "patient_id", "unit", "level", "care_type", "start_date", "end_date"],
    ["E1", "0001", "Psykiatri", "spesialist", "døgn", "2024-01-01", "2024-01-10"],
]
COORDINATORS: Rows = [
    ["patient_id", "name", "phone", "level", "appointed_date", "first_contact_date", "ended_date"],
    ["0001", "Kari Nordmann", "22334455", "kommune", "2024-01-05", "", ""],
]
NATIONAL_ID = "01018012345"
#: The reason for a bad date that is not shaped like one: named, never quoted.
NOT_A_DATE = "ugyldig dato (verdien vises ikke: den ser ikke ut som en dato)"


# --------------------------------------------------------------------------- helpers


def extract_csv_text(rows: Rows, delimiter: str = ";", newline: str = "\n") -> str:
    """Rows as CSV text, quoting fields that hold the delimiter, quotes, line breaks or edge spaces."""

    def field(value: object) -> str:
        text = "" if value is None else str(value)
        if any(c in text for c in (delimiter, '"', "\n", "\r")) or text != text.strip():
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(delimiter.join(field(v) for v in row) + newline for row in rows)


def extract_write_csv(
    path: Path, rows: Rows, delimiter: str = ";", encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    """Write rows as a CSV file in the given encoding (``utf-8-sig`` writes a BOM)."""
    path.write_bytes(extract_csv_text(rows, delimiter, newline).encode(encoding))
    return path


def extract_dir(tmp_path: Path, **tables: Rows | None) -> Path:
    """A directory extract: the three required tables by default, overridden or added by name.

    Pass ``patients=None`` to leave a table out. Files are ``<table>.csv`` with ``;``.
    """
    defaults: dict[str, Rows | None] = {"patients": PATIENTS, "assessments": ASSESSMENTS, "documents": DOCUMENTS}
    defaults.update(tables)
    directory = tmp_path / "extract"
    directory.mkdir(exist_ok=True)
    for table, rows in defaults.items():
        if rows is not None:
            extract_write_csv(directory / f"{table}.csv", rows)
    return directory


def extract_rejected(extract: Extract, table: str | None = None) -> list[tuple[str, int, str, str]]:
    """Rejected rows as (table, row, column, reason) tuples."""
    frame = extract.rejected if table is None else extract.rejected.filter(pl.col("table") == table)
    return [tuple(r) for r in frame.rows()]  # type: ignore[misc]


def extract_only_reason(extract: Extract, table: str) -> tuple[int, str, str]:
    """(row, column, reason) of the single rejected row of a table."""
    rows = extract_rejected(extract, table)
    assert len(rows) == 1, rows
    return rows[0][1:]


def extract_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx workbook; an empty list in a sheet's rows leaves a blank sheet row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def extract_assert_counts_add_up(extract: Extract) -> None:
    """rows_read = rows_accepted + rows_rejected, and both agree with the frames."""
    for table, counts in extract.counts.items():
        assert counts.rows_read == counts.rows_accepted + counts.rows_rejected, table
        assert counts.rows_accepted == extract.tables[table].height, table
        assert counts.rows_rejected == extract.rejected.filter(pl.col("table") == table).height, table


# --------------------------------------------------------------------------- containers


def test_minimal_directory_reads_required_tables_with_exact_schemas(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path))
    assert set(extract.tables) == {"patients", "assessments", "documents"}
    for table, frame in extract.tables.items():
        assert frame.schema == pl.Schema(TABLE_SCHEMAS[table]), table
    assert extract.rejected.schema == pl.Schema(REJECTED_SCHEMA)
    assert extract.rejected.is_empty()
    assert not extract.has("episodes") and not extract.has("coordinators")
    assert set(extract.counts) == {"patients", "assessments", "documents"}


def test_all_five_tables_counts_add_up(tmp_path: Path) -> None:
    bad_episode = ["E2", "0001", "Psykiatri", "spesialist", "", "2024-02-10", "2024-02-01"]
    bad_coordinator = ["0009", "", "", "kommune", "2024-01-05", "", ""]
    directory = extract_dir(
        tmp_path,
        patients=[*PATIENTS, ["0001", "", ""]],
        episodes=[*EPISODES, bad_episode],
        coordinators=[*COORDINATORS, bad_coordinator],
        assessments=[*ASSESSMENTS, ["A2", "0001", "2024-01-01", "kanskje"]],
        documents=[*DOCUMENTS, ["D2", "0001", "", "Epikrise"]],
    )
    extract = read_extract(directory)
    assert list(extract.tables) == ["patients", "episodes", "assessments", "coordinators", "documents"]
    extract_assert_counts_add_up(extract)
    assert {table: c.rows_rejected for table, c in extract.counts.items()} == dict.fromkeys(extract.tables, 1)
    for table, frame in extract.tables.items():
        assert frame.schema == pl.Schema(TABLE_SCHEMAS[table]), table


def test_norwegian_table_file_names_in_any_case(tmp_path: Path) -> None:
    directory = tmp_path / "uttrekk"
    directory.mkdir()
    extract_write_csv(directory / "Pasienter.CSV", PATIENTS)
    extract_write_csv(directory / "VURDERINGER.txt", ASSESSMENTS)
    extract_write_csv(directory / "journaldokumenter.csv", DOCUMENTS)
    extract_write_csv(directory / "opphold.csv", EPISODES)
    extract_write_csv(directory / "Koordinatorer.csv", COORDINATORS)
    extract = read_extract(directory)
    assert set(extract.tables) == {"patients", "episodes", "assessments", "coordinators", "documents"}
    assert {s.table: s.path.name for s in extract.sources}["documents"] == "journaldokumenter.csv"


def test_dokumenter_and_kontakter_are_table_names(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, documents=None)
    extract_write_csv(directory / "Dokumenter.csv", DOCUMENTS)
    extract_write_csv(directory / "kontakter.csv", EPISODES)
    assert read_extract(directory).has("episodes")


def test_other_files_are_ignored_and_listed(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "README.md").write_text("hei")
    (directory / "SHA256SUMS").write_text("abc")
    (directory / "patients.json").write_text("{}")
    extract = read_extract(directory)
    assert extract.ignored_files == ("README.md", "SHA256SUMS", "patients.json")


def test_two_files_for_one_table_is_input_error(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    extract_write_csv(directory / "Pasienter.txt", PATIENTS)
    with pytest.raises(InputError, match=r"to filer for tabellen patients: Pasienter.txt og patients.csv"):
        read_extract(directory)


@pytest.mark.parametrize("table", ["patients", "assessments", "documents"])
def test_missing_required_table_is_input_error_naming_it(tmp_path: Path, table: str) -> None:
    directory = extract_dir(tmp_path, **{table: None})
    with pytest.raises(InputError, match=rf"mangler tabellen {table}") as caught:
        read_extract(directory)
    assert str(directory) in str(caught.value)


def test_missing_table_mentions_a_same_named_file_of_another_format(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, patients=None)
    (directory / "pasienter.xls").write_bytes(b"old excel")
    with pytest.raises(InputError, match=r"fant pasienter.xls"):
        read_extract(directory)


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path))
    assert "episodes" not in extract.tables and "coordinators" not in extract.counts


def test_path_that_does_not_exist_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Finner ikke uttrekket"):
        read_extract(tmp_path / "nowhere")


def test_path_that_is_neither_directory_nor_xlsx_is_input_error(tmp_path: Path) -> None:
    path = extract_write_csv(tmp_path / "patients.csv", PATIENTS)
    with pytest.raises(InputError, match="verken en mappe eller en .xlsx-arbeidsbok"):
        read_extract(path)


def test_source_sha256_is_the_file_fingerprint(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    extract = read_extract(directory)
    for source in extract.sources:
        assert source.sha256 == hashlib.sha256(source.path.read_bytes()).hexdigest()
        assert source.sheet is None
    assert [s.table for s in extract.sources] == ["patients", "assessments", "documents"]


# --------------------------------------------------------------------------- CSV dialect


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    directory = tmp_path / "extract"
    directory.mkdir()
    extract_write_csv(directory / "patients.csv", PATIENTS, delimiter)
    extract_write_csv(directory / "assessments.csv", ASSESSMENTS, delimiter)
    documents = [[*DOCUMENTS[0], "title"], [*DOCUMENTS[1], "Notat; med, alle | tegn\tog mer"]]
    extract_write_csv(directory / "documents.csv", documents, delimiter)
    extract = read_extract(directory)
    assert extract.rejected.is_empty()
    assert extract.tables["documents"]["title"].to_list() == ["Notat; med, alle | tegn\tog mer"]
    assert extract.tables["patients"]["patient_id"].to_list() == ["0001", "0002"]


def test_delimiter_inside_quoted_header_is_not_counted(tmp_path: Path) -> None:
    header = '"patient_id";"birth,date,of,birth";municipality\n0001;1980-01-01;0301\n'
    directory = extract_dir(tmp_path)
    (directory / "patients.csv").write_text(header)
    assert read_extract(directory).tables["patients"]["municipality"].to_list() == ["0301"]


AEOA = "Særskilt øyeblikkelig hjelp, Ålesund"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_keep_aeoa(tmp_path: Path, encoding: str) -> None:
    directory = extract_dir(tmp_path)
    documents = [
        ["dokumentid", "pasientnr", "dokumentdato", "dokumenttype", "tittel"],
        ["D1", "0001", "2024-01-02", "Notat", AEOA],
    ]
    extract_write_csv(directory / "documents.csv", documents, encoding=encoding)
    if encoding == "cp1252":
        assert AEOA.encode("cp1252") in (directory / "documents.csv").read_bytes()
    extract = read_extract(directory)
    assert extract.tables["documents"]["title"].to_list() == [AEOA]


def test_windows_1252_headers_with_aeoa_are_recognised(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    patients = [["Pasientnr", "Fødselsdato", "Kommunenr"], ["0001", "01.01.1980", "301"]]
    extract_write_csv(directory / "patients.csv", patients, encoding="cp1252")
    assert read_extract(directory).tables["patients"].row(0) == ("0001", dt.date(1980, 1, 1), "0301", 2)


def test_decomposed_unicode_header_is_recognised(tmp_path: Path) -> None:
    header = ["episode_id", "patient_id", "unit", "Niva\u030a", "start_date"]
    episodes = [header, ["E1", "0001", "A", "kommune", "2024-01-01"]]
    extract = read_extract(extract_dir(tmp_path, episodes=episodes))
    assert extract.tables["episodes"]["level"].to_list() == ["kommune"]


def test_bom_before_a_header_alias_is_not_part_of_the_name(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    extract_write_csv(
        directory / "patients.csv", [["pasientnr", "fødselsdato"], ["0001", "01.01.1980"]], encoding="utf-8-sig"
    )
    assert read_extract(directory).tables["patients"]["patient_id"].to_list() == ["0001"]


def test_undecodable_file_is_input_error_naming_the_file(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    # 0xFF is invalid in UTF-8 and 0x81 is undefined in Windows-1252.
    (directory / "documents.csv").write_bytes(b"document_id;patient_id;doc_date;doc_type\nD1;0001;\xff\x81;x\n")
    with pytest.raises(InputError, match=r"documents.csv er verken UTF-8 eller Windows-1252"):
        read_extract(directory)


def test_utf16_file_is_input_error_with_a_hint(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "documents.csv").write_bytes(extract_csv_text(DOCUMENTS).encode("utf-16"))
    with pytest.raises(InputError, match=r"documents.csv er verken UTF-8 eller Windows-1252.*UTF-16"):
        read_extract(directory)


def test_bom_with_invalid_utf8_is_input_error(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "patients.csv").write_bytes(b"\xef\xbb\xbfpatient_id\n\xe6\xf8\xe5\n")
    with pytest.raises(InputError, match="patients.csv er UTF-8, men linje 2 har en byte som ikke er gyldig UTF-8"):
        read_extract(directory)


def test_empty_csv_is_input_error(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "documents.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"documents.csv er tom"):
        read_extract(directory)


def test_csv_row_with_too_many_fields_is_rejected_without_echoing_content(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "patients.csv").write_text(f"patient_id;birth_date\n0001;1980-01-01;{NATIONAL_ID}\n0002;\n")
    extract = read_extract(directory)
    assert extract_rejected(extract, "patients") == [("patients", 2, "", "raden har 3 felt, overskriftsraden har 2")]
    assert extract.counts["patients"].rows_read == 2
    assert NATIONAL_ID not in repr(extract.rejected.rows())


def test_unclosed_quote_is_input_error_naming_the_line_it_opens_on(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = 'document_id;patient_id;doc_date;doc_type\nD1;0001;"2024-01-01;x\nD2;0001\n'
    (directory / "documents.csv").write_text(text)
    with pytest.raises(InputError, match="documents.csv: et anførselstegn som åpner et felt på linje 2, lukkes aldri"):
        read_extract(directory)


def test_quoted_field_with_newline_and_delimiter_keeps_record_row_numbers(tmp_path: Path) -> None:
    documents = [
        [*DOCUMENTS[0], "text"],
        ["D1", "0001", "2024-01-02", "Notat", 'Linje 1;\r\nlinje 2, "sitat"\nlinje 3'],
        ["D2", "0001", "i går", "Notat", "kort"],
    ]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    assert extract.tables["documents"]["text"].to_list() == ['Linje 1;\r\nlinje 2, "sitat"\nlinje 3']
    assert extract_only_reason(extract, "documents") == (3, "doc_date", NOT_A_DATE)


def test_crlf_line_endings(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    extract_write_csv(directory / "patients.csv", PATIENTS, newline="\r\n")
    extract = read_extract(directory)
    assert extract.tables["patients"]["municipality"].to_list() == ["0301", None]


def test_blank_lines_are_skipped_and_delimiter_only_rows_counted_keeping_row_numbers(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = "patient_id;birth_date;municipality\n0001;;\n\n;;\n0002;x;\n"
    (directory / "patients.csv").write_text(text)
    extract = read_extract(directory)
    assert extract.counts["patients"] == TableCounts(3, 1, 2)
    assert extract_rejected(extract, "patients") == [
        ("patients", 4, "", "tom rad (ingen verdier)"),
        ("patients", 5, "birth_date", NOT_A_DATE),
    ]


def test_text_is_stripped_and_whitespace_only_is_null(tmp_path: Path) -> None:
    documents = [[*DOCUMENTS[0], "title", "author"], ["  D1 ", " 0001", " 2024-01-02 ", " Notat ", "  Tittel  ", "   "]]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    frame = extract.tables["documents"]
    assert frame.select("document_id", "patient_id", "title", "author").row(0) == ("D1", "0001", "Tittel", None)


def test_whitespace_only_required_value_is_missing(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "0001", "2024-01-02", "   "]]))
    assert extract_only_reason(extract, "documents") == (3, "doc_type", "mangler påkrevd verdi")


# --------------------------------------------------------------------------- aliases


def test_header_aliases_with_and_without_aeoa_in_any_case(tmp_path: Path) -> None:
    directory = extract_dir(
        tmp_path,
        patients=[["Pasientnr", "Fødselsdato", "KOMMUNENR"], ["0001", "01.01.1980", "301"]],
        episodes=[
            ["Kontaktid", "pasientnr", "Avdeling", "Nivå", "omsorgsniva", "Fra dato", "til-dato"],
            ["E1", "0001", "Psykiatri", "Spesialist", "dag", "01.01.2024", ""],
        ],
        assessments=[
            [
                "vurderingsid",
                "pasientnr",
                "vurdert_dato",
                "behov",
                "ØNSKER_IP",
                "onsker_koordinator",
                "Fyller_kriterier",
            ],
            ["A1", "0001", "2024-01-01", "ja", "ja", "nei", "j"],
        ],
        coordinators=[
            ["pasientnr", "koordinator", "tlf", "niva", "oppnevnt", "første_kontakt", "avsluttet_dato"],
            ["0001", "Ola", "99", "kommune", "2024-01-01", "2024-01-02", ""],
        ],
        documents=[
            ["dok_id", "pasientnr", "dato", "type", "tittel", "notat"],
            ["D1", "0001", "2024-01-02", "epikrise", "E", "T"],
        ],
    )
    extract = read_extract(directory)
    assert extract.rejected.is_empty(), extract.rejected
    assert extract.tables["patients"].row(0) == ("0001", dt.date(1980, 1, 1), "0301", 2)
    assert extract.tables["episodes"].select("unit", "level", "care_type", "start_date").row(0) == (
        "Psykiatri",
        "spesialist",
        "dag",
        dt.date(2024, 1, 1),
    )
    assert extract.tables["assessments"].select("criteria_met", "wants_ip", "wants_coordinator").row(0) == (
        True,
        True,
        False,
    )
    assert extract.tables["coordinators"].select("name", "phone", "first_contact_date").row(0) == (
        "Ola",
        "99",
        dt.date(2024, 1, 2),
    )
    assert extract.tables["documents"].select("doc_type", "text").row(0) == ("EPIKRISE", "T")


def test_canonical_header_wins_over_alias_and_extra_columns_are_dropped(tmp_path: Path) -> None:
    patients = [["kommune", "patient_id", "municipality", "pasientnr", "notes"], ["Oslo", "0001", "0301", "X", "y"]]
    extract = read_extract(extract_dir(tmp_path, patients=patients))
    assert extract.tables["patients"].row(0) == ("0001", None, "0301", 2)


def test_missing_required_column_is_input_error_naming_file_column_and_aliases(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, assessments=[["vurderingsid", "pasientnr", "dato"], ["A1", "0001", "2024-01-01"]])
    with pytest.raises(InputError) as caught:
        read_extract(directory)
    message = str(caught.value)
    assert "assessments.csv" in message and "need" in message and "behov" in message
    assert "\n" not in message


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "05.03.2024",
        "5.3.2024",
        "05.03.2024 14:30",
        "5.3.2024 14.30",
        "2024-03-05T14:30:00",
        "2024-03-05T14:30:00Z",
        "2024-03-05 14:30:00",
        "2024-03-05 14:30:00.000000",
    ],
)
def test_dates_iso_and_norwegian_with_and_without_time(tmp_path: Path, text: str) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[DOCUMENTS[0], ["D1", "0001", text, "Notat"]]))
    assert extract.tables["documents"]["doc_date"].to_list() == [dt.date(2024, 3, 5)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("05.03.24", "ugyldig dato «05.03.24» (årstallet må ha fire sifre)"),
        ("5.3.24 14:30", "ugyldig dato «5.3.24 14:30» (årstallet må ha fire sifre)"),
        ("31.02.2024", "ugyldig dato «31.02.2024»"),
        ("2023-02-29", "ugyldig dato «2023-02-29»"),
        ("2024-13-01", "ugyldig dato «2024-13-01»"),
        ("24-03-05", "ugyldig dato «24-03-05» (årstallet må ha fire sifre)"),
        ("5. mars 2024", NOT_A_DATE),
    ],
)
def test_two_digit_years_and_impossible_dates_are_rejected(tmp_path: Path, text: str, reason: str) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "0001", text, "Notat"]]))
    assert extract_only_reason(extract, "documents") == (3, "doc_date", reason)


def test_leap_day_is_a_date(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[DOCUMENTS[0], ["D1", "0001", "29.02.2024", "Notat"]]))
    assert extract.tables["documents"]["doc_date"].to_list() == [dt.date(2024, 2, 29)]


BOOLEANS = [
    ("ja", True), ("JA", True), ("j", True), ("J", True), ("true", True), ("TRUE", True), ("1", True),
    ("yes", True), ("Yes", True), ("nei", False), ("Nei", False), ("n", False), ("N", False),
    ("false", False), ("False", False), ("0", False), ("no", False), ("NO", False), ("", None),
]  # fmt: skip


def test_booleans_all_forms_any_case(tmp_path: Path) -> None:
    header = ["assessment_id", "patient_id", "assessed_date", "need", "criteria_met"]
    rows = [[f"A{i}", "0001", "2024-01-01", "ja", text] for i, (text, _) in enumerate(BOOLEANS)]
    extract = read_extract(extract_dir(tmp_path, assessments=[header, *rows]))
    assert extract.tables["assessments"]["criteria_met"].to_list() == [value for _, value in BOOLEANS]


def test_unknown_boolean_is_rejected_with_its_value(tmp_path: Path) -> None:
    header = ["assessment_id", "patient_id", "assessed_date", "need", "wants_ip"]
    extract = read_extract(extract_dir(tmp_path, assessments=[header, ["A1", "0001", "2024-01-01", "ja", "kanskje"]]))
    assert extract_only_reason(extract, "assessments") == (2, "wants_ip", "ugyldig ja/nei-verdi «kanskje»")


def test_enums_any_case_stored_lower_case_canonical(tmp_path: Path) -> None:
    episodes = [
        EPISODES[0],
        ["E1", "0001", "A", "SPESIALIST", "DØGN", "2024-01-01", ""],
        ["E2", "0001", "A", "Kommune", "dogn", "2024-01-01", ""],
        ["E3", "0001", "A", "kommune", "Poliklinisk", "2024-01-01", ""],
        ["E4", "0001", "A", "kommune", "", "2024-01-01", ""],
    ]
    assessments = [
        [*ASSESSMENTS[0], "services_from"],
        ["A1", "0001", "2024-01-01", "JA", "Begge"],
        ["A2", "0001", "2024-01-01", "Uavklart", ""],
        ["A3", "0001", "2024-01-01", "NEI", "KOMMUNE"],
    ]
    extract = read_extract(extract_dir(tmp_path, episodes=episodes, assessments=assessments))
    assert extract.rejected.is_empty(), extract.rejected
    assert extract.tables["episodes"]["level"].to_list() == ["spesialist", "kommune", "kommune", "kommune"]
    assert extract.tables["episodes"]["care_type"].to_list() == ["døgn", "døgn", "poliklinisk", None]
    assert extract.tables["assessments"]["need"].to_list() == ["ja", "uavklart", "nei"]
    assert extract.tables["assessments"]["services_from"].to_list() == ["begge", None, "kommune"]


def test_value_outside_its_set_is_rejected_quoting_it_as_written(tmp_path: Path) -> None:
    episodes = [EPISODES[0], ["E1", "0001", "A", "Fylke", "", "2024-01-01", ""]]
    extract = read_extract(extract_dir(tmp_path, episodes=episodes))
    assert extract_only_reason(extract, "episodes") == (
        2,
        "level",
        "ugyldig verdi «Fylke» (tillatt: spesialist, kommune)",
    )


def test_doc_type_matches_code_or_title_in_any_case_else_other(tmp_path: Path) -> None:
    header = [*DOCUMENTS[0], "title"]
    cases = [
        ("info_ip", "INFO_IP"),
        ("Informasjon om individuell plan og koordinator", "INFO_IP"),
        ("INFORMASJON  OM IP", "INFO_IP"),
        ("Samtykke til melding til kommunen", "SAMTYKKE"),
        ("Melding til koordinerende enhet", "MELDING_KE"),
        ("Individuell plan (og koordinator) FE", "IP_PLAN"),
        ("orientering om klagerett", "KLAGEVEILEDNING"),
        ("EPIKRISE", "EPIKRISE"),
        ("Notat", "JOURNALNOTAT"),
        ("Henvisning", "OTHER"),
    ]
    rows = [[f"D{i}", "0001", "2024-01-02", given, given] for i, (given, _) in enumerate(cases)]
    extract = read_extract(extract_dir(tmp_path, documents=[header, *rows]))
    frame = extract.tables["documents"]
    assert frame["doc_type"].to_list() == [code for _, code in cases]
    assert frame["title"].to_list() == [given for given, _ in cases]


def test_consent_scope_is_a_lower_case_list_and_empty_is_null(tmp_path: Path) -> None:
    header = [*DOCUMENTS[0], "consent_scope"]
    rows = [
        ["D1", "0001", "2024-01-02", "Samtykke", "IP, Koordinator"],
        ["D2", "0001", "2024-01-02", "Samtykke", "melding_kommune,informasjonsdeling,"],
        ["D3", "0001", "2024-01-02", "Samtykke", ""],
        ["D4", "0001", "2024-01-02", "Samtykke", " , "],
    ]
    extract = read_extract(extract_dir(tmp_path, documents=[header, *rows]))
    assert extract.tables["documents"]["consent_scope"].to_list() == [
        ["ip", "koordinator"],
        ["melding_kommune", "informasjonsdeling"],
        None,
        None,
    ]


def test_consent_scope_outside_its_set_rejects_the_row(tmp_path: Path) -> None:
    header = [*DOCUMENTS[0], "samtykke_omfang"]
    extract = read_extract(
        extract_dir(tmp_path, documents=[header, ["D1", "0001", "2024-01-02", "Samtykke", "ip, alt"]])
    )
    row, column, reason = extract_only_reason(extract, "documents")
    assert (row, column) == (2, "consent_scope")
    # a list is not one word, so it is named without its value
    assert reason.startswith("ugyldig verdi (verdien vises ikke: den er ikke ett kort ord) (tillatt: ip, koordinator")


def test_leading_zeros_kept_and_short_municipality_padded(tmp_path: Path) -> None:
    patients = [["patient_id", "municipality"], ["0001", "301"], ["0002", "0301"], ["00003", "46"], ["4", "Oslo"]]
    documents = [DOCUMENTS[0], ["0007", "00003", "2024-01-02", "Notat"]]
    extract = read_extract(extract_dir(tmp_path, patients=patients, documents=documents))
    assert extract.tables["patients"]["patient_id"].to_list() == ["0001", "0002", "00003", "4"]
    assert extract.tables["patients"]["municipality"].to_list() == ["0301", "0301", "0046", "Oslo"]
    assert extract.tables["documents"].select("document_id", "patient_id").row(0) == ("0007", "00003")


# --------------------------------------------------------------------------- rejected rows


def test_missing_required_value_is_rejected(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "", "2024-01-02", "Notat"]]))
    assert extract_only_reason(extract, "documents") == (3, "patient_id", "mangler påkrevd verdi")


def test_required_column_present_but_all_empty_rejects_every_row(tmp_path: Path) -> None:
    extract = read_extract(
        extract_dir(tmp_path, documents=[DOCUMENTS[0], ["D1", "0001", "", "Notat"], ["D2", "0001", "", "x"]])
    )
    assert [r[1:] for r in extract_rejected(extract)] == [
        (2, "doc_date", "mangler påkrevd verdi"),
        (3, "doc_date", "mangler påkrevd verdi"),
    ]


def test_duplicate_ids_keep_the_first_and_reject_later_copies(tmp_path: Path) -> None:
    documents = [
        *DOCUMENTS,
        ["D2", "0001", "2024-01-02", "Notat"],
        ["D1", "0001", "2024-01-03", "Notat"],
        ["D1", "0002", "2024-01-04", "Notat"],
    ]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    assert extract.tables["documents"]["source_row"].to_list() == [2, 3]
    assert [r[1:] for r in extract_rejected(extract)] == [
        (4, "document_id", "duplikat av rad 2"),
        (5, "document_id", "duplikat av rad 2"),
    ]


def test_duplicate_of_a_rejected_first_copy_is_still_a_duplicate(tmp_path: Path) -> None:
    documents = [DOCUMENTS[0], ["D1", "0001", "", "Notat"], ["D1", "0001", "2024-01-03", "Notat"]]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    assert [r[1:] for r in extract_rejected(extract)] == [
        (2, "doc_date", "mangler påkrevd verdi"),
        (3, "document_id", "duplikat av rad 2"),
    ]


def test_episode_ending_before_it_starts_is_rejected(tmp_path: Path) -> None:
    episodes = [
        EPISODES[0],
        ["E1", "0001", "A", "kommune", "", "10.01.2024", "09.01.2024"],
        ["E2", "0001", "A", "kommune", "", "10.01.2024", "10.01.2024"],
        ["E3", "0001", "A", "kommune", "", "10.01.2024", ""],
    ]
    extract = read_extract(extract_dir(tmp_path, episodes=episodes))
    assert extract_only_reason(extract, "episodes") == (2, "end_date", "til_dato før fra_dato")
    assert extract.tables["episodes"]["episode_id"].to_list() == ["E2", "E3"]


def test_orphans_are_rejected_in_every_table_with_a_patient(tmp_path: Path) -> None:
    directory = extract_dir(
        tmp_path,
        episodes=[*EPISODES, ["E2", "0404", "A", "kommune", "", "2024-01-01", ""]],
        coordinators=[*COORDINATORS, ["0404", "", "", "kommune", "2024-01-05", "", ""]],
        assessments=[*ASSESSMENTS, ["A2", "0404", "2024-01-01", "ja"]],
        documents=[*DOCUMENTS, ["D2", "0404", "2024-01-01", "Notat"]],
    )
    extract = read_extract(directory)
    orphan = "pasienten finnes ikke i pasienttabellen"
    assert extract_rejected(extract) == [
        ("episodes", 3, "patient_id", orphan),
        ("assessments", 3, "patient_id", orphan),
        ("coordinators", 3, "patient_id", orphan),
        ("documents", 3, "patient_id", orphan),
    ]


def test_rows_of_a_rejected_patient_say_so(tmp_path: Path) -> None:
    patients = [*PATIENTS, ["0003", "31.02.1980", ""]]
    documents = [*DOCUMENTS, ["D2", "0003", "2024-01-01", "Notat"]]
    extract = read_extract(extract_dir(tmp_path, patients=patients, documents=documents))
    assert extract_only_reason(extract, "documents") == (3, "patient_id", "pasienten er avvist i pasienttabellen")


def test_a_row_with_several_faults_gets_one_entry_listing_all(tmp_path: Path) -> None:
    header = ["assessment_id", "patient_id", "assessed_date", "need", "criteria_met", "services_from"]
    rows = [
        ["A1", "0001", "2024-01-01", "ja", "ja", "begge"],
        ["A1", "0404", "31.02.2024", "kanskje", "mulig", "fylke"],
    ]
    extract = read_extract(extract_dir(tmp_path, assessments=[header, *rows]))
    row, column, reason = extract_only_reason(extract, "assessments")
    assert row == 3
    assert column == "assessment_id, patient_id, assessed_date, need, criteria_met, services_from"
    assert reason.split("; ") == [
        "duplikat av rad 2",
        "pasienten finnes ikke i pasienttabellen",
        "ugyldig dato «31.02.2024»",
        "ugyldig verdi «kanskje» (tillatt: ja, nei, uavklart)",
        "ugyldig ja/nei-verdi «mulig»",
        "ugyldig verdi «fylke» (tillatt: spesialist, kommune, begge)",
    ]


def test_unparseable_required_date_is_one_fault_not_also_missing(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "0001", "snart", "Notat"]]))
    assert extract_only_reason(extract, "documents") == (3, "doc_date", NOT_A_DATE)


def test_rejected_sorted_by_table_order_then_row(tmp_path: Path) -> None:
    directory = extract_dir(
        tmp_path,
        patients=[*PATIENTS, ["0003", "x", ""], ["0004", "y", ""]],
        documents=[*DOCUMENTS, ["D2", "0001", "z", "Notat"]],
        assessments=[*ASSESSMENTS, ["A2", "0001", "2024-01-01", "q"]],
        coordinators=[*COORDINATORS, ["0001", "", "", "q", "2024-01-05", "", ""]],
    )
    extract = read_extract(directory)
    assert [(t, r) for t, r, _, _ in extract_rejected(extract)] == [
        ("patients", 4),
        ("patients", 5),
        ("assessments", 3),
        ("coordinators", 3),
        ("documents", 3),
    ]


def test_a_long_date_shaped_value_is_not_quoted(tmp_path: Path) -> None:
    value = "1" * 26
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "0001", value, "Notat"]]))
    assert extract_only_reason(extract, "documents")[2] == NOT_A_DATE


#: Journal text that lands in a coded column when a column is shifted.
SHIFTED_TEXT = "Kari Nordmann 010180 12345 klaget på vedtaket"


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("assessed_date", NOT_A_DATE),
        ("need", "ugyldig verdi (verdien vises ikke: den er ikke ett kort ord) (tillatt: ja, nei, uavklart)"),
        ("wants_ip", "ugyldig ja/nei-verdi (verdien vises ikke: den er ikke ett kort ord)"),
    ],
)
def test_shifted_column_text_in_a_coded_cell_is_never_quoted(tmp_path: Path, column: str, reason: str) -> None:
    header = ["assessment_id", "patient_id", "assessed_date", "need", "wants_ip"]
    row = dict(zip(header, ["A1", "0001", "2024-01-01", "ja", "ja"], strict=True)) | {column: SHIFTED_TEXT}
    extract = read_extract(extract_dir(tmp_path, assessments=[header, list(row.values())]))
    assert extract_only_reason(extract, "assessments") == (2, column, reason)
    for word in SHIFTED_TEXT.split():
        assert word not in reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Kari", "ugyldig ja/nei-verdi «Kari»"),  # one short word: quoted, as any enumeration value
        ("Nordmann,Kari", "ugyldig ja/nei-verdi (verdien vises ikke: den er ikke ett kort ord)"),
        ("a" * 21, "ugyldig ja/nei-verdi (verdien vises ikke: den er ikke ett kort ord)"),
        ("010180-12345", "ugyldig ja/nei-verdi «***********»"),
        ("ikke_avklart-ennå", "ugyldig ja/nei-verdi «ikke_avklart-ennå»"),
    ],
)
def test_a_yes_no_value_is_quoted_only_when_it_is_one_short_word(tmp_path: Path, text: str, reason: str) -> None:
    header = ["assessment_id", "patient_id", "assessed_date", "need", "wants_ip"]
    extract = read_extract(extract_dir(tmp_path, assessments=[header, ["A1", "0001", "2024-01-01", "ja", text]]))
    assert extract_only_reason(extract, "assessments") == (2, "wants_ip", reason)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("08.03.24", "ugyldig dato «08.03.24» (årstallet må ha fire sifre)"),
        ("31.02.2024 25:00", "ugyldig dato «31.02.2024 25:00»"),
        ("010180.12345", "ugyldig dato «***********»"),
        ("010180-12345", "ugyldig dato «***********»"),
        ("01.01.2024 Kari", NOT_A_DATE),
        ("08.03.24 kl 14", NOT_A_DATE + " (årstallet må ha fire sifre)"),
    ],
)
def test_a_date_is_quoted_only_when_shaped_like_one(tmp_path: Path, text: str, reason: str) -> None:
    extract = read_extract(extract_dir(tmp_path, documents=[*DOCUMENTS, ["D2", "0001", text, "Notat"]]))
    assert extract_only_reason(extract, "documents") == (3, "doc_date", reason)


def test_ids_and_free_text_are_never_quoted_in_reasons(tmp_path: Path) -> None:
    documents = [
        [*DOCUMENTS[0], "text"],
        ["HEMMELIG-ID", "PASIENT-X", "2024-01-02", "Notat", "fritekst"],
        ["HEMMELIG-ID", "PASIENT-X", "ugyldig", "", "fritekst"],
    ]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    reasons = " ".join(extract.rejected["reason"].to_list())
    assert "HEMMELIG" not in reasons and "PASIENT-X" not in reasons and "fritekst" not in reasons


# --------------------------------------------------------------------------- national id


def test_national_id_never_appears_anywhere_in_the_extract(tmp_path: Path) -> None:
    patients = [
        ["pasientnr", "fødselsdato", "Fødselsnummer", "fnr", "national_id"],
        ["0001", "01.01.1980", NATIONAL_ID, NATIONAL_ID, NATIONAL_ID],
        ["0002", NATIONAL_ID, NATIONAL_ID, NATIONAL_ID, NATIONAL_ID],
        ["0003", "010180 12345", "", "", ""],
    ]
    assessments = [[*ASSESSMENTS[0], "wants_ip"], [*ASSESSMENTS[1], NATIONAL_ID]]
    extract = read_extract(extract_dir(tmp_path, patients=patients, assessments=assessments))
    frames = [*extract.tables.values(), extract.rejected]
    for frame in frames:
        assert not any("national" in c or "fnr" in c or "fodsels" in c for c in frame.columns)
        dumped = frame.select(pl.all().cast(pl.String, strict=False)).write_csv()
        assert NATIONAL_ID not in dumped and "010180 12345" not in dumped
    assert len(extract.rejected) == 3  # both bad birth dates and the bad yes/no value, all masked
    assert "«***********»" in extract.rejected["reason"][0]


def test_national_id_column_alone_does_not_make_a_row_blank_or_visible(tmp_path: Path) -> None:
    patients = [["patient_id", "fnr"], ["0001", NATIONAL_ID], ["", NATIONAL_ID]]
    extract = read_extract(extract_dir(tmp_path, patients=patients))
    assert extract.counts["patients"].rows_read == 2  # counted: the row held something
    assert extract_rejected(extract, "patients") == [("patients", 3, "", "tom rad (ingen verdier)")]
    assert NATIONAL_ID not in repr(extract) and NATIONAL_ID not in repr(extract.rejected.rows())


# --------------------------------------------------------------------------- xlsx and parquet


def test_xlsx_workbook_with_date_cells_string_dates_and_blank_rows_keeps_sheet_rows(tmp_path: Path) -> None:
    book = extract_workbook(
        tmp_path / "uttrekk.xlsx",
        {
            "Pasienter": [
                [],
                [],
                ["pasientnr", "fødselsdato", "kommunenr", "fnr"],
                ["0001", dt.datetime(1980, 3, 5, 14, 30), 301.0, NATIONAL_ID],
                [],
                ["0002", "05.03.1981", "0301", None],
                ["0003", dt.date(1982, 1, 2), None, None],
                ["0004", "31.02.1980", None, None],
            ],
            "Vurderinger": [
                ["vurderingsid", "pasientnr", "dato", "behov", "ønsker_ip"],
                ["A1", "0001", dt.datetime(2024, 1, 1), "Ja", True],
                ["A2", "0002", "2024-01-02", "nei", 0],
                [None, None, None, None, None],
                ["A3", "0002", "2024-01-02", "kanskje", None],
            ],
            "Dokumenter": [
                ["dokumentid", "pasientnr", "dokumentdato", "dokumenttype"],
                ["D1", "0003", "2024-02-01", "Notat"],
            ],
            "Info": [["Uttrekk laget 2024-06-30"]],
        },
    )
    extract = read_extract(book)
    patients = extract.tables["patients"]
    assert patients.rows() == [
        ("0001", dt.date(1980, 3, 5), "0301", 4),
        ("0002", dt.date(1981, 3, 5), "0301", 6),
        ("0003", dt.date(1982, 1, 2), None, 7),
    ]
    assert extract.tables["assessments"].select("need", "wants_ip", "source_row").rows() == [
        ("ja", True, 2),
        ("nei", False, 3),
    ]
    assert extract_rejected(extract) == [
        ("patients", 8, "birth_date", "ugyldig dato «31.02.1980»"),
        ("assessments", 5, "need", "ugyldig verdi «kanskje» (tillatt: ja, nei, uavklart)"),
    ]
    assert extract.ignored_files == ("uttrekk.xlsx!Info",)
    assert [(s.table, s.sheet) for s in extract.sources] == [
        ("patients", "Pasienter"),
        ("assessments", "Vurderinger"),
        ("documents", "Dokumenter"),
    ]
    assert {s.sha256 for s in extract.sources} == {hashlib.sha256(book.read_bytes()).hexdigest()}
    extract_assert_counts_add_up(extract)


def test_header_only_table_has_zero_rows(tmp_path: Path) -> None:
    extract = read_extract(extract_dir(tmp_path, episodes=[EPISODES[0]]))
    assert extract.tables["episodes"].is_empty()
    assert extract.counts["episodes"].rows_read == 0


def test_xlsx_workbook_missing_a_required_sheet_is_input_error(tmp_path: Path) -> None:
    book = extract_workbook(tmp_path / "uttrekk.xlsx", {"patients": [list(r) for r in PATIENTS]})
    with pytest.raises(InputError, match=r"uttrekk.xlsx: mangler ark for tabellene assessments .*; documents .*"
                       r"arbeidsboken har arkene «patients»"):
        read_extract(book)


def test_xlsx_workbook_with_two_sheets_for_one_table_is_input_error(tmp_path: Path) -> None:
    rows = [list(r) for r in PATIENTS]
    book = extract_workbook(tmp_path / "uttrekk.xlsx", {"patients": rows, "Pasienter": rows})
    with pytest.raises(InputError, match="to ark for tabellen patients"):
        read_extract(book)


def test_xlsx_file_in_a_directory_uses_its_first_sheet(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, documents=None)
    extract_workbook(
        directory / "Dokumenter.xlsx",
        {
            "Ark1": [
                list(DOCUMENTS[0]),
                [],
                ["D1", "0001", dt.datetime(2024, 1, 2), "Epikrise"],
                ["D2", "0001", "x", "N"],
            ],
            "Ark2": [["z"]],
        },
    )
    extract = read_extract(directory)
    assert extract.tables["documents"].select("doc_date", "source_row").rows() == [(dt.date(2024, 1, 2), 3)]
    assert extract_only_reason(extract, "documents") == (4, "doc_date", NOT_A_DATE)
    assert extract.sources[-1].sheet is None


def test_xlsx_sheet_missing_a_required_column_is_input_error_naming_the_sheet(tmp_path: Path) -> None:
    book = extract_workbook(
        tmp_path / "uttrekk.xlsx",
        {"patients": [list(r) for r in PATIENTS], "assessments": [["A"]], "documents": [list(r) for r in DOCUMENTS]},
    )
    with pytest.raises(
        InputError, match=r"uttrekk.xlsx, ark «assessments»: mangler den påkrevde kolonnen assessment_id"
    ):
        read_extract(book)


def test_empty_xlsx_sheet_is_input_error(tmp_path: Path) -> None:
    book = extract_workbook(
        tmp_path / "uttrekk.xlsx",
        {"patients": [list(r) for r in PATIENTS], "assessments": [], "documents": [list(r) for r in DOCUMENTS]},
    )
    with pytest.raises(InputError, match=r"ark «assessments» er tomt"):
        read_extract(book)


def test_corrupt_xlsx_is_input_error(tmp_path: Path) -> None:
    book = tmp_path / "uttrekk.xlsx"
    book.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="kan ikke leses som Excel-arbeidsbok"):
        read_extract(book)


def test_corrupt_xlsx_in_a_directory_is_input_error(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, documents=None)
    (directory / "documents.xlsx").write_bytes(b"garbage")
    with pytest.raises(InputError, match="documents.xlsx kan ikke leses som Excel-arbeidsbok"):
        read_extract(directory)


def test_parquet_columns_are_cast_to_text_and_parsed_the_same_way(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, patients=None, documents=None)
    pl.DataFrame(
        {
            "pasientnr": ["0001", "0002"],
            "fodselsdato": [dt.date(1980, 1, 1), None],
            "kommunenr": [301, 4601],
            "fnr": [NATIONAL_ID, NATIONAL_ID],
        }
    ).write_parquet(directory / "pasienter.parquet")
    pl.DataFrame(
        {
            "document_id": ["D1", "D2", "D3"],
            "patient_id": ["0001", "0001", "0001"],
            "doc_date": [dt.datetime(2024, 1, 2, 14, 30), dt.datetime(2024, 1, 3), None],
            "doc_type": ["Samtykke", "notat", "Notat"],
            "consent_scope": [["IP", "koordinator"], None, []],
        }
    ).write_parquet(directory / "documents.parquet")
    extract = read_extract(directory)
    assert extract.tables["patients"].rows() == [
        ("0001", dt.date(1980, 1, 1), "0301", 2),
        ("0002", None, "4601", 3),
    ]
    documents = extract.tables["documents"]
    assert documents.select("doc_date", "doc_type", "consent_scope").rows() == [
        (dt.date(2024, 1, 2), "SAMTYKKE", ["ip", "koordinator"]),
        (dt.date(2024, 1, 3), "JOURNALNOTAT", None),
    ]
    assert extract_only_reason(extract, "documents") == (4, "doc_date", "mangler påkrevd verdi")


def test_corrupt_parquet_is_input_error(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path, documents=None)
    (directory / "documents.parquet").write_bytes(b"PAR1 nope")
    with pytest.raises(InputError, match="documents.parquet kan ikke leses som Parquet"):
        read_extract(directory)


# --------------------------------------------------------------------------- property


FAULTS = ("missing_id", "duplicate", "bad_date", "orphan", "bad_consent")
FAULT_COLUMNS = {
    "missing_id": "document_id",
    "duplicate": "document_id",
    "orphan": "patient_id",
    "bad_date": "doc_date",
    "bad_consent": "consent_scope",
}
FREE_TEXT = st.text(alphabet=st.sampled_from("abc æøå;,|\t\"\n'"), max_size=12)


@st.composite
def extract_document_rows(draw: st.DrawFn) -> list[tuple[frozenset[str], str]]:
    """Rows as (faults, free text); ``missing_id`` and ``duplicate`` exclude each other."""
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        faults = set(draw(st.sets(st.sampled_from(FAULTS), max_size=3)))
        if {"missing_id", "duplicate"} <= faults:
            faults.discard("duplicate")
        rows.append((frozenset(faults), draw(FREE_TEXT)))
    return rows


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=extract_document_rows(), delimiter=st.sampled_from([";", ",", "\t", "|"]))
def test_property_read_equals_accepted_plus_rejected_and_rejects_map_to_bad_rows(
    rows: list[tuple[frozenset[str], str]], delimiter: str
) -> None:
    header = ["document_id", "patient_id", "doc_date", "doc_type", "text", "consent_scope"]
    table: list[list[str]] = [header]
    expected: dict[int, set[str]] = {}
    for i, (faults, text) in enumerate(rows):
        row_number = i + 2
        doc_id = f"D{i}"
        if "missing_id" in faults:
            doc_id = ""
        elif "duplicate" in faults:
            earlier = [r[0] for r in table[1:] if r[0]]
            if not earlier:
                faults = faults - {"duplicate"}
            else:
                doc_id = earlier[0]
        patient = "0404" if "orphan" in faults else "0001"
        date = "31.02.2024" if "bad_date" in faults else "2024-03-05"
        consent = "ip, tull" if "bad_consent" in faults else "ip"
        # a row whose every value is empty is skipped as blank, so the doc type is never empty
        table.append([doc_id, patient, date, "Notat", text, consent])
        if faults:
            expected[row_number] = {FAULT_COLUMNS[f] for f in faults}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "extract"
        directory.mkdir()
        extract_write_csv(directory / "patients.csv", PATIENTS, delimiter)
        extract_write_csv(directory / "assessments.csv", ASSESSMENTS, delimiter)
        extract_write_csv(directory / "documents.csv", table, delimiter)
        extract = read_extract(directory)
    counts = extract.counts["documents"]
    assert counts.rows_read == len(rows) == counts.rows_accepted + counts.rows_rejected
    rejected = extract.rejected.filter(pl.col("table") == "documents")
    assert rejected["row"].is_unique().all()
    got = {row: set(column.split(", ")) for row, column in rejected.select("row", "column").rows()}
    assert got == expected
    assert extract.tables["documents"]["source_row"].to_list() == [
        i + 2 for i in range(len(rows)) if i + 2 not in expected
    ]
