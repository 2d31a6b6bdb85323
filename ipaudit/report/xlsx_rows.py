"""Fast rows for big Excel sheets: polars writes the ``<row>`` XML, openpyxl the rest.

openpyxl's write-only mode serialises every cell through Python (about 80 s for a million
findings rows without lxml). Here openpyxl still builds the workbook — styles, header row,
column widths, frozen panes, autofilter, print setup — and each big sheet gets a marker row;
when saving, the marker is replaced by rows that polars renders as XML a chunk at a time.
Every text value becomes an *inline string* (``t="inlineStr"``): it is stored as text and
can never be read as a formula or an error value, whatever character it begins with.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: Rows turned into XML per polars call.
CHUNK_ROWS = 100_000
#: zlib level of the saved workbook: 1 is ~3x faster than 6 on a million rows, and the file
#: only ~20 % larger.
COMPRESS_LEVEL = 1
#: Excel keeps at most this many characters in a cell.
MAX_CELL_CHARS = 32_767
#: Characters XML 1.0 (and so Excel) cannot hold; removed from text.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ILLEGAL_POLARS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
#: Height of one line of 11 pt Calibri, in points.
LINE_HEIGHT = 15
#: Characters of ordinary text that fit in one unit of column width (Calibri 11 is narrower
#: than the digit Excel measures widths in; a little under what fits, as words wrap whole).
CHARS_PER_WIDTH = 1.15
#: Excel's tallest row is 409 points: at most this many lines are made room for.
MAX_ROW_LINES = 27
#: Days from Excel's epoch (1899-12-30) to 1970-01-01.
_EXCEL_EPOCH_OFFSET = 25_569
FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
"""The first date Excel's 1900 date system gives the right serial; earlier dates are written as text."""


@dataclass(frozen=True)
class Column:
    """One column of a data sheet."""

    title: str
    expr: pl.Expr
    """How to get the value from the source frame."""
    kind: str
    """'text', 'date', 'int' or 'pct'."""
    width: float
    wrap: bool = False
    """Text wraps within the column (the row is made tall enough); else it stays on one line."""


def _xml_text(expr: pl.Expr) -> pl.Expr:
    """Text made safe for an inline string: legal characters, Excel's length, escaped."""
    return (
        expr.cast(pl.String)
        .str.replace_all(_ILLEGAL_POLARS, "")
        .str.slice(0, MAX_CELL_CHARS)
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all("\r", "&#13;", literal=True)
    )


def _xml_cell(letter: str, kind: str, value: pl.Expr, row: pl.Expr,
              styles: dict[str, int], style: str = "text") -> pl.Expr:
    """The ``<c>`` element of one column for every row; nothing for a null value."""
    if kind == "text":
        body = [pl.lit(f'" s="{styles[style]}" t="inlineStr"><is><t xml:space="preserve">'), _xml_text(value),
                pl.lit("</t></is></c>")]
        present = value.is_not_null() & (value.cast(pl.String) != "")
    elif kind == "date":
        # Before 1 March 1900 Excel has no right serial (negative, or off by its 29.02.1900): text.
        serial = value.cast(pl.Int32) + _EXCEL_EPOCH_OFFSET
        early = value < pl.lit(FIRST_EXCEL_DATE)
        as_text = [pl.lit(f'" s="{styles["text"]}" t="inlineStr"><is><t>'), value.dt.strftime("%d.%m.%Y"),
                   pl.lit("</t></is></c>")]
        as_date = [pl.lit(f'" s="{styles["date"]}"><v>'), serial.cast(pl.String), pl.lit("</v></c>")]
        xml_date = pl.when(early).then(pl.concat_str([pl.lit(f'<c r="{letter}'), row, *as_text])).otherwise(
            pl.concat_str([pl.lit(f'<c r="{letter}'), row, *as_date]))
        return pl.when(value.is_not_null()).then(xml_date).otherwise(pl.lit(""))
    elif kind == "pct":
        body = [pl.lit(f'" s="{styles["pct"]}"><v>'), value.cast(pl.String), pl.lit("</v></c>")]
        present = value.is_not_null() & value.is_finite()
    else:
        body = [pl.lit(f'" s="{styles["int"]}"><v>'), value.cast(pl.String), pl.lit("</v></c>")]
        present = value.is_not_null()
    xml = pl.concat_str([pl.lit(f'<c r="{letter}'), row, *body])
    return pl.when(present).then(xml).otherwise(pl.lit(""))


