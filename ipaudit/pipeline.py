"""One run of ipaudit, in the one order that protects patients: every command calls ``run``.

read → audit → draw → pseudonymise → review → history → write, under the output directory's lock:

1. **read** the extract (``ipaudit.extract``) and **audit** it (``ipaudit.engine``); with
   ``--review`` the workbook's identity block is read first and checked against the run;
2. **draw** the review sample among the real patient ids (``ipaudit.selection``), so the key
   holder's ``ipaudit select`` redraws exactly the same patients — with ``--review`` the sample
   the workbook was made from;
3. **pseudonymise** the result and the sample with ``--pseudonymize``: nothing after this
   step ever sees a real patient id;
4. **review**: read the reviewer's verdicts back and count them (``ipaudit.review_reader``),
   among the pseudonyms when the run is pseudonymised;
5. **history**: compare with the previous run and record this one in one transaction that
   commits only once the reports are written (a failed night is never the baseline);
6. **write** every view atomically (``ipaudit.report.write_views``).

The CLI parses options into a ``RunRequest`` and maps the ``Outcome`` to output and an exit
code; it never orders these steps itself. Nothing here knows click.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipaudit.engine import AuditOptions
from ipaudit.model import AuditResult
from ipaudit.selection import DEFAULT_SPEC, SampleDraw, SampleSpec

if TYPE_CHECKING:
    from ipaudit.extract import Extract
    from ipaudit.history import Comparison
    from ipaudit.pseudonymize import Key
    from ipaudit.report.base import RunContext
    from ipaudit.review import Review
    from ipaudit.supervision_info import SupervisionInfo

#: Told which table is read next (table, label, done, total); never any content.
Progress = Callable[[str, str, int, int], None]

SUPERVISION = "supervision"
"""The format whose report lists the review sample; asking for it draws the default sample."""


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class RunRequest:
    """Everything a command asks of one run, parsed and validated by the CLI."""

    extract: Path
    """The extract: a directory of CSV files or one .xlsx workbook."""
    options: AuditOptions
    """The audit date, period, profile and waivers."""
    out_dir: Path
    """Where the reports go (locked for the run)."""
    formats: tuple[str, ...]
    """Views to write: ``ipaudit.report.FORMATS``, or the review workbook (``REVIEW_WORKBOOK``)."""
    key: Key | None = None
    """With ``--pseudonymize``: every output carries pseudonyms, never a real id."""
    history_path: Path | None = None
    """With ``--history``: the SQLite file to compare with and record in."""
    sample: SampleSpec | None = None
    """The review sample to draw exactly as asked (``ipaudit select``). None: the supervision
    report's own draw (``DEFAULT_SPEC``, capped at the cohort) when it is among the formats."""
    review: Path | None = None
    """With ``--review``: the filled-in review workbook to read back (its sample is drawn)."""
    info: SupervisionInfo | None = None
    """With ``--supervision-info``: the supervision's key facts, already validated."""
    html_limit: int | None = None
    """Findings listed per rule in the HTML report (None: the view's default)."""
    raw_csv: bool = False
    """With ``--raw-csv``: CSV values as they are, no ``'`` before a cell that starts like a
    formula (``ipaudit.report.csv``)."""
    clock: Callable[[], dt.datetime] = field(default=_now)
    """When the reports say they were made; tests pass a fixed clock to compare bytes."""
    progress: Progress | None = None
    """Told which table is being read (the CLI's progress bar)."""
    engine: str = "polars"
    """Where the document-heavy stage runs (``ENGINES``): ``polars`` on this machine, or
    ``spark`` (``ipaudit.spark``: reading, validation, the window and the free text in Spark)."""
    spark_master: str | None = None
    """With the Spark engine: the master URL (None: the running session, else ``local[*]``)."""
    extract_uri: str | None = None
    """With the Spark engine: the extract as written, which may be a URI Spark reads
    (``s3a://…``, ``abfss://…``, ``hdfs://…``, ``file://…``). None: ``extract``."""


