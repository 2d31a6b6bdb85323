"""Short terminal summaries of an audit and of a validation (never journal text or ids)."""

from __future__ import annotations

from ipaudit.extract.aliases import column_names, normalise_name
from ipaudit.extract.columns import TABLE_COLUMNS
from ipaudit.extract.model import Extract, SourceFile
from ipaudit.headline import describe, headline, waiver_note, waivers_raise_rates
from ipaudit.model import AuditResult
from ipaudit.numbers import fmt_pct

#: The terminal table's severity column, in bokmål (``--fail-on error|warning`` in words).
SEVERITY_WORDS: dict[str, str] = {"error": "feil", "warning": "advarsel"}


def render_summary(result: AuditResult) -> str:
    """What an adviser sees in the terminal after an audit."""
    period = f"{result.period_from:%d.%m.%Y}" if result.period_from else "start"
    lines = [
        f"ipaudit {result.tool_version} · revisjonsdato {result.as_of:%d.%m.%Y} · "
        f"periode {period}–{result.period_to:%d.%m.%Y} · profil {result.profile.name}",
        f"Kohort: {result.cohort_size} pasienter med vurdert behov. Avviste rader: {result.rejected.height}.",
        "",
        f"{'Regel':<6} {'Alvorlighet':<11} {'Oppfylt':>8} {'Ikke opp.':>9} {'Venter':>7} "
        f"{'Ikke akt.':>9} {'Unntatt':>8} {'Etterlevelse':>12}  Tittel",
    ]
    for rule in result.rules:
        c = rule.counts
        lines.append(
            f"{rule.meta.id:<6} {SEVERITY_WORDS[rule.severity.value]:<11} {c['pass']:>8} {c['fail']:>9} "
            f"{c['pending']:>7} {c['not_applicable']:>9} {c['waived']:>8} "
            f"{fmt_pct(rule.compliance_rate):>12}  {rule.meta.title}"
        )
        if rule.note:
            lines.append(f"{'':<6} {rule.note}")
        note = waiver_note(rule)
        if note:
            lines.append(f"{'':<6} {note}")
    lines.append("")
    lines.append("I alt: " + describe(headline(result)))
    raised = waivers_raise_rates(result)
    if raised:
        lines.append(raised)
    return "\n".join(lines)


def _where(source: SourceFile | None, table: str, row: int, column: str) -> str:
    """``kontakter.csv rad 17, kolonne Fra_dato (episodes.start_date)``: the user's file and
    column beside the names the spec gives the table and column."""
    if source is None:
        return f"{table} rad {row}" + (f" ({column})" if column else "")
    place = source.path.name + (f" [{source.sheet}]" if source.sheet else "") + f" rad {row}"
    if not column:
        return f"{place} ({table})"
    wanted = set(column_names(table, column)) if column in {c.name for c in TABLE_COLUMNS[table]} else set()
    header = next((h for h in source.headers if normalise_name(h) in wanted), None)
    return f"{place}, kolonne {header} ({table}.{column})" if header else f"{place} ({table}.{column})"


def render_validation(extract: Extract, show_rows: bool = True, limit: int = 200) -> str:
    """Rows read/accepted/rejected per table, then the rejected rows with reasons."""
    lines = [f"Uttrekk: {extract.location}"]
    for source in extract.sources:
        where = f"{source.path.name}" + (f" [{source.sheet}]" if source.sheet else "")
        lines.append(f"  {source.table:<13} ← {where}  sha256 {source.sha256[:12]}")
    lines.extend(f"  ignorert: {name}" for name in extract.ignored_files)
    lines.append("")
    lines.append(f"{'Tabell':<13} {'Lest':>9} {'Godtatt':>9} {'Avvist':>8}")
    for table, counts in extract.counts.items():
        lines.append(f"{table:<13} {counts.rows_read:>9} {counts.rows_accepted:>9} {counts.rows_rejected:>8}")
    rejected = extract.rejected
    if show_rows and rejected.height:
        lines.append("")
        lines.append("Avviste rader:")
        sources = {source.table: source for source in extract.sources}
        for table, row, column, reason in rejected.head(limit).iter_rows():
            lines.append(f"  {_where(sources.get(table), table, row, column)}: {reason}")
        if rejected.height > limit:
            lines.append(f"  … og {rejected.height - limit} til.")
    elif rejected.height == 0:
        lines.append("")
        lines.append("Ingen rader avvist.")
    return "\n".join(lines)
