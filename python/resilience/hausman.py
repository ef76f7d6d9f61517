r"""Hausman test of fixed against random effects, with Stata's conventions.

linearmodels 7.1 added ``RandomEffectsResults.hausman``; this wrapper keeps what the
papers' Stata workflow needs and it lacks: Stata's choice of the coefficients compared,
the named-regressors variant as an option, and :math:`q` = the rank of the covariance
difference when it is not positive definite (Stata) rather than the number of
coefficients. Where the two coincide (same terms, positive definite difference) the
statistics are equal, which ``tests/python/test_hausman.py`` checks for all three
``sigma`` variants.

.. math::

    H = (\hat\beta_{FE} - \hat\beta_{RE})' \left[\hat V_{FE} - \hat V_{RE}\right]^{-}
        (\hat\beta_{FE} - \hat\beta_{RE}) \sim \chi^2_q

Which coefficients (``compare``):

``"shared"`` (default, Stata's ``hausman fe re``)
    every coefficient both models estimate except the constant: the named regressors and,
    with ``TimeEffects``, the year dummies too. StataCorp, *Stata Base Reference Manual*,
    [R] hausman: the test uses the coefficients common to both models, the estimated
    intercepts excluded unless option ``constant`` is given ("Options"), and
    "Methods and formulas" defines :math:`H` with a generalised (Moore-Penrose) inverse
    of :math:`V_b - V_B` and :math:`q` = its rank (option ``df()`` overrides it). plm's
    ``phtest`` (R) compares the same set: the coefficients both models share but the
    intercept.
``"named"``
    only the named regressors of the formula (not the constant, not the year dummies):
    the warehouse's convention before issue 15 (Stata ``hausman fe re`` after
    ``xtreg ... i.year`` with the year dummies excluded by hand, e.g. by re-fitting
    with only the regressors of interest stored).

As plm's ``phtest`` (default method) and Stata's ``hausman fe re``, both covariances are
the conventional, non-robust ones: :math:`\hat V_{FE}` with
:math:`s^2 = \mathrm{SSR}/(n-N-k)` and :math:`\hat V_{RE}` of the Swamy-Arora GLS
estimator (linearmodels ``RandomEffects``). With ``TimeEffects`` the year dummies enter
both models as regressors. If :math:`\hat V_{FE} - \hat V_{RE}` is not positive
definite (``positive_definite`` false), its Moore-Penrose inverse is used and :math:`q`
is its rank, and the result says so in ``note`` (Stata prints the same warning); if then
:math:`H < 0` the p-value is ``nan`` (Stata prints none either). When it is positive
definite the generalised inverse is the inverse and :math:`q` the number compared.

``sigma="more"`` / ``sigma="less"`` are Stata's ``hausman fe re, sigmamore`` /
``sigmaless``: both covariances use one common estimate of the idiosyncratic variance
(that of RE, the efficient estimator, or of FE, the consistent one), which makes
:math:`\hat V_{FE} - \hat V_{RE}` positive semi-definite (see :func:`hausman_test`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from linearmodels import PanelOLS, RandomEffects
from linearmodels.panel.utility import AbsorbingEffectError
from scipy import stats

from resilience import jsonio
from resilience.panel import CONSTANT, Design, Formula, absorbed_message

SIGMA_VARIANTS = ("separate", "more", "less")
COMPARE_VARIANTS = ("shared", "named")
COMPARE_LABELS = {"shared": "shared (Stata default)", "named": "named regressors"}
"""How tables and reports name each ``compare`` convention."""
RANK_RTOL = 1e-10
"""Singular values of :math:`\\hat V_{FE} - \\hat V_{RE}` at or below this times the
largest count as zero, for its rank :math:`q` and Moore-Penrose inverse (and it is positive
definite only if every eigenvalue is above that). NumPy's default (about ``n * 2.2e-16``)
is too tight: with the year dummies and ``sigma="more"`` the difference has exact rank 5 of
21 on the Chen demo, and round-off leaves singular values near 1e-13 that it would invert.
The value is this package's choice; Stata's Mata tolerance is not reproduced."""
HAUSMAN_TESTS = {
    None: ("shared", "separate"),
    "sigmamore": ("shared", "more"),
    "named": ("named", "separate"),
    "named_sigmamore": ("named", "more"),
}
"""``results.tests.variant`` of the Hausman rows ``resilience estimate`` writes (family
``hausman``; ``test_name`` ``hausman``, ``hausman_sigmamore``, ...), and their ``(compare,
sigma)``: no variant is Stata's default comparison (what the tables print), ``named`` the
named-regressors variant; ``detail`` holds both fields too."""


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
        Coefficients compared (with ``compare="shared"`` the year dummies too).
    fe_params, re_params : dict
        The compared coefficients under each estimator.
    note : str
        Empty, or a warning when the covariance difference is not positive definite.
    sigma : str
        Which variance estimates the covariances use: ``"separate"`` (each its own, plm
        ``phtest``, Stata ``hausman fe re``), ``"more"`` (both the RE one, Stata
        ``sigmamore``) or ``"less"`` (both the FE one, Stata ``sigmaless``).
    compare : str
        Which coefficients: ``"shared"`` (all both models share but the constant, Stata's
        default) or ``"named"`` (the named regressors only).
    positive_definite : bool
        Whether :math:`\hat V_{FE} - \hat V_{RE}` (over the compared terms) is positive
        definite; if not, its Moore-Penrose inverse is used and ``df`` is its rank.
    se_difference : dict
        :math:`\sqrt{\operatorname{diag}(\hat V_{FE} - \hat V_{RE})}` per term, Stata's
        ``sqrt(diag(V_b-V_B))`` column; NaN where that diagonal is negative (Stata ``.``).
    """

    statistic: float
    df: int
    pvalue: float
    terms: tuple[str, ...]
    fe_params: dict[str, float]
    re_params: dict[str, float]
    note: str = ""
    sigma: str = "separate"
    compare: str = "shared"
    positive_definite: bool = True
    se_difference: dict[str, float] = field(default_factory=dict)

    @property
    def conclusion(self) -> str:
        """``"fixed effects"`` if random effects are rejected at 5 %, else ``"random effects"``."""
        return "fixed effects" if self.pvalue < 0.05 else "random effects"

    def to_json(self) -> str:
        """JSON of all fields."""
        return jsonio.dumps(asdict(self))


