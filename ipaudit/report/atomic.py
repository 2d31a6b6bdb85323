"""Writing output files atomically: all of them or none, never a half-written file.

``atomic_files`` hands out hidden temporary files next to where the files will go; when the
block ends without an exception every temporary is flushed to disk and only then renamed
over the old file, and the directory is flushed too. If the block raises (or is interrupted)
the temporaries are removed and the old files are left exactly as they were. The reports
(``write_reports``) and the review workbook (``ipaudit select``) are written this way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path


def _temporary(directory: Path, final_name: str) -> Path:
    """Create an empty, hidden temporary file next to where ``final_name`` will go."""
    while True:
        path = directory / f".{final_name}.{secrets.token_hex(6)}.tmp"
        try:
            # 0o666 & ~umask: the file gets ordinary permissions after the rename.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return path
        except FileExistsError:
            continue


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_files(directory: Path, names: Sequence[str]) -> Iterator[dict[str, Path]]:
    """Yield {name: temporary path} for files ``names`` in ``directory`` (created if missing);
    on success replace ``directory / name`` by each temporary, after flushing all of them."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    temporaries: dict[str, Path] = {}
    try:
        for name in names:
            temporaries[name] = _temporary(directory, name)
        yield dict(temporaries)
        for temporary in temporaries.values():
            _fsync(temporary)
        for name, temporary in temporaries.items():
            os.replace(temporary, directory / name)
    finally:
        for temporary in temporaries.values():
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        _fsync(directory)
