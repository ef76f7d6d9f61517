r"""Mediation analysis on a two-way fixed-effects panel.

Three equations, each estimated by :func:`resilience.panel.regress` (province and year
effects, the model's covariance):

.. math::

    Y_{it} &= \alpha_1 + c\,X_{it} + \gamma_1'W_{it} + \mu_i + \delta_t + e_{1,it}
    \quad\text{(total effect)}\\
    M_{it} &= \alpha_2 + a\,X_{it} + \gamma_2'W_{it} + \mu_i + \delta_t + e_{2,it}\\
    Y_{it} &= \alpha_3 + c'X_{it} + b\,M_{it} + \gamma_3'W_{it} + \mu_i + \delta_t + e_{3,it}

Jiang Ting's (2022) two-step procedure, which the Wang & Lu paper follows, reports the
first two equations only (:math:`c` and :math:`a`). The classic third step adds
:math:`c'` and :math:`b`, the indirect effect :math:`ab`, the Sobel test

.. math::

    z = \frac{\hat a \hat b}{\sqrt{\hat b^2 \widehat{se}_a^2 + \hat a^2 \widehat{se}_b^2}},

and a cluster (province) bootstrap of :math:`\hat a\hat b`: provinces are drawn with
replacement, a province drawn twice counts as two provinces, and both equations are refit
on each draw with :class:`resilience.panel.ClusterMoments` (exact, batched). Intervals:
percentile :math:`[\hat\theta^*_{(\alpha/2)}, \hat\theta^*_{(1-\alpha/2)}]` and
bias-corrected :math:`[\hat\theta^*_{(\Phi(2z_0 + z_{\alpha/2}))},
\hat\theta^*_{(\Phi(2z_0 + z_{1-\alpha/2}))}]` with
:math:`z_0 = \Phi^{-1}(\#\{\hat\theta^*_r < \hat\theta\}/B)`.

All three equations use the same sample: the rows complete in :math:`Y, M, X, W`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from resilience import jsonio
from resilience.panel import ClusterMoments, PanelResults, complete_rows, regress
from resilience.results import TestKind, tests_frame


def fe_formula(outcome: str, regressors: list[str]) -> str:
    """Two-way fixed-effects formula ``outcome ~ regressors + EntityEffects + TimeEffects``."""
    return f"{outcome} ~ " + " + ".join([*regressors, "EntityEffects", "TimeEffects"])


def cluster_draws(n_clusters: int, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap draws of cluster positions, ``(n_boot, n_clusters)`` integers, seeded."""
    return np.random.default_rng(seed).integers(0, n_clusters, size=(n_boot, n_clusters))


def draw_counts(draws: np.ndarray, n_clusters: int) -> np.ndarray:
    """How often each cluster appears in each draw, ``(n_boot, n_clusters)``."""
    rows = np.repeat(np.arange(draws.shape[0]), draws.shape[1])
    counts = np.zeros((draws.shape[0], n_clusters))
    np.add.at(counts, (rows, draws.ravel()), 1.0)
    return counts


def bootstrap_indirect(
    frame: pd.DataFrame,
    outcome: str,
    treatment: str,
    mediator: str,
    controls: list[str],
    entity: str,
    time: str,
    draws: np.ndarray,
) -> np.ndarray:
    r"""Indirect effect :math:`a^*_r b^*_r` of each cluster-bootstrap draw, vectorised.

    Parameters
    ----------
    frame : pandas.DataFrame
        Complete rows.
    outcome, treatment, mediator : str
        :math:`Y`, :math:`X`, :math:`M`.
    controls : list of str
        :math:`W`.
    entity, time : str
        Cluster (entity) and time columns.
    draws : numpy.ndarray
        ``(B, G)`` cluster positions from :func:`cluster_draws`, positions in the sorted
        cluster labels.

    Returns
    -------
    numpy.ndarray
        ``(B,)`` bootstrap indirect effects.
    """
    moments = ClusterMoments(frame, [outcome, mediator, treatment, *controls], entity, time)
    counts = draw_counts(draws, len(moments.clusters))
    a = moments.solve(counts, mediator, [treatment, *controls])[:, 0]
    b = moments.solve(counts, outcome, [treatment, mediator, *controls])[:, 1]
    return a * b


