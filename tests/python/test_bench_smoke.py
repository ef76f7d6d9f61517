"""Smoke test of the benchmark runner: ``bench/run_all.py --quick`` at tiny scale.

Asserts only that it runs end to end (dbt builds, numpy peer check, resampling, the firm
path at 200 units) and writes the figures file; no timing assertions -- benchmarks print
figures, they are not tests. The firm path's scores must equal the numpy peer's
(``bench/numpy_peer.py``, the independent oracle) within 1e-9.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_writes_the_figures_file(tmp_path):
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run_all.py"),
            "--quick",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    text = out.read_text()
    for heading in (
        "## Machine",
        "## Targets",
        "## Lower bounds",
        "## dbt's fixed overhead",
        "## Index models: dbt (SQL) vs the numpy peer",
        "## Resampling",
        "## Specification curve",
    ):
        assert heading in text
    assert "| tiny |" in text
    assert "## Firm scale (issue 18)" in text and "index dbt build, firm (200 units)" in text
    assert "memory_limit of 4GB" in text
    # the firm path compared the peer's weights and scores with the SQL ones (200 x 20 x 20)
    firm = json.loads((tmp_path / "work" / "firm.json").read_text())
    assert firm["units"] == 200
    assert set(firm) >= {"scores", "weight", "entropy", "min_value", "max_value"}
    assert max(v for k, v in firm.items() if k != "units") <= 1e-9
    # retired targets (issue 18) are no longer targets
    assert "<= 2x dbt's fixed overhead" not in text
    assert "| integer keys | 2 |" in text and "| wide layout | 2 |" in text  # sql_floor.py ran


@pytest.mark.slow
def test_a_bad_duckdb_memory_limit_is_refused_naming_the_value(tmp_path):
    """RESILIENCE_DUCKDB_MEMORY_LIMIT is checked by the on-run-start hook before any node."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    env = {
        **os.environ,
        "RESILIENCE_DB": str(tmp_path / "wh.duckdb"),
        "RESILIENCE_DUCKDB_MEMORY_LIMIT": "4 gigs",
    }
    proc = subprocess.run(
        [dbt, "run", "--select", "stg_reference__index_samples", "--target-path",
         str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "RESILIENCE_DUCKDB_MEMORY_LIMIT must be a size such as 4GB" in proc.stdout
    assert "'4 gigs'" in proc.stdout
