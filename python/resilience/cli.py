"""The ``resilience`` command line: build, estimate, report and the analyst's one-liners.

Each command is a thin shell over a function in the package; exit code 0 means success,
any other code comes with a one-line reason on stderr.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="resilience",
    help="Resilience Warehouse: build the dbt + DuckDB warehouse, estimate the papers' tables, "
    "write the report.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Resilience Warehouse command line (run from anywhere; dbt runs from the project root)."""


if __name__ == "__main__":  # pragma: no cover
    app()
