"""The rule catalogue as a terminal table or as Markdown (docs/rules.md), from the rules' own metadata."""

from __future__ import annotations

from ipaudit.checks import PARAMETERS, registry
from ipaudit.profile import Profile


def _params(profile: Profile, names: tuple[str, ...]) -> str:
    return ", ".join(f"{n}={profile.parameters[n]}" for n in names) or "–"


def render_table(profile: Profile) -> str:
    """One block per rule: id, severity, title, parameters and legal basis."""
    lines = [f"Profil: {profile.name} ({profile.title}) · {profile.source}", ""]
    for rule_id in profile.rules:
        meta = registry()[rule_id].meta
        severity = profile.severities.get(rule_id, meta.severity)
        lines.append(f"{meta.id:<5} {severity.value:<8} {meta.title}")
        lines.append(f"      Parametere: {_params(profile, meta.parameters)}")
        lines.append(f"      Hjemmel: {meta.basis}")
    for s in profile.suspensions:
        lines.append("")
        lines.append(
            f"Suspensjon: {s.name}, {s.start:%d.%m.%Y}–{s.end:%d.%m.%Y} ({', '.join(sorted(s.tags))})"
        )
    return "\n".join(lines)


def render_markdown(profile: Profile) -> str:
    """docs/rules.md: the catalogue generated from the code (a test fails when it is stale)."""
    out = [
        "# Regelkatalog",
        "",
        "Generert av `ipaudit rules --format markdown` fra reglenes egne metadata. Ikke rediger for hånd.",
        "",
        f"Profil: **{profile.name}** ({profile.title}).",
        "",
        "| Regel | Tittel | Alvorlighet | Parametere |",
        "|---|---|---|---|",
    ]
    for rule_id in profile.rules:
        meta = registry()[rule_id].meta
        severity = profile.severities.get(rule_id, meta.severity)
        out.append(f"| {meta.id} | {meta.title} | {severity.value} | {_params(profile, meta.parameters)} |")
    for rule_id in profile.rules:
        meta = registry()[rule_id].meta
        out += ["", f"## {meta.id} — {meta.title}", ""]
        if meta.applies_to:
            out.append(f"- **Gjelder:** {meta.applies_to}")
        if meta.satisfied_by:
            out.append(f"- **Oppfylt når:** {meta.satisfied_by}")
        if meta.due:
            out.append(f"- **Frist:** {meta.due}")
        if meta.tags:
            out.append(f"- **Merker:** {', '.join(sorted(meta.tags))}")
        out.append(f"- **Hjemmel:** {meta.basis}")
    out += ["", "## Parametere", "", "| Parameter | Verdi | Beskrivelse |", "|---|---|---|"]
    for name, param in PARAMETERS.items():
        out.append(f"| {name} | {profile.parameters[name]} | {param.description} |")
    if profile.suspensions:
        out += ["", "## Suspensjoner", ""]
        for s in profile.suspensions:
            out.append(
                f"- **{s.name}**: {s.start:%d.%m.%Y}–{s.end:%d.%m.%Y}, merker {', '.join(sorted(s.tags))}. {s.basis}"
            )
    return "\n".join(out) + "\n"
