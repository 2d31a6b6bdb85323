"""Shared fixtures: one Spark session per test run (the JVM starts once, only when a test asks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

#: Small and quiet: two cores, two shuffle partitions, no UI, no adaptive re-planning (on tiny
#: data it only adds jobs), small file splits so that a test Parquet file is read in several
#: partitions (row numbers must still come out right).
SPARK_TEST_SETTINGS = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.files.maxPartitionBytes": "65536",
    "spark.sql.files.openCostInBytes": "0",
    "spark.driver.memory": "1g",
    # Interpreted, not compiled: on a few hundred rows Janino's code generation costs seconds.
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    # A short-lived JVM: the quick JIT only, one GC thread (it shares two cores with the tests).
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] Spark session for the whole run; tests skip when pyspark is not installed
    (in CI, ``IPAUDIT_REQUIRE_SPARK=1``, they fail instead)."""
    if not os.environ.get("IPAUDIT_REQUIRE_SPARK"):
        pytest.importorskip("pyspark")
    from ipaudit.spark import spark_session

    session = spark_session("local[2]", SPARK_TEST_SETTINGS)
    yield session
    session.stop()


#: The files that take longest run first, so the workers of ``make test`` (``--dist loadfile``,
#: whole files in collection order) finish together instead of one starting Spark at the end.
SLOWEST_FILES = ("test_spark_engine.py", "test_accessibility.py", "test_lock.py", "test_packaging.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOWEST_FILES)))
