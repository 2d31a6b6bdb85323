"""The rule catalogue as a terminal table or as Markdown (docs/rules.md), from the rules' own metadata."""

from __future__ import annotations

from ipaudit.checks import PARAMETERS, registry
from ipaudit.profile import BUILTIN, Profile, load_profile


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
        lines.append(f"Suspensjon: {s.name}, {s.start:%d.%m.%Y}–{s.end:%d.%m.%Y} ({', '.join(sorted(s.tags))})")
    return "\n".join(lines)


def render_markdown(profile: Profile) -> str:
    """docs/rules.md: the whole catalogue generated from the code (a test fails when it is stale).

    Every rule is listed, with the built-in profiles that run it; parameters and severities
    are those of ``profile``.
    """
    in_builtin = {name: set(load_profile(name).rules) for name in BUILTIN}
    out = [
        "# Regelkatalog",
        "",
        "Generert av `ipaudit rules --format markdown` fra reglenes egne metadata. Ikke rediger for hånd.",
        "",
        f"Parametere og alvorlighet er profilen **{profile.name}** sine ({profile.title}).",
        "",
        "| Regel | Tittel | Alvorlighet | Profiler | Parametere |",
        "|---|---|---|---|---|",
    ]
    for rule_id, rule in registry().items():
        meta = rule.meta
        severity = profile.severities.get(rule_id, meta.severity)
        profiles = ", ".join(name for name in BUILTIN if rule_id in in_builtin[name]) or "–"
        out.append(
            f"| {meta.id} | {meta.title} | {severity.value} | {profiles} | {_params(profile, meta.parameters)} |"
        )
    for rule in registry().values():
        meta = rule.meta
        out += ["", f"## {meta.id} — {meta.title}", ""]
        out.append(f"- **Gjelder:** {meta.applies_to}")
        out.append(f"- **Oppfylt når:** {meta.satisfied_by}")
        if meta.due:
            out.append(f"- **Frist:** {meta.due}")
        if meta.requires:
            out.append(f"- **Krever tabell:** {', '.join(meta.requires)}")
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