def bootstrap_intervals(
    draws: np.ndarray, estimate: float, level: float = 0.95
) -> dict[str, list[float]]:
    r"""Percentile and bias-corrected bootstrap intervals.

    .. math::

        z_0 = \Phi^{-1}\big(\#\{\theta^*_r < \hat\theta\}/B\big),\quad
        \text{BC} = \big[Q^*(\Phi(2z_0 + z_{\alpha/2})),\ Q^*(\Phi(2z_0 + z_{1-\alpha/2}))\big]

    Parameters
    ----------
    draws : numpy.ndarray
        Bootstrap replicates :math:`\theta^*_r`.
    estimate : float
        Point estimate :math:`\hat\theta`.
    level : float
        Coverage.

    Returns
    -------
    dict
        ``percentile`` and ``bias_corrected`` as ``[lower, upper]``.
    """
    alpha = 1 - level
    percentile = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    z0 = stats.norm.ppf(np.mean(draws < estimate))
    z = stats.norm.ppf([alpha / 2, 1 - alpha / 2])
    corrected = np.quantile(draws, stats.norm.cdf(2 * z0 + z))
    return {"percentile": percentile.tolist(), "bias_corrected": corrected.tolist()}


@dataclass(frozen=True)
class MediationResult:
    r"""Outcome of :func:`mediation`.

    Attributes
    ----------
    total, first, third : PanelResults
        :math:`Y \sim X`, :math:`M \sim X`, :math:`Y \sim X + M` (all with :math:`W`).
    treatment, mediator, outcome : str
        :math:`X`, :math:`M`, :math:`Y`.
    boot : numpy.ndarray
        Bootstrap replicates of :math:`ab`.
    intervals : dict
        :func:`bootstrap_intervals` of ``boot``.
    level : float
        Interval coverage.
    seed : int
        Seed of the bootstrap.
    n_dropped : int
        Rows dropped for missing values.
    """

    total: PanelResults
    first: PanelResults
    third: PanelResults
    treatment: str
    mediator: str
    outcome: str
    boot: np.ndarray
    intervals: dict[str, list[float]]
    level: float
    seed: int
    n_dropped: int

    @property
    def a(self) -> float:
        """Effect of the treatment on the mediator."""
        return float(self.first.params[self.treatment])

    @property
    def b(self) -> float:
        """Effect of the mediator on the outcome, given the treatment."""
        return float(self.third.params[self.mediator])

    @property
    def indirect(self) -> float:
        """Indirect effect :math:`ab`."""
        return self.a * self.b

    @property
    def direct(self) -> float:
        """Direct effect :math:`c'`."""
        return float(self.third.params[self.treatment])

    @property
    def proportion_mediated(self) -> float:
        """:math:`ab / (ab + c')`."""
        return self.indirect / (self.indirect + self.direct)

    @property
    def sobel(self) -> dict[str, float]:
        """Sobel test: ``se``, ``z`` and two-sided normal ``p_value``."""
        se_a = float(self.first.std_errors[self.treatment])
        se_b = float(self.third.std_errors[self.mediator])
        se = float(np.sqrt(self.b**2 * se_a**2 + self.a**2 * se_b**2))
        z = self.indirect / se
        return {"se": se, "z": z, "p_value": float(2 * stats.norm.sf(abs(z)))}

    @property
    def boot_pvalue(self) -> float:
        """Two-sided bootstrap p-value of :math:`ab = 0`: twice the smaller tail share."""
        share = np.mean(self.boot <= 0)
        return float(min(1.0, 2 * min(share, 1 - share)))

    def summary_dict(self) -> dict[str, Any]:
        """Scalars: effects, Sobel test, bootstrap intervals."""
        return {
            "treatment": self.treatment,
            "mediator": self.mediator,
            "outcome": self.outcome,
            "total_effect": float(self.total.params[self.treatment]),
            "a": self.a,
            "b": self.b,
            "direct": self.direct,
            "indirect": self.indirect,
            "proportion_mediated": self.proportion_mediated,
            "sobel": self.sobel,
            "bootstrap": {
                "n_boot": int(self.boot.size),
                "seed": self.seed,
                "level": self.level,
                "se": float(self.boot.std(ddof=1)),
                "p_value": self.boot_pvalue,
                **self.intervals,
            },
            "nobs": self.first.nobs,
            "n_dropped": self.n_dropped,
        }

    def tidy(self) -> pd.DataFrame:
        """Rows of ``results.tests``: ``sobel`` and ``cluster_bootstrap_indirect``."""
        summary = self.summary_dict()
        detail = jsonio.dumps(summary)
        return tests_frame(
            [
                (
                    TestKind("sobel", mediator=self.mediator),
                    self.sobel["z"],
                    None,
                    self.sobel["p_value"],
                    detail,
                ),
                (
                    TestKind("cluster_bootstrap_indirect", mediator=self.mediator),
                    self.indirect,
                    None,
                    self.boot_pvalue,
                    detail,
                ),
            ]
        )

    def to_json(self) -> str:
        """JSON of :meth:`summary_dict`."""
        return jsonio.dumps(self.summary_dict())


