"""Build the index, R&D-stock and spillover models on Spark (dbt-spark), beside DuckDB.

``resilience build --target spark`` runs the same pre-flight as a DuckDB build, then
``dbt build --target spark`` of :data:`SELECTION` (the seeds, staging and the SQL models
of ``marts/indices`` and ``marts/spillovers`` with their data tests). The profile's
``spark`` target is dbt-spark's ``session`` method: Spark in-process, its tables and Hive
metastore in the folder of env var ``RESILIENCE_SPARK_DIR`` (default ``build/spark``).
The models build unchanged; what differs between the engines sits behind dispatched
macros (``macros/portable_sql.sql``, ``read_external_table``, ``drop_passed_test_failures``).

Not on Spark, by design (README "Scale"):

* the dbt Python models (PCA loadings, indicator correlations; so the ``_pca`` rows of
  ``fct_index_scores``): dbt-spark submits Python models only to a Databricks cluster;
* the hand-worked unit tests: their expected rows are exact doubles, and Spark's ``ln``
  (Java) differs from DuckDB's in the last bit (measured: 1 ulp in 3 of 4 weights of
  ``test_entropy_weights_hand_panel_limit``); the marts agree to 1e-12
  (``tests/python/test_spark_parity.py``);
* estimation, the report and the exports, which read the DuckDB marts.

A Spark build is not swapped in atomically: dbt replaces each table in place, so a
failing build leaves some tables new and some old (DuckDB builds keep the last good
warehouse; Spark has no file to swap).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from resilience import build as build_module
from resilience import dbt
from resilience.errors import DbtCrashed, InputError
from resilience.paths import PROJECT_ROOT

SELECTION = "resource_type:seed +path:models/marts/indices +path:models/marts/spillovers"
"""What builds on Spark: the seeds and every model upstream of the index and spillover marts."""

EXCLUDE = ("resource_type:unit_test",)
"""Left out on Spark: the unit tests (exact doubles; see the module docstring)."""


def spark_dir() -> Path:
    """Return the Spark target's folder (tables and metastore), env ``RESILIENCE_SPARK_DIR``."""
    return Path(os.environ.get("RESILIENCE_SPARK_DIR") or PROJECT_ROOT / "build" / "spark")


@dataclass
class SparkBuildResult:
    """What a Spark build did: node counts by status, failing nodes, timing, its folder."""

    ok: bool
    folder: Path
    counts: dict[str, dict[str, int]]
    failing: list[dbt.NodeOutcome]

    def raise_for_status(self) -> None:
        """Raise :class:`BuildFailed` unless every node passed."""
        if not self.ok:
            raise build_module.BuildFailed(
                [n.name for n in self.failing],
                f"Spark tables in {self.folder} (no failed-build copy on Spark)",
                [m for n in self.failing for m in n.messages],
            )


def build_on_spark(
    values_path: Path | None = None,
    system_path: Path | None = None,
    var_overrides: dict | None = None,
    inputs_dir: Path | None = None,
    input_paths: dict[str, Path] | None = None,
    folder: Path | None = None,
    project_dir: Path = PROJECT_ROOT,
    on_event: Callable[[dict], None] | None = None,
) -> SparkBuildResult:
    """Pre-flight the inputs, then ``dbt build --target spark`` of :data:`SELECTION`.

    The inputs and vars are those of :func:`resilience.build.build`. Raises
    :class:`InputError` when the pre-flight finds a problem (dbt does not run) and
    :class:`DbtCrashed` when dbt cannot run (no Java, no pyspark, compilation error).
    """
    folder = Path(folder or spark_dir()).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    var_overrides = dict(var_overrides or {})
    supplied, skipped = build_module._supplied_inputs(
        inputs_dir, input_paths, values_path, system_path
    )
    problems = build_module.preflight(supplied, skipped, var_overrides, project_dir)
    if problems:
        raise InputError(problems)  # a Spark build keeps no failed-build file
    args = [
        "build", "--target", "spark",
        *build_module.dbt_selection_args(
            supplied, skipped, var_overrides, inputs_dir, project_dir, SELECTION, EXCLUDE
        ),
    ]  # fmt: skip
    work = folder / "dbt"
    dbt.run_results_path(work).unlink(missing_ok=True)
    code, errors = dbt.run(
        args, folder / "unused.duckdb", work, project_dir, on_event,
        extra_env={"RESILIENCE_SPARK_DIR": str(folder)},
    )  # fmt: skip
    if not dbt.run_results_path(work).exists() or code not in (0, 1):
        reason = next((e for e in reversed(errors) if e.strip()), f"dbt exited with code {code}")
        raise DbtCrashed(
            "dbt build --target spark could not run: " + " ".join(reason.split())[:400]
        )
    run_results, manifest = dbt.load_artifacts(work)
    counts, failing, _warnings = dbt.collect_outcomes(run_results, manifest, None, {})
    return SparkBuildResult(
        ok=not failing,
        folder=folder,
        counts={kind: dict(c) for kind, c in counts.items()},
        failing=failing,
    )
