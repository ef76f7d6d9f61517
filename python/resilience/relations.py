"""Every warehouse relation the Python layer reads, and which command reads which.

One catalog: a :class:`Relation` per table or view (schema, name, what it is), so no other
module spells a relation's name. Python reads the ``marts`` that dbt builds and the
``results`` it writes itself, never a ``staging`` or ``intermediate`` relation; the two
staging views named here are dbt nodes that ``build`` and ``index`` select or stand a user's
file in for, not relations they read.

:data:`READS` maps each consumer (a command or module) to the relations it reads. The dbt
exposures (``models/exposures.yml``) declare the same consumers with ``depends_on`` the
marts of :data:`READS`, so ``dbt docs`` shows the lineage from an input cell to a
coefficient; ``tests/python/test_relations.py`` fails when the two differ, when a catalog
relation is not in the dbt project or the results schema, and when a module outside this one
names a relation.
"""

from __future__ import annotations

from dataclasses import dataclass

MARTS_SCHEMA = "marts"
"""The schema of the marts, the dbt models Python reads."""
DBT_SCHEMAS = ("staging", "intermediate", MARTS_SCHEMA)
"""The schemas dbt builds (``dbt_project.yml``); ``results`` and ``warehouse_meta`` are Python's."""


@dataclass(frozen=True)
class Relation:
    """A warehouse table or view: ``schema.name`` and what it holds."""

    schema: str
    name: str
    about: str

    def __str__(self) -> str:
        """Return ``schema.name``, as SQL names it."""
        return f"{self.schema}.{self.name}"

    @property
    def is_dbt_model(self) -> bool:
        """True when dbt builds it (a model of the project), False for a Python-written table."""
        return self.schema in DBT_SCHEMAS


# ------------------------------------------------------------------ marts (dbt) ----------
INDEX_WEIGHTS = Relation(
    MARTS_SCHEMA, "fct_index_weights", "index × indicator × scope: the weights"
)
INDEX_SCORES = Relation(
    MARTS_SCHEMA, "fct_index_scores", "index × unit × year × dimension: the index scores"
)
INDEX_INDICATOR_DIAGNOSTICS = Relation(
    MARTS_SCHEMA, "fct_index_indicator_diagnostics", "index × indicator: availability, outliers"
)
INDEX_UNIT_DIAGNOSTICS = Relation(
    MARTS_SCHEMA, "fct_index_unit_diagnostics", "index × unit: availability, interpolated share"
)
INDEX_INDICATOR_CORRELATIONS = Relation(
    MARTS_SCHEMA, "fct_index_indicator_correlations", "index × indicator pair: abs(r) > 0.9"
)
INDEX_VARIANT_SCORES = Relation(
    MARTS_SCHEMA, "fct_index_variant_scores", "index × variant × unit × year: the variants' scores"
)
INDEX_VARIANTS = Relation(
    MARTS_SCHEMA, "dim_index_variants", "index × variant: the construction choices of each variant"
)
INDEX_RANK_INTERVALS = Relation(
    MARTS_SCHEMA,
    "fct_index_rank_intervals",
    "index × unit × year: rank intervals over the variants",
)
INDEX_SENSITIVITY = Relation(
    MARTS_SCHEMA, "fct_index_sensitivity", "index × factor: Sobol indices of the ranks"
)
SPILLOVER_PANEL = Relation(
    MARTS_SCHEMA, "panel_spillover_resilience", "province × year: Chen's analysis panel"
)
EXPORT_PANEL = Relation(
    MARTS_SCHEMA, "panel_dataflow_export", "province × year: Wang & Lu's analysis panel"
)
EXPORT_RESILIENCE = Relation(
    MARTS_SCHEMA, "fct_export_resilience", "province × year: export resilience, every account year"
)
RD_CAPITAL_STOCKS = Relation(
    MARTS_SCHEMA,
    "fct_rd_capital_stocks",
    "economy × year: R&D capital stocks (perpetual inventory)",
)
MARTIN_RESILIENCE = Relation(
    MARTS_SCHEMA, "fct_martin_resilience", "unit: Martin resistance and recovery"
)
DESCRIPTIVE_STATISTICS = Relation(
    MARTS_SCHEMA,
    "fct_descriptive_statistics",
    "panel × variable: the papers' descriptive statistics",
)
PROVINCES = Relation(MARTS_SCHEMA, "dim_provinces", "province: names, region and flags")
BUILD_SETTINGS = Relation(MARTS_SCHEMA, "dim_build_settings", "var: the value this build used")
INPUT_FILES = Relation(
    MARTS_SCHEMA, "dim_input_files", "input: the file a build read, its SHA-256, synthetic or not"
)

