"""CSV structure and encoding (spec/extract-format.md v2, issue 12 item 1): no silent misreading.

Each test reproduces a way an extract used to be misread without a word (CR-only line ends
read as one header line, a UTF-8 file with a stray byte decoded whole as Windows-1252) or
stopped whole (one ragged record), and pins what happens now.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from ipaudit.errors import InputError
from ipaudit.extract import TableCounts, read_extract
from tests.test_extract import (
    ASSESSMENTS,
    DOCUMENTS,
    NATIONAL_ID,
    PATIENTS,
    extract_assert_counts_add_up,
    extract_csv_text,
    extract_dir,
    extract_rejected,
    extract_workbook,
)

NEEDS = [
    ["vurderingsid", "pasientnr", "dato", "behov", "ønsker_ip"],
    ["A1", "0001", "2024-01-01", "ja", "ja"],
    ["A2", "0002", "2024-01-01", "nei", "nei"],
]


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_every_line_end_reads_the_same_rows(tmp_path: Path, newline: str) -> None:
    directory = extract_dir(tmp_path)
    for name, rows in (("patients", PATIENTS), ("assessments", ASSESSMENTS), ("documents", DOCUMENTS)):
        (directory / f"{name}.csv").write_text(extract_csv_text(rows, newline=newline), newline="")
    extract = read_extract(directory)
    assert {t: c.rows_read for t, c in extract.counts.items()} == {"patients": 2, "assessments": 1, "documents": 1}
    assert extract.tables["patients"]["municipality"].to_list() == ["0301", None]


def test_mixed_line_ends_in_one_file_with_a_line_break_inside_quotes(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = (
        "document_id;patient_id;doc_date;doc_type;text\r\n"
        'D1;0001;2024-01-02;Notat;"a\rb"\n'
        "D2;0001;x;Notat;c\r"
        "D3;0001;2024-01-02;Notat;d\r\n"
    )
    (directory / "documents.csv").write_bytes(text.encode())
    extract = read_extract(directory)
    assert extract.counts["documents"] == TableCounts(3, 2, 1)
    assert extract.tables["documents"]["source_row"].to_list() == [2, 4]
    assert extract_rejected(extract, "documents")[0][1] == 3


def test_windows_1252_file_with_national_id_header_never_loads_the_column(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = extract_csv_text([["pasientnr", "Fødselsnummer"], ["0001", NATIONAL_ID], ["0002", NATIONAL_ID]])
    (directory / "patients.csv").write_bytes(text.encode("cp1252"))
    extract = read_extract(directory)
    assert extract.counts["patients"].rows_accepted == 2
    assert NATIONAL_ID not in repr(extract.tables) and "dselsnummer" not in repr(extract.tables)


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        pytest.param(b"A2;0002;2024-01-01;nei;n\xe6\n", 3, id="stray Windows-1252 byte"),
        pytest.param(b"A2;0002;2024-01-01;nei;\xc3", 3, id="multibyte char cut off at the end"),
    ],
)
def test_utf8_file_with_a_bad_byte_is_an_input_error_naming_file_and_line(
    tmp_path: Path, tail: bytes, line: int
) -> None:
    directory = extract_dir(tmp_path)
    head = extract_csv_text(NEEDS[:2]).encode("utf-8")
    (directory / "assessments.csv").write_bytes(head + tail)
    with pytest.raises(InputError, match=rf"assessments.csv er UTF-8, men linje {line} har en byte"):
        read_extract(directory)


def test_bad_byte_line_counts_cr_only_line_ends(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    data = "vurderingsid;pasientnr;dato;behov;ønsker_ip\rA1;0001;2024-01-01;ja;ja\rA2;x\xe6".encode()
    (directory / "assessments.csv").write_bytes(data.replace("\xe6".encode(), b"\xe6"))
    with pytest.raises(InputError, match="linje 3"):
        read_extract(directory)


def test_pure_windows_1252_file_still_reads(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "assessments.csv").write_bytes(extract_csv_text(NEEDS).encode("cp1252"))
    extract = read_extract(directory)
    assert extract.tables["assessments"]["wants_ip"].to_list() == [True, False]


def test_row_with_fewer_fields_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = "patient_id;birth_date;municipality\n0001;1980-01-01;0301\n0002;1980-01-01\n0003;;\n"
    (directory / "patients.csv").write_text(text)
    extract = read_extract(directory)
    assert extract.counts["patients"] == TableCounts(3, 2, 1)
    assert extract_rejected(extract, "patients") == [("patients", 3, "", "raden har 2 felt, overskriftsraden har 3")]
    extract_assert_counts_add_up(extract)


def test_text_after_a_closing_quote_rejects_the_row(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = 'document_id;patient_id;doc_date;doc_type\nD1;0001;"2024-01-02"x;Notat\nD2;0001;2024-01-02;Notat\n'
    (directory / "documents.csv").write_text(text)
    extract = read_extract(directory)
    assert extract.counts["documents"] == TableCounts(2, 1, 1)
    assert extract_rejected(extract, "documents") == [
        ("documents", 2, "", "feil bruk av anførselstegn (tekst etter et avsluttende anførselstegn)")
    ]


def test_quote_closed_lines_later_makes_one_rejected_record_naming_its_lines(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = (
        "document_id;patient_id;doc_date;doc_type\n"
        'D1;0001;"2024-01-02;Notat\nD2;0001;2024-01-02";Notat;x\n'
        "D3;0001;2024-01-02;Notat\n"
    )
    (directory / "documents.csv").write_text(text)
    extract = read_extract(directory)
    assert extract_rejected(extract, "documents") == [
        ("documents", 2, "", "raden har 5 felt, overskriftsraden har 4 (linje 2–3 i filen)")
    ]
    assert extract.tables["documents"]["source_row"].to_list() == [3]  # record 3 is line 4


def test_unclosed_quote_on_a_later_field_names_its_own_line(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = 'document_id;patient_id;doc_date;doc_type;text\nD1;0001;2024-01-02;Notat;"a\nb";D2;"0001\nrest\n'
    (directory / "documents.csv").write_text(text)
    with pytest.raises(InputError, match="på linje 3, lukkes aldri"):
        read_extract(directory)


def test_quote_inside_an_unquoted_value_is_kept_as_written(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    text = 'document_id;patient_id;doc_date;doc_type;title\nD1;0001;2024-01-02;Notat;12" skjerm\n'
    (directory / "documents.csv").write_text(text)
    extract = read_extract(directory)
    assert extract.tables["documents"]["title"].to_list() == ['12" skjerm']


def test_blank_lines_before_the_header_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    directory = extract_dir(tmp_path)
    (directory / "patients.csv").write_text("\n\npatient_id;birth_date\n0001;x\n")
    extract = read_extract(directory)
    assert extract_rejected(extract, "patients")[0][1] == 4


def test_a_value_longer_than_the_csv_module_default_limit_is_read(tmp_path: Path) -> None:
    note = "lang tekst " * 20_000  # 220 000 characters, over csv's 131 072
    documents = [[*DOCUMENTS[0], "text"], [*DOCUMENTS[1], note], ["D2", "0001", "x", "Notat", '"sitat"']]
    extract = read_extract(extract_dir(tmp_path, documents=documents))
    assert extract.tables["documents"]["text"].to_list() == [note.strip()]


def test_plain_and_repaired_files_give_identical_tables(tmp_path: Path) -> None:
    """The same rows read through polars straight from disk and through the clean copy."""
    rows = [[*DOCUMENTS[0], "text"], *[[f"D{i}", "0001", "2024-01-02", "Notat", f"t;{i}\nx"] for i in range(5)]]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = read_extract(extract_dir(tmp_path / "a", documents=rows))
    ragged = [*rows, ["D9", "0001"]]
    repaired = read_extract(extract_dir(tmp_path / "b", documents=ragged))
    assert repaired.tables["documents"].equals(plain.tables["documents"])
    assert repaired.rejected.filter(pl.col("table") == "documents").height == 1


def test_workbook_with_one_cell_at_xfd1048576_is_refused_in_one_line(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Pasienter"
    sheet.append(["patient_id"])
    sheet.append(["0001"])
    sheet["XFD1048576"] = "x"  # calamine would allocate 17 billion cells and abort the process
    directory = extract_dir(tmp_path, patients=None)
    book.save(directory / "pasienter.xlsx")
    with pytest.raises(InputError, match=r"pasienter.xlsx: arket strekker seg til kolonne XFD og rad 1048576"):
        read_extract(directory)


def test_a_wide_workbook_sheet_is_still_read(tmp_path: Path) -> None:
    extras = [f"ekstra{i}" for i in range(40)]  # columns up to AP: two-letter references
    directory = extract_dir(tmp_path, patients=None)
    extract_workbook(directory / "pasienter.xlsx", {"P": [["patient_id", *extras], ["0001", *extras]]})
    assert read_extract(directory).counts["patients"].rows_accepted == 1


@pytest.mark.parametrize(
    ("data", "bare"),
    [
        (b"a;b\r\n1;2\r\n3;4\r\n", False),
        (b"a;b\r\n1;2\r3;4\r\n", True),
        (b"a;b\r\n1;2\r\n3;4\r", True),
        (b"a;b\n1;2\n\r\n", False),
        (b"a;b\r\r\n1;2\n", True),
    ],
)
def test_a_crlf_split_between_two_chunks_of_the_byte_scan_is_no_bare_cr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, bare: bool
) -> None:
    # A bare CR sends the whole file down the exact record pass (ten times slower at 1 GB), so a
    # CRLF that happens to straddle two chunks must not count as one, wherever the cut falls.
    from ipaudit.extract import encoding

    path = tmp_path / "pasienter.csv"
    path.write_bytes(data)
    for chunk in range(1, len(data) + 1):
        monkeypatch.setattr(encoding, "_CHUNK", chunk)
        assert encoding.scan_bytes(path).bare_cr is bare, (chunk, data)
