"""Starting (or joining) the Spark session the Spark engine runs in.

``spark_session(master)`` returns the active session when there is one (a test's, a
notebook's on Databricks, the one ``spark-submit`` made) and otherwise starts one on
``master`` (``local[*]`` when None). Workers run this same Python (``PYSPARK_PYTHON``
defaults to the running interpreter), so they import the same ipaudit; Arrow carries the
batches; the UI and the console progress bar are off, as a batch tool wants.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from ipaudit.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"

BROADCAST_ROWS = 5_000_000
"""Patient-sized frames (the cohort window, the patients' standing) up to this many rows are
broadcast to every task instead of shuffling the documents to join them."""

#: Settings of a session ipaudit starts itself (a session that already runs keeps its own).
SESSION_SETTINGS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "true",
}


def pyspark_available() -> bool:
    """True when pyspark can be imported (``pip install 'ipaudit[spark]'``)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def spark_session(master: str | None = None, settings: dict[str, str] | None = None) -> SparkSession:
    """The active Spark session, or a new one on ``master`` with SESSION_SETTINGS (and ``settings``)."""
    if not pyspark_available():
        raise InputError("--engine spark krever pyspark: pip install 'ipaudit[spark]' (og Java 17)")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("ipaudit").master(master or DEFAULT_MASTER)
    for key, value in {**SESSION_SETTINGS, **(settings or {})}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: no Java, a bad master URL
        raise InputError(f"Spark kunne ikke startes på {master or DEFAULT_MASTER} ({type(exc).__name__})") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark
