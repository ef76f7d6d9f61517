"""Every mart, intermediate table and result has the same bits at 1 and 4 DuckDB threads.

Before the fix (issue 18, item 2) DuckDB added floats in whatever order its threads
delivered them: at 2 or 4 threads 11 of 38 marts and intermediate tables and every results
table differed from the one-thread build in the last bits (entropy sums, scores, PCA scores,
indicator moments, descriptive statistics, Martin's national totals). Sums whose order
matters now go through macros exact_sum (fixed point) and ordered_aggregate (a fixed row
order), and the profile no longer pins DuckDB to one thread.

4 threads on a 2-core machine still runs the parallel paths (more partial aggregates, each
thread's morsels in a different order). Relations are compared with
``resilience.fingerprint.fingerprint``: rows sorted, floats by their exact ``repr`` (the shortest
string that round-trips a float64, so two floats with equal repr have equal bits).
"""

from __future__ import annotations

import re

import pytest

from conftest import run_dbt
from resilience import estimate
from resilience.fingerprint import fingerprint

pytestmark = pytest.mark.slow

SCHEMAS = ("marts", "intermediate", "results")


def _build_and_estimate(tmp_path, threads: int):
    where = tmp_path / f"threads_{threads}"
    where.mkdir()
    db = where / "warehouse.duckdb"
    proc = run_dbt(["build"], db, where, {"RESILIENCE_DUCKDB_THREADS": str(threads)})
    assert proc.returncode == 0, proc.stdout[-4000:]
    # DuckDB really ran with that many threads (dbt's debug log has every statement)
    log = (where / "logs" / "dbt.log").read_text()
    assert re.search(rf"set threads = '?{threads}'?$", log, re.IGNORECASE | re.MULTILINE)
    estimate.run(db, out_dir=where / "tables")
    return fingerprint(db, SCHEMAS)


def test_one_and_four_duckdb_threads_give_the_same_bits(tmp_path):
    one = _build_and_estimate(tmp_path, 1)
    four = _build_and_estimate(tmp_path, 4)
    for schema in SCHEMAS:
        assert any(name.startswith(f"{schema}.") for name in one), (schema, sorted(one))
    assert sorted(one) == sorted(four)
    differing = sorted(name for name in one if one[name] != four[name])
    assert differing == [], f"{len(differing)} of {len(one)} relations differ: {differing}"
