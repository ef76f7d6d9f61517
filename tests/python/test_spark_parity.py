"""The index, R&D-stock and spillover marts built on Spark equal DuckDB's to 1e-12.

``resilience build --target spark`` (dbt-spark's session method, a local Spark in this
process's machine) builds the seeds, staging and every SQL model upstream of
``marts/indices`` and ``marts/spillovers`` with their data tests; this test reads every
mart Spark built and compares it, row by row after sorting on the non-float columns, with
the same mart of the DuckDB build of the suite (``built_warehouse``): the same columns,
the same rows and keys, nulls in the same cells, and every float within 1e-12 relative
(absolute below 1). The DuckDB marts are the reference because they are themselves checked
against independent numpy, scikit-criteria and hand-worked values elsewhere in the suite.

Not compared, by design (python/resilience/spark.py): the PCA rows of fct_index_scores
and fct_index_indicator_correlations (dbt Python models, which dbt-spark runs only on a
Databricks cluster). Takes about 3 to 5 minutes (Spark runs ~470 small jobs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_ROOT

TOLERANCE = 1e-12

SHARED_MARTS = {
    "bdg_partner_flows",
    "dim_spillover_parameters",
    "fct_index_coupling_coordination",
    "fct_index_indicator_diagnostics",
    "fct_index_scores",
    "fct_index_unit_diagnostics",
    "fct_index_weights",
    "fct_martin_resilience",
    "fct_rd_capital_stocks",
    "fct_spillover_pools",
    "panel_spillover_resilience",
}
"""Every mart the Spark target builds: a mart that stops building on Spark fails the test."""


def differences(duck: pd.DataFrame, spark: pd.DataFrame) -> list[str]:
    """Return what differs between two copies of one table (empty: equal to TOLERANCE)."""
    if list(spark.columns) != list(duck.columns):
        return [f"columns {list(duck.columns)} (DuckDB) vs {list(spark.columns)} (Spark)"]
    if len(duck) != len(spark):
        return [f"{len(duck)} rows (DuckDB) vs {len(spark)} (Spark)"]
    floats = [c for c in duck.columns if pd.api.types.is_float_dtype(duck[c])]
    keys = [c for c in duck.columns if c not in floats]
    a = duck.sort_values(keys).reset_index(drop=True)
    b = spark.sort_values(keys).reset_index(drop=True)
    found = []
    for col in keys:
        x, y = a[col].astype(object), b[col].astype(object)
        same = (x == y) | (x.isna() & y.isna())
        if not same.all():
            i = int(np.flatnonzero(~same.to_numpy())[0])
            found.append(f"{col}: {int((~same).sum())} cells differ, first {x[i]!r} vs {y[i]!r}")
    for col in floats:
        x = a[col].to_numpy(dtype=float)
        y = pd.to_numeric(b[col]).to_numpy(dtype=float)
        if (np.isnan(x) != np.isnan(y)).any():
            found.append(f"{col}: nulls in different rows")
            continue
        both = ~np.isnan(x)
        rel = np.abs(x[both] - y[both]) / np.maximum(1.0, np.abs(x[both]))
        if rel.size and rel.max() > TOLERANCE:
            found.append(f"{col}: differs by {rel.max():.2e} (relative)")
    return found


def test_differences_sees_a_changed_cell_a_missing_row_and_a_null():
    """The comparison itself: equal tables pass; each kind of difference is reported."""
    duck = pd.DataFrame({"unit_id": ["A", "B"], "year": [2001, 2001], "v": [1.0, 2.5]})
    assert differences(duck, duck.iloc[::-1].copy()) == []
    assert differences(duck, duck.assign(v=[1.0, 2.5 + 1e-9])) == [
        "v: differs by 4.00e-10 (relative)"
    ]
    assert differences(duck, duck.assign(v=[1.0, 2.5 + 1e-13])) == []
    assert differences(duck, duck.iloc[:1]) == ["2 rows (DuckDB) vs 1 (Spark)"]
    assert differences(duck, duck.assign(v=[1.0, np.nan])) == ["v: nulls in different rows"]
    assert differences(duck, duck.assign(unit_id=["A", "C"]))[0].startswith("unit_id: 1 cells")


@pytest.fixture(scope="module")
def spark_marts(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Build on Spark with the CLI; return every mart it built, read back through pyspark."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Spark needs Java 17 (Debian: openjdk-17-jre-headless); .ci/run installs it")
    folder = tmp_path_factory.mktemp("spark")
    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "build", "--target", "spark"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800,
        env={**os.environ, "RESILIENCE_SPARK_DIR": str(folder), "COLUMNS": "200"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "0 failing" in proc.stdout

    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.enableHiveSupport()
        .config("spark.sql.warehouse.dir", f"{folder}/tables")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={folder}")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        names = [row.tableName for row in session.sql("show tables in marts").collect()]
        yield {name: session.table(f"marts.{name}").toPandas() for name in names}
    finally:
        session.stop()


def test_spark_builds_every_shared_mart(spark_marts):
    assert set(spark_marts) == SHARED_MARTS


@pytest.mark.parametrize("mart", sorted(SHARED_MARTS))
def test_spark_mart_equals_duckdb(spark_marts, built_warehouse, mart):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        duck = con.sql(f"select * from marts.{mart}").df()
    spark = spark_marts[mart]
    if mart == "fct_index_scores":  # the PCA rows need a dbt Python model (not on Spark)
        duck = duck[duck["method"] != "pca"]
        assert not (spark["method"] == "pca").any()
    assert len(duck) > 0
    assert differences(duck, spark) == []


def test_spark_build_runs_the_preflight_first(tmp_path):
    """A bad values file is refused with exit 2 and its line named, before Spark starts."""
    bad = tmp_path / "values.csv"
    bad.write_text("unit_id,year,indicator,value\n110000,2009,no_such_indicator,1.5\n")
    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "build", "--target", "spark",
         "--values", str(bad)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "RESILIENCE_SPARK_DIR": str(tmp_path / "spark"), "COLUMNS": "200"},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "values.csv:2: unit 110000, year 2009, indicator no_such_indicator" in proc.stderr
    assert not (tmp_path / "spark" / "metastore_db").exists()
