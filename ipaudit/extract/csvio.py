"""Reading one CSV file as text: encoding and delimiter detection, every column a string.

The file is read once in chunks to fingerprint it (sha256) and to decide its encoding: a
UTF-8 BOM or valid UTF-8 means UTF-8; otherwise Windows-1252 is accepted only when every
byte is defined in it; a NUL byte or anything else is an input error naming the file. The
delimiter is the most frequent of ``;`` ``,`` TAB ``|`` outside quotes on the header line.
polars then parses the records (quoted fields may hold delimiters and line breaks); the
national id column is never loaded. Row numbers count records with the header as row 1.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract.aliases import is_national_id
from ipaudit.extract.reasons import SOURCE_ROW

DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
"""Candidate delimiters; on a tie the earlier one wins (``;`` is the Norwegian default)."""

_CHUNK = 1 << 22
_HEAD = 1 << 16
_CP1252_UNDEFINED: tuple[bytes, ...] = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class ByteScan:
    """What one pass over a file's bytes found."""

    sha256: str
    """Fingerprint of the bytes."""
    head: bytes
    """The first bytes (enough for the header line)."""
    size: int
    """Number of bytes."""
    utf8: bool
    """The bytes are valid UTF-8."""
    cp1252: bool
    """Every byte is defined in Windows-1252."""
    nul: bool
    """A NUL byte occurs (UTF-16 or binary data)."""


def scan_bytes(path: Path) -> ByteScan:
    """Hash the file and test its encodings in one chunked pass."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    size = 0
    utf8 = cp1252 = True
    nul = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not head:
                head = chunk[:_HEAD]
            size += len(chunk)
            digest.update(chunk)
            nul = nul or b"\x00" in chunk
            cp1252 = cp1252 and not any(b in chunk for b in _CP1252_UNDEFINED)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ByteScan(digest.hexdigest(), head, size, utf8, cp1252, nul)


def detect_delimiter(head: str) -> str:
    """The delimiter of a header line: the most frequent candidate outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                break
            if char in counts:
                counts[char] += 1
    return max(DELIMITERS, key=counts.__getitem__)


def _undecodable(label: str, scan: ByteScan) -> InputError:
    hint = " (filen ser ut til å være UTF-16; lagre den som UTF-8)"
    utf16 = scan.head.startswith(_UTF16_BOMS) or scan.nul
    return InputError(f"{label} er verken UTF-8 eller Windows-1252{hint if utf16 else ''}")


def read_csv_text(path: Path, label: str) -> tuple[pl.LazyFrame, list[str], str]:
    """Plan reading a CSV file with every column as text; also return its headers and sha256.

    The plan yields the file's headers (national id columns left out) and SOURCE_ROW, the
    record number with the header as row 1; ``containers.collect_text`` collects it.
    """
    try:
        scan = scan_bytes(path)
    except OSError as exc:
        raise InputError(f"{label} kan ikke leses ({exc.strerror})") from exc
    source: Path | bytes
    if scan.nul or (scan.head.startswith(_UTF8_BOM) and not scan.utf8):
        raise _undecodable(label, scan)
    if scan.utf8:
        source = path
        head = scan.head.decode("utf-8-sig", errors="ignore")
    elif scan.cp1252:
        # polars' own windows-1252 path is slow and lossy decoding corrupts æøå: decode here.
        source = path.read_bytes().decode("cp1252").encode("utf-8")
        head = scan.head.decode("cp1252")
    else:
        raise _undecodable(label, scan)
    if not head.strip():
        raise InputError(f"{label} er tom (mangler overskriftsrad)")
    separator = detect_delimiter(head)
    problem = None
    try:
        lazy = pl.scan_csv(source, separator=separator, quote_char='"', infer_schema=False)
        headers = [name for name in lazy.collect_schema().names() if not is_national_id(name)]
    except pl.exceptions.PolarsError as exc:
        problem = csv_problem(exc)
    if problem is not None:  # raised outside ``except`` so polars' message is not chained
        raise InputError(f"{label} kan ikke leses som CSV: {problem}")
    plan = lazy.select(headers).with_row_index(SOURCE_ROW, offset=2).with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
    return plan, headers, scan.sha256


def csv_problem(exc: Exception) -> str:
    """A short bokmål description of a polars CSV failure.

    polars' message may quote file content (a national id), so it is never shown; it is only
    looked at for a hint, and anything unrecognised gets the generic description.
    """
    text = str(exc)
    if "more fields" in text:
        return "en rad har flere felt enn overskriftsraden"
    if "escaped" in text or "quote" in text:
        return "et anførselstegn er ikke lukket"
    return "ugyldig CSV-struktur"
