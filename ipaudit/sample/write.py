"""Writes the extract the way real Norwegian exports look, and the ground truth beside it.

CSV: Windows-1252, ``;``, CRLF between records, dd.mm.yyyy dates (some with a time), quoted
fields where a value holds ``;``, quotes or line breaks. The optional workbook holds the same
rows, one sheet per table, with real Excel dates in every third row. Files are
byte-for-byte reproducible: the workbook's zip timestamps and document properties are fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ipaudit.sample import vocabulary as voc
from ipaudit.sample.render import Cell, Row

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def cell_text(value: Cell) -> str:
    """A cell as the export writes it: dd.mm.yyyy[ HH:MM], empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.day:02d}.{value.month:02d}.{value.year} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.day:02d}.{value.month:02d}.{value.year}"
    return value


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Row]) -> None:
    """One table as a Windows-1252, semicolon-separated file."""
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([cell_text(value) for value in row] for row in rows)


def write_plain_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A UTF-8, comma-separated file (the ground truth)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def write_xlsx(path: Path, tables: dict[str, list[Row]]) -> None:
    """The extract as one workbook, one sheet per table (some Norwegian, some canonical names)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    book.properties.creator = "ipaudit sample"
    for table, (_, sheet_name, headers) in voc.TABLES.items():
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(headers))
        for number, row in enumerate(tables[table]):
            cells: list[object] = []
            for value in row:
                if number % 3 == 1 and isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    timed = isinstance(value, dt.datetime)
                    cell.number_format = "dd.mm.yyyy hh:mm" if timed else "dd.mm.yyyy"
                    cells.append(cell)
                else:
                    cells.append(cell_text(value) or None)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalised_zip(buffer.getvalue()))


def _normalised_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, so equal inputs give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()