def hausman_test(
    formula: str,
    data: pd.DataFrame,
    entity: str,
    time: str,
    terms: list[str] | None = None,
    sigma: str = "separate",
    compare: str = "shared",
) -> HausmanResult:
    r"""Hausman test of fixed (within) against random (Swamy-Arora GLS) effects.

    .. math::

        H = (\hat\beta_{FE} - \hat\beta_{RE})' [\hat V_{FE} - \hat V_{RE}]^{-}
        (\hat\beta_{FE} - \hat\beta_{RE}), \qquad q = \operatorname{rank}(\hat V_{FE} - \hat V_{RE})

    over the coefficients that ``compare`` selects: by default (``"shared"``) all that both
    models estimate except the constant, year dummies included, as Stata's
    ``hausman fe re`` (StataCorp, *Stata Base Reference Manual*, [R] hausman, "Methods
    and formulas": Moore-Penrose inverse, :math:`q` the rank of the difference) and plm's
    ``phtest``; ``"named"`` compares the named regressors only. :math:`[\cdot]^{-}` is
    the Moore-Penrose inverse, the inverse when the difference is positive definite.

    Both covariances are the conventional ones, :math:`s^2` times the inverse cross-product
    of the regressors of the regression that gives the estimate. The within estimator
    (linearmodels ``PanelOLS`` with entity effects) regresses the entity-demeaned
    :math:`\tilde y_{it} = y_{it} - \bar y_i` on :math:`\tilde X`:

    .. math::

        \hat V_{FE} = s^2_{FE} (\tilde X'\tilde X)^{-1}, \qquad
        s^2_{FE} = \frac{\tilde e'\tilde e}{n - N - k},

    the idiosyncratic variance :math:`\hat\sigma^2_e` (Stata ``e(sigma_e)^2`` after
    ``xtreg, fe``; the "Residual" of linearmodels' ``variance_decomposition``). The
    Swamy-Arora estimator (linearmodels ``RandomEffects``) is OLS on the quasi-demeaned
    :math:`y^*_{it} = y_{it} - \theta_i \bar y_i`, :math:`X^* = X - \theta_i \bar X_i`
    (constant included), :math:`\theta_i = 1 - \sqrt{\hat\sigma^2_e / (T_i
    \hat\sigma^2_u + \hat\sigma^2_e)}`, whose error has variance :math:`\sigma^2_e`
    under the null; its unadjusted covariance uses the residual variance of that
    regression (Stata ``e(rmse)^2`` after ``xtreg, re``):

    .. math::

        \hat V_{RE} = s^2_{RE} (X^{*\prime} X^*)^{-1}, \qquad
        s^2_{RE} = \frac{e^{*\prime} e^*}{n - K}

    (:math:`K` columns of :math:`X` with the constant). With ``sigma="more"`` or ``"less"``
    both are rescaled to one common :math:`s^2_c`:

    .. math::

        \hat V^*_{FE} = \hat V_{FE} \, \frac{s^2_c}{s^2_{FE}} = s^2_c (\tilde X'\tilde X)^{-1},
        \qquad
        \hat V^*_{RE} = \hat V_{RE} \, \frac{s^2_c}{s^2_{RE}} = s^2_c (X^{*\prime} X^*)^{-1},

    with :math:`s^2_c = s^2_{RE}` for ``"more"`` (the efficient estimator's, Stata
    ``sigmamore``) and :math:`s^2_c = s^2_{FE}` for ``"less"`` (the consistent estimator's,
    Stata ``sigmaless``). Since :math:`X^*` is :math:`\tilde X` plus a part that is
    constant within entities, the slope block of :math:`X^{*\prime} M X^*` (after the
    constant) is :math:`\tilde X'\tilde X` plus a positive semi-definite matrix, so
    :math:`\hat V^*_{FE} - \hat V^*_{RE}` is positive semi-definite and :math:`H \ge 0`.
    The three variants are asymptotically equivalent under the null.

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
        Named regressors to compare (only with ``compare="named"``); default all of them.
    sigma : {"separate", "more", "less"}
        ``"separate"`` (default): each covariance with its own variance estimate, as plm
        ``phtest`` and Stata ``hausman fe re``. ``"more"`` / ``"less"``: Stata's
        ``sigmamore`` / ``sigmaless``, see above.
    compare : {"shared", "named"}
        ``"shared"`` (default, Stata): every coefficient both models share but the
        constant. ``"named"``: the named regressors of the formula only.

    Returns
    -------
    HausmanResult

    Raises
    ------
    ValueError
        If ``sigma`` is not one of ``"separate"``, ``"more"``, ``"less"``, ``compare`` not
        ``"shared"`` or ``"named"``, or ``terms`` is given with ``compare="shared"``.
    """
    results = hausman_tests(formula, data, entity, time, terms, (sigma,), compares=(compare,))
    return results[compare, sigma]


