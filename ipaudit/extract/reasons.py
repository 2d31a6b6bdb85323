"""The bokmål reasons a row is rejected for, as polars expressions, and the fault frame.

A *fault* is one problem with one cell (or row) of a table: its position in the read frame
(``idx``), the canonical column and the reason. The parse step, the pandera adapter and the
duplicate and orphan checks all produce fault frames; ``validate`` merges them into one
rejected entry per row. Only values of date, yes/no and enumeration columns are ever quoted
in a reason, cut to 40 characters and with anything shaped like a national id masked, so no
patient id, national id or journal text can reach a report or a log.
"""

from __future__ import annotations

import polars as pl

IDX = "__idx"
"""Position of a row in the frame read from the source (0-based)."""

SOURCE_ROW = "__source_row"
"""Internal name of the source row number; renamed to ``source_row`` in accepted tables."""

FAULT_SCHEMA: dict[str, pl.DataType] = {
    IDX: pl.Int64(),
    "order": pl.Int32(),
    "column": pl.String(),
    "reason": pl.String(),
}
"""Columns of a fault frame; ``order`` sorts a row's faults (the column's place in its table)."""

MISSING = "mangler påkrevd verdi"
END_BEFORE_START = "til_dato før fra_dato"
ORPHAN = "pasienten finnes ikke i pasienttabellen"
ORPHAN_OF_REJECTED = "pasienten er avvist i pasienttabellen"

ECHO_LIMIT = 40
"""At most this many characters of a bad value are quoted."""

_NATIONAL_ID_SHAPE = r"\d{6}\s?\d{5}"


def echo(value: pl.Expr) -> pl.Expr:
    """A bad value fit to quote: national-id-shaped digits masked, cut to ECHO_LIMIT."""
    masked = value.str.replace_all(_NATIONAL_ID_SHAPE, "***********")
    return (
        pl.when(masked.str.len_chars() > ECHO_LIMIT)
        .then(pl.concat_str(masked.str.slice(0, ECHO_LIMIT), pl.lit("…")))
        .otherwise(masked)
    )


def invalid_date(value: pl.Expr) -> pl.Expr:
    """«ugyldig dato «31.02.2024»», with a hint for two-digit years."""
    hint = (
        pl.when(value.str.contains(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}(?:\D|$)"))
        .then(pl.lit(" (årstallet må ha fire sifre)"))
        .otherwise(pl.lit(""))
    )
    return pl.concat_str(pl.lit("ugyldig dato «"), echo(value), pl.lit("»"), hint)


def invalid_boolean(value: pl.Expr) -> pl.Expr:
    """«ugyldig ja/nei-verdi «kanskje»»."""
    return pl.concat_str(pl.lit("ugyldig ja/nei-verdi «"), echo(value), pl.lit("»"))


def invalid_choice(value: pl.Expr, allowed: tuple[str, ...]) -> pl.Expr:
    """«ugyldig verdi «foo» (tillatt: spesialist, kommune)»."""
    return pl.concat_str(pl.lit("ugyldig verdi «"), echo(value), pl.lit(f"» (tillatt: {', '.join(allowed)})"))


def duplicate_of(first_row: pl.Expr) -> pl.Expr:
    """«duplikat av rad 5»."""
    return pl.concat_str(pl.lit("duplikat av rad "), first_row.cast(pl.String))


def fault_frame(frame: pl.DataFrame, mask: pl.Expr, column: str, order: int, reason: pl.Expr) -> pl.DataFrame:
    """One fault per row of ``frame`` where ``mask`` holds (the frame must carry IDX)."""
    return (
        frame.lazy()
        .filter(mask)
        .select(
            pl.col(IDX).cast(pl.Int64),
            pl.lit(order, dtype=pl.Int32).alias("order"),
            pl.lit(column, dtype=pl.String).alias("column"),
            reason.cast(pl.String).alias("reason"),
        )
        .collect()
    )


def no_faults() -> pl.DataFrame:
    """An empty fault frame."""
    return pl.DataFrame(schema=FAULT_SCHEMA)
