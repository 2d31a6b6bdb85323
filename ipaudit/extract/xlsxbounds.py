"""How big a workbook sheet's grid is, found before the sheet is read.

calamine (behind ``polars.read_excel``) allocates the whole rectangle from A1 to the
farthest cell, so a 9.5 KB workbook with one cell at XFD1048576 asks for 17 billion cells
and the process dies without a word (issue 12). ``check_sheet_size`` streams the sheet's XML
out of the zip and estimates that rectangle from the cell references: every cell with a
column of two or three letters counts exactly; cells in columns A–Z count through the
highest row seen (the last reference in the file, which Excel writes in order, and the
number of ``<row>`` elements). A sheet larger than MAX_CELLS is refused in one line.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from ipaudit.errors import InputError

MAX_CELLS = 30_000_000
"""Largest grid read (rows × columns); a full sheet of 1 048 576 rows and 28 columns fits."""

_CHUNK = 1 << 22
_WIDE_REF = re.compile(rb'\br="([A-Z]{2,3})(\d+)"')
_LAST_REF = re.compile(rb'\br="[A-Z]{0,3}(\d+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_part(book: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The zip member holding ``sheet`` (None = the first sheet), or None when not found."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    for element in workbook.iter():
        if not element.tag.endswith("}sheet"):
            continue
        if sheet is not None and element.get("name") != sheet:
            continue
        rel_id = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
        target = targets.get(rel_id)
        if not target:
            return None
        return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def sheet_grid(path: Path, sheet: str | None) -> tuple[int, int] | None:
    """(rows, columns) of the rectangle calamine would allocate, or None when it cannot be told."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None:
                return None
            max_row = max_col = rows = 0
            narrow = False
            tail = b""
            with book.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    data = tail + chunk
                    rows += len(_ROW.findall(chunk))
                    for letters, row in _WIDE_REF.findall(data):
                        max_col = max(max_col, _column_number(letters))
                        max_row = max(max_row, int(row))
                    last = data.rfind(b' r="')
                    if last >= 0 and (match := _LAST_REF.match(data, last + 1)):
                        max_row = max(max_row, int(match.group(1)))
                    narrow = narrow or b' r="' in data
                    tail = data[-32:]
    except (OSError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError, ValueError):
        return None  # a damaged zip: calamine's read then refuses it in one line
    except (NotImplementedError, RuntimeError):  # compression method unknown, or encrypted
        return None
    columns = max(max_col, 26 if narrow else 0)
    return max(max_row, rows), columns


def check_sheet_size(path: Path, sheet: str | None, label: str) -> None:
    """Raise InputError (one line) when the sheet's grid is too large to read."""
    grid = sheet_grid(path, sheet)
    if grid is None:
        return
    rows, columns = grid
    if rows * columns > MAX_CELLS:
        cells = f"{rows * columns:,}".replace(",", " ")
        raise InputError(
            f"{label}: arket strekker seg til kolonne {_column_letters(columns)} og rad {rows} "
            f"({cells} celler) og er for stort til å lese; slett innhold og formatering "
            "langt utenfor tabellen, eller lagre arket som CSV"
        )