def hausman_tests(
    formula: str,
    data: pd.DataFrame,
    entity: str,
    time: str,
    terms: list[str] | None = None,
    sigmas: tuple[str, ...] = SIGMA_VARIANTS,
    model_id: str | None = None,
    compares: tuple[str, ...] = COMPARE_VARIANTS,
) -> dict[tuple[str, str], HausmanResult]:
    """:func:`hausman_test` for several ``compare`` and ``sigma`` variants, one FE/RE fit.

    Returns one :class:`HausmanResult` per variant, keyed by ``(compare, sigma)``. Errors
    name ``model_id`` (a spec's model) or else the formula; a regressor the entity effects
    of the FE model absorb is refused (:class:`~resilience.errors.EstimationError`), as in
    :func:`resilience.panel.regress`.
    """
    for sigma in sigmas:
        if sigma not in SIGMA_VARIANTS:
            raise ValueError(f"sigma must be one of {SIGMA_VARIANTS}, not {sigma!r}")
    for compare in compares:
        if compare not in COMPARE_VARIANTS:
            raise ValueError(f"compare must be one of {COMPARE_VARIANTS}, not {compare!r}")
    if terms and "shared" in compares:
        raise ValueError("terms selects named regressors; it needs compare='named'")
    parsed = Formula.parse(formula)
    subject = f"model {model_id!r}" if model_id else f"formula {formula!r}"
    design = Design.build(
        parsed, data, entity, time, model_id or "hausman", subject, entity_effects=True
    )
    named = list(terms or parsed.terms)
    try:
        fe = PanelOLS(design.dependent, design.exog, entity_effects=True).fit(
            cov_type="unadjusted", debiased=True
        )
        re = RandomEffects(design.dependent, design.exog).fit(cov_type="unadjusted", debiased=True)
    except AbsorbingEffectError as exc:
        raise absorbed_message(exc, subject) from exc
    # Stata's default: the coefficients both models share, in FE's order, but the constant
    shared = [t for t in fe.params.index if t in re.params.index and t != CONSTANT]
    chosen = {"shared": shared, "named": named}
    return {
        (compare, sigma): _statistic(fe, re, chosen[compare], sigma, compare)
        for compare in compares
        for sigma in sigmas
    }


