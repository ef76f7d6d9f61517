"""Shared pytest fixtures: one warehouse built by dbt per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))


def run_dbt(args: list[str], db_path: Path, tmp: Path, extra_env: dict | None = None):
    """Run one dbt command from the project root against ``db_path``; return the process."""
    env = {**os.environ, "RESILIENCE_DB": str(db_path), **(extra_env or {})}
    cmd = [DBT, *args, "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """Seed and build the whole project once into a scratch DuckDB file; yield its path.

    ``make test`` builds the scratch warehouse first and passes it in
    ``RESILIENCE_TEST_WAREHOUSE`` so the suite does not build it twice.
    """
    prebuilt = os.environ.get("RESILIENCE_TEST_WAREHOUSE")
    if prebuilt and Path(prebuilt).exists():
        return Path(prebuilt)
    tmp = tmp_path_factory.mktemp("warehouse")
    db_path = tmp / "warehouse.duckdb"
    proc = run_dbt(["build"], db_path, tmp)
    if proc.returncode != 0:
        pytest.fail(f"dbt build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return db_path
