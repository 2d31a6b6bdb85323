"""The one interface every report format implements.

A view turns an ``AuditResult`` into one or more files. It never recomputes the audit and
never decides where the files end up: ``write_reports`` hands it temporary paths in the
output directory and renames them into place only after every view has succeeded.

What a run adds to the audit — the comparison with the history, the review sample — is
decided by ``ipaudit.pipeline`` and handed to every view as one ``RunContext``; a view reads
it and never draws, pseudonymises or records anything itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ipaudit.history import Comparison
from ipaudit.model import AuditResult
from ipaudit.review import Review
from ipaudit.selection import SampleDraw
from ipaudit.supervision_info import SupervisionInfo


@dataclass(frozen=True)
class RunContext:
    """What the pipeline adds to an ``AuditResult`` for the views; everything optional."""

    history: Comparison | None = None
    """With ``--history``: what is new, still failing and resolved since the previous run of
    the same profile, and the trend. The results then carry ``finding_id`` and ``change``."""
    sample: SampleDraw | None = None
    """The review sample, drawn among the real ids and then pseudonymised if the run is."""
    review: Review | None = None
    """The reviewer's verdicts on the sample, read back from the filled-in workbook (``--review``)."""
    info: SupervisionInfo | None = None
    """The supervision's key facts (``--supervision-info``)."""


class ReportView(ABC):
    """One output format (pip-audit's ``_format/interface.py``, prowler's ``Output``)."""

    format: ClassVar[str]
    """The name used with ``--format``."""
    filenames: ClassVar[tuple[str, ...]]
    """Every file this view can write, by its final name in the output directory."""

    def __init__(self, context: RunContext | None = None) -> None:
        self.context = context or RunContext()
        """The history comparison and review sample of this run (``ipaudit.pipeline``)."""

    def filenames_for(self, result: AuditResult) -> tuple[str, ...]:
        """The files this view writes for ``result``: ``filenames``, unless a view writes some
        of them only for some results (the CSV view writes ipaudit-resolved.csv only with a
        history). ``write_reports`` stages a file for each, so the set's commit and its manifest
        cover every file a view writes."""
        return self.filenames

    @abstractmethod
    def render(self, result: AuditResult, targets: Mapping[str, Path]) -> None:
        """Write every file of ``filenames_for(result)`` to ``targets[filename]``.

        The target paths are temporary files that already exist (empty) in the output
        directory; the view overwrites them and must not rename or delete them.
        """
