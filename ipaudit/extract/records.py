"""The record structure of a CSV file: which records are blank, which are malformed, and why.

One streaming pass with Python's ``csv`` module (strict quoting, any line end: CRLF, LF or
CR alone, also mixed) looks at every record after the header and classifies it:

* **blank** — a line with nothing on it (or only spaces): skipped, not counted, but it keeps
  its record number, as a spreadsheet keeps an empty row;
* **malformed** — more or fewer fields than the header, or a quoted field with text after its
  closing quote: the record is rejected with its record number and a reason, and the rest of
  the file is read (spec/extract-format.md v2);
* a quote that opens a field and is never closed swallows the rest of the file: that is an
  input error naming the line where the quote opens.

A quote inside an unquoted field (``12" skjerm``) is kept as written, as Excel does.
Record numbers count records, not lines (the header is row 1); a rejected record that
spans several lines also names them. The pass keeps no values, so the national id column
is never held in memory. When the file is not plain RFC 4180 (a malformed or blank-headed
record, a literal quote, a CR-only line end) ``clean_copy`` writes the good records as a
clean UTF-8 CSV, with the record number in front and the national id columns left out,
for polars to read exactly as it reads a clean file.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ipaudit.errors import InputError

SOURCE_ROW_HEADER = "__ipaudit_source_row"
"""Header of the record-number column ``clean_copy`` puts first."""

QUOTE_FAULT = "feil bruk av anførselstegn (tekst etter et avsluttende anførselstegn)"


def field_count_fault(found: int, expected: int) -> str:
    """«raden har 5 felt, overskriftsraden har 4»."""
    return f"raden har {found} felt, overskriftsraden har {expected}"


@dataclass
class RecordScan:
    """What the structural pass found in one CSV file."""

    header: list[str]
    """The header record's fields."""
    header_row: int
    """Record number of the header (1 unless blank lines come first)."""
    records: int = 0
    """Records after the header, blank ones included."""
    blank: list[int] = field(default_factory=list)
    """Record numbers of blank records (skipped, not counted)."""
    faults: list[tuple[int, str]] = field(default_factory=list)
    """(record number, reason) of every malformed record, in file order."""
    literal_quote: bool = False
    """Some value holds a quote character (polars would read it differently from Excel)."""

    @property
    def plain(self) -> bool:
        """True when polars reads the file record for record as this pass did."""
        return self.header_row == 1 and not self.faults and not self.literal_quote


def _reader(handle: TextIO, delimiter: str) -> Any:  # _csv.Reader, not importable by name
    csv.field_size_limit(sys.maxsize)  # a journal note may be longer than the 128 KiB default
    return csv.reader(handle, delimiter=delimiter, quotechar='"', strict=True)


def _is_blank(record: list[str]) -> bool:
    return not record or (len(record) == 1 and not record[0].strip())


class _Records:
    """Iterate a file's records as (record number, first line, last line, fields or fault)."""

    def __init__(self, path: Path, encoding: str, delimiter: str, label: str) -> None:
        self.path, self.encoding, self.delimiter, self.label = path, encoding, delimiter, label

    def __iter__(self) -> Iterator[tuple[int, int, int, list[str] | None, str | None]]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = _reader(handle, self.delimiter)
            number = 0
            last_line = 0
            while True:
                first_line = last_line + 1
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    if "unexpected end of data" in str(exc):
                        self._unclosed(first_line)
                    last_line = reader.line_num
                    yield number, first_line, last_line, None, QUOTE_FAULT
                    continue
                number += 1
                last_line = reader.line_num
                yield number, first_line, last_line, record, None

    def _unclosed(self, first_line: int) -> None:
        line = _opening_quote_line(self.path, self.encoding, self.delimiter, first_line)
        raise InputError(
            f"{self.label}: et anførselstegn som åpner et felt på linje {line}, lukkes aldri "
            "(resten av filen ville blitt ett felt)"
        )


def scan_records(path: Path, encoding: str, delimiter: str, label: str) -> RecordScan:
    """Classify every record of the file (see the module docstring); keeps no values."""
    scan: RecordScan | None = None
    for number, first, last, record, fault in _Records(path, encoding, delimiter, label):
        if scan is None:
            if record is None:
                raise InputError(f"{label}: overskriftsraden (linje {first}) har feil bruk av anførselstegn")
            if _is_blank(record):
                continue
            scan = RecordScan(header=record, header_row=number, literal_quote='"' in "".join(record))
            continue
        scan.records += 1
        if record is None:
            scan.faults.append((number, _spanning(fault or QUOTE_FAULT, first, last)))
        elif _is_blank(record):
            scan.blank.append(number)
        elif len(record) != len(scan.header):
            scan.faults.append((number, _spanning(field_count_fault(len(record), len(scan.header)), first, last)))
        elif '"' in "".join(record):
            scan.literal_quote = True
    if scan is None:
        raise InputError(f"{label} er tom (mangler overskriftsrad)")
    return scan


def _spanning(reason: str, first: int, last: int) -> str:
    return reason if first == last else f"{reason} (linje {first}–{last} i filen)"


def clean_copy(path: Path, encoding: str, delimiter: str, label: str, keep: list[int], scan: RecordScan) -> bytes:
    """The header and every record that is neither blank nor malformed, as clean UTF-8 CSV.

    ``keep`` are the positions of the header fields to copy (the national id left out).
    Each record is preceded by its record number in a column SOURCE_ROW_HEADER.
    """
    skip = set(scan.blank).union(number for number, _ in scan.faults)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator="\n")
    for number, _first, _last, record, _fault in _Records(path, encoding, delimiter, label):
        if record is None or number < scan.header_row or number in skip:
            continue
        if number == scan.header_row:
            writer.writerow([SOURCE_ROW_HEADER, *(record[i] for i in keep)])
        else:
            writer.writerow([number, *(record[i] for i in keep)])
    return out.getvalue().encode("utf-8")


def _opening_quote_line(path: Path, encoding: str, delimiter: str, first_line: int) -> int:
    """The line on which the never-closed quote of the record starting at ``first_line`` opens."""
    with path.open(encoding=encoding, newline="") as handle:
        lines = list(handle)  # split as the csv reader splits: CRLF, LF or CR alone
    text = "".join(lines)
    start = sum(len(line) for line in lines[: first_line - 1])
    position = start
    while position < len(text):
        if text[position] == '"':
            close = position + 1
            while True:
                close = text.find('"', close)
                if close < 0:
                    return first_line + _line_breaks(text[start:position])
                if text.startswith('""', close):
                    close += 2
                    continue
                break
            position = close + 1
            continue
        ends = [
            i for i in (text.find(delimiter, position), text.find("\n", position), text.find("\r", position)) if i >= 0
        ]
        if not ends:
            break
        position = min(ends) + 1
    return first_line


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")
