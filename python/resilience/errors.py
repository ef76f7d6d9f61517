"""Exception types whose ``str()`` is the one-line reason the command line prints.

Every error a user can cause carries a one-line message and an exit code; the CLI prints
``error: <message>`` on stderr and exits with :attr:`ResilienceError.exit_code`, never a
stack trace. Bad-input problems are collected as :class:`Problem` rows first, so that one
run reports all of them (and stores them where the user can query them), not only the
first.

Exit codes
----------
====  =====================================================================
0     success
1     the dbt build ran and tests failed (the last good warehouse is kept)
2     a user-supplied input file or option failed the pre-flight validation, or a model
      spec, formula or its data cannot be estimated (:class:`EstimationError`)
3     the warehouse (or its build) is locked by another process, or was rebuilt while
      ``estimate`` ran (its results are refused, not written beside other marts)
4     refused: the last build of this warehouse failed
5     dbt itself could not run (compilation error, crash, killed)
6     something the command needs is not there yet (``cli.MissingPrerequisite``)
7     the file system refused a write: no space left, read-only file system, permission
      denied (:class:`StorageError`)
8     the warehouse file is damaged, not a readable DuckDB database
      (:class:`WarehouseDamaged`)
====  =====================================================================

Faults of the file system and of the warehouse file are mapped in one place,
:func:`classify`: an ``OSError`` whose errno is one of :data:`STORAGE_ERRNOS`, a DuckDB
error whose text carries the same cause (``Could not write file "...": No space left on
device``) or says the file is not a database, becomes :class:`StorageError` or
:class:`WarehouseDamaged` with the cause and the path kept.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One bad input, located as precisely as the check allows.

    ``file`` is the raw file (or dbt model) the row came from, ``row`` its 1-based line
    number in that file counting the header as line 1 (None when the problem is not one
    row), ``unit``/``year``/``indicator`` the coordinates of the cell, ``message`` what is
    wrong and what to do about it.
    """

    check: str
    file: str
    message: str
    row: int | None = None
    unit: str | None = None
    year: str | None = None
    indicator: str | None = None
    column: str | None = None

    def format(self) -> str:
        """Return the one-line message: ``file:row: unit U, year Y, indicator I: message``.

        ``column`` (a column of a wide input such as ``gdp_usd_mn``) is shown as
        ``column C`` after the year.
        """
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        coords = [
            f"{label} {value}"
            for label, value in (
                ("unit", self.unit),
                ("year", self.year),
                ("indicator", self.indicator),
                ("column", self.column),
            )
            if value not in (None, "")
        ]
        return f"{where}: {', '.join(coords) + ': ' if coords else ''}{self.message}"

    def as_row(self) -> dict:
        """Return the problem as a flat dict (one row of the stored failures table)."""
        return {**asdict(self), "formatted": self.format()}


