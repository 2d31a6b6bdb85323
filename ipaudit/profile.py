"""Profiles: which rules run, with which severities, parameters, phrase patterns and suspensions.

A profile is a TOML file. The built-in ones ship in ``ipaudit/profiles/``; a user's file can
``extends = "national"`` (or another built-in name, in any case, or a path relative to
itself) and switch rules on or off, change severities and parameters, add phrase patterns
and add suspensions. Anything wrong in a profile raises ``InputError`` naming the file, the
key and the known values: an unknown rule, parameter, phrase kind or suspension tag, a
parameter out of range, a pattern the regex engine refuses (alone or joined with the
others of its kind, as the engine runs them), an ``extends`` chain deeper than
``MAX_EXTENDS``, or a profile that enables no rule. A rule that reads free text while the
profile has no pattern for it runs, but with a warning (``Profile.warnings``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from ipaudit.checks import PARAMETERS, catalogue
from ipaudit.errors import InputError
from ipaudit.messages import os_reason, regex_error, toml_error
from ipaudit.model import PhraseKind, Severity, Suspension, Tag
from ipaudit.phrases import combined

PATTERN_KINDS: tuple[str, ...] = tuple(kind.value for kind in PhraseKind)
BUILTIN: tuple[str, ...] = ("national", "unn", "helse-bergen")
#: Deepest ``extends`` chain accepted (a user's profile extends a region's, which extends national).
MAX_EXTENDS = 20
#: Largest value of any parameter: ten years of days (a larger one is a typo, and overflows dates).
MAX_PARAMETER = 3660
_TOP_KEYS = {"name", "title", "extends", "rules", "parameters", "patterns", "suspensions"}
_SUSPENSION_KEYS = {"name", "from", "to", "tags", "basis"}


def known_tags() -> frozenset[str]:
    """The tags a suspension may name (``ipaudit.model.Tag``)."""
    return frozenset(tag.value for tag in Tag)


@dataclass(frozen=True)
class Profile:
    """A resolved profile: inheritance applied, everything validated."""

    name: str
    title: str
    source: str
    """'innebygd' for a built-in profile, else the file path."""
    extends: tuple[str, ...]
    """The chain of profiles this one builds on, nearest first."""
    rules: tuple[str, ...]
    """Enabled rule ids, in catalogue order."""
    severities: dict[str, Severity]
    """Severity overrides by rule id (rules not named keep their default)."""
    parameters: dict[str, int]
    patterns: dict[str, tuple[str, ...]]
    suspensions: tuple[Suspension, ...]
    loosened: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    """Parameter → (profile it extends, that profile's value, this value) where this
    profile sets a parameter looser (larger) than the profile it extends."""
    warnings: tuple[str, ...] = ()
    """Bokmål warnings shown on stderr and in every report (a rule reading free text
    without phrase patterns)."""


def load_profile(spec: str) -> Profile:
    """Load a built-in profile by name (any case), or a profile file by path."""
    known_rules = {meta.id for meta in catalogue()}
    path = Path(spec)
    if spec.lower() in BUILTIN:
        name = spec.lower()
        raw, source = _read_builtin(name), "innebygd"
        base_dir = None
    elif _looks_like_path(spec) or path.exists():
        raw, source = _read_file(path), str(path)
        base_dir = path.parent
    else:
        raise InputError(
            f"Ukjent profil «{spec}»: innebygde profiler er {', '.join(BUILTIN)}; "
            "en egen profil oppgis som sti til en .toml-fil"
        )
    profile = _resolve(raw, source, base_dir, known_rules, seen=(source,))
    if not profile.rules:
        raise InputError(
            f"Profil {source}: slår ikke på noen regel; legg til «extends = \"national\"» "
            "eller slå på regler under [rules] (f.eks. IP01 = true)"
        )
    warnings = tuple(_missing_patterns(profile))
    return dataclasses.replace(profile, warnings=warnings) if warnings else profile


def _looks_like_path(spec: str) -> bool:
    return Path(spec).suffix.lower() == ".toml" or "/" in spec or "\\" in spec


def _missing_patterns(profile: Profile) -> list[str]:
    """A warning for each enabled rule that reads free text of a kind the profile has no pattern for."""
    return [
        f"Profilen {profile.name} har ingen fraser for {kind}: {rule_id} leser ikke fritekst og "
        "godtar bare dokumenttypen; arv fra en innebygd profil (extends = \"national\") "
        f"eller legg til [patterns] {kind}"
        for rule_id in profile.rules
        for kind in _phrase_kinds(rule_id)
        if not profile.patterns.get(kind)
    ]


def _phrase_kinds(rule_id: str) -> list[str]:
    """The phrase kinds a rule reads from free text (its ``RuleMeta.phrases``)."""
    meta = next(meta for meta in catalogue() if meta.id == rule_id)
    return [str(kind) for kind, _ in meta.phrases]


def _read_builtin(name: str) -> dict[str, Any]:
    text = resources.files("ipaudit.profiles").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"Profilfilen {path} finnes ikke") from None
    except UnicodeDecodeError:
        raise InputError(f"Profilfilen {path} kan ikke leses: den er ikke lagret som UTF-8") from None
    except OSError as exc:
        raise InputError(f"Profilfilen {path} kan ikke leses: {os_reason(exc)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Profilfilen {path} er ikke gyldig TOML: {toml_error(str(exc))}") from None


def _resolve(
    raw: dict[str, Any],
    source: str,
    base_dir: Path | None,
    known_rules: set[str],
    seen: tuple[str, ...],
) -> Profile:
    def fail(key: str, problem: str) -> InputError:
        return InputError(f"Profil {source}: nøkkelen «{key}» {problem}")

    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"er ukjent (tillatt: {', '.join(sorted(_TOP_KEYS))})")

    parent: Profile | None = None
    if "extends" in raw:
        parent_spec = raw["extends"]
        if not isinstance(parent_spec, str) or not parent_spec.strip():
            raise fail("extends", "må være et profilnavn eller en sti")
        if len(seen) > MAX_EXTENDS:
            raise fail("extends", f"gir en kjede av mer enn {MAX_EXTENDS} profiler som arver hverandre")
        if parent_spec.lower() in BUILTIN:
            parent_spec = parent_spec.lower()
        elif base_dir is not None:
            if not _looks_like_path(parent_spec) and not (base_dir / parent_spec).exists():
                raise fail(
                    "extends",
                    f"= «{parent_spec}» er ingen innebygd profil (innebygde: {', '.join(BUILTIN)}) "
                    "og ingen fil; en egen profil oppgis som sti til en .toml-fil",
                )
            parent_spec = str((base_dir / parent_spec).resolve())
        else:
            raise fail("extends", f"må være en innebygd profil ({', '.join(BUILTIN)})")
        if parent_spec in seen:
            raise fail("extends", "gir en sirkel av profiler som arver hverandre")
        if parent_spec in BUILTIN:
            parent_raw, parent_source, parent_dir = _read_builtin(parent_spec), "innebygd", None
        else:
            parent_raw = _read_file(Path(parent_spec))
            parent_source, parent_dir = parent_spec, Path(parent_spec).parent
        parent = _resolve(parent_raw, parent_source, parent_dir, known_rules, seen + (parent_spec,))

    name = raw.get("name", Path(source).stem if source != "innebygd" else "ukjent")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "må være en tekst")
    title = raw.get("title", name)

    # Rules: inherited set, then this file's switches and severities.
    enabled = set(parent.rules) if parent else set()
    severities = dict(parent.severities) if parent else {}
    rules_raw = raw.get("rules", {})
    if not isinstance(rules_raw, dict):
        raise fail("rules", "må være en tabell")
    for rule_id, setting in rules_raw.items():
        key = f"rules.{rule_id}"
        if rule_id not in known_rules:
            raise fail(key, f"er ingen kjent regel (kjente: {', '.join(sorted(known_rules))})")
        if isinstance(setting, bool):
            on, severity = setting, None
        elif isinstance(setting, dict):
            extra = set(setting) - {"enabled", "severity"}
            if extra:
                raise fail(f"{key}.{sorted(extra)[0]}", "er ukjent (tillatt: enabled, severity)")
            on = setting.get("enabled", True)
            if not isinstance(on, bool):
                raise fail(f"{key}.enabled", "må være true eller false")
            severity = setting.get("severity")
        else:
            raise fail(key, "må være true/false eller en tabell med enabled og severity")
        if severity is not None:
            try:
                severities[rule_id] = Severity(severity)
            except ValueError:
                raise fail(f"{key}.severity", "må være «error» eller «warning»") from None
        (enabled.add if on else enabled.discard)(rule_id)

    # Parameters: inherited, then overridden; every one a whole number of days >= 0.
    parameters = dict(parent.parameters) if parent else {}
    params_raw = raw.get("parameters", {})
    if not isinstance(params_raw, dict):
        raise fail("parameters", "må være en tabell")
    for pname, value in params_raw.items():
        if pname not in PARAMETERS:
            raise fail(
                f"parameters.{pname}",
                f"er ingen kjent parameter (kjente: {', '.join(sorted(PARAMETERS))})",
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PARAMETER:
            raise fail(f"parameters.{pname}", f"må være et heltall fra 0 til {MAX_PARAMETER} (er {value!r})")
        parameters[pname] = value
    for pname, param in PARAMETERS.items():
        parameters.setdefault(pname, param.default)

    loosened = dict(parent.loosened) if parent else {}
    if parent is not None:
        for pname, value in params_raw.items():
            if value > parent.parameters[pname]:
                loosened[pname] = (parent.name, parent.parameters[pname], value)
            else:
                loosened.pop(pname, None)

    # Phrase patterns: inherited, plus this file's (validated as Rust regexes, as polars runs them).
    patterns = {k: list(v) for k, v in (parent.patterns.items() if parent else [])}
    patterns_raw = raw.get("patterns", {})
    if not isinstance(patterns_raw, dict):
        raise fail("patterns", "må være en tabell")
    for kind, items in patterns_raw.items():
        key = f"patterns.{kind}"
        if kind not in PATTERN_KINDS:
            raise fail(key, f"er ingen kjent frasetype (kjente: {', '.join(PATTERN_KINDS)})")
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(p, str) and p for p in items):
            raise fail(key, "må være en liste med regulære uttrykk")
        for pattern in items:
            _check_regex(pattern, fail, key)
        patterns.setdefault(kind, [])
        patterns[kind].extend(p for p in items if p not in patterns[kind])
        # The engine joins a kind's patterns into one regex: each may pass alone and the whole be too big.
        _check_regex(combined(patterns[kind]).removeprefix("(?i)"), fail, key, joined=True)

    suspensions = list(parent.suspensions) if parent else []
    susp_raw = raw.get("suspensions", [])
    if not isinstance(susp_raw, list):
        raise fail("suspensions", "må være en liste av tabeller ([[suspensions]])")
    for i, item in enumerate(susp_raw, start=1):
        suspensions.append(_suspension(item, f"suspensions[{i}]", fail))

    chain = ((parent.name,) + parent.extends) if parent else ()
    return Profile(
        name=name,
        title=title if isinstance(title, str) else name,
        source=source,
        extends=chain,
        rules=tuple(meta.id for meta in catalogue() if meta.id in enabled),
        severities=severities,
        parameters=parameters,
        patterns={k: tuple(v) for k, v in patterns.items()},
        suspensions=tuple(suspensions),
        loosened=loosened,
    )


def _check_regex(pattern: str, fail: Any, key: str, *, joined: bool = False) -> None:
    try:
        pl.Series([""], dtype=pl.String).str.contains(f"(?i){pattern}")
    except Exception as exc:  # polars raises ComputeError for a bad regex
        reason = regex_error(str(exc), offset=len("(?i)")) if str(exc).strip() else type(exc).__name__
        if joined:
            raise fail(key, f"har gyldige uttrykk hver for seg, men sammen: {reason}") from None
        raise fail(key, f"har et ugyldig regulært uttrykk «{pattern}»: {reason}") from None


def _suspension(item: Any, key: str, fail: Any) -> Suspension:
    if not isinstance(item, dict):
        raise fail(key, "må være en tabell")
    extra = set(item) - _SUSPENSION_KEYS
    if extra:
        raise fail(f"{key}.{sorted(extra)[0]}", f"er ukjent (tillatt: {', '.join(sorted(_SUSPENSION_KEYS))})")
    for required in ("name", "from", "to", "tags"):
        if required not in item:
            raise fail(f"{key}.{required}", "mangler")
    start, end = item["from"], item["to"]
    for k, v in (("from", start), ("to", end)):
        if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
            raise fail(f"{key}.{k}", "må være en dato (ÅÅÅÅ-MM-DD, uten anførselstegn)")
    if end < start:
        raise fail(f"{key}.to", "er før «from»")
    tags = item["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags) or not tags:
        raise fail(f"{key}.tags", 'må være en ikke-tom liste av tekster, f.eks. ["ip-right"]')
    known = known_tags()
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise fail(f"{key}.tags", f"har ukjent merke «{unknown[0]}» (kjente: {', '.join(sorted(known))})")
    return Suspension(
        name=str(item["name"]),
        start=start,
        end=end,
        tags=frozenset(tags),
        basis=str(item.get("basis", "")),
    )
