"""The Spark engine: the document-heavy stage of an audit in Apache Spark (``--engine spark``).

Reading and validating every table, the window and signature filter, the join to the
cohort and the reading of free text run in Spark; the checks, reports, history and
pseudonymisation run on the driver, on the cohort-sized frames Spark brings back, as the
same code as on one machine. Everything that decides (cell parsing, row validation, the
evidence reader) is the one-machine polars code run inside ``mapInArrow``, so the two
engines cannot drift. Needs ``pip install 'ipaudit[spark]'`` and Java 17.
"""

from __future__ import annotations

from typing import Any

__all__ = ["pyspark_available", "read_extract_spark", "spark_session"]


def __getattr__(name: str) -> Any:
    """Import lazily: ``ipaudit.spark.batches`` (what workers run) needs no pyspark."""
    if name == "read_extract_spark":
        from ipaudit.spark.reader import read_extract_spark

        return read_extract_spark
    if name in ("spark_session", "pyspark_available"):
        from ipaudit.spark import session

        return getattr(session, name)
    raise AttributeError(name)
