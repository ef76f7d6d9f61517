"""Smoke test of the benchmark runner: ``bench/run_all.py --quick`` at tiny scale.

Asserts only that it runs end to end (dbt builds, numpy peer check, resampling) and writes
the figures file; no timing assertions -- benchmarks print figures, they are not tests.
"""

from __future__ import annotations

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
    assert "| integer keys | 2 |" in text and "| wide layout | 2 |" in text  # sql_floor.py ran
