"""Everything ipaudit writes to a terminal goes through here: control characters stripped.

File names, sheet names and ids come from the extract and may hold escape sequences
(``ESC [ 2 J`` clears a screen, ``ESC ] 52`` writes to the clipboard) or Unicode bidi
controls that make a line read differently from what it says (CVE-2021-42574, "Trojan
Source"). ``clean`` removes C0 controls except newline and tab, DEL, C1 controls, the bidi
embedding, override and isolate marks, and other invisible format characters; ``echo`` is
``click.echo`` after ``clean``, for stdout and stderr alike, terminal or not (a cron log is
read in a terminal later). Every echo point of the CLI uses it.
"""

from __future__ import annotations

import re
from typing import Any

import click

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 controls except TAB and LF, DEL, C1 controls (CSI = \x9b)
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"  # bidi marks, zero-width, BOM
)


def clean(text: str) -> str:
    """``text`` without the characters a terminal would act on instead of showing."""
    return _UNSAFE.sub("", text)


def echo(message: Any = None, *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of ``message`` (a string or anything printable) with ``clean`` applied."""
    click.echo(None if message is None else clean(str(message)), err=err, nl=nl)
