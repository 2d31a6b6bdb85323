"""Spark's types for the polars columns the workers exchange (``ipaudit.spark.batches``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from pyspark.sql.types import DataType, StructType


def spark_type(dtype: Any) -> DataType:
    """The Spark type of one polars dtype used in TABLE_SCHEMAS and the batch schemas."""
    from pyspark.sql import types as T

    if isinstance(dtype, pl.List):
        return T.ArrayType(spark_type(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return T.StructType([T.StructField(f.name, spark_type(f.dtype)) for f in dtype.fields])
    simple: dict[type[pl.DataType], Any] = {
        pl.String: T.StringType,
        pl.Date: T.DateType,
        pl.Boolean: T.BooleanType,
        pl.Int64: T.LongType,
        pl.Int32: T.IntegerType,
        pl.Binary: T.BinaryType,
    }
    return simple[type(dtype)]()


def spark_schema(schema: dict[str, pl.DataType]) -> StructType:
    """A Spark schema with the columns and types of a polars schema."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(name, spark_type(dtype)) for name, dtype in schema.items()])
