r"""Hausman test of fixed against random effects (linearmodels has none).

.. math::

    H = (\hat\beta_{FE} - \hat\beta_{RE})' \left[\hat V_{FE} - \hat V_{RE}\right]^{-1}
        (\hat\beta_{FE} - \hat\beta_{RE}) \sim \chi^2_q

over the :math:`q` named regressors of the formula (not the constant, not the year
dummies). As plm's ``phtest`` (default method) and Stata's ``hausman fe re``, both
covariances are the conventional, non-robust ones: :math:`\hat V_{FE}` with
:math:`s^2 = \mathrm{SSR}/(n-N-k)` and :math:`\hat V_{RE}` of the Swamy-Arora GLS
estimator (linearmodels ``RandomEffects``). With ``TimeEffects`` the year dummies enter
both models as regressors. If :math:`\hat V_{FE} - \hat V_{RE}` is not positive
definite, its Moore-Penrose inverse is used and :math:`q` is its rank, and the result
says so in ``note`` (Stata prints the same warning); if then :math:`H < 0` the p-value is
``nan`` (Stata prints none either).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from linearmodels import PanelOLS, RandomEffects
from scipy import stats

from resilience.panel import Design, Formula


@dataclass(frozen=True)
class HausmanResult:
    r"""Outcome of :func:`hausman_test`.

    Attributes
    ----------
    statistic : float
        :math:`H`.
    df : int
        Degrees of freedom :math:`q` (rank of the covariance difference).
    pvalue : float
        :math:`P(\chi^2_q > H)`.
    terms : tuple of str
        Coefficients compared.
    fe_params, re_params : dict
        The compared coefficients under each estimator.
    note : str
        Empty, or a warning when the covariance difference is not positive definite.
    """

    statistic: float
    df: int
    pvalue: float
    terms: tuple[str, ...]
    fe_params: dict[str, float]
    re_params: dict[str, float]
    note: str = ""

    @property
    def conclusion(self) -> str:
        """``"fixed effects"`` if random effects are rejected at 5 %, else ``"random effects"``."""
        return "fixed effects" if self.pvalue < 0.05 else "random effects"

    def to_json(self) -> str:
        """JSON of all fields."""
        return json.dumps(asdict(self))


def hausman_test(formula: str, data: pd.DataFrame, entity: str, time: str,
                 terms: list[str] | None = None) -> HausmanResult:
    r"""Hausman test of fixed (within) against random (Swamy-Arora GLS) effects.

    .. math::

        H = (\hat\beta_{FE} - \hat\beta_{RE})' [\hat V_{FE} - \hat V_{RE}]^{-1}
        (\hat\beta_{FE} - \hat\beta_{RE})

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"``, optionally with ``+ EntityEffects`` (implied) and
        ``+ TimeEffects`` (year dummies in both models).
    data : pandas.DataFrame
        Long panel.
    entity, time : str
        Entity and time columns.
    terms : list of str, optional
        Coefficients to compare; default all named regressors of the formula.

    Returns
    -------
    HausmanResult
    """
    parsed = Formula.parse(formula)
    design = Design.build(parsed, data, entity, time, model_id=f"hausman {formula}")
    compared = list(terms or parsed.terms)
    fe = PanelOLS(design.dependent, design.exog, entity_effects=True).fit(
        cov_type="unadjusted", debiased=True)
    re = RandomEffects(design.dependent, design.exog).fit(cov_type="unadjusted",
                                                          debiased=True)
    diff = (fe.params[compared] - re.params[compared]).to_numpy()
    v = (fe.cov.loc[compared, compared] - re.cov.loc[compared, compared]).to_numpy()
    eigenvalues = np.linalg.eigvalsh(v)
    note = ""
    if eigenvalues.min() <= 0:
        note = ("V_FE - V_RE is not positive definite; a generalised inverse is used and "
                "df is its rank")
    rank = int(np.linalg.matrix_rank(v))
    statistic = float(diff @ np.linalg.pinv(v) @ diff)
    pvalue = float(stats.chi2.sf(statistic, rank))
    if statistic < 0:
        pvalue = float("nan")
        note += ("; H < 0, so the test is not informative (Stata: the model fitted on these "
                 "data fails to meet the asymptotic assumptions of the Hausman test)")
    return HausmanResult(statistic, rank, pvalue,
                         tuple(compared),
                         {t: float(fe.params[t]) for t in compared},
                         {t: float(re.params[t]) for t in compared}, note)
