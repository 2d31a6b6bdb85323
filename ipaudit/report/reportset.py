"""Writing a run's reports as one set: all new or all old, with a manifest written last.

A run renders every file into a hidden staging folder in the output directory
(``.ipaudit-staging-<run>``), flushes them, and adds ``ipaudit-manifest.json``: every file
of the directory's report set with its sha256, its size and the run it came from, and what
each run was (as_of, profile, when, tool version). Then it writes a commit journal
(``.ipaudit-commit.json``, itself written atomically) naming the staging folder and the
files, renames the files into place and the manifest last, and removes the journal and the
folder. A crash or kill before the journal leaves the old set untouched; after it, the next
run completes the commit (``recover``) before it does anything else — under the output
directory's lock, which the pipeline holds for the whole run. ``recover`` also removes
staging folders of runs that died while rendering and hidden ``.ipaudit-*.tmp`` files of
older versions: they hold whole reports with health data.

A cron consumer reads the manifest, and a file whose sha256 differs from its entry is not
(yet) part of the set the manifest describes. Files of earlier runs that this run did not
write (another ``--format``) keep their entries and their own run.

A directory, or anything else that is not a file, where an output file goes stops the run
before anything is rendered or replaced. An OSError while writing (disk full, a folder
that cannot be written) is an InputError in one line; the old set stays as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ipaudit.errors import STORAGE_ERRNOS, InputError

MANIFEST_NAME = "ipaudit-manifest.json"
"""The manifest of the output directory's report set (written last)."""
JOURNAL_NAME = ".ipaudit-commit.json"
"""Present only while a staged set is being moved into place."""
STAGING_PREFIX = ".ipaudit-staging-"
"""Hidden folders a run renders into."""
STALE_PATTERN = ".ipaudit-*.tmp"
"""Temporary files of killed runs of earlier versions (whole reports: removed)."""
MANIFEST_VERSION = 1


def new_run_id(started: dt.datetime) -> str:
    """A run id that sorts by time and never repeats: ``20250630T021500-3f2a9c1e``."""
    return f"{started:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    temporary = path.with_name(f".ipaudit-{secrets.token_hex(6)}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _fsync(path.parent)


def _apply(out_dir: Path, journal: dict[str, Any]) -> None:
    """Move the staged files named by ``journal`` into place, the manifest last; idempotent."""
    staging = out_dir / str(journal["staging"])
    for name in [*journal["files"], MANIFEST_NAME]:
        staged = staging / name
        if staged.exists():
            os.replace(staged, out_dir / name)
    _fsync(out_dir)
    (out_dir / JOURNAL_NAME).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    _fsync(out_dir)


def recover(out_dir: Path) -> None:
    """Complete an interrupted commit, roll back interrupted staging, remove stale temporaries.

    Call with the output directory's lock held (``ipaudit.lock.run_lock``).
    """
    if not out_dir.is_dir():
        return
    journal_path = out_dir / JOURNAL_NAME
    try:
        if journal_path.is_file():
            journal = json.loads(journal_path.read_text("utf-8"))
            if not Path(str(journal["staging"])).name.startswith(STAGING_PREFIX):
                raise ValueError("not a staging folder")
            _apply(out_dir, journal)
        for staging in out_dir.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(staging, ignore_errors=True)
        for stale in out_dir.glob(STALE_PATTERN):
            if stale.is_file():
                stale.unlink(missing_ok=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"Utdatamappen {out_dir}: en avbrutt kjøring kunne ikke ryddes opp ({_reason(exc)}); "
            f"se etter {JOURNAL_NAME} og {STAGING_PREFIX}*"
        ) from None


def _refuse_non_files(out_dir: Path, names: Sequence[str]) -> None:
    for name in (*names, MANIFEST_NAME):
        target = out_dir / name
        if target.exists() and not target.is_file():
            kind = "en mappe" if target.is_dir() else "ikke en vanlig fil"
            raise InputError(f"Utdatamappen {out_dir}: «{name}» er {kind}; flytt den bort. Ingen rapporter er skrevet")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return STORAGE_ERRNOS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return "journalen er uleselig"


def _manifest(out_dir: Path, entries: list[dict[str, Any]], run: dict[str, Any]) -> dict[str, Any]:
    """This run's entries plus the earlier entries for files that are still in place."""
    previous: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        previous = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
    written = {entry["name"] for entry in entries}
    kept = [
        entry
        for entry in previous.get("files", [])
        if isinstance(entry, dict) and entry.get("name") not in written and (out_dir / str(entry.get("name"))).is_file()
    ]
    runs = {run["run_id"]: run}
    for entry in kept:
        earlier = previous.get("runs", {}).get(entry.get("run_id"))
        if isinstance(earlier, dict):
            runs.setdefault(str(entry.get("run_id")), earlier)
    return {
        "tool": "ipaudit",
        "manifest_version": MANIFEST_VERSION,
        "run": run,
        "files": sorted([*entries, *kept], key=lambda entry: str(entry.get("name"))),
        "runs": runs,
    }


def commit_report_set(
    out_dir: Path, names: Sequence[str], render: Callable[[dict[str, Path]], None], run: dict[str, Any]
) -> list[Path]:
    """Render ``names`` (``render`` gets a path per name) and replace the directory's set at once.

    ``run`` describes the run for the manifest and must hold ``run_id``. Returns the final
    paths of ``names`` (the manifest is not among them).
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Utdatamappen {out_dir} kan ikke opprettes ({_reason(exc)})") from None
    recover(out_dir)
    _refuse_non_files(out_dir, names)
    staging = out_dir / f"{STAGING_PREFIX}{run['run_id']}"
    try:
        staging.mkdir()
        paths = {name: staging / name for name in names}
        render(paths)
        entries = []
        for name, path in paths.items():
            _fsync(path)
            entries.append(
                {"name": name, "sha256": _sha256(path), "bytes": path.stat().st_size, "run_id": run["run_id"]}
            )
        _write_json_atomically(staging / MANIFEST_NAME, _manifest(out_dir, entries, run))
        _fsync(staging)
        journal = {"staging": staging.name, "files": list(names)}
        _write_json_atomically(out_dir / JOURNAL_NAME, journal)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        (out_dir / JOURNAL_NAME).unlink(missing_ok=True)
        raise InputError(
            f"Rapportene kunne ikke skrives til {out_dir} ({_reason(exc)}); de forrige rapportene er urørt"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        _apply(out_dir, journal)
    except OSError as exc:
        raise InputError(
            f"Rapportene kunne ikke flyttes på plass i {out_dir} ({_reason(exc)}); neste kjøring fullfører det"
        ) from None
    return [out_dir / name for name in names]
