"""Write estimation results back to the warehouse, schema ``results``.

Tables (created if absent):

``results.models``
    one row per estimated model: ``model_id, table_id, column_label, panel, outcome, spec``
    (the model spec as JSON), ``n_obs, n_entities, n_dropped`` (rows dropped because a
    variable was missing), ``dropped_detail`` (JSON, missing values per column),
    ``dropped_by_year`` (JSON, ``{year: rows dropped}``),
    ``r2_within`` (Stata's within R-squared), ``r2_within_twoway``, ``r2_lsdv``,
    ``f_stat, f_df_num, f_df_denom, f_pvalue`` (Wald F of the named regressors, year
    dummies excluded, as plm), ``f_all_stat, f_all_df_num, f_all_df_denom, f_all_pvalue``
    (every regressor but the constant, year dummies included: the model F Stata's ``xtreg
    y x i.year, fe`` prints),
    ``effects, cov_type, estimated_at, data_fingerprint``, and for a model estimated in a
    role of a spec's model (a heterogeneity group's complement, the interaction model, a
    mediation step) ``role, base_model_id, flag`` (:func:`complement_id`,
    :func:`typed_models`).
``results.coefficients``
    :meth:`resilience.panel.PanelResults.tidy`: ``model_id, term, estimate, std_error,
    t_stat, p_value, ci_lower, ci_upper``.
``results.tests``
    ``model_id, table_id, test_name, family, variant, flag, mediator, statistic, df,
    p_value, detail`` (JSON). The kind of test is typed (:class:`TestKind`: ``family``,
    ``variant``, the ``flag`` or ``mediator`` it is about); ``test_name`` is its readable
    id, made from them here only (:func:`tests_frame`). Read back with
    :func:`stored_tests` (objects with the fitted tests' ``statistic``, ``df``, ``pvalue``);
    rows an older version wrote are typed on read (:func:`typed_tests`). Hausman
    rows: ``hausman`` / ``hausman_sigmamore`` compare what Stata's ``hausman fe re``
    compares by default (every coefficient both models share but the constant),
    ``hausman_named`` / ``hausman_named_sigmamore`` the named regressors only
    (:data:`resilience.hausman.HAUSMAN_TESTS`); their ``detail`` has ``compare`` and
    ``positive_definite``. Wild cluster bootstrap rows (``wild_bootstrap_rademacher``,
    ``wild_bootstrap_webb``, :mod:`resilience.wildboot`): one per table column and weight
    type, ``statistic`` the focal coefficient's t, ``df`` the clusters less one,
    ``p_value`` the WCR bootstrap p-value; ``detail`` has ``term, weights, reps, seed,
    enumerated, null_imposed``.
``results.absorption``
    :attr:`resilience.panel.PanelResults.absorption`, one row per model and named
    regressor: ``model_id, term, effects, n_obs, var_total, var_left, share_left``
    (the share of the regressor's variance left after the model's fixed effects, what
    identifies its slope), ``share_entity, share_time`` (absorbed by each effect alone),
    and for a regressor the specs declare a unit part plus a time part (``construction``)
    ``unit_part, unit_label, time_label, identified_by`` (which part identifies the slope).
``results.tables``
    one row per publication table ``resilience estimate`` rendered: ``table_id``,
    ``spec`` (the :class:`~resilience.specs.TableSpec` as JSON, its notes' ``{var}``
    filled from the build, :meth:`~resilience.specs.TableSpec.to_json`), ``lang`` (the
    spec file's ``lang:``), ``source`` (the spec file), ``estimated_at``, ``build_id``.
    So a user's spec (``--spec``) renders in the report as in ``reports/tables``.

The publication tables are rendered from these rows only (:mod:`resilience.tables`):
:func:`result_rows` makes the rows of fitted models (what :func:`write_results` writes),
:func:`stored_models` reads them back as :class:`StoredModel` objects with the
properties of :class:`~resilience.panel.PanelResults` a table needs, and
:func:`stored_table_specs` the table specs. ``estimate``, the report and ``resilience
tables`` all go that way.

``results.specification_curve``
    :func:`resilience.speccurve.refit_variants`, one row per model and index variant
    (grain: ``model_id, variant_id``): ``index_name, model_id, term`` (the focal
    coefficient), ``variant_id, is_shipped`` (the variant equals the shipped index),
    ``estimate, std_error, t_stat, p_value, ci_low, ci_high`` (95 %, t with G-1 df),
    ``n_obs, n_clusters, build_id, estimated_at``.
``results.specification_curve_summary``
    :func:`resilience.speccurve.summarise`, one row per model: the share of variants with
    the paper's sign, and with it significant at 5 % and 10 %, the median, min and max
    of the estimate, the shipped variant's estimate. :func:`write_specification_curve`
    replaces the rows of the models it is given.

:func:`write_results` replaces the rows of the given models and tables in one transaction:
re-running a spec leaves one copy of its rows.

Results and the marts they were estimated from: ``resilience build`` records a fresh
``build_id`` in ``warehouse_meta.builds`` (:func:`record_build`) in every warehouse it
swaps in. ``estimate`` reads it with the panels (same read-only connection, so the same
file), stores it in ``results.models.build_id`` and, in the write transaction, refuses
(:class:`~resilience.errors.WarehouseRebuilt`) when the warehouse's build is no longer
the one it read. Results carried over by a later build keep their old ``build_id``: the
report says when results are older than the marts beside them (:func:`build_id_of`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from resilience import relations
from resilience.errors import WarehouseRebuilt
from resilience.panel import ABSORPTION_COLUMNS, TIDY_COLUMNS, YEAR_TERM, Formula, PanelResults

if TYPE_CHECKING:  # specs imports wildboot, which writes results rows
    from resilience.specs import Construction, TableSpec

SCHEMA = relations.RESULTS_SCHEMA
MODELS_DDL = f"""
create table if not exists {SCHEMA}.models (
    model_id varchar primary key, table_id varchar, column_label varchar, panel varchar,
    outcome varchar, spec json, n_obs integer, n_entities integer, n_dropped integer,
    dropped_detail json, dropped_by_year json, r2_within double, r2_within_twoway double,
    r2_lsdv double,
    f_stat double, f_df_num integer, f_df_denom integer, f_pvalue double, f_all_stat double,
    f_all_df_num integer, f_all_df_denom integer, f_all_pvalue double, effects varchar,
    cov_type varchar, estimated_at timestamptz, data_fingerprint varchar, build_id varchar,
    role varchar, base_model_id varchar, flag varchar
)"""
BUILDS_DDL = f"""
create table {relations.BUILDS} (build_id varchar not null, built_at timestamptz not null)"""
UNCHECKED = object()
"""Default of :func:`write_results`' ``expected_build_id``: write without comparing builds."""
COEFFICIENTS_DDL = f"""
create table if not exists {SCHEMA}.coefficients (
    model_id varchar, term varchar, estimate double, std_error double, t_stat double,
    p_value double, ci_lower double, ci_upper double, primary key (model_id, term)
)"""
TESTS_DDL = f"""
create table if not exists {SCHEMA}.tests (
    model_id varchar, table_id varchar, test_name varchar, family varchar, variant varchar,
    flag varchar, mediator varchar, statistic double, df double, p_value double, detail json
)"""
ABSORPTION_DDL = f"""
create table if not exists {SCHEMA}.absorption (
    model_id varchar, term varchar, effects varchar, n_obs integer, var_total double,
    var_left double, share_left double, share_entity double, share_time double,
    unit_part varchar, unit_label varchar, time_label varchar, identified_by varchar,
    time_depends_on varchar, primary key (model_id, term)
)"""
TABLES_DDL = f"""
create table if not exists {SCHEMA}.tables (
    table_id varchar primary key, spec json, lang varchar, source varchar,
    estimated_at timestamptz, build_id varchar
)"""
TABLE_SPEC_COLUMNS = ["table_id", "spec", "lang", "source", "estimated_at", "build_id"]
"""The columns of ``results.tables``: a rendered table's spec (:func:`table_spec_rows`)."""
CURVE_DDL = f"""
create table if not exists {SCHEMA}.specification_curve (
    index_name varchar, model_id varchar, term varchar, variant_id bigint, is_shipped boolean,
    estimate double, estimate_standardised double, std_error double, t_stat double,
    p_value double, ci_low double, ci_high double, ci_low_standardised double,
    ci_high_standardised double, n_obs integer, n_clusters integer, build_id varchar,
    estimated_at timestamptz, primary key (model_id, variant_id)
)"""
CURVE_SUMMARY_DDL = f"""
create table if not exists {SCHEMA}.specification_curve_summary (
    index_name varchar, model_id varchar primary key, term varchar, n_variants integer,
    paper_sign integer, share_paper_sign double, share_sign_significant_05 double,
    share_sign_significant_10 double, estimate_median double, estimate_min double,
    estimate_max double, shipped_estimate double, standardised_median double,
    standardised_min double, standardised_max double, build_id varchar,
    estimated_at timestamptz
)"""
CURVE_ADDED_COLUMNS = {
    # columns added after the first release: a warehouse made before gets them on write
    "specification_curve": (
        "estimate_standardised",
        "ci_low_standardised",
        "ci_high_standardised",
    ),
    "specification_curve_summary": ("standardised_median", "standardised_min", "standardised_max"),
}
STORED_ABSORPTION_COLUMNS = [
    *ABSORPTION_COLUMNS,
    "unit_part",
    "unit_label",
    "time_label",
    "identified_by",
    "time_depends_on",
]
MODEL_COLUMNS = [
    "model_id",
    "table_id",
    "column_label",
    "panel",
    "outcome",
    "spec",
    "n_obs",
    "n_entities",
    "n_dropped",
    "dropped_detail",
    "dropped_by_year",
    "r2_within",
    "r2_within_twoway",
    "r2_lsdv",
    "f_stat",
    "f_df_num",
    "f_df_denom",
    "f_pvalue",
    "f_all_stat",
    "f_all_df_num",
    "f_all_df_denom",
    "f_all_pvalue",
    "effects",
    "cov_type",
    "estimated_at",
    "data_fingerprint",
    "build_id",
    "role",
    "base_model_id",
    "flag",
]
TEST_COLUMNS = [
    "model_id",
    "table_id",
    "test_name",
    "family",
    "variant",
    "flag",
    "mediator",
    "statistic",
    "df",
    "p_value",
    "detail",
]
"""The columns of ``results.tests``; rows are made by :func:`tests_frame`, read back by
:func:`typed_tests` / :func:`stored_tests`."""
ADDED_COLUMNS = {
    # columns added after the first release: an older warehouse gets them (empty) on write
    "models": (("role", "varchar"), ("base_model_id", "varchar"), ("flag", "varchar")),
    "tests": (
        ("family", "varchar"),
        ("variant", "varchar"),
        ("flag", "varchar"),
        ("mediator", "varchar"),
    ),
}
FAMILIES = {
    # family: (what the row is about, the variants it comes in)
    "hausman": (None, (None, "sigmamore", "named", "named_sigmamore")),
    "wild_bootstrap": (None, ("rademacher", "webb")),
    "sobel": ("mediator", (None,)),
    "cluster_bootstrap_indirect": ("mediator", (None,)),
    "permutation_difference": ("flag", (None,)),
    "interaction_wald": ("flag", (None,)),
}
"""Every test family ``results.tests`` holds: whether a row of it is about a group flag or
a mediator, and its variants (Hausman: :data:`resilience.hausman.HAUSMAN_TESTS`; wild
bootstrap: the weight type)."""
COMPLEMENT_ROLE = "complement group"
"""``results.models.role`` of a heterogeneity group's complement (:func:`complement_id`)."""


