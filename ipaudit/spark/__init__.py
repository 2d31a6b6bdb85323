"""The Spark engine: the document-heavy stage of an audit in Apache Spark (``--engine spark``).

Reading and validating every table, the window and signature filter, the join to the
cohort and the reading of free text run in Spark; the checks, reports, history and
pseudonymisation run on the driver, on the cohort-sized frames Spark brings back, as the
same code as on one machine. Everything that decides (cell parsing, row validation, the
evidence reader) is the one-machine polars code run inside ``mapInArrow``, so the two
engines cannot drift. Needs ``pip install 'ipaudit[spark]'`` and Java 17.
"""

from __future__ import annotations

from ipaudit.spark.reader import read_extract_spark
from ipaudit.spark.session import pyspark_available, spark_session

__all__ = ["pyspark_available", "read_extract_spark", "spark_session"]
