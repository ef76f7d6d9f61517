"""The house style is enforced: sqlfluff over the SQL, ruff (lint + format) over the Python.

The same commands as ``make lint`` and ``.pre-commit-config.yaml``; the rules live in
``.sqlfluff`` and ``pyproject.toml``. sqlfluff's dbt templater compiles the project against
the in-memory ``lint`` target of ``profiles.yml`` (about 15 s with two processes).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SQL_PATHS = ("models", "macros", "analysis", "tests/dbt")
PYTHON_PATHS = ("python", "tests/python", "bench", "models")

pytestmark = pytest.mark.slow


def run(*cmd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=env
    )


def assert_clean(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} failed (exit {result.returncode}):\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    )


def test_sql_passes_sqlfluff():
    assert_clean(run(str(BIN / "sqlfluff"), "lint", "--processes", "2", *SQL_PATHS))


def test_python_passes_ruff_check():
    assert_clean(run(str(BIN / "ruff"), "check", *PYTHON_PATHS))


def test_python_is_ruff_formatted():
    assert_clean(run(str(BIN / "ruff"), "format", "--check", *PYTHON_PATHS))