def complement_id(model_id: str) -> str:
    """Return the ``model_id`` of the complement group of heterogeneity model ``model_id``."""
    return f"{model_id}_complement"


@dataclass(frozen=True)
class TestKind:
    """What a ``results.tests`` row tests, in typed fields; its ``test_name`` follows.

    ``test_name`` is the row's readable id, made here only: ``family`` or
    ``family_variant``, then ``[flag]`` or ``[mediator]`` (``hausman_sigmamore``,
    ``permutation_difference[is_coastal]``). Nothing parses it back but
    :meth:`from_test_name`, for rows an older version wrote without the typed columns.
    """

    __test__ = False  # not a pytest class

    family: str
    variant: str | None = None
    flag: str | None = None
    mediator: str | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown test family {self.family!r}: one of {', '.join(FAMILIES)}")
        about, variants = FAMILIES[self.family]
        if self.variant not in variants:
            raise ValueError(f"test family {self.family} has no variant {self.variant!r}")
        if (self.flag is not None) != (about == "flag") or (self.mediator is not None) != (
            about == "mediator"
        ):
            wanted = f"a {about}" if about else "neither a flag nor a mediator"
            raise ValueError(f"a {self.family} test is about {wanted}")

    @property
    def test_name(self) -> str:
        """The row's id: ``family[_variant][[flag|mediator]]``."""
        base = self.family if self.variant is None else f"{self.family}_{self.variant}"
        about = self.flag or self.mediator
        return f"{base}[{about}]" if about else base

    @classmethod
    def from_test_name(cls, test_name: str) -> TestKind:
        """Read the kind of a row written before the typed columns existed."""
        base, _, about = str(test_name).partition("[")
        about = about.removesuffix("]") or None
        for family, (kind, variants) in FAMILIES.items():
            for variant in variants:
                if base == (family if variant is None else f"{family}_{variant}"):
                    return cls(
                        family,
                        variant,
                        about if kind == "flag" else None,
                        about if kind == "mediator" else None,
                    )
        raise ValueError(f"{relations.TESTS}: unknown test_name {test_name!r}")


