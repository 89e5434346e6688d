"""The matching engine on Apache Spark: compile once on the driver, match each partition on the executors.

``match_on_spark`` is the distributed twin of ``Matcher.run()`` + ``Matcher.eligible()`` (ARCHITECTURE.md, Scale):

1. The driver compiles the policies once into a ``Matcher`` (atoms interned, formulas in negation normal form,
   relative dates resolved against ``as_of``) and broadcasts it pickled. A Python worker unpickles it once and
   reuses it for every partition it runs.
2. ``DataFrame.mapInArrow`` hands each partition's Arrow record batches to the worker; they become one
   ``FactTable`` (``FactTable.from_arrow``), matched by a shallow copy of the compiled ``Matcher``.
3. Each partition returns Arrow rows ``(policy, eligible, keys)``: the policy's index, its eligible count in that
   partition (policies with none are left out) and, only for the policies in ``collect_keys``, the key column
   (``uscc``) of the eligible rows.
4. The driver collects those rows (``DataFrame.toArrow``) and adds them up: ``{"counts": {policy_id: n}, "eligible":
   {policy_id: set(keys)}}``, the same numbers as an in-process ``Matcher`` over the whole snapshot.

Any partitioning gives the same result. It is faster when partitions are ordered by USCC (characters 3–8 are
the registering division, so district-bound policies touch only a slice of each partition's bitmaps); see
``to_spark(..., num_partitions=, key_column=)``. pyspark is imported lazily: this module imports without it and
fails with a clear message naming the ``[spark]`` extra only when Spark is used.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .columnar import FactTable
from .matching import Matcher
from .policy import PolicyDef
from .schema import FactSchema, FactType

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SPARK_EXTRA_HINT", "match_on_spark", "require_pyspark", "to_spark"]

SPARK_EXTRA_HINT = (
    "Running the rule engine on Spark needs pyspark, which Yiwang ships as an optional extra: "
    'pip install "yiwang[spark]" (pyspark 4.0.x and pandas; Spark also needs Java 17 or 21).'
)
RESULT_POLICY, RESULT_COUNT, RESULT_KEYS = "policy", "eligible", "keys"
DEFAULT_MAX_ROWS_PER_CHUNK = 2_000_000


def require_pyspark() -> Any:
    """Import and return ``pyspark``, or raise an ImportError that names the ``[spark]`` extra.

    pandas is part of the extra: pyspark 4.0 builds ``mapInArrow`` on ``pandas_udf``, which insists on pandas
    even though no pandas object is made here.
    """
    try:
        import pandas  # noqa: F401
        import pyspark
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(f"{SPARK_EXTRA_HINT} Missing: {exc.name}.") from exc
    return pyspark


# ---- driver ------------------------------------------------------------------------------------------------


def match_on_spark(
    spark_df: DataFrame,
    policies: Sequence[PolicyDef],
    schema: FactSchema,
    *,
    as_of: dt.date,
    key_column: str = "uscc",
    collect_keys: Iterable[str] | None = None,
    max_rows_per_chunk: int = DEFAULT_MAX_ROWS_PER_CHUNK,
) -> dict[str, Any]:
    """Match every policy against every row of ``spark_df`` (one row per entity, columns named after facts).

    Returns ``{"counts": {policy_id: eligible count} in policy order, "eligible": {policy_id: set of keys}}``,
    the keys (values of ``key_column``) given only for the policies in ``collect_keys``. Facts the frame lacks
    are missing for every row; columns that are not facts are ignored. A partition is matched in chunks of at
    most ``max_rows_per_chunk`` rows, which bounds an executor's memory.
    """
    require_pyspark()
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if max_rows_per_chunk < 1:
        raise ValueError("max_rows_per_chunk must be at least 1")
    matcher = Matcher(policies, schema, as_of=as_of, threads=1)  # compiled once, here on the driver
    policy_ids = [p.id for p in matcher.policies]
    wanted = sorted(set(collect_keys or ()))
    unknown = [pid for pid in wanted if pid not in matcher.index]
    if unknown:
        raise ValueError(f"collect_keys names policies that are not being matched: {unknown}")
    fields = {f.name: f for f in spark_df.schema.fields}
    if wanted and key_column not in fields:
        raise ValueError(f"the key column {key_column!r} is not in the DataFrame (columns: {sorted(fields)})")

    # Only the facts (and the key when keys are wanted) travel to Python, in the types FactTable.from_arrow reads.
    columns = [_fact_column(F, T, fields[f.name], f.type) for f in schema if f.name in fields]
    key_type: Any = T.StringType()
    if wanted:
        key_type = fields[key_column].dataType
        columns.append(F.col(key_column).alias(_KEY))
    if not columns:  # no fact at all: still one row per entity (a `missing` condition holds for every row)
        columns.append(F.lit(True).alias(_ROW))
    facts_df = spark_df.select(*columns)

    sc = spark_df.sparkSession.sparkContext
    compiled = sc.broadcast(pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))
    wanted_index = np.array(sorted(matcher.index[pid] for pid in wanted), np.int32)
    result_schema = T.StructType(
        [
            T.StructField(RESULT_POLICY, T.IntegerType(), nullable=False),
            T.StructField(RESULT_COUNT, T.LongType(), nullable=False),
            T.StructField(RESULT_KEYS, T.ArrayType(key_type), nullable=True),
        ]
    )
    token = uuid.uuid4().hex  # names this run's compiled matcher in the workers' cache

    def match_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        compiled_matcher = _compiled(token, compiled.value)
        yield from _match_batches(compiled_matcher, batches, wanted_index, max_rows_per_chunk)

    try:
        rows = facts_df.mapInArrow(match_partition, result_schema).toArrow()
    finally:
        compiled.destroy()
    return _combine(rows, policy_ids, wanted)


def _fact_column(F: Any, T: Any, field: Any, fact_type: FactType) -> Any:
    """The column cast to what ``FactTable.from_arrow`` reads for the fact's type."""
    col, dtype = F.col(field.name), field.dataType
    if fact_type == FactType.DECIMAL and not isinstance(dtype, T.DoubleType):
        col = col.cast(T.DoubleType())  # DecimalType, float, int
    elif fact_type == FactType.INT and not isinstance(dtype, T.LongType):
        col = col.cast(T.LongType())
    elif fact_type == FactType.DATE and not isinstance(dtype, T.DateType):
        col = col.cast(T.DateType())  # timestamps, ISO strings
    elif fact_type == FactType.BOOL and not isinstance(dtype, T.BooleanType):
        col = col.cast(T.BooleanType())
    elif fact_type == FactType.CATEGORY and not isinstance(dtype, T.StringType):
        col = col.cast(T.StringType())
    return col.alias(field.name)


