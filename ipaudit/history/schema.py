"""The history file's layout and its migrations: an ordered list of SQL steps per version.

A history is one SQLite file (no server). ``schema_version`` holds one row per applied
version. A new file is built by running every migration from version 1 up, so the path an
old file takes to the current version is the same path every new file takes. A later
release adds a new entry to ``MIGRATIONS``; it never edits an old one.

Version 1 (ipaudit 0.1 pre-release): runs, rule_counts, findings.
Version 2: runs.tool_version and run_inputs (the sha256 fingerprint of every input file).
Version 3: runs.pseudonymized, so a pseudonymised run is never compared with a real one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ipaudit.errors import InputError

SQLITE_MAGIC = b"SQLite format 3\x00"

#: MIGRATIONS[n - 1] turns a version n - 1 file (0 = empty) into a version n file.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            as_of TEXT NOT NULL,
            period_from TEXT,
            period_to TEXT NOT NULL,
            profile TEXT NOT NULL,
            cohort_size INTEGER NOT NULL
        )""",
        "CREATE INDEX runs_by_profile ON runs (profile, run_id)",
        """CREATE TABLE rule_counts (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            rule_id TEXT NOT NULL,
            pass INTEGER NOT NULL,
            fail INTEGER NOT NULL,
            pending INTEGER NOT NULL,
            not_applicable INTEGER NOT NULL,
            waived INTEGER NOT NULL,
            compliance_rate REAL,
            UNIQUE (run_id, rule_id)
        )""",
        """CREATE TABLE findings (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            finding_id TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            patient_id TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT NOT NULL,
            due_date TEXT,
            message TEXT
        )""",
        "CREATE INDEX findings_by_run ON findings (run_id, status)",
    ),
    (  # 2
        "ALTER TABLE runs ADD COLUMN tool_version TEXT",
        """CREATE TABLE run_inputs (
            run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            table_name TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sheet TEXT,
            sha256 TEXT NOT NULL
        )""",
        "CREATE INDEX run_inputs_by_run ON run_inputs (run_id)",
    ),
    (  # 3
        "ALTER TABLE runs ADD COLUMN pseudonymized INTEGER NOT NULL DEFAULT 0",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this release writes."""


def connect(path: Path, *, create: bool, timeout: float) -> sqlite3.Connection:
    """Open (or create) the file and bring it to SCHEMA_VERSION; refuse what is not a history."""
    _check_file(path, create=create)
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(f"Historikkfilen {path} kan ikke åpnes: {exc}") from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: a million-row insert keeps its index pages in memory
        _refuse_damaged(conn, path)
        migrate(conn, path)
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(f"Historikkfilen {path} er låst av en annen kjøring ({timeout:.0f} s ventetid)") from None
        raise InputError(f"Historikkfilen {path} kan ikke brukes: {exc}") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "malformed" in str(exc) or "corrupt" in str(exc):
            raise InputError(_damaged(path, str(exc))) from None
        raise InputError(f"Historikkfilen {path} er ikke en SQLite-fil ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _refuse_damaged(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check`` before the file is used: a damaged file is neither read nor written.

    SQLite reads a damaged page without complaint until it needs it, and a run would then
    append to a file whose earlier runs are already partly lost; better to stop at once.
    """
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise  # another run is writing: reported as such by connect()
        problems = [str(exc)]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    if problems != ["ok"]:
        raise InputError(_damaged(path, problems[0]))


def _damaged(path: Path, problem: str) -> str:
    return (
        f"Historikkfilen {path} er skadet (PRAGMA quick_check: {problem}); den er verken lest eller endret. "
        "Hent den fra sikkerhetskopi, eller flytt den bort for å begynne en ny historikk"
    )


def _check_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise InputError(f"Historikkfilen {path} er en mappe")
    if not path.exists():
        if not create:
            raise InputError(f"Historikkfilen {path} finnes ikke")
        if not path.parent.is_dir():
            raise InputError(f"Mappen for historikkfilen {path} finnes ikke")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(f"Historikkfilen {path} kan ikke leses: {exc.strerror}") from None
    if head and head != SQLITE_MAGIC:
        raise InputError(f"Historikkfilen {path} er ikke en SQLite-fil")


def file_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version: 0 for an empty file; refuses a SQLite file that is no history."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not names:
        return 0
    if "schema_version" not in names:
        raise InputError(f"Historikkfilen {path} er en SQLite-fil, men ikke en ipaudit-historikk")
    (version,) = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(version)


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Apply every missing migration in one write transaction; return the version before."""
    version = file_version(conn, path)
    _refuse_newer(version, path)
    if version == SCHEMA_VERSION:
        return version
    with immediate(conn):
        version = file_version(conn, path)  # again, now that we hold the write lock
        _refuse_newer(version, path)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target - 1]:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (target, dt.datetime.now().replace(microsecond=0).isoformat()),
            )
    return version


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise InputError(
            f"Historikkfilen {path} har skjemaversjon {version}, men denne ipaudit kjenner bare "
            f"versjon {SCHEMA_VERSION}; bruk en nyere ipaudit"
        )


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken at once (BEGIN IMMEDIATE): commit on success, roll back on any error.

    Two runs that share a history file wait for each other (up to the connection's busy
    timeout) instead of interleaving a comparison with another run's insert.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
