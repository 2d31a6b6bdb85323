"""Errors that stop a run with exit code 2 and one readable line (no traceback).

Everything the user can get wrong (a broken file, a missing table, a bad date on the
command line, an invalid profile) raises ``InputError``; the CLI prints its message on one
line and exits 2. Messages never contain journal text or national ids.
"""

from __future__ import annotations

import errno


class InputError(Exception):
    """A usage or input fault that makes the run impossible; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


STORAGE_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EACCES: "mangler tilgang",
    errno.EPERM: "mangler tilgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
}
"""OSErrors the user can act on (free space, fix permissions) rather than internal faults."""


def storage_problem(exc: OSError) -> str | None:
    """One line for an OSError the user can act on, naming the file; None for any other."""
    reason = STORAGE_ERRNOS.get(exc.errno or 0)
    if reason is None:
        return None
    where = f" {exc.filename}" if exc.filename else ""
    return f"kan ikke skrive eller lese{where}: {reason}"


class CheckContractError(RuntimeError):
    """A check returned results that break the output contract (``ipaudit.checks.contract``):
    a programming error, exit 3. The message names the rule and what was broken, never a value."""

    def __init__(self, rule_id: str, broken: list[str]) -> None:
        self.rule_id = rule_id
        self.broken = tuple(broken)
        super().__init__(f"regel {rule_id} brøt resultatkontrakten: {'; '.join(broken)}")
