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
``"unadjusted"`` (:math:`s^2 = \mathrm{SSR}/(n-N-k)`) and ``"driscoll-kraay"`` (Bartlett
kernel, bandwidth :math:`\lfloor 4 (T/100)^{2/9} \rfloor` as Stata ``xtscc`` unless
given). Inference uses :math:`t` with :math:`G-1` degrees of freedom for clustered,
:math:`T-1` for Driscoll-Kraay and :math:`n-N-k` otherwise, as Stata does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from linearmodels import PanelOLS
from scipy import stats

from resilience import jsonio

COV_TYPES = ("clustered", "robust", "unadjusted", "driscoll-kraay")
CONSTANT = "const"
EFFECT_TERMS = {"EntityEffects": "entity", "TimeEffects": "time"}
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
        """Parse ``formula``; raise ``ValueError`` naming what is malformed."""
        if formula.count("~") != 1:
            raise ValueError(f"formula {formula!r} must have exactly one '~'")
        lhs, rhs = (part.strip() for part in formula.split("~"))
        parts = [p.strip() for p in rhs.split("+")]
        bad = [p for p in parts if not re.fullmatch(r"[A-Za-z_][\w.]*|1|0", p)]
        if not lhs or bad:
            raise ValueError(
                f"formula {formula!r}: only 'y ~ a + b + EntityEffects + "
                f"TimeEffects' is supported; cannot read {bad or lhs!r}"
            )
        terms = tuple(p for p in parts if p not in EFFECT_TERMS and p not in ("0", "1"))
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
        One of ``clustered`` (by entity), ``robust``, ``unadjusted``, ``driscoll-kraay``.
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
        kind = {"dk": "driscoll-kraay", "cluster": "clustered"}.get(kind, kind)
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


def check_columns(data: pd.DataFrame, columns: list[str], what: str) -> None:
    """Raise ``KeyError`` naming the columns of ``columns`` absent from ``data``."""
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise KeyError(
            f"{what}: column(s) {absent} not in the data; available: "
            f"{sorted(map(str, data.columns))}"
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
    """

    dependent: pd.Series
    exog: pd.DataFrame
    frame: pd.DataFrame
    dropped: dict[str, int]

    @classmethod
    def build(
        cls, formula: Formula, data: pd.DataFrame, entity: str, time: str, model_id: str = "model"
    ) -> Design:
        """Select complete rows and build the design; errors name the model and column."""
        variables = [formula.outcome, *formula.terms]
        check_columns(data, [entity, time, *variables], f"model {model_id!r}")
        frame, dropped = complete_rows(data, [entity, time, *variables])
        if frame.empty:
            raise ValueError(f"model {model_id!r}: no complete rows (missing: {dropped})")
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
        return cls(dependent, exog, frame, dropped)


def regress(
    formula: str,
    data: pd.DataFrame,
    entity: str,
    time: str,
    cov: str | Mapping[str, Any] | Covariance | None = "clustered",
    model_id: str = "model",
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
        Identifier carried into :meth:`PanelResults.tidy`.

    Returns
    -------
    PanelResults
    """
    parsed = Formula.parse(formula)
    covariance = Covariance.coerce(cov)
    design = Design.build(parsed, data, entity, time, model_id)
    dependent, exog, frame = design.dependent, design.exog, design.frame
    model = PanelOLS(dependent, exog, entity_effects=parsed.entity_effects)
    fit = model.fit(**covariance.fit_options(frame[time].nunique()))
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
    def cov(self) -> pd.DataFrame:
        """Covariance of the coefficients."""
        return self._fit.cov

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors."""
        return self._fit.std_errors.rename("std_error")

    @property
    def tstats(self) -> pd.Series:
        """Ratios of the coefficients to their standard errors."""
        return (self.params / self.std_errors).rename("t_stat")

    @property
    def df_inference(self) -> int:
        """Degrees of freedom of the t reference distribution (Stata's choice)."""
        if self._cov.kind == "clustered":
            return self._n_entities - 1
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

    @property
    def r2_lsdv(self) -> float:
        """:math:`R^2` of the dummy-variable regression (Stata ``areg``)."""
        return float(self._fit.rsquared_inclusive)

    def wald_test(self, terms: list[str]) -> dict[str, float]:
        r"""Wald F test that the coefficients of ``terms`` are jointly zero.

        .. math:: F = \hat\beta_S' \hat V_S^{-1} \hat\beta_S / q \sim F(q, \mathrm{df})

        with the model's covariance and ``df`` = :attr:`df_inference`.

        Returns
        -------
        dict
            ``statistic``, ``df_num``, ``df_denom``, ``p_value``.
        """
        b = self.params[terms].to_numpy()
        v = self.cov.loc[terms, terms].to_numpy()
        f = float(b @ np.linalg.solve(v, b)) / len(terms)
        return {
            "statistic": f,
            "df_num": len(terms),
            "df_denom": self.df_inference,
            "p_value": float(stats.f.sf(f, len(terms), self.df_inference)),
        }

    @property
    def f_test(self) -> dict[str, float]:
        """:meth:`wald_test` of all named regressors (Stata's model F of ``xtreg, fe``)."""
        return self.wald_test(self.terms)

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
        """Scalars of the fit (sample, R-squareds, F test, covariance, effects)."""
        f = self.f_test
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
