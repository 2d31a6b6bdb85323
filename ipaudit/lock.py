"""One run per output directory: an advisory ``flock`` on ``OUT/.ipaudit.lock``.

A second ``ipaudit audit`` on the same output directory is refused at once with one line
(exit 2) instead of racing the first one's reports. The lock belongs to the open file, so
the kernel releases it when the holder exits in any way — including SIGKILL or a power
cut — and there is never a stale lock to clean up. The file stays in place (deleting a
lock file races with the next locker) and holds the pid of the last holder, for the
message. It is hidden, so it never counts as a report. Linux and other POSIX systems only.
Once the lock is held, whatever a killed run left in the directory is dealt with first: a
report set cut off while being moved into place is completed, one cut off while rendering is
rolled back, stale temporary files are removed (``ipaudit.report.reportset.recover``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ipaudit.errors import InputError

LOCK_NAME = ".ipaudit.lock"


@contextlib.contextmanager
def run_lock(out_dir: Path | str) -> Iterator[Path]:
    """Hold the output directory's lock for the duration of the block; yields the lock file path.

    Creates the directory if needed. Raises InputError when another process holds the lock.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Utdatamappen {out_dir} kan ikke opprettes: {exc.strerror}") from None
    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(f"Låsefilen {path} kan ikke åpnes: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            raise InputError(
                f"En annen ipaudit-kjøring{holder} skriver allerede til {out_dir}; "
                "denne kjøringen er avbrutt uten å skrive noe. Prøv igjen når den andre er ferdig."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        from ipaudit.report.reportset import recover

        recover(out_dir)  # finish or roll back what a killed run left, before anything else
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(fd: int) -> str:
    """' (pid 1234)' from the lock file, or '' when the holder has not written it yet."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""
