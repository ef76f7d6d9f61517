r"""Specification curve of the papers' coefficients across index variants, refitted batched.

Both papers draw their conclusion from one coefficient of a two-way fixed-effects model in
which an entropy index appears: Wang & Lu Table 2 col. 2 put the data-flow index on the
right (``exp_res ~ data_index + controls``), Chen Table 2 the resilience index on the left
(``res ~ lnfdi + controls``, and ``lnofdi``, ``lnim``). For every variant ``v`` of the
index construction (``marts.fct_index_variant_scores``: ``index_name, variant_id,
unit_id, year, score``) the baseline is re-estimated, with the spec of
``resilience estimate`` (:mod:`resilience.specs`: panel, sample, controls, effects,
covariance), and its focal coefficient kept (Simonsohn, Simmons & Nelson 2020,
"Specification curve analysis", *Nature Human Behaviour* 4).

Batched refits (Frisch-Waugh-Lovell). Write the model as
:math:`y = \beta x + W\gamma + \mu_i + \varepsilon`, where :math:`W` holds the constant,
the controls and the year dummies (the design of :class:`resilience.panel.Design`) and
:math:`x` the focal regressor. With :math:`M` the annihilator of the entity dummies and
:math:`W` (entity demeaning, then the least-squares residual on the demeaned :math:`W`,
exact in an unbalanced panel too), :math:`\tilde x = Mx`, :math:`\tilde y = My`:

.. math::

    \hat\beta_v = \frac{\tilde x_v'\tilde y_v}{\tilde x_v'\tilde x_v}, \qquad
    e_v = \tilde y_v - \tilde x_v \hat\beta_v, \qquad
    \widehat{\mathrm{Var}}(\hat\beta_v) = c\,
    \frac{\sum_g \big(\sum_{t} \tilde x_{v,gt}\, e_{v,gt}\big)^2}{(\tilde x_v'\tilde x_v)^2},
    \qquad c = \frac{G}{G-1}\,\frac{n-1}{n-k}.

:math:`M` is computed once (a QR of the demeaned :math:`W`) and applied to the whole
:math:`n \times V` matrix of variants at once: (a) the index is the regressor, so
:math:`\tilde X = M X` varies and :math:`\tilde y` is fixed; (b) the index is the outcome,
so :math:`\tilde x` is fixed and :math:`\tilde Y = M Y` varies. :math:`e_v` are the full
model's residuals (FWL), and the row of :math:`(X'X)^{-1}X'` that gives :math:`\hat\beta`
is :math:`\tilde x'/\tilde x'\tilde x`, so the sandwich above is the full model's
cluster-robust variance of :math:`\hat\beta`, provided :math:`c` uses the *full* model's
:math:`k` (constant, focal regressor, controls and year dummies; the entity effects not,
nested in the clusters): Stata's ``vce(cluster)`` factor and linearmodels ``PanelOLS(...,
entity_effects=True).fit(cov_type="clustered", cluster_entity=True, debiased=True,
group_debias=True)``, which :func:`resilience.panel.regress` calls. :math:`t` has
:math:`G-1` degrees of freedom (p-value and CI), as :class:`resilience.panel.PanelResults`.
Only the ``clustered`` covariance (both papers') is batched; a spec with another is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from resilience import lock, relations
from resilience.errors import EstimationError, ResilienceError, storage_faults
from resilience.estimate import model_frame, read_panels
from resilience.panel import COLLINEAR_TOL, Design, Formula
from resilience.results import write_specification_curve
from resilience.specs import ModelSpec, SpecSet, load_specs

VARIANT_SCORES = relations.INDEX_VARIANT_SCORES
"""The variants' composite scores: ``index_name, variant_id, unit_id, year, score``."""
VARIANT_COLUMNS = ["index_name", "variant_id", "unit_id", "year", "score"]
CURVE_COLUMNS = [
    "index_name",
    "model_id",
    "term",
    "variant_id",
    "is_shipped",
    "estimate",
    "estimate_standardised",
    "std_error",
    "t_stat",
    "p_value",
    "ci_low",
    "ci_high",
    "ci_low_standardised",
    "ci_high_standardised",
    "n_obs",
    "n_clusters",
]
"""Columns of :func:`refit_variants` (the rows of ``results.specification_curve``)."""
SUMMARY_COLUMNS = [
    "index_name",
    "model_id",
    "term",
    "n_variants",
    "paper_sign",
    "share_paper_sign",
    "share_sign_significant_05",
    "share_sign_significant_10",
    "estimate_median",
    "estimate_min",
    "estimate_max",
    "shipped_estimate",
    "standardised_median",
    "standardised_min",
    "standardised_max",
]
"""Columns of :func:`summarise` (``results.specification_curve_summary``)."""
SHIPPED_TOL = 1e-12
"""A variant whose scores are within this of the panel's index column on every sample row
is the shipped index (``is_shipped``)."""


