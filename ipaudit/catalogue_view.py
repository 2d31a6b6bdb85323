"""The rule catalogue as a terminal table or as Markdown (docs/rules.md), from the rules' own metadata.

Every text is the rule's ``RuleMeta`` resolved with the profile's values ('innen 14 dager'),
statute and guidance are shown apart (*Lov/forskrift*, *Retningslinje*), and a due date is
called *revisjonsfrist (profil)* beside the rule's legal standard: the day counts are the
profile's audit thresholds, never law.
"""

from __future__ import annotations

from ipaudit.checks import PARAMETERS, registry
from ipaudit.model import RuleMeta, Tag
from ipaudit.profile import BUILTIN, Profile, load_profile
from ipaudit.summary import SEVERITY_WORDS

NO_STATUTE = "ingen (retningslinjekrav)"


def _params(profile: Profile, names: tuple[str, ...]) -> str:
    return ", ".join(f"{n}={profile.parameters[n]}" for n in names) or "–"


def resolved(rule_id: str, profile: Profile) -> RuleMeta:
    """The rule's metadata with the profile's parameter values in its texts."""
    return registry()[rule_id].meta.resolved(profile.parameters, PARAMETERS)


def render_table(profile: Profile) -> str:
    """One block per rule: id, severity, title, parameters, statute, guidance and deadlines."""
    lines = [f"Profil: {profile.name} ({profile.title}) · {profile.source}", ""]
    for rule_id in profile.rules:
        meta = resolved(rule_id, profile)
        severity = profile.severities.get(rule_id, meta.severity)
        lines.append(f"{meta.id:<5} {SEVERITY_WORDS[severity.value]:<8} {meta.title}")
        lines.append(f"      Parametere: {_params(profile, meta.parameters)}")
        lines.append(f"      Lov/forskrift: {meta.statute or NO_STATUTE}")
        lines.append(f"      Retningslinje: {meta.guidance or '–'}")
        if meta.background:
            lines.append(f"      Bakgrunn: {meta.background}")
        lines.append(f"      Revisjonsfrist (profil): {meta.due or 'ingen'} Lovens krav: {meta.legal_deadline}.")
        if meta.in_force_from:
            lines.append(f"      Gjelder fra: {meta.in_force_from:%d.%m.%Y}")
    for s in profile.suspensions:
        lines.append("")
        tags = ", ".join(sorted(Tag(t).label if t in set(Tag) else t for t in s.tags))
        lines.append(f"Suspensjon: {s.name}, {s.start:%d.%m.%Y}–{s.end:%d.%m.%Y} (gjelder regler merket {tags})")
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
        "Dagetallene er revisjonsfrister valgt av profilen for å gjøre «snarest mulig» etterprøvbart. "
        "De står ikke i lov eller forskrift: hver regel viser lovens krav ved siden av.",
        "",
        "| Regel | Tittel | Alvorlighet | Profiler | Parametere |",
        "|---|---|---|---|---|",
    ]
    for rule_id in registry():
        meta = resolved(rule_id, profile)
        severity = profile.severities.get(rule_id, meta.severity)
        profiles = ", ".join(name for name in BUILTIN if rule_id in in_builtin[name]) or "–"
        out.append(
            f"| {meta.id} | {meta.title} | {severity.value} | {profiles} | {_params(profile, meta.parameters)} |"
        )
    for rule_id in registry():
        meta = resolved(rule_id, profile)
        out += ["", f"## {meta.id} — {meta.title}", ""]
        out.append(f"- **Gjelder:** {meta.applies_to}")
        out.append(f"- **Oppfylt når:** {meta.satisfied_by}")
        out.append(f"- **Revisjonsfrist (profil):** {meta.due or 'ingen'}")
        out.append(f"- **Lovens krav til tid:** {meta.legal_deadline}")
        if meta.in_force_from:
            out.append(f"- **Gjelder fra:** {meta.in_force_from:%d.%m.%Y}")
        if meta.requires:
            out.append(f"- **Krever tabell:** {', '.join(meta.requires)}")
        tags = sorted({*meta.tags, *(f"{t} (gren {b})" for b, ts in meta.branch_tags for t in ts)})
        if tags:
            out.append(f"- **Merker:** {', '.join(tags)}")
        out.append(f"- **Lov/forskrift:** {meta.statute or NO_STATUTE}")
        out.append(f"- **Retningslinje:** {meta.guidance or '–'}")
        if meta.background:
            out.append(f"- **Bakgrunn:** {meta.background}")
    out += ["", "## Parametere (revisjonsfrister og terskler)", ""]
    out += ["| Parameter | Verdi | Beskrivelse |", "|---|---|---|"]
    for name, param in PARAMETERS.items():
        out.append(f"| {name} | {param.quantity(profile.parameters[name])} | {param.label} |")
    if profile.suspensions:
        out += ["", "## Suspensjoner", ""]
        for s in profile.suspensions:
            out.append(
                f"- **{s.name}**: {s.start:%d.%m.%Y}–{s.end:%d.%m.%Y}, merker {', '.join(sorted(s.tags))}. {s.basis}"
            )
    return "\n".join(out) + "\n"