def tests_frame(
    rows: Iterable[tuple[TestKind, float, float | None, float, str | None]],
) -> pd.DataFrame:
    """Return ``results.tests`` rows (without ``model_id``, ``table_id``) of ``rows``.

    Each is a :data:`TestRow`; ``results.tests`` rows are made here only.
    """
    records = [
        {
            "model_id": None,
            "table_id": None,
            "test_name": kind.test_name,
            "family": kind.family,
            "variant": kind.variant,
            "flag": kind.flag,
            "mediator": kind.mediator,
            "statistic": statistic,
            "df": df,
            "p_value": p_value,
            "detail": detail,
        }
        for kind, statistic, df, p_value, detail in rows
    ]
    return pd.DataFrame(records, columns=TEST_COLUMNS).astype({"df": float})


@dataclass(frozen=True)
class StoredTest:
    """A ``results.tests`` row read back, with the properties of the fitted tests.

    ``statistic``, ``df`` and ``pvalue`` as :class:`resilience.hausman.HausmanResult`;
    ``kind`` typed (:class:`TestKind`); ``detail`` the decoded JSON.
    """

    model_id: str | None
    table_id: str | None
    kind: TestKind
    statistic: float | None
    df: float | None
    pvalue: float | None
    detail: dict


def typed_tests(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Return ``results.tests`` rows with every typed column filled.

    Rows an older version wrote (``family`` empty) get theirs from ``test_name``.
    """
    if frame is None:
        return None
    frame = frame.copy()
    for column in TEST_COLUMNS:
        if column not in frame:
            frame[column] = None
    legacy = frame["family"].isna()
    for i in frame.index[legacy]:
        kind = TestKind.from_test_name(frame.at[i, "test_name"])
        for column in ("family", "variant", "flag", "mediator"):
            frame.at[i, column] = getattr(kind, column)
    return frame[TEST_COLUMNS]


def stored_tests(frame: pd.DataFrame | None) -> list[StoredTest]:
    """Read ``results.tests`` rows back as :class:`StoredTest` objects."""
    frame = typed_tests(frame)
    if frame is None:
        return []

    def value(x):
        return None if x is None or pd.isna(x) else x

    out = []
    for row in frame.itertuples(index=False):
        detail = json.loads(row.detail) if isinstance(row.detail, str) and row.detail else {}
        out.append(
            StoredTest(
                value(row.model_id),
                value(row.table_id),
                TestKind(row.family, value(row.variant), value(row.flag), value(row.mediator)),
                value(row.statistic),
                value(row.df),
                value(row.p_value),
                detail if isinstance(detail, dict) else {},
            )
        )
    return out


def typed_models(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Return ``results.models`` rows with ``role``, ``base_model_id`` and ``flag`` filled.

    Rows an older version wrote get them from the ``spec`` JSON (where ``record`` put them).
    """
    if frame is None:
        return None
    frame = frame.copy()
    for column in ("role", "base_model_id", "flag"):
        if column not in frame:
            frame[column] = None
    for i in frame.index[frame["role"].isna()]:
        try:
            spec = json.loads(frame.at[i, "spec"]) if isinstance(frame.at[i, "spec"], str) else {}
        except ValueError:
            spec = {}
        if isinstance(spec, dict) and spec.get("role"):
            frame.at[i, "role"] = spec["role"]
            frame.at[i, "base_model_id"] = spec.get("model_id")
            frame.at[i, "flag"] = spec.get("flag")
    return frame


def _json_of(raw) -> dict:
    """Decode a JSON cell of a results row; {} when empty or not a JSON object."""
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True, eq=False)
class StoredModel:
    """A ``results.models`` row read back with its coefficients and absorption rows.

    Has the properties of :class:`~resilience.panel.PanelResults` a publication table reads
    (``params``, ``std_errors``, ``tstats``, ``pvalues``, ``nobs``, ``r2_within``,
    ``r2_lsdv``, ``formula``, ``cov_type``, ``n_dropped``, ``dropped_by_column``,
    ``dropped_by_year``, ``absorption``, ``terms``), the values as stored, so a table
    rendered from them equals one rendered from the fit bit for bit. ``regressors`` and
    ``controls`` split the formula's terms as the model's spec does; the terms a role
    added to its spec's (a mediation step's mediator, a heterogeneity interaction's
    ``x_x_flag``) count as regressors, year-dummy interactions as neither.
    ``constructions``: ``term -> Construction`` of the terms stored as unit part + time
    part (``results.absorption``).
    """

    model_id: str
    table_id: str | None
    column_label: str | None
    panel: str | None
    formula: Formula
    regressors: tuple[str, ...]
    controls: tuple[str, ...]
    coefficients: pd.DataFrame
    """``results.coefficients`` rows of the model, indexed by term, in the stored order."""
    absorption: pd.DataFrame
    """``results.absorption`` rows of the model."""
    nobs: int
    n_entities: int | None
    n_dropped: int
    dropped_by_column: dict[str, int]
    dropped_by_year: dict[int | str, int]
    r2_within: float
    r2_lsdv: float
    cov_type: str
    effects: str
    constructions: dict[str, Construction]
    role: str | None = None
    base_model_id: str | None = None
    flag: str | None = None
    spec: dict = field(default_factory=dict)
    """The model spec as stored (``results.models.spec``)."""

    @property
    def terms(self) -> list[str]:
        """The named regressors of the formula (no constant, no year dummies)."""
        return list(self.formula.terms)

    @property
    def params(self) -> pd.Series:
        """Estimated coefficients, including the constant and year dummies."""
        return self.coefficients["estimate"].rename("estimate")

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors."""
        return self.coefficients["std_error"].rename("std_error")

    @property
    def tstats(self) -> pd.Series:
        """Ratios of the coefficients to their standard errors (as stored)."""
        return self.coefficients["t_stat"].rename("t_stat")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values."""
        return self.coefficients["p_value"].rename("p_value")


