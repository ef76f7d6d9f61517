r"""Oracle: the cluster bootstrap and the permutation test, one full refit per draw.

Source: the textbook definitions -- the cluster (block) bootstrap of Cameron, Gelbach &
Miller (2008, "Bootstrap-based improvements for inference with clustered errors", REStat
90(3)): clusters drawn with replacement, a cluster drawn twice counts as two clusters; and
Fisher's permutation test of a group difference (Good, *Permutation, Parametric and
Bootstrap Tests of Hypotheses*, 2005, ch. 3): the group label reassigned to clusters at
random. An independent check, not the library's computation: :mod:`resilience.mediation`
and :mod:`resilience.heterogeneity` refit all draws at once from per-cluster moments
(:class:`resilience.panel.ClusterMoments`); here each draw builds its sample as a data
frame and refits it with linearmodels (:func:`resilience.panel.regress`), as one would by
hand:

.. math::

    (a b)^*_r = \hat a(\text{sample}_r)\,\hat b(\text{sample}_r),\qquad
    \Delta^*_r = \hat\beta(\{g^*_r = 1\}) - \hat\beta(\{g^*_r = 0\}).

Users: the mediation and heterogeneity tests and ``bench/bench_resampling.py`` (the naive
side of the speed-up).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resilience.mediation import fe_formula
from resilience.panel import regress


def resample_clusters(frame: pd.DataFrame, entity: str, draw: np.ndarray) -> pd.DataFrame:
    """Stack the clusters at positions ``draw``; copy k of cluster c becomes entity ``c#k``."""
    clusters = np.sort(frame[entity].unique())
    parts = [
        frame[frame[entity] == clusters[g]].assign(**{entity: f"{clusters[g]}#{k}"})
        for k, g in enumerate(draw)
    ]
    return pd.concat(parts, ignore_index=True)


def naive_bootstrap_indirect(
    frame: pd.DataFrame,
    outcome: str,
    treatment: str,
    mediator: str,
    controls: list[str],
    entity: str,
    time: str,
    draws: np.ndarray,
) -> np.ndarray:
    """Indirect effect :math:`a^* b^*` of each draw by refitting both equations on it.

    The reference for :func:`resilience.mediation.bootstrap_indirect` (same arguments;
    ``draws`` are ``(B, G)`` cluster positions in the sorted cluster labels).
    """
    out = np.empty(draws.shape[0])
    for r, draw in enumerate(draws):
        sample = resample_clusters(frame, entity, draw)
        a = regress(
            fe_formula(mediator, [treatment, *controls]), sample, entity, time, cov="unadjusted"
        ).params[treatment]
        b = regress(
            fe_formula(outcome, [treatment, mediator, *controls]),
            sample,
            entity,
            time,
            cov="unadjusted",
        ).params[mediator]
        out[r] = a * b
    return out


def naive_permutation_differences(
    frame: pd.DataFrame,
    outcome: str,
    regressors: list[str],
    entity: str,
    time: str,
    assignments: np.ndarray,
) -> np.ndarray:
    """Group difference of ``regressors[0]`` per draw by refitting both groups.

    The reference for :func:`resilience.heterogeneity.permutation_differences` (same
    arguments; ``assignments`` are ``(R, G)`` 0/1 groups of the sorted clusters).
    """
    provinces = np.sort(frame[entity].unique())
    formula = fe_formula(outcome, regressors)
    out = np.empty(assignments.shape[0])
    for r, assignment in enumerate(assignments):
        in_one = frame[entity].isin(provinces[assignment == 1])
        one = regress(formula, frame[in_one], entity, time, "unadjusted").params
        zero = regress(formula, frame[~in_one], entity, time, "unadjusted").params
        out[r] = one[regressors[0]] - zero[regressors[0]]
    return out
