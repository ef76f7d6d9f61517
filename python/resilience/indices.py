r"""Build composite indices for any panel: the dbt index models, run on a user's files.

The entropy-weight index (and its PCA variant) is computed entirely by the dbt models in
``models/intermediate/indices`` and ``models/marts/indices``; this module only runs them on
a user's own long values file and indicator system, in a scratch DuckDB, and hands back
the weights. The formulas live beside the SQL (see DESIGN.md "Composite indices"): with
:math:`z` the min-max normalised value by direction, :math:`z' = z + c` (zero policy),
:math:`S = \sum z'`, :math:`A = \sum z' \ln z'` over the :math:`n` observations of the scope,

.. math::

    e_k = -\frac{1}{\ln n}\Big(\frac{A}{S} - \ln S\Big),\qquad
    w_k = \frac{1 - e_k}{\sum_l (1 - e_l)},\qquad
    \text{score}_{it} = \sum_k w_k z_{kit}.

Input layout (CSV or Parquet): values ``unit_id, year, indicator, value`` (one row per
unit-year-indicator, empty value = missing); system ``index_name, dimension, indicator,
direction`` (``+`` / ``-``). An index with no row in ``seeds/reference/index_samples.csv``
is estimated over every unit and year in the values.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from resilience import dbt, lock, relations
from resilience.errors import DbtCrashed, ResilienceError
from resilience.paths import remove_database

INDEX_SELECTION = (
    "index_samples",
    relations.INDICATOR_VALUES_STAGED.name,
    relations.INDICATOR_SYSTEMS_STAGED.name,
    relations.INDEX_SAMPLES_STAGED.name,
    "path:models/intermediate/indices",
    "path:models/marts/indices",
)
"""The dbt nodes an index build needs: the sample seed, three staging views, the index models."""


def index_build_args(dbt_vars: dict) -> list[str]:
    """``dbt build`` arguments for the index models alone on the files named in ``dbt_vars``.

    Unit tests pin their own inputs and the singular tests under ``tests/dbt`` guard the
    shipped province panel (province codes, year window), not a user's panel, so both are
    left out; ``cautious`` keeps tests whose parents are not all selected out too.
    """
    return selected_build_args(INDEX_SELECTION, dbt_vars)


def selected_build_args(selection: tuple[str, ...] | list[str], dbt_vars: dict) -> list[str]:
    """``dbt build`` arguments for ``selection`` and its data tests, with ``dbt_vars``.

    Unit tests (they pin their own inputs) and the singular tests under ``tests/dbt`` (they
    guard the shipped province panel) are left out; ``cautious`` indirect selection leaves
    out tests whose parents are not all selected. Used for the index alone and for the
    Martin mart alone on a user's panel.
    """
    return [
        "build",
        "--select",
        *selection,
        "--exclude",
        "test_type:unit",
        "resource_type:test,path:tests/dbt",
        "--indirect-selection",
        "cautious",
        "--vars",
        json.dumps(dbt_vars),
    ]


class IndexBuildFailed(ResilienceError):
    """The index models ran and a data test failed (bad input): exit code 1.

    The message names each failing test and quotes its first failing rows (unit, year,
    indicator, text, ...); every failing row stays queryable in ``db_path``, schema
    ``test_failures``.
    """

    exit_code = 1

    def __init__(self, failures: list[str], db_path: Path):
        self.failures = failures
        self.db_path = db_path
        super().__init__(
            f"index build failed ({len(failures)} failing test(s)); all failing rows are in "
            f"{db_path} (schema test_failures):\n" + "\n".join(failures)
        )


def _failure_summaries(work: Path, db_path: Path) -> list[str]:
    """Return one line per failed or errored node, quoting its first stored failing rows."""
    results, manifest = dbt.load_artifacts(work)
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    bad = [r for r in results if r["status"] in ("fail", "error")]
    lines = []
    with lock.connect(db_path, read_only=True) as con:
        for result in bad:
            node = nodes.get(result["unique_id"], {})
            name = node.get("name", result["unique_id"])
            line = f"- {name}: {result.get('message') or result['status']}"
            if node.get("resource_type") == "test" and node.get("relation_name"):
                try:
                    relation = dbt.failures_relation(node)
                    rows = con.sql(f"select * from {relation} limit {dbt.FAILING_ROWS_SHOWN}").df()
                    line += "\n    " + rows.to_string(index=False).replace("\n", "\n    ")
                except duckdb.Error:
                    pass
            lines.append(line)
    return lines


def _check_readable(values: Path, system: Path) -> None:
    """Refuse, before dbt runs, files that cannot be read as their layouts (exit 2).

    The system is checked whole (:func:`resilience.validate.validate_system`); the values
    by the reading rules only (encoding, delimiter, line endings, ragged rows): their
    years and units are the user's own, and the index's data tests name bad rows.
    """
    from resilience.errors import InputError
    from resilience.validate import VALUES_COLUMNS, _read_rows, validate_system

    problems: list = []
    validate_system(system, problems)
    _read_rows(values, str(values), VALUES_COLUMNS, problems)
    if problems:
        raise InputError(problems)


def build_index(
    values_path: str | os.PathLike,
    system_path: str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    db_path: str | os.PathLike | None = None,
    vars: dict | None = None,  # noqa: A002 - named after dbt's --vars
) -> pd.DataFrame:
    """Build entropy weights and scores for a user's panel with the warehouse's dbt models.

    Runs ``dbt build`` from the project root on the index models and their data tests
    only (unit tests and the province-panel singular tests under ``tests/dbt`` excluded),
    with ``indicator_values_path`` and ``indicator_system_path`` pointing at the given
    files, into a scratch DuckDB file, and returns ``marts.fct_index_weights``.

    Parameters
    ----------
    values_path : path-like
        Long values, CSV or Parquet: ``unit_id, year, indicator, value``.
    system_path : path-like
        Indicator system, CSV or Parquet: ``index_name, dimension, indicator, direction``.
    out_dir : path-like, optional
        If given, ``weights.csv`` (fct_index_weights) and ``scores.csv`` (fct_index_scores,
        entropy and PCA) are written there.
    db_path : path-like, optional
        DuckDB file to build into (kept, so the intermediates and diagnostics can be
        queried); default a file in a temporary folder that is removed afterwards.
    vars : dict, optional
        Further dbt vars, e.g. ``{"index_scope": "per_year", "index_zero_policy": "limit"}``.

    Returns
    -------
    pandas.DataFrame
        ``fct_index_weights``: one row per index-indicator (and year when per-year), with
        min, max, entropy, divergence, weight, settings and sample.

    Raises
    ------
    FileNotFoundError
        When an input file does not exist.
    IndexBuildFailed
        When a data test fails (duplicates, non-numeric cells, unknown indicators,
        unfilled gaps, constant indicators, bad directions), naming the rows.
    DbtCrashed
        When dbt cannot run at all (compilation error, crash).
    """
    values = Path(values_path).resolve()
    system = Path(system_path).resolve()
    for path in (values, system):
        if not path.is_file():
            raise FileNotFoundError(f"build_index: input file {path} does not exist")
    _check_readable(values, system)
    dbt_vars = {
        **(vars or {}),
        "indicator_values_path": str(values),
        "indicator_system_path": str(system),
    }
    with tempfile.TemporaryDirectory(prefix="resilience_index_") as tmp_name:
        tmp = Path(tmp_name)
        db = Path(db_path).resolve() if db_path is not None else tmp / "index_build.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        remove_database(db)
        proc = dbt.run_plain(index_build_args(dbt_vars), db, tmp / "target", tmp / "logs")
        if proc.returncode != 0:
            if not dbt.run_results_path(tmp).exists() or not db.exists():
                raise DbtCrashed(
                    f"dbt could not build the index models: {dbt.crash_line(proc)}\n"
                    f"{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
                )
            failures = _failure_summaries(tmp, db)
            if db_path is None:
                kept_dir = Path(tempfile.mkdtemp(prefix="resilience_index_failed_"))
                kept = kept_dir / "index_build.duckdb"
                kept.write_bytes(db.read_bytes())
                db = kept
            raise IndexBuildFailed(failures or [proc.stdout[-4000:]], db)
        with duckdb.connect(str(db), read_only=True) as con:
            weights = con.sql(
                f"select * from {relations.INDEX_WEIGHTS} order by index_name, year, indicator"
            ).df()
            if out_dir is not None:
                out = Path(out_dir)
                out.mkdir(parents=True, exist_ok=True)
                weights.to_csv(out / "weights.csv", index=False)
                con.sql(
                    f"select * from {relations.INDEX_SCORES} "
                    "order by index_name, unit_id, year, dimension"
                ).df().to_csv(out / "scores.csv", index=False)
    return weights