def _cell(row: pd.Series, column: str, default=None):
    value = row.get(column, default)
    return (
        default
        if value is None or (not isinstance(value, str | dict) and pd.isna(value))
        else value
    )


def _split_terms(terms: tuple[str, ...], spec: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (regressors, controls) of a fit's ``terms`` as its stored ``spec`` names them."""
    regressors, controls = set(spec.get("regressors") or ()), set(spec.get("controls") or ())
    if not regressors | controls:
        return tuple(t for t in terms if not YEAR_TERM.search(t)), ()
    return (
        tuple(
            t for t in terms if t in regressors or (t not in controls and not YEAR_TERM.search(t))
        ),
        tuple(t for t in terms if t in controls),
    )


def _year_key(year: str) -> int | str:
    return int(year) if year.lstrip("-").isdigit() else year


def stored_models(frames: dict[str, pd.DataFrame | None]) -> dict[str, StoredModel]:
    """Read ``results.models``, ``coefficients`` and ``absorption`` rows back as models.

    ``frames`` holds the rows by table name (``models``, ``coefficients``, ``absorption``),
    as :func:`result_rows` makes them or as read from the warehouse. Returns ``model_id ->
    StoredModel`` in the order of ``results.models``; {} when there are no models. A model
    whose spec JSON lacks its formula (an older row) gets it from ``outcome`` and
    ``effects``, and all its terms count as regressors.
    """
    from resilience.specs import Construction

    models, coefficients = typed_models(frames.get("models")), frames.get("coefficients")
    if models is None or models.empty or coefficients is None:
        return {}
    absorption = frames.get("absorption")
    if absorption is None:
        absorption = pd.DataFrame(columns=STORED_ABSORPTION_COLUMNS)
    by_model = {
        m: part.set_index("term") for m, part in coefficients.groupby("model_id", sort=False)
    }
    absorbed = {m: part for m, part in absorption.groupby("model_id", sort=False)}
    out = {}
    for _, row in models.iterrows():
        model_id = str(row["model_id"])
        if model_id not in by_model:
            continue
        spec = _json_of(row.get("spec"))
        effects = str(_cell(row, "effects", "two-way"))
        try:
            formula = Formula.parse(spec["formula"])
        except (KeyError, TypeError, ValueError):
            terms = tuple(
                t for t in by_model[model_id].index if t != "const" and not YEAR_TERM.search(t)
            )
            formula = Formula(
                str(row["outcome"]),
                terms,
                effects in ("two-way", "entity"),
                effects in ("two-way", "time"),
            )
        rows = absorbed.get(model_id, pd.DataFrame(columns=STORED_ABSORPTION_COLUMNS))
        constructions = {
            r.term: Construction(
                r.term,
                str(_cell(row, "panel", "")),
                r.unit_part,
                r.unit_label,
                r.time_label,
                r.time_depends_on if isinstance(r.time_depends_on, str) else None,
            )
            for r in rows.reindex(columns=STORED_ABSORPTION_COLUMNS).itertuples(index=False)
            if isinstance(r.unit_label, str)
        }
        regressors, controls = _split_terms(formula.terms, spec)
        n_entities = _cell(row, "n_entities")
        out[model_id] = StoredModel(
            model_id,
            _cell(row, "table_id"),
            _cell(row, "column_label"),
            _cell(row, "panel"),
            formula,
            regressors,
            controls,
            by_model[model_id],
            rows.reset_index(drop=True),
            int(row["n_obs"]),
            None if n_entities is None else int(n_entities),
            int(_cell(row, "n_dropped", 0)),
            {str(k): int(v) for k, v in _json_of(row.get("dropped_detail")).items()},
            {_year_key(str(k)): int(v) for k, v in _json_of(row.get("dropped_by_year")).items()},
            float(row["r2_within"]),
            float(row["r2_lsdv"]),
            str(_cell(row, "cov_type", "")),
            effects,
            constructions,
            _cell(row, "role"),
            _cell(row, "base_model_id"),
            _cell(row, "flag"),
            spec,
        )
    return out


def read_results(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame | None]:
    """Read the ``results`` rows the tables are rendered from, by table name.

    ``models``, ``coefficients``, ``tests``, ``absorption`` and ``tables`` (None where a
    table is absent). Rows an older version wrote are typed (:func:`typed_models`,
    :func:`typed_tests`).
    """
    existing = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        ).fetchall()
    }
    frames = {
        table: con.execute(f"select * from {SCHEMA}.{table}").df() if table in existing else None
        for table in ("models", "coefficients", "tests", "absorption", "tables")
    }
    frames["models"] = typed_models(frames["models"])
    frames["tests"] = typed_tests(frames["tests"])
    return frames