class VariantsNotBuilt(ResilienceError):
    """The warehouse has no :data:`VARIANT_SCORES` yet (exit 6: build the index variants)."""

    exit_code = 6


class DegenerateVariant(EstimationError):
    """Column ``column`` of the focal regressor is absorbed by the effects and controls."""

    def __init__(self, column: int) -> None:
        super().__init__(f"column {column} of the focal regressor is absorbed by the effects "
                         "and controls")  # fmt: skip
        self.column = column


@dataclass(frozen=True)
class Curve:
    """Which panel column of a paper's models is an index, and which models to refit.

    ``paper_sign``: the sign of the coefficient the paper reports and concludes from (both
    papers: positive, significant at 1 %).
    """

    paper: str
    index_name: str
    column: str
    models: tuple[str, ...]
    paper_sign: int = 1


CURVES = {
    # Wang & Lu (2025) Table 2 col. (2): "the coefficient of Data remains significant at the
    # 1% significance level" (positive); data_index is the dataflow index's total score.
    "wang_lu": Curve("wang_lu", "dataflow", "data_index", ("wl_t2_c2",)),
    # Chen Table 2 (2)-(4): all three channels "positively correlated with regional economic
    # resilience at 1% level"; res is the resilience index's total score.
    "chen": Curve("chen", "resilience", "res", ("ch_t2_m2", "ch_t2_m3", "ch_t2_m4")),
}


