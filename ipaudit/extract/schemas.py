"""One pandera (polars backend) schema per table, derived from the column specs.

The schemas check what is left after parsing: required values present, enumeration values
inside their set (a vectorised ``isin``), dtypes as in TABLE_SCHEMAS, and for episodes
that ``end_date`` is not before ``start_date`` (a vectorised dataframe-level check).
Uniqueness is not checked here (polars finds duplicates far faster); parse failures are
found by ``parse``. Checks carry stable identifiers that ``validate`` maps to reasons.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ipaudit.extract.columns import TABLE_COLUMNS, ColumnSpec, Kind
from ipaudit.extract.model import TABLE_SCHEMAS

NOT_NULL_CHECK = "not_nullable"
"""pandera's identifier for a null in a non-nullable column."""
ALLOWED_VALUES_CHECK = "allowed_values"
"""Identifier of the enumeration check."""
END_NOT_BEFORE_START_CHECK = "end_not_before_start"
"""Identifier of the episodes' date order check."""


_END_NOT_BEFORE_START = (
    pl.col("end_date").is_null() | pl.col("start_date").is_null() | (pl.col("end_date") >= pl.col("start_date"))
)
"""True where an episode ends on or after its start (or either date is missing)."""


def _end_not_before_start(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(_END_NOT_BEFORE_START)


def _column(table: str, spec: ColumnSpec) -> pa.Column:
    checks = []
    if spec.kind is Kind.ENUM:
        checks.append(pa.Check.isin(list(spec.allowed), error=ALLOWED_VALUES_CHECK))
    return pa.Column(TABLE_SCHEMAS[table][spec.name], nullable=not spec.required, checks=checks)


def _schema(table: str) -> pa.DataFrameSchema:
    checks = []
    if table == "episodes":
        checks.append(pa.Check(_end_not_before_start, error=END_NOT_BEFORE_START_CHECK))
    return pa.DataFrameSchema(
        {spec.name: _column(table, spec) for spec in TABLE_COLUMNS[table]},
        checks=checks,
        strict=True,
        ordered=True,
        name=table,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {table: _schema(table) for table in TABLE_COLUMNS}
"""The schema of every table's parsed columns (without ``source_row``)."""


def schema_holds(table: str, frame: pl.DataFrame) -> bool:
    """Whether ``frame`` meets ``SCHEMAS[table]``, asked in one polars query from the same
    column specs: the same columns and dtypes, required values present, enumeration values in
    their set (nulls pass, as in pandera), episodes not ending before they start. pandera then
    runs only on a batch that breaks something, to say what; on clean batches it was a third
    of the reading."""
    expected = {name: dtype for name, dtype in TABLE_SCHEMAS[table].items() if name != "source_row"}
    if frame.schema != pl.Schema(expected):
        return False
    facts = [pl.lit(True)]
    for spec in TABLE_COLUMNS[table]:
        value = pl.col(spec.name)
        if spec.required:
            facts.append(value.null_count() == 0)
        if spec.kind is Kind.ENUM:
            facts.append((value.is_in(list(spec.allowed)) | value.is_null()).all())
    if table == "episodes":
        facts.append(_END_NOT_BEFORE_START.all())
    return all(value is True for value in frame.select(f.alias(f"_{i}") for i, f in enumerate(facts)).row(0))
