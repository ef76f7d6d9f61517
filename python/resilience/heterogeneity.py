r"""Heterogeneity: subsample regressions and tests of the coefficient difference.

For a province-level flag :math:`g_i \in \{0, 1\}` (east / central-west, FTZ, coastal),
the two-way fixed-effects model is estimated on each group,

.. math::

    y_{it} = \alpha_g + \beta_g x_{it} + \gamma_g'W_{it} + \mu_i + \delta_{gt}
    + \varepsilon_{it}, \qquad i \in \{g_i = g\},

and :math:`\Delta = \hat\beta_1 - \hat\beta_0` is tested two ways:

* **Fisher permutation test** at the province level: the flag is reassigned to provinces
  at random (group sizes kept) :math:`R` times, both groups refit (exactly, batched, with
  :class:`resilience.panel.ClusterMoments`), and
  :math:`p = (1 + \#\{|\Delta^*_r| \ge |\Delta|\}) / (1 + R)`.
* **Interaction-model Wald test**: on the pooled sample, every regressor and year dummy is
  interacted with :math:`g_i`,

  .. math::

      y_{it} = \alpha + \beta x_{it} + \theta\, g_i x_{it} + \gamma'W_{it}
      + \kappa' g_i W_{it} + \mu_i + \delta_t + \lambda_t g_i + \varepsilon_{it},

  so that :math:`\hat\theta = \Delta` exactly, and :math:`H_0: \theta = 0` is tested with
  the model's covariance: :math:`F = (\hat\theta/\widehat{se}_\theta)^2 \sim F(1, G-1)`
  when clustered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from resilience import jsonio
from resilience.mediation import fe_formula
from resilience.panel import ClusterMoments, PanelResults, complete_rows, regress, year_dummies
from resilience.results import TestKind, tests_frame


def province_flags(frame: pd.DataFrame, flag: str, entity: str) -> pd.Series:
    """Return the flag of each province; ``ValueError`` naming a province where it varies."""
    per_entity = frame.groupby(entity)[flag].agg(["min", "max"])
    varying = per_entity.index[per_entity["min"] != per_entity["max"]]
    if len(varying):
        raise ValueError(
            f"group flag {flag!r} varies over time within {entity} "
            f"{varying[0]!r} (and {len(varying) - 1} more); permutation at the "
            "province level needs a time-invariant flag such as "
            "is_ftz_province instead of has_ftz"
        )
    return per_entity["min"].astype(bool)


def permutation_draws(labels: np.ndarray, n_perm: int, seed: int) -> np.ndarray:
    """``(n_perm, G)`` random permutations of the province labels, seeded."""
    rng = np.random.default_rng(seed)
    return rng.permuted(np.tile(labels.astype(float), (n_perm, 1)), axis=1)


def permutation_differences(
    frame: pd.DataFrame,
    outcome: str,
    regressors: list[str],
    entity: str,
    time: str,
    assignments: np.ndarray,
) -> np.ndarray:
    r"""Group difference :math:`\hat\beta_1 - \hat\beta_0` of ``regressors[0]`` per draw.

    Parameters
    ----------
    frame : pandas.DataFrame
        Complete rows of both groups.
    outcome : str
        Outcome.
    regressors : list of str
        Focal regressor first, then the controls.
    entity, time : str
        Entity and time columns.
    assignments : numpy.ndarray
        ``(R, G)`` 0/1 group of each province (sorted labels) in each draw.

    Returns
    -------
    numpy.ndarray
        ``(R,)`` differences.
    """
    moments = ClusterMoments(frame, [outcome, *regressors], entity, time)
    ones = moments.solve(assignments, outcome, regressors)[:, 0]
    zeros = moments.solve(1.0 - assignments, outcome, regressors)[:, 0]
    return ones - zeros


def interaction_frame(
    frame: pd.DataFrame, regressors: list[str], flag: str, time: str
) -> tuple[pd.DataFrame, list[str]]:
    """Add ``<x>_x_<flag>`` for the regressors and the year dummies; return the new terms."""
    group = frame[flag].astype(float).to_numpy()
    base = pd.concat([frame[regressors].astype(float), year_dummies(frame[time], time)], axis=1)
    interacted = base.mul(group, axis=0).add_suffix(f"_x_{flag}")
    return pd.concat([frame, interacted], axis=1), list(interacted.columns)


@dataclass(frozen=True)
class GroupDifference:
    """Outcome of :func:`group_difference`.

    Attributes
    ----------
    flag, focal : str
        Group flag and the regressor whose coefficient is compared.
    group1, group0 : PanelResults
        Fits on the flagged and the other provinces.
    interaction : PanelResults
        Fully interacted pooled model.
    permuted : numpy.ndarray
        Permutation replicates of the difference.
    seed : int
        Seed of the permutations.
    """

    flag: str
    focal: str
    group1: PanelResults
    group0: PanelResults
    interaction: PanelResults
    permuted: np.ndarray
    seed: int

    @property
    def difference(self) -> float:
        r""":math:`\hat\beta_1 - \hat\beta_0`."""
        return float(self.group1.params[self.focal] - self.group0.params[self.focal])

    @property
    def permutation_pvalue(self) -> float:
        """Two-sided Fisher permutation p-value, ``(1 + #|d*| >= |d|) / (1 + R)``."""
        exceed = np.sum(np.abs(self.permuted) >= abs(self.difference) * (1 - 1e-12))
        return float((1 + exceed) / (1 + self.permuted.size))

    @property
    def wald(self) -> dict[str, float]:
        """Interaction-model F test of the focal interaction (statistic, df, p-value)."""
        return self.interaction.wald_test([f"{self.focal}_x_{self.flag}"])

    def summary_dict(self) -> dict[str, Any]:
        """Scalars of both tests and both groups."""
        return {
            "flag": self.flag,
            "focal": self.focal,
            "difference": self.difference,
            "group1": {
                "model_id": self.group1.model_id,
                "nobs": self.group1.nobs,
                "estimate": float(self.group1.params[self.focal]),
            },
            "group0": {
                "model_id": self.group0.model_id,
                "nobs": self.group0.nobs,
                "estimate": float(self.group0.params[self.focal]),
            },
            "permutation": {
                "n_perm": int(self.permuted.size),
                "seed": self.seed,
                "p_value": self.permutation_pvalue,
            },
            "interaction_wald": self.wald,
        }

    def tidy(self) -> pd.DataFrame:
        """Rows of ``results.tests``: ``permutation_difference`` and ``interaction_wald``."""
        detail = jsonio.dumps(self.summary_dict())
        wald = self.wald
        return tests_frame(
            [
                (
                    TestKind("permutation_difference", flag=self.flag),
                    self.difference,
                    None,
                    self.permutation_pvalue,
                    detail,
                ),
                (
                    TestKind("interaction_wald", flag=self.flag),
                    wald["statistic"],
                    wald["df_num"],
                    wald["p_value"],
                    detail,
                ),
            ]
        )

    def to_json(self) -> str:
        """JSON of :meth:`summary_dict`."""
        return jsonio.dumps(self.summary_dict())


def group_difference(
    data: pd.DataFrame,
    outcome: str,
    focal: str,
    controls: list[str],
    flag: str,
    entity: str,
    time: str,
    cov: str | Mapping[str, Any] = "clustered",
    n_perm: int = 1000,
    seed: int = 20250905,
    model_ids: tuple[str, str] = ("group1", "group0"),
) -> GroupDifference:
    r"""Subsample regressions by ``flag`` and tests of the difference of ``focal``.

    .. math::

        \Delta = \hat\beta_{g=1} - \hat\beta_{g=0}

    Parameters
    ----------
    data : pandas.DataFrame
        Panel rows of both groups (already filtered to the base sample).
    outcome, focal : str
        Outcome and the regressor compared.
    controls : list of str
        Other regressors.
    flag : str
        Boolean column, constant within each province.
    entity, time : str
        Entity and time columns.
    cov : str or mapping
        Covariance of the regressions.
    n_perm : int
        Permutation draws :math:`R`.
    seed : int
        Seed of the permutations.
    model_ids : tuple of str
        Identifiers of the flagged and the other group's regressions.

    Returns
    -------
    GroupDifference
    """
    regressors = [focal, *controls]
    frame, _ = complete_rows(data, [entity, time, outcome, flag, *regressors])
    labels = province_flags(frame, flag, entity)
    in_one = frame[flag].astype(bool)
    formula = fe_formula(outcome, regressors)
    group1 = regress(formula, frame[in_one], entity, time, cov, model_ids[0])
    group0 = regress(formula, frame[~in_one], entity, time, cov, model_ids[1])
    pooled, interactions = interaction_frame(frame, regressors, flag, time)
    interaction = regress(
        fe_formula(outcome, [*regressors, *interactions]),
        pooled,
        entity,
        time,
        cov,
        f"{model_ids[0]}_interaction",
    )
    assignments = permutation_draws(labels.sort_index().to_numpy(), n_perm, seed)
    permuted = permutation_differences(frame, outcome, regressors, entity, time, assignments)
    return GroupDifference(flag, focal, group1, group0, interaction, permuted, seed)
