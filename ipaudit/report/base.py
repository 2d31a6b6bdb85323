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
    """Every file this view can write, by its final name in the output directory."""

    def filenames_for(self, result: AuditResult) -> tuple[str, ...]:
        """The files this view writes for ``result``: ``filenames``, unless a view writes some
        of them only for some results (the CSV view writes ipaudit-resolved.csv only with a
        history). ``write_reports`` creates a temporary file for each, so atomic replacement
        covers every file a view writes."""
        return self.filenames

    @abstractmethod
    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        """Write every file of ``filenames_for(result)`` to ``targets[filename]``.

        The target paths are temporary files that already exist (empty) in the output
        directory; the view overwrites them and must not rename or delete them.
        """