ENGINES = ("polars", "spark")
"""The engines ``RunRequest.engine`` may name."""


@dataclass(frozen=True)
class Outcome:
    """What one run produced: the audit as the reports show it, and the files written."""

    result: AuditResult
    """Pseudonymised when the run was; with a history its results carry ``finding_id``/``change``."""
    history: Comparison | None
    """The comparison with the previous run (``--history``), else None."""
    sample: SampleDraw | None
    """The review sample, pseudonymised when the run was, else None."""
    review: Review | None
    """The reviewer's verdicts, counted (``--review``), else None."""
    written: tuple[Path, ...]
    """Every file written, in the order of the formats."""


def _draw(result: AuditResult, request: RunRequest, asked: SampleSpec | None) -> SampleDraw | None:
    """Step 2: the sample the views need, drawn among the ids of ``result`` as they are."""
    from ipaudit.selection import draw_sample

    if asked is not None:
        return draw_sample(result, asked, cap=False)
    if SUPERVISION in request.formats:
        return draw_sample(result, DEFAULT_SPEC)
    return None


def _write(result: AuditResult, request: RunRequest, context: RunContext) -> tuple[Path, ...]:
    """Step 5: every view of ``result`` into the output directory, atomically."""
    from ipaudit.report import make_views, write_views

    limit = {} if request.html_limit is None else {"html_limit": request.html_limit}
    views = make_views(request.formats, context=context, raw_csv=request.raw_csv, **limit)
    return tuple(write_views(result, request.out_dir, views))


def _read(request: RunRequest) -> Extract:
    """Step 1 on the Spark engine: the extract read and validated in Spark."""
    from ipaudit.spark import read_extract_spark

    where = request.extract_uri or str(request.extract)
    return read_extract_spark(where, master=request.spark_master, progress=request.progress)


def run(request: RunRequest) -> Outcome:
    """Run the steps in order under the output directory's lock; return what came of it.

    Raises ``InputError`` (one line for the user) before anything is written when the
    extract, the history file or the key cannot be used.
    """
    from ipaudit.engine import audit
    from ipaudit.extract import read_extract
    from ipaudit.extract.spool import PARTITION_PATIENTS
    from ipaudit.lock import run_lock
    from ipaudit.report.base import RunContext

    # The lock is taken before reading, so a second run on the same directory is refused at once.
    with run_lock(request.out_dir):
        workbook = None
        if request.review is not None:
            from ipaudit import review_reader

            workbook = review_reader.open_workbook(request.review)  # a wrong file fails before the read
        if request.engine == "spark":
            data = _read(request)
        else:  # ten million documents and more are spooled and audited in partitions of patients
            data = read_extract(request.extract, request.progress, partition_patients=PARTITION_PATIENTS)
        try:
            result = audit(data, request.options, generated_at=request.clock())
        finally:
            release = getattr(data.document_stage, "release", None)
            if release is not None:
                release()
            if data.spool is not None:
                data.spool.release()
        del data  # the tables (gigabytes at a health region's size) are not needed past the audit
        if workbook is not None:
            review_reader.check_identity(workbook, result, pseudonymized=request.key is not None)
        sample = _draw(result, request, workbook.identity.spec if workbook is not None else request.sample)
        if request.key is not None:
            from ipaudit.pseudonymize import pseudonymize_result

            result = pseudonymize_result(result, request.key)
            sample = sample.pseudonymized(request.key) if sample is not None else None
        review = None
        if workbook is not None and sample is not None:
            review = review_reader.read_review(workbook, result, sample)
        context = RunContext(sample=sample, review=review, info=request.info)
        if request.history_path is None:
            written = _write(result, request, context)
            return Outcome(result=result, history=None, sample=sample, review=review, written=written)
        from ipaudit.history import open_history

        with open_history(request.history_path) as store, store.recording(result) as comparison:
            result = dataclasses.replace(result, results=comparison.annotate(result.results))
            written = _write(result, request, dataclasses.replace(context, history=comparison))
        return Outcome(result=result, history=comparison, sample=sample, review=review, written=written)