def table_spec_rows(
    tables: Iterable[TableSpec], estimated_at: datetime, build_id: str | None = None
) -> pd.DataFrame:
    """Return the ``results.tables`` rows of the table specs rendered."""
    return pd.DataFrame(
        [
            {
                "table_id": t.table_id,
                "spec": t.to_json(),
                "lang": t.lang,
                "source": t.source,
                "estimated_at": estimated_at,
                "build_id": build_id,
            }
            for t in tables
        ],
        columns=TABLE_SPEC_COLUMNS,
    )


def stored_table_specs(frame: pd.DataFrame | None) -> dict[str, TableSpec]:
    """Read ``results.tables`` back: ``table_id -> TableSpec``, in the stored order."""
    from resilience.specs import TableSpec

    if frame is None or frame.empty:
        return {}
    return {str(r.table_id): TableSpec.from_json(r.spec) for r in frame.itertuples(index=False)}


DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "models": (
        "One row per estimated model (grain: model_id): its panel, outcome, spec, sample size, "
        "R-squareds, Wald F of the named regressors and of all regressors (Stata's model F) "
        "and the build its panel came from.",
        {
            "model_id": "The model's id in the spec.",
            "table_id": "The publication table the model is a column of.",
            "column_label": "The model's column heading in that table.",
            "panel": "The panel mart the model was estimated on (schema.table).",
            "outcome": "The dependent variable.",
            "spec": "The model spec as JSON (regressors, controls, effects, covariance, sample).",
            "n_obs": "Observations used.",
            "n_entities": "Panel units (entities) used.",
            "n_dropped": "Rows dropped because a variable of the model was missing.",
            "dropped_detail": "Missing values per column, JSON.",
            "dropped_by_year": "Rows dropped for missing values per year, JSON ({year: rows}).",
            "r2_within": "Within R-squared (Stata xtreg, fe).",
            "r2_within_twoway": "Within R-squared after demeaning by entity and year.",
            "r2_lsdv": "R-squared of the dummy-variable regression (Stata areg).",
            "f_stat": "Wald F of the named regressors only (year dummies excluded; plm's F).",
            "f_df_num": "Numerator degrees of freedom of f_stat.",
            "f_df_denom": "Denominator degrees of freedom of f_stat.",
            "f_pvalue": "p-value of f_stat.",
            "f_all_stat": "Wald F of every regressor but the constant, year dummies included "
            "(the model F of Stata xtreg y x i.year, fe).",
            "f_all_df_num": "Numerator degrees of freedom of f_all_stat.",
            "f_all_df_denom": "Denominator degrees of freedom of f_all_stat.",
            "f_all_pvalue": "p-value of f_all_stat.",
            "effects": "Fixed effects (entity, time, two-way).",
            "cov_type": "Covariance estimator of the standard errors.",
            "estimated_at": "When the model was estimated (UTC).",
            "data_fingerprint": "SHA-256 of the estimation sample's rows.",
            "build_id": f"The warehouse build the panel came from ({relations.BUILDS}).",
            "role": "What the model is to a model of the specs: complement group, interaction "
            "model, mediation step 3; empty for a model of the specs.",
            "base_model_id": "The model of the specs it is a role of.",
            "flag": "The group flag of a heterogeneity role (e.g. is_coastal).",
        },
    ),
    "coefficients": (
        "One row per model and term (grain: model_id, term): estimate, standard error, "
        "t statistic, p-value and 95% confidence interval.",
        {
            "model_id": f"The model's id ({relations.MODELS}).",
            "term": "The regressor (or the constant).",
            "estimate": "Coefficient estimate.",
            "std_error": "Standard error (the model's cov_type).",
            "t_stat": "t statistic.",
            "p_value": "Two-sided p-value.",
            "ci_lower": "Lower bound of the 95% confidence interval.",
            "ci_upper": "Upper bound of the 95% confidence interval.",
        },
    ),
    "tests": (
        "One row per test of a model or table (Hausman, mediation, heterogeneity, ...).",
        {
            "model_id": f"The model tested ({relations.MODELS}), if one.",
            "table_id": "The publication table the test belongs to.",
            "test_name": "The test's readable id, made from the typed columns: family, "
            "_variant, then [flag] or [mediator] (e.g. hausman_sigmamore, sobel[isu]).",
            "family": "The test family: hausman, wild_bootstrap, sobel, "
            "cluster_bootstrap_indirect, permutation_difference, interaction_wald.",
            "variant": "The family's variant: Hausman sigmamore, named, named_sigmamore; wild "
            "bootstrap rademacher, webb; empty for the default.",
            "flag": "The group flag a heterogeneity test compares (e.g. is_coastal).",
            "mediator": "The mediator a mediation test is about (e.g. isu).",
            "statistic": "Test statistic.",
            "df": "Degrees of freedom.",
            "p_value": "p-value.",
            "detail": "Further results of the test, JSON.",
        },
    ),
    "absorption": (
        "One row per model and named regressor (grain: model_id, term): how much of the "
        "regressor's variance the model's fixed effects absorb, and, for a regressor built "
        "as a unit part plus a time part, which part identifies its slope.",
        {
            "model_id": f"The model's id ({relations.MODELS}).",
            "term": "The regressor (not the constant, not the year dummies).",
            "effects": "The model's fixed effects (entity, time, two-way, none).",
            "n_obs": "Observations of the estimation sample.",
            "var_total": "Sample variance of the regressor (squares about the mean / (n-1)).",
            "var_left": "Variance left after the model's fixed effects (residual sum of squares on "
            "the entity and year dummies / (n-1)).",
            "share_left": "var_left / var_total: the share of the variation that identifies the "
            "slope.",
            "share_entity": "Share of the variance the entity effects alone absorb (R-squared on "
            "entity dummies).",
            "share_time": "Share of the variance the year effects alone absorb (R-squared on year "
            "dummies).",
            "unit_part": "For a regressor declared unit part + time part (specs' construction): "
            "the unit-part column.",
            "unit_label": "The unit part as the notes write it, e.g. ln(im_it/im_t).",
            "time_label": "The time part (common to all units of a year), e.g. ln IM_t.",
            "identified_by": "Which part identifies the slope (the unit part alone under year "
            "effects).",
            "time_depends_on": "What moves the time part alone (the spec's construction "
            "time_depends_on, English), e.g. the partner R&D stocks and their PIM parameters.",
        },
    ),
    "tables": (
        "One row per publication table estimate rendered (grain: table_id): the table spec "
        "it was rendered with, so the report renders it again from the results.",
        {
            "table_id": "The table's id in the spec (its file name in reports/tables).",
            "spec": "The table spec as JSON: title, columns (model, label), labels, options, "
            "notes (parameters filled from the build), translations.",
            "lang": "The spec file's default language of its tables (empty: not set).",
            "source": "The spec file the table came from.",
            "estimated_at": "When the table's models were estimated (UTC).",
            "build_id": "The warehouse build the models' panels came from.",
        },
    ),
    "specification_curve": (
        "One row per model and index variant (grain: model_id, variant_id): the focal "
        "coefficient of the paper's baseline re-estimated with that variant of the index "
        "(resilience sensitivity).",
        {
            "index_name": "The index whose construction varies "
            f"({relations.INDEX_VARIANT_SCORES.name}).",
            "model_id": f"The baseline model re-estimated ({relations.MODELS}).",
            "term": "The focal regressor whose coefficient is kept.",
            "variant_id": f"The index variant ({relations.INDEX_VARIANT_SCORES.name}.variant_id).",
            "is_shipped": "The variant's scores equal the shipped index on the model's sample.",
            "estimate": "Coefficient of the focal regressor.",
            "estimate_standardised": "Beta coefficient: estimate times the sample sd of the "
            "focal regressor over that of the outcome (comparable across variants whose "
            "index scales differ).",
            "std_error": "Standard error, clustered by province (Stata's small-sample factor).",
            "t_stat": "t statistic.",
            "p_value": "Two-sided p-value, t with clusters - 1 degrees of freedom.",
            "ci_low": "Lower bound of the 95% confidence interval.",
            "ci_high": "Upper bound of the 95% confidence interval.",
            "ci_low_standardised": "Lower bound of the 95% CI of the standardised estimate.",
            "ci_high_standardised": "Upper bound of the 95% CI of the standardised estimate.",
            "n_obs": "Observations of the estimation sample.",
            "n_clusters": "Clusters (provinces) of the estimation sample.",
            "build_id": "The warehouse build the panel and the variants came from.",
            "estimated_at": "When the curve was estimated (UTC).",
        },
    ),
    "specification_curve_summary": (
        "One row per model (grain: model_id): how many of the index variants keep the "
        "paper's conclusion.",
        {
            "index_name": "The index whose construction varies.",
            "model_id": f"The baseline model re-estimated ({relations.MODELS}).",
            "term": "The focal regressor.",
            "n_variants": "Index variants re-estimated.",
            "paper_sign": "Sign of the coefficient the paper reports (+1 or -1).",
            "share_paper_sign": "Share of variants whose estimate has the paper's sign.",
            "share_sign_significant_05": "Share with the paper's sign and p < 0.05.",
            "share_sign_significant_10": "Share with the paper's sign and p < 0.10.",
            "estimate_median": "Median estimate over the variants.",
            "estimate_min": "Smallest estimate over the variants.",
            "estimate_max": "Largest estimate over the variants.",
            "shipped_estimate": "Estimate of the variant equal to the shipped index (empty if "
            "none is).",
            "standardised_median": "Median standardised (beta) estimate over the variants.",
            "standardised_min": "Smallest standardised estimate over the variants.",
            "standardised_max": "Largest standardised estimate over the variants.",
            "build_id": "The warehouse build the panel and the variants came from.",
            "estimated_at": "When the curve was estimated (UTC).",
        },
    ),
}
"""Descriptions of the ``results`` tables and their columns (``resilience export`` labels)."""


