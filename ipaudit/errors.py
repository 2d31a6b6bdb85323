"""Errors that stop a run with exit code 2 and one readable line (no traceback).

Everything the user can get wrong (a broken file, a missing table, a bad date on the
command line, an invalid profile) raises ``InputError``; the CLI prints its message on one
line and exits 2. Messages never contain journal text or national ids.
"""

from __future__ import annotations


class InputError(Exception):
    """A usage or input fault that makes the run impossible; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