def variant_matrix(
    scores: pd.DataFrame, index_name: str, units: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the variants' scores of ``index_name`` as an ``(n, V)`` matrix, rows as given.

    Parameters
    ----------
    scores : pandas.DataFrame
        :data:`VARIANT_COLUMNS` rows.
    index_name : str
        The index whose variants to take.
    units, years : numpy.ndarray
        Unit and year of each estimation-sample row (the matrix rows).

    Returns
    -------
    variant_ids : numpy.ndarray
        Sorted variant ids (the matrix columns).
    matrix : numpy.ndarray
        ``(len(units), V)`` scores.

    Raises
    ------
    EstimationError
        No variant of ``index_name``, or a variant without a score for a sample row
        (named: variant, unit, year).
    """
    rows = scores[scores["index_name"] == index_name]
    if rows.empty:
        raise EstimationError(
            f"{VARIANT_SCORES} has no variant of index {index_name!r}; rebuild the index "
            "uncertainty models (dbt build) or check the index name"
        )
    keys = pd.MultiIndex.from_arrays([np.asarray(units).astype(str), np.asarray(years)])
    at = pd.MultiIndex.from_arrays([rows["unit_id"].astype(str), rows["year"].to_numpy()])
    position = keys.get_indexer(at)
    inside = position >= 0
    variant_codes, variant_ids = pd.factorize(rows["variant_id"], sort=True)
    matrix = np.full((len(keys), len(variant_ids)), np.nan)
    matrix[position[inside], variant_codes[inside]] = rows["score"].to_numpy(float)[inside]
    hole = np.isnan(matrix)
    if hole.any():
        r, v = np.argwhere(hole)[0]
        raise EstimationError(
            f"{VARIANT_SCORES}: variant {variant_ids[v]} of index {index_name!r} has no score "
            f"for unit {keys[r][0]}, year {keys[r][1]} ({int(hole.sum())} sample cells "
            "missing in all); every variant needs a score for every row of the model's sample"
        )
    return np.asarray(variant_ids), matrix


class Sweep:
    r"""The annihilator :math:`M` of the entity effects and the other columns, computed once.

    Parameters
    ----------
    others : numpy.ndarray
        ``(n, p)`` the columns besides the focal regressor (constant, controls, year
        dummies), as :class:`resilience.panel.Design` builds them.
    entities : numpy.ndarray
        Entity of each row.
    entity_effects : bool
        Demean by entity first (the constant is then dropped: it is absorbed).
    """

    def __init__(self, others: np.ndarray, entities: np.ndarray, entity_effects: bool) -> None:
        self._codes = pd.factorize(entities)[0]
        self._entity_effects = entity_effects
        self._count = np.bincount(self._codes).astype(float)
        w = self._demean(others)
        if entity_effects:
            w = w[:, np.linalg.norm(w, axis=0) > 1e-12 * np.sqrt(len(w))]
        self._q = np.linalg.qr(w)[0] if w.shape[1] else np.zeros((len(w), 0))

    @property
    def codes(self) -> np.ndarray:
        """Entity code (0 .. G-1) of each row: the clusters."""
        return self._codes

    def _demean(self, values: np.ndarray) -> np.ndarray:
        if not self._entity_effects:
            return values
        sums = np.zeros((self._count.size, values.shape[1]))
        np.add.at(sums, self._codes, values)
        return values - (sums / self._count[:, None])[self._codes]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """:math:`M` applied to each column of ``values`` (``(n, V)``)."""
        d = self._demean(values)
        return d - self._q @ (self._q.T @ d)


@dataclass(frozen=True)
class Refits:
    """The focal coefficient of every variant: estimate, SE, t, p, CI (arrays of length V)."""

    estimate: np.ndarray
    std_error: np.ndarray
    t_stat: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_obs: int
    n_clusters: int


def batched_fit(
    x: np.ndarray,
    y: np.ndarray,
    others: np.ndarray,
    entities: np.ndarray,
    entity_effects: bool,
    level: float = 0.95,
) -> Refits:
    """Focal coefficient of ``y ~ x + others (+ entity effects)`` for every column of x or y.

    ``x`` and ``y`` are ``(n, 1)`` or ``(n, V)`` (one of them fixed, the other varying, or
    both varying); ``others`` holds the constant, controls and year dummies. Clustered by
    entity with Stata's factor, :math:`t` with :math:`G-1` degrees of freedom (module
    docstring).
    """
    n = len(entities)
    sweep = Sweep(others, entities, entity_effects)
    xt, yt = sweep(x), sweep(y)
    xx = (xt * xt).sum(axis=0)
    absorbed = np.sqrt(xx) <= COLLINEAR_TOL * np.linalg.norm(x, axis=0)
    if absorbed.any():
        raise DegenerateVariant(int(np.argmax(absorbed)))
    beta = (xt * yt).sum(axis=0) / xx
    resid = yt - xt * beta
    codes = sweep.codes
    groups = int(codes.max()) + 1
    scores = np.zeros((groups, beta.size))
    np.add.at(scores, codes, xt * resid)
    k = others.shape[1] + 1  # the full model's regressors: constant, x, controls, years
    c = groups / (groups - 1) * (n - 1) / (n - k)
    se = np.sqrt(c * (scores * scores).sum(axis=0)) / xx
    t = beta / se
    df = groups - 1
    q = stats.t.ppf(0.5 + level / 2, df)
    return Refits(
        beta, se, t, 2 * stats.t.sf(np.abs(t), df), beta - q * se, beta + q * se, n, groups
    )


def _design(spec: ModelSpec, panel: pd.DataFrame) -> Design:
    """Build the sample and design of ``spec`` as ``resilience estimate`` does."""
    if spec.cov.kind != "clustered":
        raise EstimationError(
            f"model {spec.model_id!r}: the specification curve batches the covariance "
            f"clustered by {spec.entity} only, the spec has {spec.cov.kind!r}"
        )
    return Design.build(
        Formula.parse(spec.formula), model_frame(panel, spec), spec.entity, spec.time,
        spec.model_id,
    )  # fmt: skip


def refit_variants(
    spec: ModelSpec, panel: pd.DataFrame, scores: pd.DataFrame, curve: Curve
) -> pd.DataFrame:
    r"""Re-estimate ``spec`` with each variant of ``curve.index_name`` in place of its column.

    The sample is the spec's (its filter and complete rows of the shipped panel); the
    index column is the outcome or a regressor of ``spec``. Returns
    :data:`CURVE_COLUMNS` rows, one per variant.

    ``estimate_standardised`` is the beta coefficient
    :math:`\hat\beta_v\, s_{x_v} / s_{y_v}` (sample standard deviations, ``ddof=1``,
    over the estimation sample, of the focal regressor and the outcome before any
    demeaning): the coefficient of the same model on ``x/s_x`` and ``y/s_y``, its CI
    ``ci_*_standardised`` the CI times the same positive factor. Variants
    differ in scale (a z-score index is not in [0, 1]), so their raw estimates are not
    comparable, the standardised ones are.
    """
    design = _design(spec, panel)
    frame = design.frame
    units = frame[spec.entity].to_numpy()
    years = frame[spec.time].to_numpy()
    variant_ids, matrix = variant_matrix(scores, curve.index_name, units, years)
    exog = design.exog
    if curve.column == spec.outcome:
        term = spec.regressors[0]
        x, y = exog[[term]].to_numpy(), matrix
    elif curve.column in spec.terms:
        term = curve.column
        x, y = matrix, design.dependent.to_numpy()[:, None]
    else:
        raise EstimationError(
            f"model {spec.model_id!r}: {curve.column!r} (index {curve.index_name!r}) is "
            "neither its outcome nor one of its regressors"
        )
    others = exog.drop(columns=[term]).to_numpy()
    try:
        fit = batched_fit(
            x, y, others, units, entity_effects=Formula.parse(spec.formula).entity_effects
        )
    except DegenerateVariant as exc:
        raise EstimationError(
            f"model {spec.model_id!r}: variant {variant_ids[exc.column]} of index "
            f"{curve.index_name!r} is a linear combination of the fixed effects and the "
            "controls (nothing of it is left to identify the slope); drop that variant"
        ) from None
    scale = x.std(axis=0, ddof=1) / y.std(axis=0, ddof=1)
    shipped = np.abs(matrix - frame[curve.column].to_numpy(float)[:, None]).max(axis=0)
    return pd.DataFrame(
        {
            "index_name": curve.index_name,
            "model_id": spec.model_id,
            "term": term,
            "variant_id": variant_ids,
            "is_shipped": shipped <= SHIPPED_TOL,
            "estimate": fit.estimate,
            "estimate_standardised": fit.estimate * scale,
            "std_error": fit.std_error,
            "t_stat": fit.t_stat,
            "p_value": fit.p_value,
            "ci_low": fit.ci_low,
            "ci_high": fit.ci_high,
            "ci_low_standardised": fit.ci_low * scale,
            "ci_high_standardised": fit.ci_high * scale,
            "n_obs": fit.n_obs,
            "n_clusters": fit.n_clusters,
        }
    )[CURVE_COLUMNS]


def summarise(curve: pd.DataFrame, paper_sign: int) -> pd.DataFrame:
    """One row per model: the share of variants with the paper's sign (and significant).

    ``share_sign_significant_05`` counts variants with the paper's sign and
    ``p_value < 0.05`` (``_10``: 0.10); median, min and max of the estimate over the
    variants (in each variant's own units) and of ``estimate_standardised`` (comparable
    across variants); ``shipped_estimate`` that of the variant equal to the shipped index
    (NaN if none is).
    """
    rows = []
    for (index_name, model_id, term), group in curve.groupby(
        ["index_name", "model_id", "term"], sort=False
    ):
        same = np.sign(group["estimate"].to_numpy()) == paper_sign
        p = group["p_value"].to_numpy()
        shipped = group.loc[group["is_shipped"], "estimate"]
        rows.append(
            {
                "index_name": index_name,
                "model_id": model_id,
                "term": term,
                "n_variants": len(group),
                "paper_sign": paper_sign,
                "share_paper_sign": same.mean(),
                "share_sign_significant_05": (same & (p < 0.05)).mean(),
                "share_sign_significant_10": (same & (p < 0.10)).mean(),
                "shipped_estimate": shipped.iloc[0] if len(shipped) else np.nan,
                **{
                    f"{prefix}_{stat}": getattr(group[column], stat)()
                    for prefix, column in (
                        ("estimate", "estimate"),
                        ("standardised", "estimate_standardised"),
                    )
                    for stat in ("median", "min", "max")
                },
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def specification_curves(
    specs: SpecSet,
    panels: dict[str, pd.DataFrame],
    scores: pd.DataFrame,
    models: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refit the :data:`CURVES` models (or only ``models``) for every variant; curve, summary.

    Raises
    ------
    EstimationError
        A model id of ``models`` is not a specification-curve model.
    """
    known = {m: c for c in CURVES.values() for m in c.models}
    wanted = models or list(known)
    unknown = [m for m in wanted if m not in known]
    if unknown:
        raise EstimationError(
            f"model {unknown[0]!r} has no specification curve; choose from {sorted(known)}"
        )
    curves, summaries = [], []
    for model_id in wanted:
        spec, curve = specs.models[model_id], known[model_id]
        rows = refit_variants(spec, panels[spec.panel], scores, curve)
        curves.append(rows)
        summaries.append(summarise(rows, curve.paper_sign))
    return (
        pd.concat(curves, ignore_index=True),
        pd.concat(summaries, ignore_index=True),
    )


