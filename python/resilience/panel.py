r"""Fixed-effects panel regressions that reproduce Stata's ``xtreg, fe``, wrapping linearmodels.

The estimating equation of a two-way model is

.. math::

    y_{it} = \alpha + x_{it}'\beta + \mu_i + \sum_{s \neq t_0} \delta_s \mathbb{1}[t = s]
    + \varepsilon_{it},

estimated as Stata's ``xtreg y x i.year, fe``: the entity effects :math:`\mu_i` are swept
out by the within transformation (linearmodels ``PanelOLS(entity_effects=True)``) and the
year effects enter as dummy regressors (the first year is the base). The constant
:math:`\alpha` is Stata's ``_cons``, the mean of the entity effects.

Three :math:`R^2` are reported, each under its own name (DESIGN.md, "Estimation"):

``r2_within``
    Stata's within :math:`R^2` of ``xtreg, fe``: :math:`1 - \sum \tilde e^2 / \sum \tilde
    y^2` with :math:`\tilde{\cdot}` the deviation from the entity mean, the year dummies
    counting as regressors (Grunfeld two-way: 0.7985).
``r2_within_twoway``
    the :math:`R^2` after demeaning by entity *and* year, as plm, fixest, reghdfe's
    "within R-sq." and linearmodels' ``rsquared`` with ``time_effects`` report it
    (Grunfeld two-way: 0.7201). Equal to ``r2_within`` in a one-way model.
``r2_lsdv``
    the :math:`R^2` of the dummy-variable regression, all effects counted as fitted
    (Stata ``areg`` / reghdfe "R-squared"): :math:`1 - \sum e^2/\sum (y - \bar y)^2`.

Covariances (``cov``): ``"clustered"`` (by entity, Stata ``vce(cluster id)``: the
small-sample factor :math:`\frac{G}{G-1}\frac{n-1}{n-k}` with :math:`k` the regressors
without the absorbed entity effects), ``"robust"`` (White, scaled by :math:`n/(n-N-k)`),
``"unadjusted"`` (:math:`s^2 = \mathrm{SSR}/(n-N-k)`), ``"driscoll-kraay"`` (Bartlett
kernel, bandwidth :math:`\lfloor 4 (T/100)^{2/9} \rfloor` as Stata ``xtscc`` unless
given) and ``"clustered-twoway"`` (by entity *and* time, Cameron, Gelbach & Miller
2011, below). Inference uses :math:`t` with :math:`G-1` degrees of freedom for
clustered, :math:`\min(G, T)-1` for two-way clustered, :math:`T-1` for Driscoll-Kraay
and :math:`n-N-k` otherwise, as Stata does.

Two-way clustering (``cov: clustered-twoway``) sums the one-way cluster sandwiches by
entity and by time and subtracts the one by entity-time cell (an observation here),

.. math::

    \hat V = c\,(\hat V_{\mathrm{entity}} + \hat V_{\mathrm{time}} -
    \hat V_{\mathrm{entity} \times \mathrm{time}}), \qquad
    c = \frac{G_{\min}}{G_{\min}-1}\,\frac{n-1}{n-k},\quad G_{\min} = \min(G, T),

each :math:`\hat V_\cdot = (X'X)^{-1} \sum_c X_c'e_c e_c'X_c (X'X)^{-1}` without a
factor of its own: the convention of Stata's ``reghdfe ..., vce(cluster id year)`` and
``ivreg2`` (one factor from the smaller number of clusters) and of R fixest's default
``ssc(cluster.df = "min")``; :math:`k` counts the constant, the regressors and the year
dummies, the entity effects not (nested in the entity clusters), as for ``clustered``.
linearmodels computes the three sandwiches (``cluster_entity=True, cluster_time=True``);
its own factors (a :math:`G/(G-1)` per term and the entity effects counted in the
degrees of freedom, as they are not nested in the time clusters) are switched off and
:math:`c` applied here (:meth:`Covariance.rescale`). :math:`\hat V` need not be positive
semi-definite (CGM 2011, section 2.3); a negative variance gives a missing SE.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from linearmodels import PanelOLS
from linearmodels.panel.utility import AbsorbingEffectError
from scipy import stats

from resilience import jsonio
from resilience.errors import EstimationError

COV_TYPES = ("clustered", "robust", "unadjusted", "driscoll-kraay", "clustered-twoway")
CONSTANT = "const"
DEFAULT_MODEL_ID = "model"
"""The model id of a formula fitted on its own (``resilience regress``): errors name the
formula instead."""
ABSORBED_TOL = 1e-5
"""A column is absorbed by the entity effects when less than this share of its norm is
left after demeaning (linearmodels' own threshold)."""
COLLINEAR_TOL = 1e-9
"""A column is collinear with the columns before it when less than this share of its norm
is left after projecting it on them (exact collinearity up to rounding only)."""
EFFECT_TERMS = {"EntityEffects": "entity", "TimeEffects": "time"}
TIME_EFFECTS = frozenset({"two-way", "time"})
"""The :attr:`PanelResults.effects` values with year effects (as ``results.absorption`` stores)."""
ABSORPTION_COLUMNS = [
    "model_id",
    "term",
    "effects",
    "n_obs",
    "var_total",
    "var_left",
    "share_left",
    "share_entity",
    "share_time",
]
"""Columns of :func:`absorption` (the rows of ``results.absorption`` before the
construction columns)."""
TIDY_COLUMNS = [
    "model_id",
    "term",
    "estimate",
    "std_error",
    "t_stat",
    "p_value",
    "ci_lower",
    "ci_upper",
]


@dataclass(frozen=True)
class Formula:
    """A parsed linearmodels-style formula ``y ~ x1 + x2 + EntityEffects + TimeEffects``.

    Attributes
    ----------
    outcome : str
        Left-hand-side column.
    terms : tuple of str
        Regressor columns in order (``1`` and the effect keywords removed).
    entity_effects, time_effects : bool
        Whether ``EntityEffects`` / ``TimeEffects`` appear.
    """

    outcome: str
    terms: tuple[str, ...]
    entity_effects: bool
    time_effects: bool

    @classmethod
    def parse(cls, formula: str) -> Formula:
        """Parse ``formula``; raise ``EstimationError`` naming what is malformed.

        Malformed: the syntax, a regressor listed twice, the outcome used as a regressor.
        """
        if formula.count("~") != 1:
            raise EstimationError(f"formula {formula!r} must have exactly one '~'")
        lhs, rhs = (part.strip() for part in formula.split("~"))
        parts = [p.strip() for p in rhs.split("+")]
        bad = [p for p in parts if not re.fullmatch(r"[A-Za-z_][\w.]*|1|0", p)]
        if not lhs or bad:
            raise EstimationError(
                f"formula {formula!r}: only 'y ~ a + b + EntityEffects + "
                f"TimeEffects' is supported; cannot read {bad or lhs!r}"
            )
        terms = tuple(p for p in parts if p not in EFFECT_TERMS and p not in ("0", "1"))
        twice = [t for i, t in enumerate(terms) if t in terms[:i]]
        if twice:
            raise EstimationError(
                f"formula {formula!r}: regressor {twice[0]!r} is listed twice; "
                "list each regressor once"
            )
        if lhs in terms:
            raise EstimationError(
                f"formula {formula!r}: the outcome {lhs!r} is also a regressor; "
                "remove it from the right-hand side"
            )
        return cls(lhs, terms, "EntityEffects" in parts, "TimeEffects" in parts)

    def __str__(self) -> str:
        effects = ["EntityEffects"] * self.entity_effects + ["TimeEffects"] * self.time_effects
        return f"{self.outcome} ~ " + " + ".join(["1", *self.terms, *effects])


@dataclass(frozen=True)
class Covariance:
    """Choice of covariance estimator.

    Attributes
    ----------
    kind : str
        One of ``clustered`` (by entity), ``robust``, ``unadjusted``, ``driscoll-kraay``,
        ``clustered-twoway`` (by entity and time; ``two-way`` is an alias).
    bandwidth : float, optional
        Driscoll-Kraay bandwidth; Stata ``xtscc``'s default when ``None``.
    """

    kind: str = "clustered"
    bandwidth: float | None = None

    @classmethod
    def coerce(cls, cov: str | Mapping[str, Any] | Covariance | None) -> Covariance:
        """Build from a name, a mapping ``{type: ..., bandwidth: ...}`` or an instance."""
        if isinstance(cov, Covariance):
            return cov
        if cov is None:
            return cls()
        if isinstance(cov, str):
            cov = {"type": cov}
        kind = str(cov.get("type", "clustered")).lower().replace("_", "-")
        kind = {
            "dk": "driscoll-kraay",
            "cluster": "clustered",
            "two-way": "clustered-twoway",
            "twoway": "clustered-twoway",
        }.get(kind, kind)
        if kind not in COV_TYPES:
            raise ValueError(f"covariance type {kind!r} is not one of {COV_TYPES}")
        return cls(kind, cov.get("bandwidth"))

    def fit_options(self, n_periods: int) -> dict[str, Any]:
        """Keyword arguments of ``PanelOLS.fit`` that give Stata's estimator."""
        if self.kind == "clustered":
            return {
                "cov_type": "clustered",
                "cluster_entity": True,
                "debiased": True,
                "group_debias": True,
            }
        if self.kind == "clustered-twoway":
            # the three sandwiches scaled by n / (n - k) only: rescale() applies the rest
            return {
                "cov_type": "clustered",
                "cluster_entity": True,
                "cluster_time": True,
                "debiased": True,
                "group_debias": False,
                "auto_df": False,
                "count_effects": False,
            }
        if self.kind == "driscoll-kraay":
            bandwidth = self.bandwidth
            if bandwidth is None:
                bandwidth = math.floor(4 * (n_periods / 100) ** (2 / 9))
            return {
                "cov_type": "kernel",
                "kernel": "bartlett",
                "bandwidth": bandwidth,
                "debiased": True,
            }
        return {"cov_type": self.kind, "debiased": True}

    def rescale(self, nobs: int, n_entities: int, n_periods: int) -> float:
        r"""Factor applied to linearmodels' covariance: 1 except for two-way clustering.

        For ``clustered-twoway`` linearmodels' scale is :math:`n/(n-k)`; the factor
        :math:`\frac{G_{\min}}{G_{\min}-1}\frac{n-1}{n}` makes it the module's
        :math:`c` (reghdfe / fixest convention).
        """
        if self.kind != "clustered-twoway":
            return 1.0
        g = min(n_entities, n_periods)
        return g / (g - 1) * (nobs - 1) / nobs


YEAR_TERM = re.compile(r"(^|_)(year|time)_?\d{4}")
"""A year dummy of :func:`year_dummies` (``year_2010``), or its interaction
(``year_2010_x_is_coastal``): the tables summarise them by the Year FE row."""


def year_dummies(times: pd.Series, prefix: str) -> pd.DataFrame:
    """Dummies for each period present except the first (the base), named ``prefix_t``.

    Parameters
    ----------
    times : pandas.Series
        Period of each row.
    prefix : str
        Name of the time column, used as the dummy prefix.

    Returns
    -------
    pandas.DataFrame
        Float 0/1 columns, index of ``times``.
    """
    levels = np.sort(times.unique())[1:]
    values = (times.to_numpy()[:, None] == levels[None, :]).astype(float)
    return pd.DataFrame(values, index=times.index, columns=[f"{prefix}_{t}" for t in levels])


def lag(frame: pd.DataFrame, column: str, k: int, entity: str, time: str) -> pd.Series:
    """Value of ``column`` in period ``t - k`` of the same entity, missing if that row is absent.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long panel.
    column : str
        Column to lag.
    k : int
        Lag order in periods (calendar periods, not positions: a gap gives a missing value).
    entity, time : str
        Entity and time columns.

    Returns
    -------
    pandas.Series
        Aligned with the rows of ``frame``.
    """
    past = frame[[entity, time, column]].assign(**{time: frame[time] + k})
    merged = frame[[entity, time]].merge(past, on=[entity, time], how="left")
    return pd.Series(merged[column].to_numpy(), index=frame.index, name=f"L{k}_{column}")


def complete_rows(data: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Keep the rows without a missing value in ``columns``; count what is dropped.

    Parameters
    ----------
    data : pandas.DataFrame
        Panel rows.
    columns : list of str
        Columns the model uses.

    Returns
    -------
    frame : pandas.DataFrame
        Complete rows.
    dropped : dict
        ``{column: rows missing in it}`` for the columns with missing values, plus
        ``"total"`` rows dropped.
    """
    missing = data[columns].isna()
    dropped = {c: int(n) for c, n in missing.sum().items() if n}
    rows = missing.any(axis=1)
    dropped["total"] = int(rows.sum())
    return data.loc[~rows], dropped


class MissingColumnError(EstimationError, KeyError):
    """A column the model uses is not in the data (exit 2; a ``KeyError`` too)."""


def check_columns(data: pd.DataFrame, columns: list[str], what: str) -> None:
    """Raise :class:`MissingColumnError` naming the columns absent from ``data``."""
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise MissingColumnError(
            f"{what}: column(s) {absent} not in the data; available: "
            f"{sorted(map(str, data.columns))}"
        )


def subject_of(model_id: str, formula: str | Formula) -> str:
    """How an error names a model: ``model 'id'``, or ``formula '...'`` for a lone formula."""
    if model_id == DEFAULT_MODEL_ID:
        return f"formula {str(formula)!r}"
    return f"model {model_id!r}"


def _where(frame: pd.DataFrame, row: Any, entity: str, time: str) -> str:
    """``entity E, time T`` of the row labelled ``row`` of ``frame``."""
    return f"{entity} {frame.at[row, entity]}, {time} {frame.at[row, time]}"


def check_rows(
    data: pd.DataFrame, frame: pd.DataFrame, dropped: dict[str, int], subject: str
) -> None:
    """Raise :class:`EstimationError` if no row is complete, naming the column(s) why."""
    if not frame.empty:
        return
    if data.empty:
        raise EstimationError(
            f"{subject}: the data has no rows; check the sample filter (--where or the "
            "spec's sample)"
        )
    n = len(data)
    columns = {c: k for c, k in dropped.items() if c != "total"}
    everywhere = [c for c, k in columns.items() if k == n]
    if everywhere:
        why = f"column {everywhere[0]!r} is missing (empty or NaN) in all {n} rows"
    else:
        why = f"each of the {n} rows misses one of " + ", ".join(
            f"{c} ({k} rows)" for c, k in columns.items()
        )
    raise EstimationError(
        f"{subject}: no complete rows: {why}; fill the column or drop it from the model"
    )


def check_values(
    frame: pd.DataFrame, variables: list[str], entity: str, time: str, subject: str
) -> None:
    """Raise :class:`EstimationError` for a text or infinite value in ``variables``.

    The message names the column and the entity and time of its first bad row; a missing
    value (NaN, empty) is not an error (its row is dropped and counted).
    """
    for column in variables:
        values = frame[column]
        try:
            numbers = values.astype(float)
        except (ValueError, TypeError):
            bad = pd.to_numeric(values, errors="coerce").isna()
            row = bad.idxmax()
            raise EstimationError(
                f"{subject}: column {column!r} is text, not a number "
                f"({_where(frame, row, entity, time)}: {values[row]!r}); use a numeric "
                "column (a category as 0/1 flags)"
            ) from None
        infinite = np.isinf(numbers.to_numpy())
        if infinite.any():
            row = numbers.index[infinite.argmax()]
            raise EstimationError(
                f"{subject}: column {column!r} is infinite in {int(infinite.sum())} row(s), "
                f"first {_where(frame, row, entity, time)} ({numbers[row]}); replace it by a "
                "number or leave it empty (a row with a missing value is dropped)"
            )
    repeated = frame.duplicated([entity, time])
    if repeated.any():
        row = repeated.idxmax()
        raise EstimationError(
            f"{subject}: {int(repeated.sum())} row(s) repeat the {entity} and {time} of an "
            f"earlier row, first "
            f"{_where(frame, row, entity, time)}; a panel has one row per {entity} and "
            f"{time}: check the entity and time columns"
        )


def check_identified(
    exog: pd.DataFrame,
    terms: tuple[str, ...],
    entity_effects: bool,
    time_effects: bool,
    entity: str,
    time: str,
    subject: str,
    implied: bool = False,
) -> None:
    """Raise :class:`EstimationError` naming a regressor the effects absorb or a collinear one.

    ``implied``: the entity effects are not the formula's but the estimator's (the FE
    model of a Hausman test), so dropping them is not offered.

    This runs before linearmodels, which would fail on it without naming the model.

    The columns are taken in the order constant (without entity effects), year dummies,
    regressors; each must keep more than :data:`ABSORBED_TOL` of its norm after the
    entity demeaning and more than :data:`COLLINEAR_TOL` after projecting on the columns
    before it. Only a failing model is affected: the fit itself does not use this.
    """
    units = exog.index.get_level_values(0).to_numpy()
    if entity_effects and pd.Series(units).value_counts().max() == 1:
        raise EstimationError(
            f"{subject}: every {entity} has one row in the sample, so the entity effects "
            f"(EntityEffects) absorb every regressor; use several {time}s per {entity} or "
            "drop EntityEffects"
        )
    dummies = [c for c in exog.columns if c != CONSTANT and c not in terms]
    order = ([] if entity_effects else [CONSTANT]) + dummies + list(terms)
    raw = exog[order].to_numpy(dtype=float)
    x = (
        raw - pd.DataFrame(raw).groupby(units).transform("mean").to_numpy()
        if entity_effects
        else raw
    )
    kept: list[int] = []
    for j, name in enumerate(order):
        size = float(np.linalg.norm(raw[:, j]))
        column = x[:, j]
        what = (
            f"regressor {name!r}" if name in terms else f"the {time} dummy {name!r} (TimeEffects)"
        )
        if entity_effects and float(np.linalg.norm(column)) <= ABSORBED_TOL * size:
            if name in terms:
                remedy = f"drop {name!r}" + ("" if implied else " or EntityEffects")
                raise EstimationError(
                    f"{subject}: {what} is constant within each {entity}, so the entity "
                    f"effects (EntityEffects) absorb it; {remedy}"
                )
            year = name[len(time) + 1 :]
            raise EstimationError(
                f"{subject}: {what} is absorbed by the entity effects: no {entity} with a "
                f"row in {year} has a row in another {time}; drop those rows or TimeEffects"
            )
        if not entity_effects and name in terms and np.ptp(raw[:, j]) == 0:
            raise EstimationError(
                f"{subject}: {what} is {raw[0, j]:g} in every row, so it is collinear with "
                f"the constant; drop {name!r}"
            )
        if kept:
            basis = x[:, kept]
            coef = np.linalg.lstsq(basis, column, rcond=None)[0]
            left = float(np.linalg.norm(column - basis @ coef))
            if left <= COLLINEAR_TOL * size:
                weight = np.abs(coef) * np.linalg.norm(basis, axis=0)
                used = [order[k] for k, w in zip(kept, weight, strict=True) if w > 1e-6 * size]
                named = [u for u in used if u in terms]
                if name in terms and not named and time_effects:
                    raise EstimationError(
                        f"{subject}: {what} varies only by {time}, so the time effects "
                        f"(TimeEffects) absorb it; drop {name!r} or TimeEffects"
                    )
                others = ", ".join(repr(u) for u in named) or "the effects"
                extra = " and the effects" if named and len(named) < len(used) else ""
                raise EstimationError(
                    f"{subject}: {what} is a linear combination of {others}{extra}; drop "
                    "one of them"
                )
        kept.append(j)


def absorbed_message(exc: Exception, subject: str) -> EstimationError:
    """Rewrite linearmodels' absorbed/collinear error as one line naming the model.

    A fallback for what :func:`check_identified` does not catch first: the variables are
    those linearmodels lists (indented lines of its message).
    """
    names = [
        v.strip()
        for line in str(exc).splitlines()
        if line.startswith(" " * 10)
        for v in line.split(",")
        if v.strip() != CONSTANT
    ]
    listed = ", ".join(repr(n) for n in names) or "every regressor"
    return EstimationError(
        f"{subject}: the effects absorb {listed} or make them collinear; drop them or the effects"
    )


@dataclass(frozen=True)
class Design:
    """Estimation sample and design of a formula: outcome, constant, terms, year dummies.

    Attributes
    ----------
    dependent : pandas.Series
        Outcome indexed by (entity, time).
    exog : pandas.DataFrame
        ``const``, the terms and, with ``TimeEffects``, the year dummies.
    frame : pandas.DataFrame
        The complete rows of the data that are used.
    dropped : dict
        Rows dropped for missing values (:func:`complete_rows`).
    dropped_years : dict
        ``{year: rows dropped}`` of the same rows, in year order.
    """

    dependent: pd.Series
    exog: pd.DataFrame
    frame: pd.DataFrame
    dropped: dict[str, int]
    dropped_years: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        formula: Formula,
        data: pd.DataFrame,
        entity: str,
        time: str,
        model_id: str = DEFAULT_MODEL_ID,
        subject: str | None = None,
        entity_effects: bool | None = None,
    ) -> Design:
        """Select complete rows and build the design; errors name the model and column.

        ``subject`` is how errors name the model (default :func:`subject_of`);
        ``entity_effects`` overrides the formula's for the identification check
        (:func:`check_identified`; the Hausman test's FE model always has them). Raises
        :class:`~resilience.errors.EstimationError` for a missing column, no complete
        row, a text or infinite value, a repeated entity-time pair, or a regressor the
        effects absorb or that is collinear with the others.
        """
        subject = subject or subject_of(model_id, formula)
        variables = [formula.outcome, *formula.terms]
        check_columns(data, [entity, time, *variables], subject)
        frame, dropped = complete_rows(data, [entity, time, *variables])
        check_rows(data, frame, dropped, subject)
        lost = data[[entity, time, *variables]].isna().any(axis=1)
        dropped_years = {
            int(year): int(n)
            for year, n in data.loc[lost, time].value_counts().sort_index().items()
        }
        check_values(frame, variables, entity, time, subject)
        exog = frame[list(formula.terms)].astype(float)
        exog.insert(0, CONSTANT, 1.0)
        if formula.time_effects:
            exog = pd.concat([exog, year_dummies(frame[time], time)], axis=1)
        index = pd.MultiIndex.from_arrays(
            [frame[entity].to_numpy(), frame[time].to_numpy()], names=[entity, time]
        )
        exog.index = index
        dependent = pd.Series(
            frame[formula.outcome].astype(float).to_numpy(), index=index, name=formula.outcome
        )
        check_identified(
            exog,
            formula.terms,
            formula.entity_effects if entity_effects is None else entity_effects,
            formula.time_effects,
            entity,
            time,
            subject,
            implied=bool(entity_effects) and not formula.entity_effects,
        )
        return cls(dependent, exog, frame, dropped, dropped_years)


def _residual(values: np.ndarray, groupings: list[np.ndarray]) -> np.ndarray:
    """Residual of each column of ``values`` on a constant and the dummies of ``groupings``.

    A least-squares projection (``numpy.linalg.lstsq`` on the dummy matrix), so exact in an
    unbalanced panel, where demeaning by entity and then by year is not.
    """
    blocks = [np.ones((len(values), 1))]
    for codes in groupings:
        levels = np.unique(codes)
        blocks.append((codes[:, None] == levels[None, :]).astype(float))
    z = np.hstack(blocks)
    return values - z @ np.linalg.lstsq(z, values, rcond=None)[0]


def absorption(
    x: pd.DataFrame,
    entities: np.ndarray,
    times: np.ndarray,
    effects: str,
    model_id: str = DEFAULT_MODEL_ID,
) -> pd.DataFrame:
    r"""Share of each regressor's variance that is left after the model's fixed effects.

    With :math:`M` the annihilator of a constant and the model's effect dummies (entity
    dummies for ``entity``; entity *and* year dummies for ``two-way``; year dummies for
    ``time``; the constant alone for ``none``),

    .. math::

        \text{share\_left}_k = \frac{\lVert M x_k \rVert^2}
            {\lVert x_k - \bar x_k \rVert^2},

    the part of :math:`x_k`'s variation that is left to identify its slope (by
    Frisch-Waugh-Lovell, before the other regressors are partialled out too).
    ``share_entity`` and ``share_time`` are the shares the entity dummies alone and the
    year dummies alone absorb (:math:`R^2` of :math:`x_k` on each). In a balanced panel
    ``share_left = 1 - share_entity - share_time``; in an unbalanced one the two overlap
    and only the projection gives ``share_left``. ``var_total`` and ``var_left`` divide
    the two sums of squares by :math:`n - 1`.

    Parameters
    ----------
    x : pandas.DataFrame
        The regressors (rows of the estimation sample).
    entities, times : numpy.ndarray
        Entity and period of each row.
    effects : str
        ``"two-way"``, ``"entity"``, ``"time"`` or ``"none"`` (:attr:`PanelResults.effects`).
    model_id : str
        Written into the ``model_id`` column.

    Returns
    -------
    pandas.DataFrame
        One row per column of ``x``: :data:`ABSORPTION_COLUMNS`.
    """
    values = x.to_numpy(float)
    n = len(values)
    groupings = {
        "two-way": [entities, times],
        "entity": [entities],
        "time": [times],
        "none": [],
    }[effects]
    total = ((values - values.mean(axis=0)) ** 2).sum(axis=0)
    left = (_residual(values, groupings) ** 2).sum(axis=0)
    by_entity = (_residual(values, [entities]) ** 2).sum(axis=0)
    by_time = (_residual(values, [times]) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = pd.DataFrame(
            {
                "model_id": model_id,
                "term": list(map(str, x.columns)),
                "effects": effects,
                "n_obs": n,
                "var_total": total / (n - 1),
                "var_left": left / (n - 1),
                "share_left": left / total,
                "share_entity": 1 - by_entity / total,
                "share_time": 1 - by_time / total,
            }
        )
    return frame[ABSORPTION_COLUMNS]


CONSTRUCTION_TOL = 1e-8
"""A declared time part ``x - unit_part`` is constant within a period when its range there
is at most this much, relative to ``max(1, |x|)`` (rounding of a logged product only)."""


def time_part_spread(
    frame: pd.DataFrame, column: str, unit_part: str, time: str
) -> tuple[float, Any]:
    r"""Largest within-period range of ``column - unit_part``, and the period where it is.

    A regressor built as :math:`x_{it} = u_{it} + p_t` has :math:`x_{it} - u_{it}`
    constant within each period :math:`t`: the spread is 0 up to rounding
    (:data:`CONSTRUCTION_TOL`), relative to ``max(1, max |x|)``.

    Returns
    -------
    spread : float
        ``max_t (max_i - min_i) (x_it - u_it) / max(1, max |x|)``.
    period : object
        The period with the largest range.
    """
    part = (frame[column].astype(float) - frame[unit_part].astype(float)).groupby(
        frame[time].to_numpy()
    )
    ranges = part.max() - part.min()
    scale = max(1.0, float(frame[column].abs().max()))
    return float(ranges.max()) / scale, ranges.idxmax()


def regress(
    formula: str,
    data: pd.DataFrame,
    entity: str,
    time: str,
    cov: str | Mapping[str, Any] | Covariance | None = "clustered",
    model_id: str = DEFAULT_MODEL_ID,
) -> PanelResults:
    r"""Estimate a fixed-effects panel regression as Stata ``xtreg y x i.year, fe``.

    .. math::

        y_{it} = \alpha + x_{it}'\beta + \mu_i + \delta_t + \varepsilon_{it}

    ``EntityEffects`` in the formula sweeps out :math:`\mu_i` (within transformation);
    ``TimeEffects`` adds year dummies (first year as base) as regressors. A constant is
    always included. Rows with a missing value in any variable of the model are dropped
    and counted (``PanelResults.n_dropped``, ``dropped_by_column``).

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 + EntityEffects + TimeEffects"``.
    data : pandas.DataFrame
        Long panel with columns ``entity`` and ``time``.
    entity, time : str
        Entity and time columns.
    cov : str or mapping or Covariance
        ``"clustered"`` (by entity, default), ``"robust"``, ``"unadjusted"``,
        ``"driscoll-kraay"`` or ``{"type": "driscoll-kraay", "bandwidth": 2}``.
    model_id : str
        Identifier carried into :meth:`PanelResults.tidy`; errors name it (``model
        'id'``), or the formula when it is the default.

    Returns
    -------
    PanelResults

    Raises
    ------
    resilience.errors.EstimationError
        One line naming the model or formula, the column and what to do: a malformed
        formula, a regressor listed twice or equal to the outcome, a missing, text or
        infinite column, a repeated entity-time pair, a regressor the effects absorb or
        that is collinear with others (:meth:`Design.build`).
    """
    parsed = Formula.parse(formula)
    covariance = Covariance.coerce(cov)
    subject = subject_of(model_id, formula)
    design = Design.build(parsed, data, entity, time, model_id, subject)
    dependent, exog, frame = design.dependent, design.exog, design.frame
    try:
        model = PanelOLS(dependent, exog, entity_effects=parsed.entity_effects)
        fit = model.fit(**covariance.fit_options(frame[time].nunique()))
    except AbsorbingEffectError as exc:
        raise absorbed_message(exc, subject) from exc
    except ValueError as exc:
        if "full column rank" not in str(exc):
            raise
        raise EstimationError(
            f"{subject}: the regressors are collinear (linearmodels: exog does not have "
            "full column rank); drop one of them"
        ) from exc
    return PanelResults(
        fit,
        parsed,
        covariance,
        model_id=model_id,
        design=design,
        n_entities=frame[entity].nunique(),
        n_periods=frame[time].nunique(),
    )


class PanelResults:
    """Results of :func:`regress`, read-only, in the style of linearmodels.

    Parameters
    ----------
    fit : linearmodels.panel.results.PanelEffectsResults
        The fitted linearmodels model (kept as :attr:`fit`).
    formula : Formula
        The parsed formula.
    covariance : Covariance
        The covariance used.
    model_id : str
        Identifier of the model.
    design : Design
        Estimation sample and design.
    n_entities, n_periods : int
        Entities and periods in the estimation sample.
    """

    def __init__(
        self,
        fit: Any,
        formula: Formula,
        covariance: Covariance,
        *,
        model_id: str,
        design: Design,
        n_entities: int,
        n_periods: int,
    ) -> None:
        self._fit = fit
        self._formula = formula
        self._cov = covariance
        self._model_id = model_id
        self._design = design
        self._dropped = dict(design.dropped)
        self._n_entities = int(n_entities)
        self._n_periods = int(n_periods)
        self._scale = covariance.rescale(int(fit.nobs), self._n_entities, self._n_periods)

    @property
    def fit(self) -> Any:
        """The underlying linearmodels results."""
        return self._fit

    @property
    def model_id(self) -> str:
        """Identifier of the model."""
        return self._model_id

    @property
    def formula(self) -> Formula:
        """The parsed formula."""
        return self._formula

    @property
    def effects(self) -> str:
        """``"two-way"``, ``"entity"``, ``"time"`` or ``"none"``."""
        f = self._formula
        return {
            (True, True): "two-way",
            (True, False): "entity",
            (False, True): "time",
            (False, False): "none",
        }[(f.entity_effects, f.time_effects)]

    @property
    def cov_type(self) -> str:
        """Name of the covariance estimator."""
        return self._cov.kind

    @property
    def terms(self) -> list[str]:
        """The named regressors of the formula (no constant, no year dummies)."""
        return list(self._formula.terms)

    @property
    def params(self) -> pd.Series:
        """Estimated coefficients, including the constant and year dummies."""
        return self._fit.params.rename("estimate")

    @property
    def sample(self) -> pd.DataFrame:
        """The rows of the data used in the estimation (complete in the model's variables)."""
        return self._design.frame.copy()

    @property
    def panel_index(self) -> tuple[str, str]:
        """The entity and time columns of :attr:`sample`."""
        entity, time = self._design.exog.index.names
        return entity, time

    @property
    def cov(self) -> pd.DataFrame:
        """Covariance of the coefficients."""
        return self._fit.cov * self._scale

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors (missing where a two-way clustered variance is negative)."""
        with np.errstate(invalid="ignore"):  # linearmodels' sqrt of a negative variance
            return (self._fit.std_errors * math.sqrt(self._scale)).rename("std_error")

    @property
    def tstats(self) -> pd.Series:
        """Ratios of the coefficients to their standard errors."""
        return (self.params / self.std_errors).rename("t_stat")

    @property
    def df_inference(self) -> int:
        """Degrees of freedom of the t reference distribution (Stata's choice)."""
        if self._cov.kind == "clustered":
            return self._n_entities - 1
        if self._cov.kind == "clustered-twoway":
            return min(self._n_entities, self._n_periods) - 1
        if self._cov.kind == "driscoll-kraay":
            return self._n_periods - 1
        return int(self._fit.df_resid)

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from :math:`t` with :attr:`df_inference` degrees of freedom."""
        p = 2 * stats.t.sf(np.abs(self.tstats.to_numpy()), self.df_inference)
        return pd.Series(p, index=self.params.index, name="p_value")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals ``[lower, upper]`` at ``level`` (t with df_inference)."""
        q = stats.t.ppf(0.5 + level / 2, self.df_inference)
        half = q * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    @property
    def nobs(self) -> int:
        """Observations used."""
        return int(self._fit.nobs)

    @property
    def n_entities(self) -> int:
        """Entities in the estimation sample."""
        return self._n_entities

    @property
    def n_dropped(self) -> int:
        """Rows dropped because a variable of the model was missing."""
        return self._dropped["total"]

    @property
    def dropped_by_year(self) -> dict[int, int]:
        """Rows dropped for missing values, per year of the panel (``{year: rows}``)."""
        return dict(self._design.dropped_years)

    @property
    def dropped_by_column(self) -> dict[str, int]:
        """Missing values per column among the rows given (a row may count twice)."""
        return {k: v for k, v in self._dropped.items() if k != "total"}

    @property
    def r2_within(self) -> float:
        """Stata's within :math:`R^2` (year dummies count as regressors)."""
        return float(self._fit.rsquared)

    @cached_property
    def r2_within_twoway(self) -> float:
        """:math:`R^2` after demeaning by entity and year (plm / fixest / reghdfe)."""
        if not (self._formula.entity_effects and self._formula.time_effects):
            return self.r2_within
        exog = self._design.exog[[CONSTANT, *self.terms]]
        twoway = PanelOLS(self._design.dependent, exog, entity_effects=True, time_effects=True)
        return float(twoway.fit(cov_type="unadjusted").rsquared)

    @cached_property
    def absorption(self) -> pd.DataFrame:
        """Share of each named regressor's variance the fixed effects leave (:func:`absorption`).

        One row per term of the formula (not the constant, not the year dummies), over the
        estimation sample; the rows of ``results.absorption``.
        """
        exog = self._design.exog
        return absorption(
            exog[self.terms],
            exog.index.get_level_values(0).to_numpy(),
            exog.index.get_level_values(1).to_numpy(),
            self.effects,
            self._model_id,
        )

    @property
    def r2_lsdv(self) -> float:
        """:math:`R^2` of the dummy-variable regression (Stata ``areg``)."""
        return float(self._fit.rsquared_inclusive)

    def wald_test(self, terms: list[str]) -> dict[str, float]:
        r"""Wald F test that the coefficients of ``terms`` are jointly zero.

        .. math:: F = \hat\beta_S' \hat V_S^{-1} \hat\beta_S / q \sim F(q, \mathrm{df})

        with the model's covariance and ``df`` = :attr:`df_inference`.

        When :math:`\hat V_S` has rank below :math:`q` (a cluster-robust covariance has
        rank at most :math:`G - 1`, fewer than the restrictions once the year dummies are
        tested with few clusters) the statistic is not defined: ``statistic`` and
        ``p_value`` are NaN and ``rank`` says why, as Stata prints ``F(q, G-1) = .``.

        Returns
        -------
        dict
            ``statistic``, ``df_num``, ``df_denom``, ``p_value``, ``rank`` (of
            :math:`\hat V_S`).
        """
        b = self.params[terms].to_numpy()
        v = self.cov.loc[terms, terms].to_numpy()
        rank = int(np.linalg.matrix_rank(v))
        if rank < len(terms):
            return {
                "statistic": math.nan,
                "df_num": len(terms),
                "df_denom": self.df_inference,
                "p_value": math.nan,
                "rank": rank,
            }
        f = float(b @ np.linalg.solve(v, b)) / len(terms)
        return {
            "statistic": f,
            "df_num": len(terms),
            "df_denom": self.df_inference,
            "p_value": float(stats.f.sf(f, len(terms), self.df_inference)),
            "rank": rank,
        }

    @property
    def f_test(self) -> dict[str, float]:
        """:meth:`wald_test` of the named regressors only, year dummies excluded.

        plm's F of a two-way within model (Grunfeld: F(2, 169) = 217.44); without
        ``TimeEffects`` it is also Stata's model F. With ``TimeEffects`` Stata's ``xtreg y x
        i.year, fe`` reports :attr:`f_test_all` instead.
        """
        return self.wald_test(self.terms)

    @property
    def f_test_all(self) -> dict[str, float]:
        """:meth:`wald_test` of every regressor but the constant, year dummies included.

        The model F that Stata's ``xtreg y x i.year, fe`` prints (``F(k, n-N-k)``, or
        ``F(k, G-1)`` with ``vce(cluster id)``). Equal to :attr:`f_test` without
        ``TimeEffects``.
        """
        return self.wald_test([t for t in self.params.index if t != CONSTANT])

    def tidy(self) -> pd.DataFrame:
        """Long table of coefficients, exactly the rows of ``results.coefficients``.

        Returns
        -------
        pandas.DataFrame
            Columns ``model_id, term, estimate, std_error, t_stat, p_value, ci_lower,
            ci_upper``; one row per coefficient (constant and year dummies included).
        """
        ci = self.conf_int()
        frame = pd.DataFrame(
            {
                "model_id": self._model_id,
                "term": self.params.index.astype(str),
                "estimate": self.params.to_numpy(),
                "std_error": self.std_errors.to_numpy(),
                "t_stat": self.tstats.to_numpy(),
                "p_value": self.pvalues.to_numpy(),
                "ci_lower": ci["lower"].to_numpy(),
                "ci_upper": ci["upper"].to_numpy(),
            }
        )
        return frame[TIDY_COLUMNS]

    def summary_dict(self) -> dict[str, Any]:
        """Scalars of the fit (sample, R-squareds, F tests, covariance, effects).

        ``f_*``: the named regressors (:attr:`f_test`); ``f_all_*``: every regressor but
        the constant, year dummies included (:attr:`f_test_all`, Stata's model F).
        """
        f, f_all = self.f_test, self.f_test_all
        return {
            "model_id": self._model_id,
            "formula": str(self._formula),
            "effects": self.effects,
            "cov_type": self.cov_type,
            "nobs": self.nobs,
            "n_entities": self.n_entities,
            "n_dropped": self.n_dropped,
            "dropped_by_column": self.dropped_by_column,
            "r2_within": self.r2_within,
            "r2_within_twoway": self.r2_within_twoway,
            "r2_lsdv": self.r2_lsdv,
            "f_stat": f["statistic"],
            "f_df": [f["df_num"], f["df_denom"]],
            "f_pvalue": f["p_value"],
            "f_all_stat": f_all["statistic"],
            "f_all_df": [f_all["df_num"], f_all["df_denom"]],
            "f_all_pvalue": f_all["p_value"],
        }

    def to_json(self) -> str:
        """JSON with :meth:`summary_dict` and the :meth:`tidy` rows under ``coefficients``."""
        payload = self.summary_dict()
        payload["coefficients"] = self.tidy().to_dict(orient="records")
        return jsonio.dumps(payload)

    def __repr__(self) -> str:
        shown = self.tidy().set_index("term").loc[[CONSTANT, *self.terms]]
        return (
            f"PanelResults({self._model_id}: {self._formula}; N={self.nobs}, "
            f"entities={self.n_entities}, cov={self.cov_type})\n"
            f"{shown[['estimate', 'std_error', 'p_value']].to_string()}"
        )


class ClusterMoments:
    r"""Per-cluster cross-products of within-cluster demeaned data, for exact batched refits.

    A fixed-effects regression on any collection of whole clusters (a bootstrap resample,
    where a cluster drawn twice is two entities, or a permutation subsample) is, by
    Frisch-Waugh-Lovell, least squares on the within-cluster demeaned variables
    :math:`\tilde z_{it} = z_{it} - \bar z_i`, with the year dummies as regressors. With
    :math:`S_g = \sum_{t} \tilde z_{gt} \tilde z_{gt}'` computed once per cluster, the
    normal equations of a draw with cluster weights :math:`w_{g}` (counts or 0/1) are

    .. math::

        \Big(\sum_g w_g S_g\Big)_{XX}\, \hat\beta = \Big(\sum_g w_g S_g\Big)_{Xy},

    so all draws are solved in one batched ``numpy.linalg.solve`` and equal a refit of
    each draw up to rounding. Demeaning once by year on the full sample would *not* be
    exact under resampling; hence the year dummies stay regressors.

    Parameters
    ----------
    frame : pandas.DataFrame
        Complete rows (no missing values in ``variables``).
    variables : list of str
        Outcome, regressors and any other variable used by the refits.
    entity, time : str
        Cluster (entity) and time columns.
    """

    def __init__(self, frame: pd.DataFrame, variables: list[str], entity: str, time: str) -> None:
        dummies = year_dummies(frame[time], time)
        data = pd.concat([frame[variables].astype(float), dummies], axis=1)
        demeaned = data - data.groupby(frame[entity].to_numpy()).transform("mean").to_numpy()
        codes, cluster = np.unique(frame[entity].to_numpy(), return_inverse=True)
        z = demeaned.to_numpy()
        outer = z[:, :, None] * z[:, None, :]
        moments = np.zeros((codes.size, z.shape[1], z.shape[1]))
        np.add.at(moments, cluster, outer)
        self._names = list(data.columns)
        self._dummies = list(dummies.columns)
        self._clusters = codes
        self._moments = moments

    @property
    def clusters(self) -> np.ndarray:
        """Cluster labels, in the order of the weight columns."""
        return self._clusters

    @property
    def dummies(self) -> list[str]:
        """Names of the year dummies (first year the base), as in the model's design."""
        return list(self._dummies)

    def cross(self, rows: list[str], columns: list[str]) -> np.ndarray:
        r"""Per-cluster blocks :math:`\sum_t \tilde a_{gt} \tilde b_{gt}'` of the moments.

        Parameters
        ----------
        rows, columns : list of str
            Variables or year dummies (:attr:`dummies`).

        Returns
        -------
        numpy.ndarray
            ``(clusters, len(rows), len(columns))``.
        """
        r = [self._names.index(c) for c in rows]
        c = [self._names.index(c) for c in columns]
        return self._moments[:, r][:, :, c]

    def solve(self, weights: np.ndarray, outcome: str, regressors: list[str]) -> np.ndarray:
        """Coefficients of ``regressors`` (year dummies added) for each row of ``weights``.

        Parameters
        ----------
        weights : numpy.ndarray
            ``(draws, clusters)`` weights, e.g. bootstrap counts or 0/1 group membership.
        outcome : str
            Outcome variable.
        regressors : list of str
            Regressors, without the year dummies (always included).

        Returns
        -------
        numpy.ndarray
            ``(draws, len(regressors))`` coefficients.
        """
        cols = [self._names.index(c) for c in [*regressors, *self._dummies]]
        y = self._names.index(outcome)
        q = len(self._names)
        total = np.asarray(weights, float) @ self._moments.reshape(len(self._clusters), q * q)
        total = total.reshape(-1, q, q)
        sxx = total[:, cols][:, :, cols]
        sxy = total[:, cols, y]
        return np.linalg.solve(sxx, sxy[..., None])[:, : len(regressors), 0]
