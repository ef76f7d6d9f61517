"""Where things live: the project root, the warehouse file and the report folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The dbt project root (dbt is always run from here: relative paths resolve from it)."""

REPORTS_DIR = PROJECT_ROOT / "reports"

DBT = str(Path(sys.executable).with_name("dbt"))
"""The dbt executable of this environment (beside the running Python)."""


def remove_database(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log (``<file>.wal``), if there."""
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)


def warehouse_path() -> Path:
    """Return the warehouse file: ``$RESILIENCE_DB`` if set, else ``warehouse.duckdb`` at the root.

    A relative ``RESILIENCE_DB`` is taken relative to the project root, exactly as dbt
    (which runs from the root) resolves it in ``profiles.yml``.
    """
    path = Path(os.environ.get("RESILIENCE_DB", "warehouse.duckdb"))
    return path if path.is_absolute() else PROJECT_ROOT / path