def _combine(rows: pa.Table, policy_ids: list[str], wanted: list[str]) -> dict[str, Any]:
    """Add up the partitions' ``(policy, eligible, keys)`` rows into counts per policy and key sets."""
    policy = rows.column(RESULT_POLICY).to_numpy(zero_copy_only=False)
    counts = np.zeros(len(policy_ids), np.int64)
    np.add.at(counts, policy, rows.column(RESULT_COUNT).to_numpy(zero_copy_only=False))
    eligible: dict[str, set[Any]] = {pid: set() for pid in wanted}
    if wanted:
        keys = rows.column(RESULT_KEYS).to_pylist()
        for i, part in zip(policy.tolist(), keys, strict=True):
            if part is not None:
                eligible[policy_ids[i]].update(part)
    return {"counts": {pid: int(c) for pid, c in zip(policy_ids, counts, strict=True)}, "eligible": eligible}


# ---- executor ----------------------------------------------------------------------------------------------

_KEY, _ROW = "__yiwang_key__", "__yiwang_row__"  # not fact names: FactTable.from_arrow passes them over
_COMPILED: dict[str, Matcher] = {}  # per Python worker: run token → unpickled compiled matcher


def _compiled(token: str, payload: bytes) -> Matcher:
    """The broadcast matcher, unpickled once per worker process (workers are reused across tasks)."""
    matcher = _COMPILED.get(token)
    if matcher is None:
        _COMPILED.clear()  # one matching run at a time: do not keep older runs' policies alive
        matcher = _COMPILED[token] = pickle.loads(payload)  # noqa: S301 - our own broadcast from the driver
    return matcher