def _statistic(fe, re, compared: list[str], sigma: str, compare: str) -> HausmanResult:
    """Return the Hausman test of fitted FE and RE results (see :func:`hausman_test`)."""
    # The unadjusted covariances are s2 * inv(x'x); s2 is the estimator's own variance
    s2_fe, s2_re = float(fe.s2), float(re.s2)
    s2_common = {"separate": None, "more": s2_re, "less": s2_fe}[sigma]
    scale_fe = 1.0 if s2_common is None else s2_common / s2_fe
    scale_re = 1.0 if s2_common is None else s2_common / s2_re
    diff = (fe.params[compared] - re.params[compared]).to_numpy()
    v = (
        scale_fe * fe.cov.loc[compared, compared] - scale_re * re.cov.loc[compared, compared]
    ).to_numpy()
    eigenvalues = np.linalg.eigvalsh(v)
    singular = np.linalg.svd(v, compute_uv=False)
    tolerance = RANK_RTOL * singular.max()
    rank = int((singular > tolerance).sum())
    note = ""
    positive_definite = bool(eigenvalues.min() > tolerance)
    if not positive_definite:
        note = (
            "V_FE - V_RE is not positive definite; a generalised inverse is used and df is its rank"
        )
    statistic = float(diff @ np.linalg.pinv(v, RANK_RTOL) @ diff)
    pvalue = float(stats.chi2.sf(statistic, rank))
    if statistic < 0:
        pvalue = float("nan")
        note += (
            "; H < 0, so the test is not informative (Stata: the model fitted on these "
            "data fails to meet the asymptotic assumptions of the Hausman test)"
        )
    return HausmanResult(
        statistic,
        rank,
        pvalue,
        tuple(compared),
        {t: float(fe.params[t]) for t in compared},
        {t: float(re.params[t]) for t in compared},
        note,
        sigma,
        compare,
        positive_definite,
        {
            t: float(np.sqrt(d)) if d >= 0 else float("nan")
            for t, d in zip(compared, np.diag(v), strict=True)
        },
    )
