"""Deciding a CSV file's encoding from its bytes: UTF-8 or Windows-1252, never a silent guess.

One chunked pass hashes the file (sha256) and records what the encoding decision needs: is
it valid UTF-8, where is the first byte that is not, does it hold any well-formed UTF-8
multibyte character, is every byte defined in Windows-1252, is there a NUL byte, and does a
CR occur without a following LF (old exports end lines with CR alone).

The rule (spec/extract-format.md v2, "one encoding per file"):

* valid UTF-8 (with or without BOM) is UTF-8;
* a file that holds well-formed UTF-8 multibyte characters but also bytes that are not
  UTF-8 — a stray Windows-1252 byte, a character cut off — is *not* Windows-1252: it is an
  input error naming the file and the line of the first bad byte; so is a file whose only
  fault is a multibyte character cut off at its very end (``Ã`` ending a Windows-1252 file
  would be nonsense) and a file with a UTF-8 BOM that is not UTF-8;
* otherwise, a file in which every byte is defined in Windows-1252 is Windows-1252;
* anything else (UTF-16, binary data) is an input error.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ipaudit.errors import InputError

_CHUNK = 1 << 22
_HEAD = 1 << 16
_CP1252_UNDEFINED: tuple[bytes, ...] = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
def _has_multibyte(data: bytes) -> bool:
    """Does ``data`` hold a well-formed UTF-8 multibyte character? Decoding with ``ignore``
    drops every byte that is not part of one (at memory speed, in C), so any character left
    that is not ASCII came from one."""
    return not data.decode("utf-8", errors="ignore").isascii()


_CUT_AT_END = re.compile(rb"(?:\xc3|[\xe0-\xf4][\x80-\xbf]{1,2})\Z")
"""A multibyte character cut off at the end of the file (``\\xc3`` leads æ, ø, å in UTF-8)."""

UTF8 = "utf-8-sig"
"""Python's name for UTF-8 that drops a leading BOM."""
CP1252 = "cp1252"
"""Windows-1252."""


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
    first_bad: int | None
    """Offset of the first byte that is not UTF-8 (None when ``utf8``)."""
    multibyte: bool
    """Some well-formed UTF-8 multibyte character occurs."""
    cut_at_end: bool
    """The file ends in the middle of a UTF-8 multibyte character."""
    cp1252: bool
    """Every byte is defined in Windows-1252."""
    nul: bool
    """A NUL byte occurs (UTF-16 or binary data)."""
    bare_cr: bool
    """A CR occurs that is not followed by LF (CR-only or mixed line ends)."""


class _Utf8Check:
    """Incremental UTF-8 validation that remembers the file offset of the first bad byte."""

    def __init__(self) -> None:
        self.carry = b""
        self.offset = 0  # file offset of carry[0]
        self.first_bad: int | None = None

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.first_bad is not None:
            return
        data = self.carry + chunk
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not final and exc.end == len(data) and exc.reason == "unexpected end of data":
                self.carry = data[exc.start :]
                self.offset += exc.start
                return
            self.first_bad = self.offset + exc.start
            return
        self.carry = b""
        self.offset += len(data)


def scan_bytes(path: Path) -> ByteScan:
    """Hash the file and gather everything the encoding decision needs, in one chunked pass."""
    digest = hashlib.sha256()
    check = _Utf8Check()
    head = b""
    tail = b""
    size = 0
    cp1252 = True
    nul = multibyte = bare_cr = cr_pending = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not head:
                head = chunk[:_HEAD]
            size += len(chunk)
            digest.update(chunk)
            nul = nul or b"\x00" in chunk
            cp1252 = cp1252 and not any(b in chunk for b in _CP1252_UNDEFINED)
            # A CR ending a chunk is judged by the next chunk's first byte (a CRLF split across
            # two chunks is no bare CR: at a few GB some CRLF always is, and a bare CR sends
            # the whole file down the exact, far slower path).
            lone = chunk.count(b"\r") - chunk.count(b"\r\n") - chunk.endswith(b"\r")
            bare_cr = bare_cr or lone > 0 or (cr_pending and not chunk.startswith(b"\n"))
            cr_pending = chunk.endswith(b"\r")
            multibyte = multibyte or _has_multibyte(tail + chunk)
            tail = chunk[-3:]
            check.feed(chunk)
    check.feed(b"", final=True)
    bare_cr = bare_cr or cr_pending  # the file ends in a CR
    cut = check.first_bad is not None and _CUT_AT_END.search(tail) is not None and check.first_bad >= size - 3
    return ByteScan(
        sha256=digest.hexdigest(),
        head=head,
        size=size,
        utf8=check.first_bad is None,
        first_bad=check.first_bad,
        multibyte=multibyte,
        cut_at_end=cut,
        cp1252=cp1252,
        nul=nul,
        bare_cr=bare_cr,
    )


def line_of_offset(path: Path, offset: int) -> int:
    """The 1-based line holding byte ``offset``; CRLF, LF and CR alone each end a line."""
    with path.open("rb") as handle:
        before = handle.read(offset)
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def choose_encoding(path: Path, label: str, scan: ByteScan) -> str:
    """The Python codec to read the file with (UTF8 or CP1252); InputError when there is none."""
    if scan.utf8 and not scan.nul:
        return UTF8
    if scan.first_bad is not None and not scan.nul:
        mixed = scan.multibyte or scan.cut_at_end or scan.head.startswith(_UTF8_BOM)
        if mixed:
            line = line_of_offset(path, scan.first_bad)
            raise InputError(
                f"{label} er UTF-8, men linje {line} har en byte som ikke er gyldig UTF-8 "
                "(blandet tegnkoding eller et avkuttet tegn); lagre filen på nytt som UTF-8"
            )
        if scan.cp1252:
            return CP1252
    hint = " (filen ser ut til å være UTF-16; lagre den som UTF-8)"
    utf16 = scan.head.startswith(_UTF16_BOMS) or scan.nul
    raise InputError(f"{label} er verken UTF-8 eller Windows-1252{hint if utf16 else ''}")
