"""Documents on disk, in patient partitions: how a health region's extract fits one machine.

Ten million documents held in memory cost gigabytes; a hundred million do not fit at all.
When ``read_extract`` is asked to spool (the audit command does), a documents table of more
than one batch is written, batch by batch as it is parsed, to a private temporary directory
(mode 0700, deleted when the run ends): each batch split into the *partitions* of the
patients it belongs to, one Arrow file per (partition, batch). Only the ids the whole-table
checks need (repeats, orphans) stay in memory. The rows the judge rejects are listed by
source row and left out whenever a partition is read back.

A partition is a range of patient ids (``PatientRanges``): every table of the extract is cut
by the same ranges, so each partition holds all of its patients' rows and the engine audits
one partition at a time (every rule is a function of one patient's rows). The ranges are in
id order, so a partition's results sorted by patient follow the previous partition's.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ipaudit.extract.model import TABLE_SCHEMAS
from ipaudit.extract.reasons import SOURCE_ROW

PARTITION_PATIENTS = 125_000
"""Patients audited at once when the documents are spooled. With ten documents each, a
partition's working set is a few hundred MB: 1 M patients peak at 2.8 GB with this size,
3.3 GB with twice it, in the same time."""

_BUCKET = "__partition"


@dataclass(frozen=True)
class PatientRanges:
    """Partitions of patient ids: partition ``k`` holds the ids from ``bounds[k - 1]``
    (inclusive) up to ``bounds[k]`` (exclusive); the first has no lower and the last no upper
    bound. Any id has a partition, known or not."""

    bounds: pl.Series

    @classmethod
    def of(cls, patient_ids: pl.Series, per_partition: int) -> PatientRanges:
        """Ranges of about ``per_partition`` of the given (distinct) ids each."""
        ids = patient_ids.drop_nulls().unique().sort()
        count = max(1, math.ceil(ids.len() / max(1, per_partition)))
        cuts = [ids.len() * k // count for k in range(1, count)]
        return cls(ids.gather(cuts).unique(maintain_order=True) if cuts else ids.clear())

    @property
    def count(self) -> int:
        """How many partitions there are."""
        return self.bounds.len() + 1

    def partition(self, patient_id: pl.Series) -> pl.Series:
        """Each id's partition (a null id belongs to the first)."""
        if self.bounds.len() == 0:
            return pl.Series(_BUCKET, [0] * patient_id.len(), dtype=pl.UInt32)
        found = self.bounds.search_sorted(patient_id.fill_null(""), side="right")
        return pl.Series(_BUCKET, found, dtype=pl.UInt32)

    def cut(self, frame: pl.DataFrame, k: int) -> pl.DataFrame:
        """The rows of ``frame`` whose patient is in partition ``k``."""
        if self.count == 1:
            return frame
        return frame.filter(self.partition(frame.get_column("patient_id")) == k)


class DocumentSpool:
    """The documents table written in partitions to a private temporary directory."""

    def __init__(self, ranges: PatientRanges) -> None:
        self.ranges = ranges
        self.directory = Path(tempfile.mkdtemp(prefix="ipaudit-documents-"))
        self._files: list[list[Path]] = [[] for _ in range(ranges.count)]
        self._batches = 0
        self._rejected = pl.Series(SOURCE_ROW, [], dtype=pl.Int64)
        # The copies are deleted even when a caller forgets ``release`` or the run fails.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, True)

    @property
    def written(self) -> bool:
        """True once a batch was spooled."""
        return self._batches > 0

    def write(self, parsed: pl.DataFrame) -> None:
        """Spool one parsed batch (TABLE_SCHEMAS columns with SOURCE_ROW), partition by partition."""
        number = self._batches
        self._batches += 1
        buckets = parsed.with_columns(self.ranges.partition(parsed.get_column("patient_id")))
        for (k,), rows in buckets.partition_by(_BUCKET, as_dict=True, include_key=False).items():
            path = self.directory / f"p{k:05d}-b{number:05d}.arrow"
            rows.write_ipc(path, compression="lz4")
            self._files[int(k)].append(path)  # type: ignore[call-overload]

    def reject(self, source_rows: pl.Series) -> None:
        """Leave out the rows at these source row numbers (the judge's rejected rows)."""
        self._rejected = source_rows.cast(pl.Int64).rename(SOURCE_ROW)

    def documents(self, k: int) -> pl.DataFrame:
        """The accepted documents of partition ``k``, TABLE_SCHEMAS columns, in source order."""
        schema = pl.Schema(TABLE_SCHEMAS["documents"])
        files = self._files[k]
        if not files:
            return pl.DataFrame(schema=schema)
        frame = pl.concat([pl.read_ipc(path) for path in files])
        if self._rejected.len():
            frame = frame.filter(~pl.col(SOURCE_ROW).is_in(self._rejected.implode()))
        return frame.rename({SOURCE_ROW: "source_row"}).select(list(schema)).cast(schema)

    def release(self) -> None:
        """Delete the spooled copies now."""
        self._cleanup()
