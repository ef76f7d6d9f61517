"""Harness of the failure catalogue: one bad input or fault, its exact message, exit code.

A :class:`Case` is what a user types (``argv``), the files it needs (``files``), and what
the user must see: the whole stderr (``message``, or its start when ``prefix``) and the
exit code the README promises. :func:`run_case` runs it through the real command line
(``python -m resilience.cli``) against a *copy* of a warehouse that ``resilience build``
built, and checks afterwards that the warehouse is byte-identical, that its marts and
results fingerprint is unchanged, and that no half-written file was left beside it.

Placeholders in ``argv``, ``files`` keys/contents, ``env`` values, ``inspect`` and
``message``: ``{tmp}`` (the case's scratch folder), ``{db}`` (the warehouse copy),
``{failed}`` (``<db>.failed.duckdb``), ``{project}`` (the project root).

Faults of the file system are real conditions where the machine allows them: ``wrap``
turns the command into one run inside a mount namespace with a small tmpfs or a read-only
bind mount, or without root's permission override (see ``test_catalogue_faults.py``);
such a wrapper may leave a copy of the warehouse folder as the command left it, named by
``inspect``. ``cleanup`` undoes a ``setup`` the scratch folder's removal cannot (``chattr``).

The case lists live in the ``test_catalogue_*.py`` files, one per class of failure.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resilience import build as build_module
from resilience.fingerprint import fingerprint

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Files a failed command may write beside the warehouse (by design: the failure record, the
# build lock, dbt's logs under build/<stem>/).
FAILURE_RECORDS = (".failed.duckdb", ".last_build.json", ".build.lock")
WORK_DIR = "build"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    exit_code: int
    message: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    prefix: bool = False
    # optional extra set-up on the scratch folder and the warehouse copy (e.g. chmod)
    setup: Callable[[Path, Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    # (command, tmp, db) -> the command actually run (e.g. in a mount namespace)
    wrap: Callable[[list[str], Path, Path], list[str]] | None = None
    # where the warehouse is checked afterwards (a wrapper's copy of it)
    inspect: str = "{db}"
    # compare only stderr's last line (a build's live progress prints failing nodes above)
    last_line: bool = False
    cleanup: Callable[[Path, Path], None] | None = None


def _fill(text: str, subs: dict[str, str]) -> str:
    for key, value in subs.items():
        text = text.replace("{" + key + "}", value)
    return text


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(db: Path) -> set[str]:
    """Names in the warehouse's folder, minus the failure records a command may write."""
    return {
        p.name
        for p in db.parent.iterdir()
        if p.name != WORK_DIR
        and not any(p.name == db.stem + suffix or p.name == db.name + suffix
                    for suffix in FAILURE_RECORDS)
    }  # fmt: skip


@functools.cache
def _reference(built: Path) -> tuple[str, dict[str, str]]:
    """Bytes hash and marts/results fingerprint of the built warehouse (copies equal it)."""
    return _sha256(built), fingerprint(built)


def prepare(case: Case, built: Path, tmp: Path) -> tuple[Path, dict[str, str], list[str]]:
    """Copy the warehouse into ``tmp/wh``, write the case's files; return db, subs, argv."""
    wh = tmp / "wh"
    wh.mkdir(parents=True, exist_ok=True)
    db = wh / "warehouse.duckdb"
    shutil.copy2(built, db)
    sidecar = build_module.status_path(built)
    if sidecar.exists():
        shutil.copy2(sidecar, build_module.status_path(db))
    subs = {
        "tmp": str(tmp),
        "db": str(db),
        "failed": str(build_module.failed_path(db)),
        "project": str(PROJECT_ROOT),
    }
    for name, content in case.files.items():
        path = tmp / _fill(name, subs)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(_fill(content, subs), encoding="utf-8")
    if case.setup is not None:
        case.setup(tmp, db)
    return db, subs, [_fill(a, subs) for a in case.argv]


def run_cli(case: Case, argv: list[str], subs: dict[str, str], tmp: Path, db: Path):
    """Run ``resilience <argv>`` as the case says (wrapped, with its env); return the process."""
    command = [sys.executable, "-m", "resilience.cli", *argv]
    if case.wrap is not None:
        command = case.wrap(command, tmp, db)
    return subprocess.run(
        command,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            **os.environ,
            "COLUMNS": "400",
            **{key: _fill(value, subs) for key, value in case.env.items()},
        },
    )


def run_case(case: Case, built: Path, tmp: Path) -> subprocess.CompletedProcess:
    """Run one case and assert message, exit code and an undamaged warehouse."""
    db, subs, argv = prepare(case, built, tmp)
    try:
        before_bytes, before_fp = _reference(built)
        before_names = _beside(db)
        proc = run_cli(case, argv, subs, tmp, db)
    finally:
        if case.cleanup is not None:
            case.cleanup(tmp, db)
    stderr = proc.stderr.strip()
    if case.last_line:
        stderr = stderr.splitlines()[-1] if stderr else ""
    expected = _fill(case.message, subs)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == case.exit_code, (proc.returncode, stderr, proc.stdout[-2000:])
    if case.prefix:
        assert stderr.startswith(expected), f"\n got: {stderr}\nwant: {expected}…"
    else:
        assert stderr == expected, f"\n got: {stderr}\nwant: {expected}"
    after = Path(_fill(case.inspect, subs))
    assert _sha256(after) == before_bytes, "the warehouse file changed"
    assert fingerprint(after) == before_fp, "the marts or results changed"
    assert _beside(after) == before_names, (
        f"left beside the warehouse: {_beside(after) - before_names}"
    )
    return proc
