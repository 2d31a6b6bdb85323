"""Reading one sheet of an .xlsx workbook as text, with the sheet's own row numbers.

calamine (through ``polars.read_excel``) normally drops fully empty rows and any empty rows
above the header, which would shift row numbers. We therefore ask for the sheet as a raw
grid with nothing skipped (``header_row=None``, ``skip_rows=0``, empty rows kept), so grid
row *i* is sheet row *i + 1*; the header is the first row with any non-blank cell. Every
cell comes as text: real Excel dates as ``2024-03-05 14:30:00``, numbers without a ``.0``.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from ipaudit.errors import InputError
from ipaudit.extract.aliases import is_national_id
from ipaudit.extract.reasons import SOURCE_ROW
from ipaudit.extract.xlsxbounds import check_sheet_size

_READ_ERRORS = (fastexcel.FastExcelError, pl.exceptions.PolarsError, OSError, ValueError)


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook, in workbook order."""
    names = None
    try:
        names = list(fastexcel.read_excel(path).sheet_names)
    except _READ_ERRORS:
        pass
    if names is None:
        raise InputError(f"{path} kan ikke leses som Excel-arbeidsbok (.xlsx)")
    return names


def read_sheet_text(path: Path, sheet: str | None, label: str) -> pl.DataFrame:
    """Read a sheet (None = the first) with every column as text.

    The frame has the header row's names (national id columns left out) and SOURCE_ROW,
    the sheet row number of each data row. Rows with no cell filled are left out.
    """
    check_sheet_size(path, sheet, label)
    grid = None
    try:
        grid = pl.read_excel(
            path,
            sheet_id=1 if sheet is None else None,
            sheet_name=sheet,
            engine="calamine",
            has_header=False,
            infer_schema_length=0,
            read_options={"header_row": None, "skip_rows": 0},
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except _READ_ERRORS:
        pass
    if not isinstance(grid, pl.DataFrame):  # raised outside ``except``: no chained library message
        raise InputError(f"{label} kan ikke leses som Excel-arbeidsbok (.xlsx)")
    grid = grid.select(pl.all().cast(pl.String))
    filled = grid.select(pl.any_horizontal(pl.all().str.strip_chars().str.len_bytes() > 0).fill_null(False)).to_series()
    header_rows = filled.arg_true() if grid.width else pl.Series(dtype=pl.UInt32)
    if header_rows.is_empty():
        raise InputError(f"{label} er tomt (fant ingen overskriftsrad)")
    header_at = int(header_rows[0])
    names = _unique_names(grid.row(header_at))
    keep = [i for i, name in enumerate(names) if not is_national_id(name)]
    # A row with no cell filled at all is an empty sheet row (Excel keeps formatted ones): not read.
    # A row whose only value is a national id is read, and rejected as empty.
    return (
        grid.with_columns(filled.alias("__filled"))
        .slice(header_at + 1)
        .select(*[pl.col(grid.columns[i]).alias(names[i]) for i in keep], pl.col("__filled"))
        .with_row_index(SOURCE_ROW, offset=header_at + 2)
        .with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
        .filter(pl.col("__filled"))
        .drop("__filled")
    )


def _unique_names(cells: tuple[object, ...]) -> list[str]:
    """Header cells as distinct column names (blank cells become ``kolonne_N``)."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"kolonne_{position}"
        while name in seen:
            name = f"{name}_{position}"
        seen.add(name)
        names.append(name)
    return names