def _match_batches(
    compiled: Matcher, batches: Iterable[pa.RecordBatch], wanted_index: np.ndarray, max_rows: int
) -> Iterator[pa.RecordBatch]:
    """Match a partition's record batches, ``max_rows`` rows at a time, yielding ``(policy, eligible, keys)``."""
    pending: list[pa.RecordBatch] = []
    n = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        pending.append(batch)
        n += batch.num_rows
        if n >= max_rows:
            yield _match_chunk(compiled, pending, wanted_index)
            pending, n = [], 0
    if pending:
        yield _match_chunk(compiled, pending, wanted_index)


def _match_chunk(compiled: Matcher, batches: list[pa.RecordBatch], wanted_index: np.ndarray) -> pa.RecordBatch:
    import pyarrow as pa

    table = pa.Table.from_batches(batches)
    matcher = copy.copy(compiled)  # shares the compiled policies; load() gives the copy its own snapshot
    matcher.load(FactTable.from_arrow(matcher.schema, table))
    counts = matcher.run().counts
    hit = np.flatnonzero(counts)
    out_policy = pa.array(hit.astype(np.int32), pa.int32())
    out_count = pa.array(counts[hit].astype(np.int64), pa.int64())
    if _KEY in table.column_names:
        key_values = table.column(_KEY).combine_chunks()
        take = set(wanted_index[np.isin(wanted_index, hit)].tolist())
        rows = [matcher.eligible(matcher.policies[i].id) if i in take else None for i in hit.tolist()]
        offsets = np.zeros(len(hit) + 1, np.int32)
        offsets[1:] = np.cumsum([0 if r is None else len(r) for r in rows])
        flat = np.concatenate([r for r in rows if r is not None] or [np.zeros(0, np.int64)])
        mask = pa.array([r is None for r in rows], pa.bool_())
        out_keys = pa.ListArray.from_arrays(pa.array(offsets), key_values.take(pa.array(flat)), mask=mask)
    else:
        out_keys = pa.nulls(len(hit), pa.list_(pa.string()))
    return pa.RecordBatch.from_arrays([out_policy, out_count, out_keys], [RESULT_POLICY, RESULT_COUNT, RESULT_KEYS])


# ---- tests and notebooks -----------------------------------------------------------------------------------


def to_spark(
    spark: SparkSession,
    fact_arrow_table: pa.Table,
    *,
    num_partitions: int | None = None,
    key_column: str | None = None,
) -> DataFrame:
    """A Spark DataFrame of an Arrow fact table (dictionary columns decoded, as Spark has no such type).

    With ``key_column`` the rows are sorted by it first (USCC order keeps districts together). With
    ``num_partitions`` the rows are cut into that many contiguous slices of equal size, each slice one
    partition: no shuffle, so the order survives into every partition.
    """
    require_pyspark()
    import pyarrow as pa

    fields = []
    for f in fact_arrow_table.schema:
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if pa.types.is_large_string(t):
            t = pa.string()
        fields.append(pa.field(f.name, t, nullable=True))
    table = fact_arrow_table.cast(pa.schema(fields))
    if key_column is not None:
        table = table.sort_by(key_column)
    if num_partitions is None:
        return spark.createDataFrame(table)
    if num_partitions < 1:
        raise ValueError("num_partitions must be at least 1")
    # createDataFrame makes one partition per record batch (batches longer than Spark's
    # arrow.maxRecordsPerBatch are cut further); coalescing merges neighbouring slices back.
    size = max(1, -(-table.num_rows // num_partitions))
    table = pa.Table.from_batches(table.combine_chunks().to_batches(max_chunksize=size), table.schema)
    return spark.createDataFrame(table).coalesce(num_partitions)
