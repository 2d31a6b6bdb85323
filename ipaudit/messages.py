"""Other libraries' error messages in bokmål: the TOML parser's, the regex engine's and the OS's.

A profile or waiver file with a typo, a bad phrase pattern or an unreadable file should be
explained in the reader's language, with the place (line and column, the character in the
pattern) kept. Each function turns one library's message into one bokmål line; a message
not in the tables is kept as it is, after the translated part, so nothing is lost.
"""

from __future__ import annotations

import errno
import os
import re

#: tomllib's messages (CPython Lib/tomllib/_parser.py), start of the message → bokmål.
_TOML: tuple[tuple[str, str], ...] = (
    ("Invalid statement", "ugyldig linje"),
    ("Expected newline or end of document after a statement", "forventet linjeskift etter verdien"),
    ("Expected '=' after a key in a key/value pair", "forventet «=» etter nøkkelen"),
    ("Invalid initial character for a key part", "ugyldig tegn i starten av en nøkkel"),
    ("Expected ']' at the end of a table declaration", "forventet «]» på slutten av tabellnavnet"),
    ("Expected ']]' at the end of an array declaration", "forventet «]]» på slutten av tabellnavnet"),
    ("Cannot declare", "samme tabell er deklarert to ganger"),
    ("Cannot overwrite a value", "samme nøkkel har fått verdi to ganger"),
    ("Cannot mutate immutable namespace", "samme nøkkel har fått verdi to ganger"),
    ("Cannot append to", "kan ikke legge til i en tabell som allerede er definert"),
    ("Invalid value", "ugyldig verdi (tekst må stå i anførselstegn)"),
    ("Unclosed array", "listen er ikke lukket med «]»"),
    ("Unclosed inline table", "tabellen er ikke lukket med «}»"),
    ("Unterminated string", "teksten mangler avsluttende anførselstegn"),
    ("Illegal character", "ulovlig tegn"),
    ("Invalid date or datetime", "ugyldig dato"),
    ("Invalid hex value", "ugyldig heksadesimal verdi"),
    ("Invalid number", "ugyldig tall"),
    ("Unescaped", "tegn som må skrives med \\ (escape)"),
    ("Found invalid character", "ugyldig tegn"),
    ("Expected", "uventet tegn"),
)
_TOML_PLACE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")

#: The regex engine's (Rust regex, as polars runs it) messages → bokmål.
_REGEX: tuple[tuple[str, str], ...] = (
    ("unclosed group", "en parentes er ikke lukket"),
    ("unopened group", "en parentes lukkes uten å være åpnet"),
    ("unclosed character class", "en tegnklasse [ … ] er ikke lukket"),
    ("repetition operator missing expression", "en gjentakelse (*, +, ?, {n}) står uten noe foran seg"),
    ("unrecognized escape sequence", "ukjent escape-sekvens (tegn etter \\)"),
    ("invalid repetition count range", "ugyldig antall i {m,n}: m må være ≤ n"),
    ("duplicate capture group name", "to grupper har samme navn"),
    ("look-around, including look-ahead and look-behind, is not supported",
     "look-ahead og look-behind ((?=…), (?!…), (?<=…)) støttes ikke"),
    ("backreferences are not supported", "tilbakereferanser (\\1) støttes ikke"),
    ("exceeds size limit", "uttrykket blir for stort (over størrelsesgrensen til regex-motoren)"),
    ("empty character class", "tom tegnklasse []"),
    ("invalid character class range", "ugyldig område i tegnklassen"),
    ("unclosed counted repetition", "en gjentakelse {m,n} er ikke lukket"),
    ("decimal literal invalid", "ugyldig tall i {m,n}"),
    ("repetition quantifier expects a valid decimal", "forventet et tall i {m,n}"),
    ("unrecognized flag", "ukjent flagg i (?…)"),
    ("unclosed flag", "flagg (?…) er ikke lukket"),
)

#: errno → bokmål reason (instead of the C library's English strerror).
_OS: dict[int, str] = {
    errno.ENOENT: "finnes ikke",
    errno.EEXIST: "finnes allerede",
    errno.EACCES: "ingen tilgang",
    errno.EPERM: "ikke tillatt",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.EISDIR: "er en mappe",
    errno.ENOSPC: "disken er full",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "lese- eller skrivefeil på disken",
    errno.ENOTEMPTY: "mappen er ikke tom",
    errno.EMFILE: "for mange åpne filer",
    errno.EBUSY: "er i bruk",
    errno.EXDEV: "kan ikke flyttes mellom filsystemer",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.ELOOP: "for mange symbolske lenker",
}


def toml_error(message: str) -> str:
    """``Expected '=' after a key … (at line 3, column 5)`` → ``forventet «=» etter nøkkelen (linje 3, kolonne 5)``."""
    place = _TOML_PLACE.search(message)
    text = message[: place.start()] if place else message
    where = ""
    if place:
        where = f" (linje {place.group(1)}, kolonne {place.group(2)})" if place.group(1) else " (på slutten av filen)"
    for english, norwegian in _TOML:
        if text.startswith(english):
            return norwegian + where
    return text + where


def regex_error(message: str, offset: int = 0) -> str:
    """A polars/Rust regex error → one bokmål line with where in the pattern it is
    (``offset``: characters put before the user's pattern, such as ``(?i)``)."""
    lines = [line for line in message.splitlines() if line.strip()]
    reason = next((line.strip()[len("error:"):].strip() for line in lines if line.strip().startswith("error:")), "")
    if not reason:
        reason = next((line for line in lines if "exceeds size limit" in line), lines[0] if lines else message)
    where = ""
    for i, line in enumerate(lines):
        if set(line.strip()) == {"^"} and i > 0:
            column = line.index("^") - (len(lines[i - 1]) - len(lines[i - 1].lstrip()))
            where = f" (ved tegn {column - offset + 1})" if column >= offset else ""
            break
    for english, norwegian in _REGEX:
        if english in reason:
            return norwegian + where
    return reason.removeprefix("regex error: ") + where


def os_reason(exc: OSError) -> str:
    """Why an OS call failed, in bokmål."""
    if exc.errno in _OS:
        return _OS[exc.errno]
    return exc.strerror or type(exc).__name__


def translate_os_reasons(text: str) -> str:
    """``text`` with the C library's English reasons (``File exists``) replaced by bokmål.

    The one place messages built with ``exc.strerror`` anywhere in ipaudit become bokmål
    before they are printed."""
    for number, norwegian in _OS.items():
        english = os.strerror(number)
        if english and english in text:
            text = text.replace(english, norwegian)
    return text
