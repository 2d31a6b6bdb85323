"""Free-text evidence: phrase patterns that count only when not negated in their clause.

spec/rules.md: a match does not count when ``ikke``, ``ikkje``, ``ingen``, ``aldri`` or
``not`` stands anywhere before it in the same clause; a clause ends at ``. ! ? ; , :``, a
line break or the word ``men``. Within one clause the earliest match is the one to judge:
if a negation word stands before it, it stands before every later match too. So a clause
holds non-negated evidence exactly when its first match starts before its first negation
word (or it has none). Everything is vectorised: texts that match nowhere are discarded
with one ``str.contains`` before any clause is split.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

NEGATION = r"(?i)\b(ikke|ikkje|ingen|aldri|not)\b"
CLAUSE_BREAK = r"(?i)[.!?;,:\n\r]|\bmen\b"
_SEPARATOR = "\x1f"


def combined(patterns: Sequence[str]) -> str:
    """One case-insensitive regex matching where any of ``patterns`` matches."""
    return "(?i)" + "|".join(f"(?:{p})" for p in patterns)


def non_negated_match(texts: pl.DataFrame, patterns: Sequence[str], *, id_column: str = "document_id") -> pl.Series:
    """The ids in ``texts`` (columns id_column, text) whose text has a non-negated match."""
    if not patterns or texts.height == 0:
        return pl.Series(id_column, [], dtype=pl.String)
    regex = combined(patterns)
    candidates = texts.filter(pl.col("text").str.contains(regex))
    if candidates.height == 0:
        return pl.Series(id_column, [], dtype=pl.String)
    clauses = (
        candidates.select(
            id_column,
            pl.col("text").str.replace_all(CLAUSE_BREAK, _SEPARATOR).str.split(_SEPARATOR),
        )
        .explode("text")
        .with_columns(
            pl.col("text").str.find(regex).alias("match_at"),
            pl.col("text").str.find(NEGATION).alias("negation_at"),
        )
        .filter(
            pl.col("match_at").is_not_null()
            & (pl.col("negation_at").is_null() | (pl.col("negation_at") > pl.col("match_at")))
        )
    )
    return clauses.get_column(id_column).unique(maintain_order=True)


def text_has_evidence(text: str, patterns: Sequence[str]) -> bool:
    """Convenience for one text (tests, the reference of the rules' examples)."""
    frame = pl.DataFrame({"document_id": ["x"], "text": [text]})
    return non_negated_match(frame, patterns).len() == 1