# ------------------------------------------------------------------ staging nodes (dbt) --
INDICATOR_VALUES_STAGED = Relation(
    "staging", "stg_inputs__indicator_values", "the indicator values input, typed"
)
INDICATOR_SYSTEMS_STAGED = Relation(
    "staging", "stg_reference__indicator_systems", "the indicator system (seed or user file)"
)
INDEX_SAMPLES_STAGED = Relation(
    "staging", "stg_reference__index_samples", "the index samples (seed or user file)"
)
REFERENCE_STAGED = (INDICATOR_SYSTEMS_STAGED, INDEX_SAMPLES_STAGED)
"""The staged reference inputs a user's file may replace: a failing test names the model
it is attached to, never one of these (``build`` names the file behind them instead)."""

# ------------------------------------------------------------------ Python-written -------
RESULTS_SCHEMA = "results"
"""The schema :mod:`resilience.results` owns (its tables' DDL and columns are there)."""
MODELS = Relation(RESULTS_SCHEMA, "models", "model: spec, sample, fit statistics, build")
COEFFICIENTS = Relation(RESULTS_SCHEMA, "coefficients", "model × term: estimate, SE, t, p, CI")
TESTS = Relation(RESULTS_SCHEMA, "tests", "test: statistic, df, p (Hausman, wild bootstrap, ...)")
ABSORPTION = Relation(
    RESULTS_SCHEMA, "absorption", "model × regressor: the variance the fixed effects leave"
)
TABLE_SPECS = Relation(
    RESULTS_SCHEMA, "tables", "publication table: the spec it was rendered with (estimate)"
)
SPECIFICATION_CURVE = Relation(
    RESULTS_SCHEMA, "specification_curve", "baseline × index variant: the focal coefficient"
)
SPECIFICATION_CURVE_SUMMARY = Relation(
    RESULTS_SCHEMA, "specification_curve_summary", "baseline: shares of sign and significance"
)
BUILDS = Relation("warehouse_meta", "builds", "the build that made this warehouse (one row)")

FINGERPRINTED_SCHEMAS = ("raw", "reference")
"""The report fingerprints every table of these schemas (the seeds), whatever their names."""

CATALOG: tuple[Relation, ...] = tuple(
    v for v in list(globals().values()) if isinstance(v, Relation)
)
"""Every relation above."""

RESULTS_TABLES = tuple(r for r in CATALOG if r.schema == RESULTS_SCHEMA)
"""The tables of schema ``results`` (:mod:`resilience.results` writes them)."""

READS: dict[str, tuple[Relation, ...]] = {
    "estimate": (SPILLOVER_PANEL, EXPORT_PANEL, DESCRIPTIVE_STATISTICS, BUILD_SETTINGS, BUILDS),
    "report": (
        PROVINCES,
        INDEX_WEIGHTS,
        INDEX_SCORES,
        INDEX_INDICATOR_DIAGNOSTICS,
        INDEX_UNIT_DIAGNOSTICS,
        INDEX_INDICATOR_CORRELATIONS,
        EXPORT_PANEL,
        EXPORT_RESILIENCE,
        *RESULTS_TABLES,
        INDEX_VARIANTS,
        BUILD_SETTINGS,
        DESCRIPTIVE_STATISTICS,
        INDEX_RANK_INTERVALS,
        INDEX_SENSITIVITY,
        INPUT_FILES,
        BUILDS,
    ),
    "sensitivity": (INDEX_RANK_INTERVALS, INDEX_SENSITIVITY),
    "speccurve": (
        SPILLOVER_PANEL,
        EXPORT_PANEL,
        INDEX_VARIANT_SCORES,
        DESCRIPTIVE_STATISTICS,
        BUILD_SETTINGS,
        BUILDS,
    ),
    "export": (SPILLOVER_PANEL, EXPORT_PANEL, INPUT_FILES, BUILDS),
    "indices": (INDEX_WEIGHTS, INDEX_SCORES),
    "example_china": (
        INDEX_WEIGHTS,
        INDEX_SCORES,
        RD_CAPITAL_STOCKS,
        INDEX_RANK_INTERVALS,
        INDEX_SENSITIVITY,
    ),
    "example_us": (INDEX_WEIGHTS, INDEX_SCORES, MARTIN_RESILIENCE),
    "build": REFERENCE_STAGED,
}
"""Consumer -> the relations it reads (``build``: the staged nodes it stands a user's file
in for; ``indices`` also selects the three staging nodes above for its dbt run, and reads
none of them). ``speccurve`` is ``resilience sensitivity`` (the refits over the index variants),
``sensitivity`` the report's uncertainty section; ``export`` reads, besides these, any table
of schemas ``marts`` and ``results`` a user names."""
