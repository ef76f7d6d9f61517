"""Where things live: the project root, the warehouse file and the report folder."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The dbt project root (dbt is always run from here: relative paths resolve from it)."""

REPORTS_DIR = PROJECT_ROOT / "reports"

REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
"""The reference seeds (indicator systems, index samples, provinces, partners)."""

PROVINCES_CSV = REFERENCE_DIR / "provinces.csv"
"""The 31 mainland provinces: code, names, NBS region, coastal, first pilot FTZ year."""

DBT = str(Path(sys.executable).with_name("dbt"))
"""The dbt executable of this environment (beside the running Python)."""


def write_atomically(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it, then rename it over.

    A write the file system refuses (no space left, read-only) leaves no half-written
    file: the temporary file is removed and ``path`` keeps its old bytes. ``path``'s folder
    is created; a folder in the way that is a file raises ``NotADirectoryError``. A path
    that exists and is not a regular file (``/dev/stdout``, a named pipe) is written in
    place, since renaming over it would replace the device.
    """
    path = Path(path)
    blob = data.encode(encoding) if isinstance(data, str) else data
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:
            fh.write(blob)
        return path
    make_folder(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename == str(tmp):  # name the file asked for
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return path


def make_folder(folder: Path) -> None:
    """``mkdir -p``, naming the first component that is a file (``NotADirectoryError``)."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(parent))
            break
    folder.mkdir(parents=True, exist_ok=True)


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