def data_fingerprint(frame: pd.DataFrame, columns: list[str]) -> str:
    """Return the sha256 of the panel rows used: ``columns`` as CSV, rows in the given order.

    Floats are written with 17 significant digits, so the digest changes with any value.

    Parameters
    ----------
    frame : pandas.DataFrame
        The estimation sample.
    columns : list of str
        Entity, time and the model's variables.

    Returns
    -------
    str
        Hex digest.
    """
    text = frame[columns].to_csv(index=False, float_format="%.17g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ModelRecord:
    """A fitted model and what ``results.models`` needs to describe it."""

    result: PanelResults
    spec_json: str
    panel: str
    fingerprint: str
    table_id: str | None = None
    column_label: str | None = None
    constructions: dict[str, Construction] = field(default_factory=dict)
    """``term -> Construction`` of the model's terms built as unit part + time part."""
    role: str | None = None
    """What the model is to another (``complement group``, ``interaction model``,
    ``mediation step 3``); None for a model of the specs."""
    base_model_id: str | None = None
    """The spec model it is a role of."""
    flag: str | None = None
    """The group flag of a heterogeneity role."""

    def absorption_rows(self) -> pd.DataFrame:
        """Return the ``results.absorption`` rows: the fit's absorption, the constructions."""
        rows = self.result.absorption.copy()
        time_effects = self.result.formula.time_effects
        parts = [self.constructions.get(t) for t in rows["term"]]
        rows["unit_part"] = [c.unit_part if c else None for c in parts]
        rows["unit_label"] = [c.unit_label if c else None for c in parts]
        rows["time_label"] = [c.time_label if c else None for c in parts]
        rows["identified_by"] = [c.identified_by(time_effects) if c else None for c in parts]
        rows["time_depends_on"] = [c.time_depends_on if c else None for c in parts]
        return rows[STORED_ABSORPTION_COLUMNS]

    def row(self, estimated_at: datetime, build_id: str | None = None) -> dict:
        """Return the ``results.models`` row (``build_id``: the build the marts came from)."""
        r = self.result
        f, f_all = r.f_test, r.f_test_all
        return {
            "model_id": r.model_id,
            "table_id": self.table_id,
            "column_label": self.column_label,
            "panel": self.panel,
            "outcome": r.formula.outcome,
            "spec": self.spec_json,
            "n_obs": r.nobs,
            "n_entities": r.n_entities,
            "n_dropped": r.n_dropped,
            "dropped_detail": json.dumps(r.dropped_by_column),
            "dropped_by_year": json.dumps({str(k): v for k, v in r.dropped_by_year.items()}),
            "r2_within": r.r2_within,
            "r2_within_twoway": r.r2_within_twoway,
            "r2_lsdv": r.r2_lsdv,
            "f_stat": f["statistic"],
            "f_df_num": f["df_num"],
            "f_df_denom": f["df_denom"],
            "f_pvalue": f["p_value"],
            "f_all_stat": f_all["statistic"],
            "f_all_df_num": f_all["df_num"],
            "f_all_df_denom": f_all["df_denom"],
            "f_all_pvalue": f_all["p_value"],
            "effects": r.effects,
            "cov_type": r.cov_type,
            "estimated_at": estimated_at,
            "data_fingerprint": self.fingerprint,
            "build_id": build_id,
            "role": self.role,
            "base_model_id": self.base_model_id,
            "flag": self.flag,
        }


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema ``results`` and its tables if absent; add the columns an older version lacks.

    A warehouse estimated before ``build_id``, ``time_depends_on`` (...) existed keeps its rows.
    """
    con.execute(f"create schema if not exists {SCHEMA}")
    for ddl in (MODELS_DDL, COEFFICIENTS_DDL, TESTS_DDL, ABSORPTION_DDL, TABLES_DDL):
        con.execute(ddl)
    con.execute(f"alter table {SCHEMA}.models add column if not exists build_id varchar")
    con.execute(f"alter table {SCHEMA}.models add column if not exists dropped_by_year json")
    con.execute(f"alter table {SCHEMA}.absorption add column if not exists time_depends_on varchar")
    for table, columns in ADDED_COLUMNS.items():
        for column, kind in columns:
            con.execute(f"alter table {SCHEMA}.{table} add column if not exists {column} {kind}")
    for column, kind in (
        ("f_all_stat", "double"),
        ("f_all_df_num", "integer"),
        ("f_all_df_denom", "integer"),
        ("f_all_pvalue", "double"),
    ):
        con.execute(f"alter table {SCHEMA}.models add column if not exists {column} {kind}")


def record_build(con: duckdb.DuckDBPyConnection, build_id: str, built_at: datetime) -> None:
    """Record the build that made this warehouse's marts (one row, ``warehouse_meta.builds``)."""
    con.execute(f"create schema if not exists {relations.BUILDS.schema}")
    con.execute(f"drop table if exists {relations.BUILDS}")
    con.execute(BUILDS_DDL)
    con.execute(f"insert into {relations.BUILDS} values (?, ?)", [build_id, built_at])


def build_id_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """Return the ``build_id`` of the warehouse's marts; None if no build recorded one."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [relations.BUILDS.schema, relations.BUILDS.name],
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"select build_id from {relations.BUILDS}").fetchone()
    return None if row is None else row[0]


SETTINGS = relations.BUILD_SETTINGS
"""The vars the marts were built with (``var_name``, ``value_text``)."""


def settings_of(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return ``{var: value}`` of the build's settings mart; {} when the build has none."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [SETTINGS.schema, SETTINGS.name],
    ).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f"select var_name, value_text from {SETTINGS}").fetchall())


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("_incoming", frame)
    try:
        con.execute(
            f"insert into {SCHEMA}.{table} ({', '.join(frame.columns)}) "
            f"select {', '.join(frame.columns)} from _incoming"
        )
    finally:
        con.unregister("_incoming")


@contextlib.contextmanager
def _replacing(con: duckdb.DuckDBPyConnection, expected_build_id, while_: str, command: str):
    """One transaction that replaces results rows, refused if the warehouse was rebuilt.

    Raises :class:`~resilience.errors.WarehouseRebuilt` (nothing written) when the build is
    not ``expected_build_id`` (unless :data:`UNCHECKED`); commits when the block ends, rolls
    back on any error.
    """
    con.execute("begin transaction")
    try:
        current = build_id_of(con)
        if expected_build_id is not UNCHECKED and current != expected_build_id:
            raise WarehouseRebuilt(
                f"the warehouse was rebuilt while {while_} (marts of build "
                f"{expected_build_id} read, build {current} there now); results not written: "
                f"run {command} again"
            )
        yield
        con.execute("commit")
    except Exception:
        # a commit that failed (e.g. no space left for the write-ahead log) has already
        # ended the transaction; the error to show is the commit's, not the rollback's
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise


def result_rows(
    models: Iterable[ModelRecord],
    tests: pd.DataFrame | None = None,
    estimated_at: datetime | None = None,
    build_id: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the ``results`` rows of fitted models, by table: what :func:`write_results` writes.

    ``models``, ``coefficients`` (:meth:`~resilience.panel.PanelResults.tidy`),
    ``absorption`` (:meth:`ModelRecord.absorption_rows`) and ``tests``
    (:func:`typed_tests`); :func:`stored_models` reads them back.
    """
    models = list(models)
    stamp = estimated_at or datetime.now(UTC)
    return {
        "models": pd.DataFrame([m.row(stamp, build_id) for m in models], columns=MODEL_COLUMNS),
        "coefficients": (
            pd.concat([m.result.tidy() for m in models], ignore_index=True)
            if models
            else pd.DataFrame(columns=TIDY_COLUMNS)
        ),
        "absorption": (
            pd.concat([m.absorption_rows() for m in models], ignore_index=True)
            if models
            else pd.DataFrame(columns=STORED_ABSORPTION_COLUMNS)
        ),
        "tests": typed_tests(tests if tests is not None else pd.DataFrame(columns=TEST_COLUMNS)),
    }


def write_results(
    con: duckdb.DuckDBPyConnection,
    models: Iterable[ModelRecord],
    tests: pd.DataFrame | None = None,
    expected_build_id: str | None | object = UNCHECKED,
    tables: Iterable[TableSpec] = (),
) -> dict[str, int]:
    """Replace the rows of these models (and their tables' tests and specs) in one transaction.

    Rows of ``models``, ``coefficients``, ``tests`` and ``absorption`` whose
    ``model_id`` is one of the given models, ``tests`` rows whose ``table_id`` is one
    of the given tests' tables, and ``results.tables`` rows of the given ``tables`` (the
    specs the tables were rendered with) are deleted, then the new rows inserted
    (:func:`result_rows`, :func:`table_spec_rows`); on any error nothing changes.
    With ``expected_build_id`` (the build whose marts the models were estimated from,
    None for a warehouse no build recorded) the warehouse's build is read inside the same
    transaction: another one means the marts changed since they were read, and nothing
    is written (:class:`~resilience.errors.WarehouseRebuilt`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Writable connection to the warehouse.
    models : iterable of ModelRecord
        Fitted models.
    tests : pandas.DataFrame, optional
        Rows with the columns of ``results.tests``.
    expected_build_id : str or None, optional
        The build the models' marts came from.
    tables : iterable of TableSpec, optional
        The table specs the models were rendered with (``results.tables``).

    Returns
    -------
    dict
        Rows written per table.

    Raises
    ------
    WarehouseRebuilt
        The warehouse's marts are not those of ``expected_build_id``.
    """
    stamp = datetime.now(UTC)
    build_id = None if expected_build_id is UNCHECKED else expected_build_id
    rows = result_rows(models, tests, stamp, build_id)
    rows["tables"] = table_spec_rows(tables, stamp, build_id)
    model_rows, tests = rows["models"], rows["tests"]
    ids = sorted(set(model_rows["model_id"]) | set(tests["model_id"].dropna()))
    test_tables = sorted(set(tests["table_id"].dropna()))
    with _replacing(con, expected_build_id, "the models were estimated", "resilience estimate"):
        ensure_schema(con)
        for table in ("models", "coefficients", "tests", "absorption"):
            con.execute(f"delete from {SCHEMA}.{table} where list_contains(?, model_id)", [ids])
        con.execute(f"delete from {SCHEMA}.tests where list_contains(?, table_id)", [test_tables])
        con.execute(
            f"delete from {SCHEMA}.tables where list_contains(?, table_id)",
            [sorted(rows["tables"]["table_id"])],
        )
        for table in ("models", "coefficients", "tests", "absorption", "tables"):
            _insert(con, table, rows[table])
    return {table: len(rows[table]) for table in ("models", "coefficients", "tests", "absorption")}


def write_specification_curve(
    con: duckdb.DuckDBPyConnection,
    curve: pd.DataFrame,
    summary: pd.DataFrame,
    expected_build_id: str | None | object = UNCHECKED,
) -> dict[str, int]:
    """Replace the specification-curve rows of the models in ``curve`` in one transaction.

    ``curve`` and ``summary`` are :func:`resilience.speccurve.refit_variants` and
    :func:`resilience.speccurve.summarise` frames; ``build_id`` and ``estimated_at`` are
    added here. As :func:`write_results`, nothing is written when the warehouse's build
    is not ``expected_build_id`` (:class:`~resilience.errors.WarehouseRebuilt`).
    """
    stamp = datetime.now(UTC)
    build_id = None if expected_build_id is UNCHECKED else expected_build_id
    curve = curve.assign(build_id=build_id, estimated_at=stamp)
    summary = summary.assign(build_id=build_id, estimated_at=stamp)
    ids = sorted(set(curve["model_id"]) | set(summary["model_id"]))
    with _replacing(
        con, expected_build_id, "the specification curve was estimated", "resilience sensitivity"
    ):
        con.execute(f"create schema if not exists {SCHEMA}")
        con.execute(CURVE_DDL)
        con.execute(CURVE_SUMMARY_DDL)
        for table, columns in CURVE_ADDED_COLUMNS.items():
            for column in columns:
                con.execute(
                    f"alter table {SCHEMA}.{table} add column if not exists {column} double"
                )
        for table in ("specification_curve", "specification_curve_summary"):
            con.execute(f"delete from {SCHEMA}.{table} where list_contains(?, model_id)", [ids])
        _insert(con, "specification_curve", curve)
        _insert(con, "specification_curve_summary", summary)
    return {"specification_curve": len(curve), "specification_curve_summary": len(summary)}