def rows_xml(frame: pl.DataFrame, columns: Sequence[Column], first_row: int,
             styles: dict[str, int]) -> bytes:
    """``<row>`` elements for ``frame``, whose columns c0, c1, … hold the values."""
    row = pl.int_range(first_row, first_row + pl.len()).cast(pl.String)
    cells = [
        _xml_cell(get_column_letter(n + 1), col.kind, pl.col(f"c{n}"), row, styles,
                  "wrap" if col.wrap else "text")
        for n, col in enumerate(columns)
    ]
    xml = pl.concat_str([pl.lit('<row r="'), row, pl.lit('"'), _row_height(columns), pl.lit(">"), *cells,
                         pl.lit("</row>")])
    return frame.select(xml.str.join("")).item().encode()


def _row_height(columns: Sequence[Column]) -> pl.Expr:
    """`` ht="…" customHeight="1"`` for a row whose wrapped text needs more than one line, else "".

    Neither Excel nor LibreOffice reliably fits a row to wrapped text in a file it did not
    write, so the lines are estimated: characters over what fits in the column's width,
    plus one per line break (a little generous, so nothing is cut off in print).
    """
    wrapped = [
        ((pl.col(f"c{n}").cast(pl.String).str.len_chars() / max(1.0, col.width * CHARS_PER_WIDTH)).ceil()
         + pl.col(f"c{n}").cast(pl.String).str.count_matches("\n", literal=True)).fill_null(1)
        for n, col in enumerate(columns) if col.wrap and col.kind == "text"
    ]
    if not wrapped:
        return pl.lit("")
    lines = pl.max_horizontal(*wrapped).clip(1, MAX_ROW_LINES).cast(pl.Int64)
    return (pl.when(lines > 1)
            .then(pl.concat_str([pl.lit(' ht="'), (lines * LINE_HEIGHT).cast(pl.String), pl.lit('" customHeight="1"')]))
            .otherwise(pl.lit("")))


@dataclass(frozen=True)
class _Splice:
    token: bytes
    frame: pl.DataFrame
    columns: Sequence[Column]


class FastRowsWorkbook:
    """A write-only openpyxl workbook whose big sheets are filled from polars on save."""

    def __init__(self, date_format: str, percent_format: str) -> None:
        self.wb = Workbook(write_only=True)
        self._splices: list[_Splice] = []
        probe = self.wb.create_sheet("_probe")
        top = Alignment(vertical="top", horizontal="left")
        # Every cell aligns to the top, so a row made tall by wrapped text still reads across.
        self.styles = {"date": self._style(probe, top, date_format),
                       "pct": self._style(probe, Alignment(vertical="top"), percent_format),
                       "int": self._style(probe, Alignment(vertical="top")),
                       "text": self._style(probe, top),
                       "wrap": self._style(probe, Alignment(vertical="top", horizontal="left", wrap_text=True))}
        self.wb.remove(probe)

    @staticmethod
    def _style(ws: WriteOnlyWorksheet, alignment: Alignment, number_format: str | None = None) -> int:
        """Register an alignment (and number format) in the workbook and return its style id."""
        cell = WriteOnlyCell(ws)
        cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        return int(cell.style_id)

    def fill_later(self, ws: WriteOnlyWorksheet, frame: pl.DataFrame,
                   columns: Sequence[Column]) -> None:
        """Append a marker row to ``ws``; on save it becomes the rows of ``frame``.

        ``frame`` holds the values in columns c0, c1, …; ``ws`` must have exactly one row
        (the header) so far, so the data starts at row 2.
        """
        if frame.height == 0:
            return
        token = f"ipaudit-rows-{secrets.token_hex(12)}"
        ws.append([token])
        self._splices.append(_Splice(token.encode(), frame, columns))

    def save(self, path: Path) -> None:
        """Save to ``path``, replacing every marker row by its generated rows."""
        raw = io.BytesIO()
        self.wb.save(raw)
        with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        ) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                splice = self._splice_in(info.filename, data)
                if splice is None:
                    zout.writestr(info, data)
                    continue
                at = data.index(splice.token)
                start = data.rindex(b"<row ", 0, at)
                end = data.index(b"</row>", at) + len(b"</row>")
                with zout.open(info.filename, "w", force_zip64=True) as out:
                    out.write(data[:start])
                    for offset in range(0, splice.frame.height, CHUNK_ROWS):
                        chunk = splice.frame.slice(offset, CHUNK_ROWS)
                        out.write(rows_xml(chunk, splice.columns, offset + 2, self.styles))
                    out.write(data[end:])

    def _splice_in(self, name: str, data: bytes) -> _Splice | None:
        if not name.startswith("xl/worksheets/"):
            return None
        return next((s for s in self._splices if s.token in data), None)


def values_frame(source: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
    """The columns' values, named c0, c1, … as ``rows_xml`` expects."""
    return source.select([col.expr.alias(f"c{n}") for n, col in enumerate(columns)])


def clean_text(value: Any) -> Any:
    """A string without characters Excel cannot hold, cut to Excel's cell length."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS.sub("", value)[:MAX_CELL_CHARS]
    return value
