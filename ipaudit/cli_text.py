"""Click's own words in bokmål: usage errors, help headings, ``[default: …]``, metavars.

Click builds its messages with ``gettext`` (``_("Missing argument")``) looked up in each of
its modules; ``install()`` points those lookups at the tables below, so every message and
help text click writes for ipaudit reads in bokmål, as the reports do. A message missing
from the tables (a newer click) is shown as click wrote it. ``install()`` also names the
metavars (TEKST, HELTALL, STI, DATO, UTTREKK) and is called once, when ``ipaudit.cli`` is
imported. ``translate_os_reasons`` (re-exported from ``ipaudit.messages``) turns the C
library's English reasons ("File exists") into bokmål in any message.
"""

from __future__ import annotations

import importlib
import re

import click

from ipaudit.messages import translate_os_reasons

#: click's message → bokmål. Placeholders keep click's names; ``{x!r}`` may become ``«{x}»``.
MESSAGES: dict[str, str] = {
    "Usage:": "Bruk:",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "Positional arguments": "Argumenter",
    "Show this message and exit.": "Vis denne hjelpeteksten og avslutt.",
    "Show the version and exit.": "Vis versjonen og avslutt.",
    "%(prog)s, version %(version)s": "%(prog)s, versjon %(version)s",
    "default: {default}": "standard: {default}",
    "required": "påkrevd",
    "env var: {var}": "miljøvariabel: {var}",
    "Missing argument": "Mangler argumentet",
    "Missing option": "Mangler valget",
    "Missing parameter": "Mangler parameteren",
    "Missing command.": "Mangler kommando.",
    "Missing parameter: {param_name}": "Mangler parameteren {param_name}",
    "Missing {param_type}": "Mangler {param_type}",
    "No such command {name!r}.": "Ukjent kommando «{name}».",
    "No such option {name!r}.": "Ukjent valg «{name}».",
    "Option {name!r} does not take a value.": "Valget «{name}» tar ingen verdi.",
    "Invalid value for {param_hint}: {message}": "Ugyldig verdi for {param_hint}: {message}",
    "Invalid value: {message}": "Ugyldig verdi: {message}",
    "Error: {message}": "Feil: {message}",
    "Try '{command} {option}' for help.": "Se «{command} {option}» for hjelp.",
    "Aborted!": "Avbrutt.",
    "Choose from:\n\t{choices}": "Velg blant:\n\t{choices}",
    "Argument {name!r} takes {nargs} values.": "Argumentet «{name}» tar {nargs} verdier.",
    "{value!r} is not a valid {number_type}.": "«{value}» er ikke et gyldig {number_type}.",
    "{value} is not in the range {range}.": "{value} er utenfor området {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "«{value}» er ingen gyldig sannhetsverdi. Gyldige verdier: {states}",
    "{name} {filename!r} does not exist.": "{name} «{filename}» finnes ikke.",
    "{name} {filename!r} is a file.": "{name} «{filename}» er en fil.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» er en mappe.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» kan ikke leses.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» kan ikke skrives.",
    "{name} {filename!r} is not executable.": "{name} «{filename}» kan ikke kjøres.",
    "Could not open file {filename!r}: {message}": "Kan ikke åpne filen «{filename}»: {message}",
    "file": "Filen",
    "directory": "Mappen",
    "path": "Stien",
    "Value must be an iterable.": "Verdien må være en liste.",
}

#: click's (singular, plural) → bokmål (singular, plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Uventet ekstra argument ({args})", "Uventede ekstra argumenter ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Mente du {possibility}?", "(Mente du en av: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Valget «{name}» trenger en verdi.", "Valget «{name}» trenger {nargs} verdier."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("«{value}» er ikke {choice}.", "«{value}» er ikke en av {choices}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Tar {nargs} verdier, men fikk 1.", "Tar {nargs} verdier, men fikk {len}."),
}

#: The metavar of each click type in help texts (click shows ``type.name`` in capitals).
TYPE_NAMES: dict[str, str] = {"text": "tekst", "integer": "heltall", "integer range": "heltall", "path": "sti",
                              "float": "desimaltall", "boolean": "ja/nei"}

OPTIONS_METAVAR = "[VALG]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENTER]..."
#: The metavar of each command-line argument (click shows the parameter name in capitals).
ARGUMENT_NAMES: dict[str, str] = {"extract": "UTTREKK", "out_dir": "MAPPE", "key_file": "NØKKELFIL",
                                  "ids": "PSEUDONYM…"}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


__all__ = ["install", "one_line", "translate_os_reasons"]


def gettext(message: str) -> str:
    """click's ``_``: the bokmål message, or click's own when the table has none."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``."""
    norwegian = PLURALS.get((singular, plural))
    if norwegian is None:
        return singular if n == 1 else plural
    return norwegian[0] if n == 1 else norwegian[1]


def install(group: click.Group) -> None:
    """Make click speak bokmål in this process, and name ``group``'s arguments in bokmål."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for param_type in (click.STRING, click.INT, click.FLOAT, click.BOOL):
        param_type.name = TYPE_NAMES.get(param_type.name, param_type.name)
    click.IntRange.name = TYPE_NAMES["integer range"]
    click.Path.name = TYPE_NAMES["path"]
    group.options_metavar = OPTIONS_METAVAR
    group.subcommand_metavar = SUBCOMMAND_METAVAR
    for command in (group, *group.commands.values()):
        command.options_metavar = OPTIONS_METAVAR
        for param in command.params:
            # Help texts and type names made before install() (click's --help and --version).
            if isinstance(param, click.Option) and param.help:
                param.help = gettext(param.help)
            param.type.name = TYPE_NAMES.get(param.type.name, param.type.name)
            if isinstance(param, click.Argument) and param.name in ARGUMENT_NAMES and param.metavar is None:
                param.metavar = ARGUMENT_NAMES[param.name]


_QUOTED = re.compile(r"'([^'\s][^']*)'")


def one_line(exc: click.ClickException) -> str:
    """A usage error as one bokmål line: click's quotes become «», its words bokmål."""
    text = " ".join(exc.format_message().split())
    return translate_os_reasons(_QUOTED.sub(lambda m: f"«{m.group(1)}»", text))