def read_variant_scores(db_path: str | Path) -> pd.DataFrame:
    """Read :data:`VARIANT_SCORES` (its :data:`VARIANT_COLUMNS`) through a read-only connection.

    Raises
    ------
    VariantsNotBuilt
        The warehouse has no such table (exit 6).
    """
    con = lock.connect(db_path, read_only=True)
    try:
        return con.execute(f"select {', '.join(VARIANT_COLUMNS)} from {VARIANT_SCORES}").df()
    except duckdb.CatalogException as exc:
        raise VariantsNotBuilt(
            f"{VARIANT_SCORES} is not in {db_path}: build the index variants first (dbt "
            "build of the index uncertainty models, issue 19)"
        ) from exc
    finally:
        con.close()


def run(
    db_path: str | Path,
    models: list[str] | None = None,
    spec_path: str | Path | list | None = None,
    write_db: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refit the papers' baselines for every index variant of the warehouse; write the results.

    Reads the panels and :data:`VARIANT_SCORES`, runs :func:`specification_curves` with the
    specs of ``resilience estimate`` (``spec_path``: the user's file, default the shipped
    ones) and writes ``results.specification_curve`` and
    ``results.specification_curve_summary`` under the build lock, against the build the
    panels were read from (:func:`resilience.results.write_specification_curve`).

    Returns
    -------
    curve, summary : pandas.DataFrame
    """
    specs = load_specs(spec_path)
    known = {m for c in CURVES.values() for m in c.models}
    wanted = models or sorted(known & set(specs.models))
    missing = [m for m in wanted if m not in specs.models]
    if missing:
        raise EstimationError(f"model {missing[0]!r} is not in the specs")
    panels = read_panels(db_path, sorted({specs.models[m].panel for m in wanted}))
    scores = read_variant_scores(db_path)
    curve, summary = specification_curves(specs, panels, scores, wanted)
    if write_db:
        db_path = Path(db_path).resolve()
        doing = f"cannot write the specification curve into {db_path}; nothing was written"
        with storage_faults(doing, db_path), lock.build_lock(db_path):
            con = lock.connect(db_path, doing=doing)
            try:
                write_specification_curve(con, curve, summary, panels.build_id)
                con.execute("checkpoint")
            finally:
                con.close()
    return curve, summary
