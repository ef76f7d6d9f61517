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
====  =====================================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
