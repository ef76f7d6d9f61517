"""Who holds the warehouse: DuckDB's file lock and the build lock, as one-line messages.

DuckDB allows one writing process per file (or many read-only ones). A second process
gets ``IO Error: Could not set lock on file "...": Conflicting lock is held in <exe>
(PID <n>)``; :func:`connect` turns that into :class:`~resilience.errors.WarehouseLocked`
naming the holder's PID and command line. When the text carries no PID (other DuckDB
versions), :func:`holders_of` finds the processes that have the file open via ``/proc``.

Builds additionally take an advisory ``flock`` on ``<warehouse>.build.lock``
(:func:`build_lock`); the kernel releases it when the holder dies, even by SIGKILL, so a
killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from resilience.errors import WarehouseLocked, classify

_PID_RE = re.compile(r"\(PID (\d+)\)")


def describe_pid(pid: int) -> str:
    """Return ``PID <n> (<command line>)``, or ``PID <n>`` when /proc does not tell."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"PID {pid}"
    cmd = " ".join(part for part in raw.decode(errors="replace").split("\0") if part)
    if len(cmd) > 100:
        cmd = cmd[:97] + "..."
    return f"PID {pid} ({cmd})" if cmd else f"PID {pid}"


def holders_of(path: Path) -> list[int]:
    """Return the PIDs (other than ours) with ``path`` open, found through ``/proc/*/fd``."""
    target = str(Path(path).resolve())
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        pid = int(proc.name)
        if pid == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) == target for fd in (proc / "fd").iterdir()):
                pids.append(pid)
    return sorted(pids)


def lock_message(path: Path, error_text: str | None = None) -> str:
    """Return the one-line message for a warehouse that another process has locked."""
    pid_match = _PID_RE.search(error_text or "")
    pids = [int(pid_match.group(1))] if pid_match else holders_of(path)
    holder = ", ".join(describe_pid(pid) for pid in pids) if pids else "another process"
    return (
        f"warehouse {path} is locked by {holder}; close that session (or wait for it) "
        "and run the command again"
    )


def is_lock_error(exc: BaseException) -> bool:
    """Tell whether ``exc`` is DuckDB's 'Could not set lock on file' error."""
    return "Could not set lock on file" in str(exc)


def connect(
    path: Path, read_only: bool = False, doing: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a lock held elsewhere raises :class:`WarehouseLocked` (one line).

    A file that is not a readable database raises
    :class:`~resilience.errors.WarehouseDamaged` (exit 8), a write the file system
    refuses (an immutable file, a read-only file system) :class:`~resilience.errors.
    StorageError` (exit 7, ``doing`` says what could not be done).
    """
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if is_lock_error(exc):
            raise WarehouseLocked(lock_message(Path(path), str(exc))) from None
        mapped = classify(exc, path, doing or f"cannot open {path}")
        if mapped is not None:
            raise mapped from None
        raise


def check_readable(path: Path) -> None:
    """Raise :class:`~resilience.errors.WarehouseDamaged` unless ``path`` reads as a database.

    Opens it read-only (never changing a byte) and lists its tables, which reads the
    catalogue; a missing file passes (nothing to read). Locks raise as in :func:`connect`.
    """
    if not Path(path).exists():
        return
    con = connect(path, read_only=True)
    try:
        con.execute("select count(*) from duckdb_tables()").fetchall()
    except duckdb.Error as exc:
        mapped = classify(exc, path)
        if mapped is not None:
            raise mapped from None
        raise
    finally:
        con.close()


def ensure_unlocked(path: Path) -> None:
    """Raise :class:`WarehouseLocked` if any process holds a DuckDB lock on ``path``.

    A read-only open conflicts with a writer (the one holder that matters: readers keep
    their own view of the old file across ``os.replace``) and, unlike a write open, never
    changes a byte of the file. A missing file is trivially unlocked.
    """
    if not Path(path).exists():
        return
    connect(path, read_only=True).close()


@contextlib.contextmanager
def build_lock(db_path: Path) -> Iterator[Path]:
    """Hold the exclusive build lock of ``db_path`` for the duration of the block.

    The lock file ``<warehouse>.build.lock`` records the holder's PID, so a second build
    is told who is building.
    """
    lock_path = Path(f"{db_path}.build.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder_text = os.pread(fd, 64, 0).decode(errors="replace").strip()
            holder = describe_pid(int(holder_text)) if holder_text.isdigit() else "another process"
            raise WarehouseLocked(
                f"warehouse {db_path} is being built by {holder}; wait for that build to "
                "finish and run the command again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield lock_path
    finally:
        os.close(fd)  # closing the descriptor releases the flock
