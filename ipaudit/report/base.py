"""The one interface every report format implements.

A view turns an ``AuditResult`` into one or more files. It never recomputes the audit and
never decides where the files end up: ``write_reports`` hands it temporary paths in the
output directory and renames them into place only after every view has succeeded.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from ipaudit.model import AuditResult


class ReportView(ABC):
    """One output format (pip-audit's ``_format/interface.py``, prowler's ``Output``)."""

    format: ClassVar[str]
    """The name used with ``--format``."""
    filenames: ClassVar[tuple[str, ...]]
    """The files this view writes, by their final names in the output directory."""

    @abstractmethod
    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        """Write every file of ``filenames`` to ``targets[filename]``.

        The target paths are temporary files that already exist (empty) in the output
        directory; the view overwrites them and must not rename or delete them.
        """
