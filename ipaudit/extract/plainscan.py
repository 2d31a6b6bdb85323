"""Proving a CSV file plain at memory speed, so the exact record pass runs only when it must.

``records.scan_records`` classifies every record with Python's csv module (strict quoting),
at about a second per 80 MB. Most exports are *plain*: the header on line 1 without quotes,
no blank line, every record with the header's number of fields, every quote structural (a
field that opens and closes with a quote, ``""`` inside it). ``plain_records`` proves that
with a few C-speed byte operations per chunk and returns the ``RecordScan`` the exact pass
would; when anything is not proven it returns None and the caller runs the exact pass,
which decides as before. Works on the file's own bytes (UTF-8 or Windows-1252 alike: the
structural characters are ASCII in both).

How, per chunk cut at a line end outside quotes: every quoted field (``"…"``, ``""`` inside)
must stand between a delimiter or line start and a delimiter or line end; it is cut out,
and no quote may be left. What is left, reduced to its delimiters and line feeds, must be
exactly ``width - 1`` delimiters and a line feed per record. A quote escaped as ``""`` in a
quoted field is read alike by polars and the csv module, so it does not make a file unplain
here (the exact pass is stricter: any quote in a value does).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ipaudit.extract.records import RecordScan

_CHUNK = 1 << 24


def plain_records(path: Path, encoding: str, delimiter: str) -> RecordScan | None:
    """The RecordScan of a file without bare CR when it is proven plain, else None."""
    with path.open("rb") as handle:
        first = handle.readline()
        header = _header(first, encoding, delimiter)
        if header is None or len(header) < 2:  # a lone "" would be a blank record to the exact pass
            return None
        separator = delimiter.encode("ascii")
        keep = separator + b"\n"
        drop = bytes(b for b in range(256) if b not in keep)
        line = separator * (len(header) - 1) + b"\n"
        records = 0
        carry = b""
        while True:
            chunk = handle.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                if data and not data.endswith(b"\n"):
                    data += b"\n"  # the last record may lack its line end
                carry = b""
            else:
                data, carry = _cut(data)
            if data:
                skeleton = _without_quoted(data, separator)
                if skeleton is None:
                    return None
                skeleton = skeleton.translate(None, drop)
                count = skeleton.count(b"\n")
                if skeleton != line * count:
                    return None
                records += count
            if not chunk:
                break
    if carry:
        return None
    return RecordScan(header=header, header_row=1, records=records)


def _header(first: bytes, encoding: str, delimiter: str) -> list[str] | None:
    """The header fields, or None when the header line holds a quote or is blank."""
    text = first.decode(encoding, errors="replace").rstrip("\r\n")
    if '"' in text or not text.strip():
        return None
    return next(csv.reader([text], delimiter=delimiter))


def _cut(data: bytes) -> tuple[bytes, bytes]:
    """Split at the last line feed outside quotes: (whole records, the rest)."""
    quotes = data.count(b'"')
    end = len(data)
    while True:
        at = data.rfind(b"\n", 0, end)
        if at < 0:
            return b"", data
        quotes -= data.count(b'"', at + 1, end)
        if quotes % 2 == 0:
            return data[: at + 1], data[at + 1 :]
        end = at


def _without_quoted(data: bytes, separator: bytes) -> bytes | None:
    """``data`` with its quoted fields cut out; None when a quote is not a field's quote.

    Quotes are found with ``bytes.find`` (memchr): one step per quoted field, not per byte.
    """
    pieces = []
    start = 0
    opening = data.find(b'"')
    while opening >= 0:
        if (data[opening - 1 : opening] if opening else b"\n") not in (separator, b"\n"):
            return None
        closing = data.find(b'"', opening + 1)
        while closing >= 0 and data[closing + 1 : closing + 2] == b'"':  # "" inside the field
            closing = data.find(b'"', closing + 2)
        if closing < 0 or data[closing + 1 : closing + 2] not in (separator, b"\r", b"\n"):
            return None
        pieces.append(data[start:opening])
        start = closing + 1
        opening = data.find(b'"', start)
    pieces.append(data[start:])
    return b"".join(pieces)