def mediation(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    mediator: str,
    controls: list[str],
    entity: str,
    time: str,
    cov: str | Mapping[str, Any] = "clustered",
    n_boot: int = 5000,
    seed: int = 20250905,
    level: float = 0.95,
    model_ids: tuple[str, str, str] = ("total", "first", "third"),
) -> MediationResult:
    r"""Two-step (Jiang Ting) and three-step mediation with Sobel and cluster bootstrap.

    .. math::

        Y = cX + \gamma_1'W + \mu_i + \delta_t,\quad M = aX + \gamma_2'W + \mu_i + \delta_t,
        \quad Y = c'X + bM + \gamma_3'W + \mu_i + \delta_t

    Parameters
    ----------
    data : pandas.DataFrame
        Panel rows (already filtered to the sample).
    outcome, treatment, mediator : str
        :math:`Y`, :math:`X`, :math:`M`.
    controls : list of str
        :math:`W`.
    entity, time : str
        Entity (= bootstrap cluster) and time columns.
    cov : str or mapping
        Covariance of the three regressions (see :func:`resilience.panel.regress`).
    n_boot : int
        Bootstrap draws :math:`B`.
    seed : int
        Seed of the draws.
    level : float
        Coverage of the intervals.
    model_ids : tuple of str
        Identifiers of the three regressions.

    Returns
    -------
    MediationResult
    """
    frame, dropped = complete_rows(data, [entity, time, outcome, treatment, mediator, *controls])
    total = regress(
        fe_formula(outcome, [treatment, *controls]), frame, entity, time, cov, model_ids[0]
    )
    first = regress(
        fe_formula(mediator, [treatment, *controls]), frame, entity, time, cov, model_ids[1]
    )
    third = regress(
        fe_formula(outcome, [treatment, mediator, *controls]),
        frame,
        entity,
        time,
        cov,
        model_ids[2],
    )
    draws = cluster_draws(frame[entity].nunique(), n_boot, seed)
    boot = bootstrap_indirect(frame, outcome, treatment, mediator, controls, entity, time, draws)
    estimate = float(first.params[treatment] * third.params[mediator])
    return MediationResult(
        total,
        first,
        third,
        treatment,
        mediator,
        outcome,
        boot,
        bootstrap_intervals(boot, estimate, level),
        level,
        seed,
        dropped["total"],
    )