class ResilienceError(Exception):
    """Base class: ``str(err)`` is a one-line reason, ``exit_code`` is non-zero."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ResilienceError):
    """A user-supplied file or option failed the pre-flight validation (exit 2)."""

    exit_code = 2

    def __init__(self, problems: list[Problem], stored_at: str | None = None):
        self.problems = problems
        self.stored_at = stored_at
        first = problems[0].format()
        more = f" (+{len(problems) - 1} more problems)" if len(problems) > 1 else ""
        where = f"; all rows in {stored_at}" if stored_at else ""
        super().__init__(f"{first}{more}{where}")


class BuildFailed(ResilienceError):
    """dbt build ran and some tests failed or models errored (exit 1)."""

    exit_code = 1

    def __init__(self, failing: list[str], failed_db: str, messages: list[str] | None = None):
        self.failing = failing
        self.failed_db = failed_db
        self.messages = messages or []
        names = ", ".join(failing[:3]) + (
            f" and {len(failing) - 3} more" if len(failing) > 3 else ""
        )
        super().__init__(
            f"build failed: {len(failing)} failing node(s): {names}; the last good warehouse "
            f"was kept, failing rows are in {failed_db} (schema test_failures)"
        )


class DbtCrashed(ResilienceError):
    """dbt could not run at all: a compilation error, a crash, a signal (exit 5)."""

    exit_code = 5


class WarehouseLocked(ResilienceError):
    """Another process holds the warehouse (or its build lock) (exit 3)."""

    exit_code = 3


class LastBuildFailed(ResilienceError):
    """Refusal: the last build of this warehouse had failing tests (exit 4)."""

    exit_code = 4


class EstimationError(ResilienceError, ValueError):
    """A model, formula or its data cannot be estimated as given (exit 2).

    The message names the model (the spec's model id, or the formula of ``resilience
    regress``), the column and what to do: a regressor listed twice or equal to the
    outcome, a text or infinite column, a regressor the fixed effects absorb or that is
    collinear with others. A ``ValueError`` too, as the checks it replaces were.
    """

    exit_code = 2


class WarehouseRebuilt(ResilienceError):
    """Refusal: the marts changed between reading them and writing their results (exit 3)."""

    exit_code = 3


# ---- faults of the file system and of the warehouse file ---------------------------------

STORAGE_ERRNOS = {
    code: os.strerror(code)
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                 errno.ENOTDIR)
}  # fmt: skip
"""errno -> its text ("No space left on device"): the file system refused a write (exit 7)."""

WRITE_ONLY_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
"""Causes that only a write can meet (a read never runs out of space)."""

DAMAGE_MARKERS = (
    "not a valid DuckDB database file",
    "Could not read enough bytes from file",
    "Corrupt database file",
    "database file is corrupted",
    "The file is not a DuckDB database",
)
"""Phrases of DuckDB errors meaning the file is not a readable database (exit 8)."""

_QUOTED_PATH = re.compile(r"[\"'](/[^\"']+)[\"']")


class StorageError(ResilienceError):
    """The file system refused a write: no space, read-only, permission denied (exit 7).

    ``cause`` is the operating system's text ("No space left on device"), ``path`` the
    file or folder it refused, ``doing`` what the command could not do and what was kept.
    """

    exit_code = 7

    def __init__(self, cause: str, path: str | Path | None, doing: str):
        self.cause = cause
        self.path = None if path is None else str(path)
        self.doing = doing
        where = f" on {self.path}" if self.path else ""
        super().__init__(f"{cause}{where}: {doing}")


class WarehouseDamaged(ResilienceError):
    """The warehouse file is not a readable DuckDB database (exit 8)."""

    exit_code = 8

    def __init__(self, path: str | Path, cause: str):
        self.path = Path(path)
        self.cause = cause
        super().__init__(
            f"warehouse {path} is damaged, not a readable DuckDB database ({cause}); run "
            "`resilience build`: it moves the damaged file aside and builds a new warehouse"
        )


def _text(exc: BaseException | str) -> str:
    return " ".join(str(exc).split())


def storage_cause(exc: BaseException | str) -> str | None:
    """Return the refused write's cause ("No space left on device"), or None.

    An ``OSError`` counts by its errno; anything else (a DuckDB ``IOException``, a line of
    dbt's log) by the operating system's text in its message.
    """
    if isinstance(exc, OSError) and exc.errno is not None:
        return STORAGE_ERRNOS.get(exc.errno)
    text = _text(exc)
    return next((cause for cause in STORAGE_ERRNOS.values() if cause in text), None)


def damage_cause(exc: BaseException | str) -> str | None:
    """Return DuckDB's words for a damaged database file (without "IO Error: "), or None."""
    text = _text(exc)
    if not any(marker in text for marker in DAMAGE_MARKERS):
        return None
    return re.sub(r"^[A-Za-z ]*Error: ", "", text)


def _is_duckdb_error(exc: BaseException) -> bool:
    return any(cls.__module__.split(".")[0] in ("duckdb", "_duckdb") for cls in type(exc).__mro__)


def classify(
    exc: BaseException, path: str | Path | None = None, doing: str | None = None
) -> ResilienceError | None:
    """Map a fault of the file system or of a database file to its error (exit 7 or 8).

    The one place that decides: an ``OSError`` with an errno of :data:`STORAGE_ERRNOS`,
    or a DuckDB error naming such a cause, is a :class:`StorageError` on the file the
    error names (else ``path``); a DuckDB error saying the file is not a database is
    :class:`WarehouseDamaged` of ``path`` (the database the caller opened). Anything
    else returns None (the caller re-raises it unchanged).
    """
    if isinstance(exc, ResilienceError):
        return exc
    if isinstance(exc, OSError):
        cause = storage_cause(exc)
        if cause is None:
            return None
        return StorageError(
            cause, exc.filename or path, doing or "the file system refused the write"
        )
    if not _is_duckdb_error(exc):  # other errors' words are not read for a cause
        return None
    damage = damage_cause(exc)
    if damage is not None and path is not None:
        return WarehouseDamaged(path, damage)
    cause = storage_cause(exc)
    if cause is None:
        return None
    named = _QUOTED_PATH.search(str(exc))
    return StorageError(
        cause, named.group(1) if named else path, doing or "the file system refused the write"
    )


@contextlib.contextmanager
def storage_faults(doing: str, path: str | Path | None = None) -> Iterator[None]:
    """Re-raise a fault of the file system or of the database at ``path`` as exit 7 / 8.

    ``doing`` says what could not be done and what was kept, e.g. "cannot write the
    report"; other exceptions pass unchanged.
    """
    try:
        yield
    except ResilienceError:
        raise
    except Exception as exc:
        mapped = classify(exc, path, doing)
        if mapped is None:
            raise
        raise mapped from exc


def storage_cause_in_log(lines: Iterable[str], folder: Path) -> str | None:
    """Return the refused write's cause in dbt's error lines about a build in ``folder``.

    No space, a read-only file system or an exceeded quota count wherever they are named
    (only writes meet them); "Permission denied" and "Operation not permitted" only on a
    path in ``folder``, since a model may also fail to *read* an input file it may not.
    """
    folder_text = str(folder)
    write_only = [STORAGE_ERRNOS[code] for code in WRITE_ONLY_ERRNOS]
    for line in lines:
        text = _text(line)
        for cause in write_only:
            if cause in text:
                return cause
        if folder_text in text:
            for cause in STORAGE_ERRNOS.values():
                if cause in text:
                    return cause
    return None
