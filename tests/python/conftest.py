"""Shared pytest fixtures: one warehouse built by dbt per test session."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest

from resilience.paths import DBT, PROJECT_ROOT  # noqa: F401 (re-exported to the tests)


def query(db_path: Path, sql: str) -> pd.DataFrame:
    """Run one read-only query on a warehouse file and close the connection."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.sql(sql).df()


def load_model_module(relative_path: str) -> ModuleType:
    """Import a dbt Python model file (e.g. ``models/.../x.py``) to test its functions."""
    path = PROJECT_ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


@pytest.fixture(scope="session")
def cli_built_warehouse(tmp_path_factory) -> Path:
    """One warehouse built by ``resilience build`` (with its build record); copy, never change.

    The failure catalogue (``tests/python/failure_catalogue.py``) runs every case against a
    copy of it.
    """
    import sys

    db = tmp_path_factory.mktemp("cli_built") / "warehouse.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "resilience.cli", "build", "--db", str(db)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.fail(f"resilience build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return db
