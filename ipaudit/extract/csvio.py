"""Reading one CSV file as text: encoding, delimiter and record structure, every column a string.

``encoding.scan_bytes`` fingerprints the file (sha256) and ``encoding.choose_encoding``
decides UTF-8 or Windows-1252 (one encoding per file; anything else is an input error
naming the file and line). The delimiter is the most frequent of ``;`` ``,`` TAB ``|``
outside quotes on the header line. ``records.scan_records`` then checks every record's
structure (``plainscan.plain_records`` first proves most files plain at polars speed; only
the others pay for the exact pass): blank records are skipped, records with the wrong number of fields or broken
quoting are rejected row by row (``CsvText.faults``). A plain file is parsed by polars
straight from disk; any other (CR line ends, rejected records, literal quotes) is parsed from
a clean copy of its good records, so both give the same rows with the same record numbers.
The national id column is never loaded. Row numbers count records with the header as row 1.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract.aliases import is_national_id
from ipaudit.extract.encoding import CP1252, choose_encoding, scan_bytes
from ipaudit.extract.plainscan import plain_records
from ipaudit.extract.reasons import SOURCE_ROW
from ipaudit.extract.records import SOURCE_ROW_HEADER, clean_copy, scan_records

DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
"""Candidate delimiters; on a tie the earlier one wins (``;`` is the Norwegian default)."""


@dataclass(frozen=True)
class CsvText:
    """A CSV file planned for reading as text."""

    plan: pl.LazyFrame
    """The file's columns (national id left out) as strings, plus SOURCE_ROW."""
    headers: list[str]
    """The column names of ``plan`` besides SOURCE_ROW."""
    sha256: str
    """Fingerprint of the file's bytes."""
    faults: tuple[tuple[int, str], ...]
    """(record number, reason) of every record rejected for its structure."""


_BLANK_LINES = re.compile(r"\A(?:[^\S\r\n]*(?:\r\n|\r|\n))+")
"""Whole lines of nothing but whitespace at the start of the file."""


def detect_delimiter(head: str) -> str:
    """The delimiter of the header line: the most frequent candidate outside quotes.

    The header line is the first line that is not blank (only whitespace), as
    ``records.scan_records`` reads it: blank lines before the header are skipped there, so
    they must not decide the delimiter here (they did: every count 0, so ``;``).
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in _BLANK_LINES.sub("", head):
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                break
            if char in counts:
                counts[char] += 1
    return max(DELIMITERS, key=counts.__getitem__)


def read_csv_text(path: Path, label: str) -> CsvText:
    """Plan reading a CSV file with every column as text; also its structural faults and sha256.

    The plan yields the file's headers (national id columns left out) and SOURCE_ROW, the
    record number with the header as row 1; ``containers.collect_text`` collects it.
    """
    try:
        scan = scan_bytes(path)
        encoding = choose_encoding(path, label, scan)
        head = scan.head.decode(encoding, errors="ignore")
        if not head.strip():
            raise InputError(f"{label} er tom (mangler overskriftsrad)")
        separator = detect_delimiter(head)
        # polars' own windows-1252 path is slow and lossy decoding corrupts æøå: decode here,
        # in chunks into a spooled UTF-8 copy (memory stays flat), or in memory without a spool.
        records = None if scan.bare_cr else plain_records(path, encoding, separator)
        if records is None:
            records = scan_records(path, encoding, separator, label)
        keep = [i for i, name in enumerate(records.header) if not is_national_id(name)]
        plain = records.plain and not scan.bare_cr
        source: Path | bytes
        if plain and encoding != CP1252:
            source = path
        elif plain:
            source = _transcoded(path) or path.read_bytes().decode(CP1252).encode("utf-8")
        else:
            source = clean_copy(path, encoding, separator, label, keep, records)
    except OSError as exc:
        raise InputError(f"{label} kan ikke leses ({exc.strerror})") from None
    problem = None
    try:
        lazy = pl.scan_csv(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            separator=separator,
            quote_char='"',
            infer_schema=False,
        )
        names = lazy.collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        problem = csv_problem(exc)
    if problem is not None:  # raised outside ``except`` so polars' message is not chained
        raise InputError(f"{label} kan ikke leses som CSV: {problem}")
    if plain:
        headers = [name for name in names if not is_national_id(name)]
        plan = lazy.select(headers).with_row_index(SOURCE_ROW, offset=2).with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
        if records.blank:
            plan = plan.filter(~pl.col(SOURCE_ROW).is_in(records.blank))
    else:
        headers = [name for name in names if name != SOURCE_ROW_HEADER]
        plan = lazy.select(pl.col(SOURCE_ROW_HEADER).cast(pl.Int64).alias(SOURCE_ROW), *headers).select(
            *headers, SOURCE_ROW
        )
    return CsvText(plan, headers, scan.sha256, tuple(records.faults))


_SPOOL: ContextVar[Path | None] = ContextVar("ipaudit_csv_spool", default=None)
_TRANSCODE_CHUNK = 1 << 24


@contextmanager
def spooling() -> Iterator[None]:
    """Let Windows-1252 files be transcoded to UTF-8 copies in a private temporary directory
    (mode 0700) for the duration of the block; the copies are deleted when it ends."""
    with tempfile.TemporaryDirectory(prefix="ipaudit-") as directory:
        token = _SPOOL.set(Path(directory))
        try:
            yield
        finally:
            _SPOOL.reset(token)


def _transcoded(path: Path) -> Path | None:
    """A UTF-8 copy of a Windows-1252 file in the spool, written in chunks; None without a spool."""
    spool = _SPOOL.get()
    if spool is None:
        return None
    target = Path(tempfile.mkstemp(dir=spool, suffix=".csv")[1])
    with path.open("rb") as source, target.open("wb") as sink:
        while chunk := source.read(_TRANSCODE_CHUNK):
            sink.write(_cp1252_to_utf8(chunk))
    return target


_CP1252_ONLY = bytes(range(0x80, 0xA0))
"""The bytes where Windows-1252 and Latin-1 differ (€, curly quotes, dashes, ...)."""


def _cp1252_to_utf8(chunk: bytes) -> bytes:
    """A Windows-1252 chunk as UTF-8 (one byte is one character, so chunks cut anywhere).

    Latin-1 decodes at memory speed and equals Windows-1252 outside 0x80–0x9F; the charmap
    decoder is used only for chunks holding one of those bytes."""
    if len(chunk.translate(None, _CP1252_ONLY)) == len(chunk):
        return chunk.decode("latin-1").encode("utf-8")
    return chunk.decode(CP1252).encode("utf-8")


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
