r"""Wild cluster restricted (WCR) bootstrap p-value of one coefficient of a FE model.

With 30 provinces the cluster-robust :math:`t` test over-rejects; the wild cluster
bootstrap with the null imposed (Cameron, Gelbach & Miller 2008, "Bootstrap-based
improvements for inference with clustered errors", *REStat* 90(3)) is the referees'
remedy. For the focal coefficient :math:`\beta` (the first named regressor) of
``y = x\beta + Z\gamma + \mu_i + \varepsilon`` (:math:`Z`: the other regressors and the
year dummies, entity effects swept out, as :func:`resilience.panel.regress` fits it):

1. Restricted fit under :math:`H_0: \beta = 0`: residuals :math:`\tilde u = M_Z \tilde y`
   (:math:`\tilde{\cdot}`: deviation from the province mean).
2. For each draw :math:`b` a weight :math:`v_{bg}` per province, and
   :math:`y^*_b = Z\tilde\gamma + \tilde u \, v_{bg}`, refitted with the model.
3. :math:`t^*_b = \hat\beta^*_b / \mathrm{se}^*_b` with the model's cluster-robust SE
   (by province, Stata's factor :math:`\frac{G}{G-1}\frac{n-1}{n-k}`; the one-way SE by
   province also when the model's ``cov`` is another, e.g. ``clustered-twoway``: the
   draws are by province).
4. The symmetric two-sided p-value

   .. math::

       p^* = \frac{1}{B} \sum_{b=1}^{B} \mathbb{1}\big[\,|t^*_b| > |\hat t|\,\big],

   Stata ``boottest``'s default (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild:
   bootstrap inference in Stata using boottest", *Stata Journal* 19(1), eq. 3 with the
   symmetric :math:`|t|`), the ``"two-tailed"`` p-value of the Python ``wildboottest``
   package and R ``fwildclusterboot``. A draw within :math:`10^{-10}` relative of
   :math:`|\hat t|` counts as a tie, not as exceeding it: the draws :math:`v = \pm 1`
   reproduce :math:`\hat t` exactly in theory and only rounding would decide them.

Weights: Rademacher (:math:`\pm 1`, each 1/2) and Webb's six-point (:math:`\pm\sqrt{1/2},
\pm 1, \pm\sqrt{3/2}`, each 1/6; Webb 2023, *Canadian J. Economics*), drawn with
``numpy.random.default_rng(seed)``, one generator per weight type, so each p-value is
reproducible on its own. With Rademacher weights and :math:`2^G \le B` all :math:`2^G`
sign vectors are enumerated instead (as ``boottest`` does), :math:`B = 2^G`, and the p-value
is exact (no seed); the result records it (``enumerated``).

Computation (Roodman et al. 2019, section 5): by Frisch-Waugh-Lovell with
:math:`\ddot x = M_Z \tilde x`, every draw is a linear map of the weights. With, per
province :math:`g`, :math:`a_g = \ddot x_g'\tilde u_g`, :math:`q_g = \ddot x_g'\ddot x_g`,
:math:`Q = \sum_g q_g` and :math:`M_{hg} = \tilde u_h' Z_h (Z'Z)^{-1} Z_g' \ddot x_g`,

.. math::

    \hat\beta^*_b = \frac{\sum_g v_{bg} a_g}{Q}, \qquad
    s^*_{bg} = v_{bg} a_g - \sum_h v_{bh} M_{hg} - q_g \hat\beta^*_b, \qquad
    \mathrm{se}^*_b = \frac{\sqrt{c \sum_g s^{*2}_{bg}}}{Q},

all computed from the per-province cross-products of
:class:`resilience.panel.ClusterMoments` (the mediation bootstrap's), so the B draws are
one ``(B, G)`` matrix product. The observed :math:`\hat t` is the same formula at
:math:`v = 1` and equals the model's :math:`t`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from resilience import jsonio
from resilience.errors import EstimationError
from resilience.panel import ClusterMoments, PanelResults
from resilience.results import TestKind

WEIGHT_VALUES = {
    "rademacher": np.array([-1.0, 1.0]),
    "webb": np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)]),
}
"""The support of each weight distribution (all values equally likely)."""
WEIGHTS = tuple(WEIGHT_VALUES)
DEFAULT_REPS = 9999
DEFAULT_SEED = 20250905
TIE_TOL = 1e-10
"""Relative distance to :math:`|\\hat t|` within which a bootstrap :math:`|t^*|` is a tie."""


def draw_weights(weights: str, n_clusters: int, reps: int, seed: int) -> tuple[np.ndarray, bool]:
    r"""Weights ``(draws, clusters)`` and whether they enumerate all sign vectors.

    Rademacher with :math:`2^G \le` ``reps``: the :math:`2^G` vectors of
    ``itertools.product([-1, 1], repeat=G)`` (no seed). Otherwise ``reps`` draws of
    ``numpy.random.default_rng(seed).choice(values, (reps, G))``.
    """
    if weights not in WEIGHT_VALUES:
        raise ValueError(f"bootstrap weights {weights!r} are not one of {WEIGHTS}")
    if weights == "rademacher" and 2**n_clusters <= reps:
        signs = np.array(list(itertools.product([-1.0, 1.0], repeat=n_clusters)))
        return signs, True
    rng = np.random.default_rng(seed)
    return rng.choice(WEIGHT_VALUES[weights], size=(reps, n_clusters)), False


@dataclass(frozen=True)
class WildBootstrap:
    """One WCR bootstrap test of ``term = 0`` (a ``results.tests`` row).

    Attributes
    ----------
    term : str
        The focal coefficient.
    weights : str
        ``rademacher`` or ``webb``.
    statistic : float
        The :math:`t` with the SE clustered by entity (Stata's factor): the model's own
        :math:`t` when its ``cov`` is ``clustered``; the bootstrap always clusters by
        entity, whatever the model's covariance (``detail["cluster"]``).
    p_value : float
        Symmetric bootstrap p-value (module docstring).
    reps : int
        Draws used (:math:`2^G` when enumerated).
    reps_requested, seed : int
        The settings asked for.
    enumerated : bool
        All :math:`2^G` Rademacher sign vectors were used.
    n_clusters : int
        Provinces (clusters) :math:`G`.
    """

    term: str
    weights: str
    statistic: float
    p_value: float
    reps: int
    reps_requested: int
    seed: int
    enumerated: bool
    n_clusters: int

    @property
    def kind(self) -> TestKind:
        """Its ``results.tests`` kind: family ``wild_bootstrap``, variant the weights."""
        return TestKind("wild_bootstrap", self.weights)

    @property
    def test_name(self) -> str:
        """``wild_bootstrap_<weights>``."""
        return self.kind.test_name

    def detail(self) -> dict[str, Any]:
        """Return the JSON ``detail`` of the ``results.tests`` row."""
        return {
            "term": self.term,
            "weights": self.weights,
            "method": "WCR (wild cluster restricted), null beta = 0 imposed",
            "null_imposed": True,
            "p_value_type": "symmetric: share of |t*| > |t|",
            "reps": self.reps,
            "reps_requested": self.reps_requested,
            "seed": None if self.enumerated else self.seed,
            "enumerated": self.enumerated,
            "n_clusters": self.n_clusters,
            "cluster": "entity",
        }

    def to_json(self) -> str:
        """JSON of :meth:`detail`."""
        return jsonio.dumps(self.detail())


class FocalBootstrap:
    r"""The WCR bootstrap of one coefficient, set up once, evaluated for any weights.

    Parameters
    ----------
    result : PanelResults
        A model with entity effects (the clusters are its entities).
    term : str, optional
        The coefficient; default the first named regressor.
    """

    def __init__(self, result: PanelResults, term: str | None = None) -> None:
        formula = result.formula
        term = term or formula.terms[0]
        if not formula.entity_effects:
            raise EstimationError(
                f"model {result.model_id!r}: the wild cluster bootstrap here needs entity "
                "effects (EntityEffects; effects: entity or two-way)"
            )
        if term not in formula.terms:
            raise EstimationError(
                f"model {result.model_id!r}: {term!r} is not a regressor of {formula}"
            )
        entity, time = result.panel_index
        moments = ClusterMoments(result.sample, [formula.outcome, *formula.terms], entity, time)
        others = [t for t in formula.terms if t != term]
        z = [*others, *(moments.dummies if formula.time_effects else [])]
        y, x = formula.outcome, term
        szz = moments.cross(z, z)
        szx = moments.cross(z, [x])[:, :, 0]
        szy = moments.cross(z, [y])[:, :, 0]
        sxx = moments.cross([x], [x])[:, 0, 0]
        sxy = moments.cross([x], [y])[:, 0, 0]
        zz = szz.sum(axis=0)
        pi_x = np.linalg.solve(zz, szx.sum(axis=0))
        pi_y = np.linalg.solve(zz, szy.sum(axis=0))
        self._a = sxy - szy @ pi_x - szx @ pi_y + np.einsum("i,gij,j->g", pi_x, szz, pi_y)
        self._q = sxx - 2 * szx @ pi_x + np.einsum("i,gij,j->g", pi_x, szz, pi_x)
        r = szx - szz @ pi_x  # Z_g' x..
        u = szy - szz @ pi_y  # Z_h' u~
        self._m = np.linalg.solve(zz, u.T).T @ r.T  # M[h, g]
        n, k = result.nobs, len(result.params)
        g = len(moments.clusters)
        self._c = g / (g - 1) * (n - 1) / (n - k)
        self.term = term
        self.n_clusters = g
        self.t_stat = float(self.t_stats(np.ones((1, g)))[0])

    def t_stats(self, v: np.ndarray) -> np.ndarray:
        """Bootstrap :math:`t^*` for each row of the weights ``v`` ``(draws, clusters)``."""
        v = np.asarray(v, dtype=float)
        q_total = self._q.sum()
        beta = v @ self._a / q_total
        scores = v * self._a - v @ self._m - beta[:, None] * self._q[None, :]
        se = np.sqrt(self._c * (scores**2).sum(axis=1)) / q_total
        return beta / se

    def p_value(self, t_boot: np.ndarray) -> float:
        r"""Symmetric p-value: share of :math:`|t^*| > |\hat t|` (ties within TIE_TOL not)."""
        return float(np.mean(np.abs(t_boot) > abs(self.t_stat) * (1 + TIE_TOL)))

    def test(
        self, weights: str, reps: int = DEFAULT_REPS, seed: int = DEFAULT_SEED
    ) -> WildBootstrap:
        """Run the bootstrap with ``weights`` and return its :class:`WildBootstrap`."""
        v, enumerated = draw_weights(weights, self.n_clusters, reps, seed)
        return WildBootstrap(
            self.term,
            weights,
            self.t_stat,
            self.p_value(self.t_stats(v)),
            len(v),
            reps,
            seed,
            enumerated,
            self.n_clusters,
        )
