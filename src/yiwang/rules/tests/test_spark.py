"""The compiled matcher on Spark (local mode, 4 partitions) agrees with the in-process run, count for count.

Needs the ``[spark]`` extra and Java 17/21: skipped without them, except under ``CI=true`` where that is a failure.
Offline: local mode, no UI, everything bound to 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from benchmarks.synthetic import enterprise_schema, generate_enterprises, generate_policies
from yiwang.rules import FactTable, FactType, Matcher, load_policies

AS_OF = dt.date(2026, 6, 30)
N_ENTERPRISES = 20_000
N_POLICIES = 300
PARTITIONS = 4


def _missing_requirement() -> str | None:
    for module in ("pyspark", "pandas"):  # pyspark 4.0's mapInArrow insists on pandas
        if importlib.util.find_spec(module) is None:
            return f'{module} is not installed (pip install -e ".[spark]")'
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "no Java runtime (pyspark 4.0 needs Java 17 or 21: apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _missing_requirement()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the Spark test cannot run: {reason}")
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    src = str(Path(__file__).resolve().parents[3])
    env = {
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("yiwang-rules-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(PARTITIONS))
        .config("spark.default.parallelism", str(PARTITIONS))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO on shutdown hits pytest's closed streams
    try:
        yield session
    finally:
        session.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def uscc_keys(table: FactTable) -> np.ndarray:
    """USCC-shaped keys (authority 9, type 1, the district, a serial): rows are in district order, so in key
    order. Check characters are not computed: yiwang.core's validators translate messages through Django,
    which this package must not import."""
    district = table.column("district")
    codes = np.asarray(district.dictionary, dtype=object)[np.maximum(district.values, 0)]
    return np.array([f"91{d}{i:09d}0" for i, d in enumerate(codes)], dtype=object)


def to_arrow(table: FactTable, keys: np.ndarray) -> pa.Table:
    """The snapshot as a registry extract would arrive: one nullable Arrow column per fact, plus the USCC."""
    arrays: dict[str, pa.Array] = {"uscc": pa.array(keys.tolist(), pa.string())}
    for name, col in table.columns.items():
        missing = ~col.present_mask()
        t = col.fact.type
        if t == FactType.CATEGORY:
            assert col.dictionary is not None
            arrays[name] = pa.DictionaryArray.from_arrays(
                pa.array(col.values, pa.int32(), mask=missing), pa.array(col.dictionary, pa.string())
            )
        elif t == FactType.TAGS:
            arrays[name] = pa.array(
                [None if m else sorted(col.value_at(i)) for i, m in enumerate(missing.tolist())],
                pa.list_(pa.string()),
            )
        elif t == FactType.DATE:
            arrays[name] = pa.array(col.values.astype("datetime64[D]"), pa.date32(), mask=missing)
        else:
            arrays[name] = pa.array(col.values, mask=missing)
    return pa.table(arrays)


@pytest.mark.slow
def test_spark_matches_the_in_process_engine(spark: Any) -> None:
    from yiwang.rules.spark import match_on_spark, to_spark

    schema = enterprise_schema()
    policies = load_policies({"policies": generate_policies(N_POLICIES, seed=11)}, schema)
    table = generate_enterprises(N_ENTERPRISES, seed=11, as_of=AS_OF)
    keys = uscc_keys(table)
    assert len(set(keys.tolist())) == N_ENTERPRISES and list(keys) == sorted(keys)

    local = Matcher(policies, schema, as_of=AS_OF)
    local.load(table)
    expected = local.run().as_dict()
    assert sum(c > 0 for c in expected.values()) > N_POLICIES // 6  # a meaningful comparison, not all zeros

    # A sample: the five largest, five small non-empty ones, a few at random and an empty one if any.
    by_count = sorted(expected, key=lambda pid: (expected[pid], pid))
    nonzero = [pid for pid in by_count if expected[pid]]
    rng = np.random.default_rng(0)
    sample = set(by_count[-5:]) | set(nonzero[:5]) | set(rng.choice(by_count, 10, replace=False).tolist())
    sample |= {pid for pid in by_count[:1] if not expected[pid]}

    from pyspark.sql import functions as F

    df = to_spark(spark, to_arrow(table, keys), num_partitions=PARTITIONS, key_column="uscc")
    assert {f.name for f in df.schema.fields} >= {"uscc", "district", "tags", "founding_date"}
    slices = (
        df.groupBy(F.spark_partition_id().alias("part"))
        .agg(F.min("uscc").alias("lo"), F.max("uscc").alias("hi"), F.count("*").alias("n"))
        .orderBy("part")
        .collect()
    )
    assert [r["n"] for r in slices] == [N_ENTERPRISES // PARTITIONS] * PARTITIONS  # 4 USCC-ordered slices
    assert all(a["hi"] < b["lo"] for a, b in itertools.pairwise(slices))

    result = match_on_spark(df, policies, schema, as_of=AS_OF, key_column="uscc", collect_keys=sample)

    assert list(result["counts"]) == [p.id for p in policies]
    assert result["counts"] == expected
    assert set(result["eligible"]) == sample
    for pid in sorted(sample):
        assert result["eligible"][pid] == set(keys[local.eligible(pid)].tolist()), pid

    # In the same test, so that pytest-xdist cannot start a second JVM for it.
    check_other_partitionings_and_types(spark)


def check_other_partitionings_and_types(spark: Any) -> None:
    """Rows in random order (each partition a mix of districts), chunks smaller than a partition, facts in
    other Spark types (decimal, int, timestamp), no fact column at all and an empty frame: the same counts
    as in-process."""
    from pyspark.sql import functions as F

    from yiwang.rules.spark import match_on_spark, to_spark

    schema = enterprise_schema()
    policies = load_policies({"policies": generate_policies(60, seed=12)}, schema)
    table = generate_enterprises(3_000, seed=12, as_of=AS_OF)
    local = Matcher(policies, schema, as_of=AS_OF)
    local.load(table)
    expected = local.run().as_dict()
    shuffled = to_arrow(table, uscc_keys(table)).take(np.random.default_rng(1).permutation(table.n_rows))
    df = to_spark(spark, shuffled, num_partitions=PARTITIONS)
    assert match_on_spark(df, policies, schema, as_of=AS_OF, max_rows_per_chunk=500) == {
        "counts": expected,
        "eligible": {},
    }
    retyped = df.select(
        "*",
        F.col("revenue").cast("decimal(20,2)").alias("revenue_dec"),
        F.col("headcount").cast("int").alias("headcount_int"),
        F.col("founding_date").cast("timestamp").alias("founded_ts"),
    ).drop("revenue", "headcount", "founding_date")
    retyped = retyped.withColumnsRenamed(
        {"revenue_dec": "revenue", "headcount_int": "headcount", "founded_ts": "founding_date"}
    )
    assert match_on_spark(retyped, policies, schema, as_of=AS_OF)["counts"] == expected
    empty = match_on_spark(df.limit(0), policies, schema, as_of=AS_OF, collect_keys={policies[0].id})
    assert empty == {"counts": dict.fromkeys(expected, 0), "eligible": {policies[0].id: set()}}
    absent = load_policies(
        {
            "policies": [
                {
                    "id": "NO-ENERGY-DATA",
                    "conditions": {"fact": "energy_consumption", "op": "missing", "clause": "第一条"},
                }
            ]
        },
        schema,
    )
    keys_only = match_on_spark(df.select("uscc"), absent, schema, as_of=AS_OF, collect_keys={"NO-ENERGY-DATA"})
    assert keys_only["counts"] == {"NO-ENERGY-DATA": table.n_rows}
    assert len(keys_only["eligible"]["NO-ENERGY-DATA"]) == table.n_rows
    with pytest.raises(ValueError, match="collect_keys"):
        match_on_spark(df, policies, schema, as_of=AS_OF, collect_keys={"no-such-policy"})
    with pytest.raises(ValueError, match="key column"):
        match_on_spark(df.drop("uscc"), policies, schema, as_of=AS_OF, collect_keys={policies[0].id})


def test_the_module_imports_without_pyspark_and_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import yiwang.rules.spark as s\n"
        "try:\n    s.require_pyspark()\nexcept ImportError as e:\n    print(e)\n"
    )
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "yiwang[spark]" in out.stdout and "pyspark" in out.stdout
