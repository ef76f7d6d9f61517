import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from resilience import dgp
from resilience.hausman import hausman_test

REF = Path(__file__).resolve().parents[1] / "reference_data"
PUBLISHED = json.loads((REF / "grunfeld_published.json").read_text())


@pytest.mark.reference
def test_plm_phtest_grunfeld():
    ref = PUBLISHED["plm_phtest"]
    data = pd.read_csv(REF / "grunfeld.csv")
    res = hausman_test("inv ~ value + capital", data, "firm", "year")
    value, digits = ref["statistic"]
    assert_allclose(res.statistic, value, rtol=0, atol=10.0**-digits)
    value, digits = ref["p_value"]
    assert_allclose(res.pvalue, value, rtol=0, atol=10.0**-digits)
    assert res.df == ref["df"]
    assert res.note == ""
    assert json.loads(res.to_json())["df"] == 2


def test_hausman_rejects_re_when_effects_correlate():
    panel = dgp.simulate_dataflow_panel(seed=1)
    res = hausman_test(
        "exp_res ~ data_index + edu + open + TimeEffects",
        panel,
        "province_code",
        "year",
        compare="named",
    )
    assert res.terms == ("data_index", "edu", "open")
    assert res.pvalue < 0.01 and res.conclusion == "fixed effects"


def test_negative_statistic_has_no_pvalue(monkeypatch):
    import resilience.hausman as hausman

    panel = dgp.simulate_dataflow_panel(seed=1)
    real_eigvalsh = np.linalg.eigvalsh
    real_pinv = np.linalg.pinv
    monkeypatch.setattr(hausman.np.linalg, "eigvalsh", lambda v: -real_eigvalsh(v))
    monkeypatch.setattr(hausman.np.linalg, "pinv", lambda v, *rcond: -real_pinv(v, *rcond))
    res = hausman.hausman_test("exp_res ~ data_index + edu", panel, "province_code", "year")
    assert res.statistic < 0 and np.isnan(res.pvalue)
    assert "not positive definite" in res.note and "not informative" in res.note


# --------------------------------------------------------------- sigmamore / sigmaless -

GRUNFELD_TERMS = ["value", "capital"]
CHEN_M4 = "res ~ lnim + lngov + lnftri + lninf + lnhum + TimeEffects"
CHEN_M4_TERMS = ["lnim", "lngov", "lnftri", "lninf", "lnhum"]


def _entity_means(values: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Means of the columns of ``values`` within each entity (rows in code order)."""
    return np.column_stack([np.bincount(codes, weights=col) / counts for col in values.T])


def numpy_hausman(
    frame: pd.DataFrame,
    outcome: str,
    regressors: list[str],
    entity: str,
    compared: list[str],
    sigma: str,
) -> tuple[float, np.ndarray]:
    """Independent Hausman statistic and covariance difference, from first principles.

    Within estimator by demeaning, with s2_FE = SSR / (n - N - k). Swamy-Arora random
    effects as linearmodels' ``RandomEffects.fit`` computes it: sigma2_e = s2_FE, sigma2_u =
    max(0, SSR_between / (N - rank_between) - sigma2_e / T_harmonic) from the regression of
    the entity means on the means of [1, X]; theta_i = 1 - sqrt(sigma2_e / (T_i sigma2_u +
    sigma2_e)); then OLS of y - theta_i ybar_i on [1 - theta_i, X - theta_i Xbar_i] with
    s2_RE = SSR* / (n - K). Covariances s2 * inv(X'X), rescaled to the common variance for
    sigma = "more" (s2_RE) or "less" (s2_FE).
    """
    codes = pd.factorize(frame[entity])[0]
    counts = np.bincount(codes).astype(float)
    y = frame[outcome].to_numpy(float)
    x = frame[regressors].to_numpy(float)
    n, k = x.shape
    n_entities = len(counts)
    ybar = np.bincount(codes, weights=y) / counts
    xbar = _entity_means(x, codes, counts)
    # within
    xw, yw = x - xbar[codes], y - ybar[codes]
    b_fe = np.linalg.lstsq(xw, yw, rcond=None)[0]
    e_w = yw - xw @ b_fe
    s2_fe = float(e_w @ e_w) / (n - n_entities - k)
    v_fe = s2_fe * np.linalg.inv(xw.T @ xw)
    # between, for the effects variance
    z = np.column_stack([np.ones(n_entities), xbar])
    b_between, _, rank_between, _ = np.linalg.lstsq(z, ybar, rcond=None)
    u = ybar - z @ b_between
    t_harmonic = n_entities / (1.0 / counts).sum()
    sigma2_u = max(0.0, float(u @ u) / (n_entities - rank_between) - s2_fe / t_harmonic)
    theta = 1.0 - np.sqrt(s2_fe / (counts * sigma2_u + s2_fe))
    # GLS on quasi-demeaned data
    th = theta[codes]
    xs = np.column_stack([1.0 - th, x - th[:, None] * xbar[codes]])
    ys = y - th * ybar[codes]
    b_re = np.linalg.lstsq(xs, ys, rcond=None)[0]
    e_s = ys - xs @ b_re
    s2_re = float(e_s @ e_s) / (n - (k + 1))
    v_re = s2_re * np.linalg.inv(xs.T @ xs)[1:, 1:]
    common = {"separate": None, "more": s2_re, "less": s2_fe}[sigma]
    if common is not None:
        v_fe, v_re = v_fe * common / s2_fe, v_re * common / s2_re
    idx = [regressors.index(t) for t in compared]
    delta = (b_fe - b_re[1:])[idx]
    v = (v_fe - v_re)[np.ix_(idx, idx)]
    return float(delta @ np.linalg.solve(v, delta)), v


def with_year_dummies(frame: pd.DataFrame, time: str) -> tuple[pd.DataFrame, list[str]]:
    """Frame with one dummy per year but the first, and their names."""
    dummies = pd.get_dummies(frame[time], prefix="yr", drop_first=True, dtype=float)
    return pd.concat([frame.reset_index(drop=True), dummies.reset_index(drop=True)], axis=1), list(
        dummies.columns
    )


def captured_difference(monkeypatch):
    """Record the covariance difference that hausman_test passes to eigvalsh."""
    import resilience.hausman as hausman

    seen = []
    real_eigvalsh = np.linalg.eigvalsh

    def recording(v):
        seen.append(np.array(v))
        return real_eigvalsh(v)

    monkeypatch.setattr(hausman.np.linalg, "eigvalsh", recording)
    return seen


def test_numpy_reference_reproduces_plm_phtest():
    """The independent implementation itself reproduces plm's phtest (the 'separate' case)."""
    ref = PUBLISHED["plm_phtest"]
    data = pd.read_csv(REF / "grunfeld.csv")
    h, _ = numpy_hausman(data, "inv", GRUNFELD_TERMS, "firm", GRUNFELD_TERMS, "separate")
    value, digits = ref["statistic"]
    assert_allclose(h, value, rtol=0, atol=10.0**-digits)


@pytest.mark.parametrize("sigma", ["more", "less"])
def test_sigma_variants_match_numpy_on_grunfeld(sigma):
    data = pd.read_csv(REF / "grunfeld.csv")
    expected, v = numpy_hausman(data, "inv", GRUNFELD_TERMS, "firm", GRUNFELD_TERMS, sigma)
    res = hausman_test("inv ~ value + capital", data, "firm", "year", sigma=sigma)
    assert_allclose(res.statistic, expected, rtol=1e-8)
    assert res.df == 2 and res.note == "" and res.sigma == sigma
    assert_allclose(res.pvalue, stats.chi2.sf(expected, 2), rtol=1e-8)
    assert np.linalg.eigvalsh(v).min() >= -1e-10
    assert json.loads(res.to_json())["sigma"] == sigma


@pytest.mark.parametrize("sigma", ["separate", "more", "less"])
def test_sigma_variants_match_numpy_with_year_dummies(sigma):
    """Chen-like model with TimeEffects: year dummies in both models, not compared
    (``compare="named"``; Stata's default compares them, see below)."""
    panel = dgp.simulate_spillover_panel(seed=3)
    frame, years = with_year_dummies(panel, "year")
    expected, _ = numpy_hausman(
        frame, "res", CHEN_M4_TERMS + years, "province_code", CHEN_M4_TERMS, sigma
    )
    res = hausman_test(CHEN_M4, panel, "province_code", "year", sigma=sigma, compare="named")
    assert res.terms == tuple(CHEN_M4_TERMS)
    assert_allclose(res.statistic, expected, rtol=1e-8)


@pytest.mark.reference
@pytest.mark.parametrize(
    ("sigma", "stata"),
    [
        ("separate", (7.190854126884934, 0.0274489582259534)),
        ("more", (6.945610047252053, 0.0310298689573541)),
        ("less", (6.953506564342694, 0.0309075965524561)),
    ],
)
def test_stata_hausman_wage_panel(sigma, stata):
    """Stata ``xtreg hours exper expersq, fe`` / ``, re``; ``hausman fe re[, sigmamore|less]``.

    Provenance: linearmodels 7.1 (the version in this venv), test suite
    ``linearmodels/tests/panel/test_results.py``, ``STATA_HAUSMAN`` ("Values computed in
    Stata"), on ``linearmodels.datasets.wage_panel``. No published Stata
    ``hausman fe re, sigmamore`` on Grunfeld was found.
    """
    from linearmodels.datasets import wage_panel

    res = hausman_test("hours ~ exper + expersq", wage_panel.load(), "nr", "year", sigma=sigma)
    assert_allclose(res.statistic, stata[0], rtol=1e-9)
    assert_allclose(res.pvalue, stata[1], rtol=1e-8)
    assert res.df == 2


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("sigma", ["more", "less"])
def test_common_sigma_difference_is_psd_on_demo_dgp(monkeypatch, seed, sigma):
    """On the Chen-like dgp (where 'separate' is not PD) 'more'/'less' are PSD."""
    panel = dgp.simulate_spillover_panel(seed=seed)
    seen = captured_difference(monkeypatch)
    res = hausman_test(CHEN_M4, panel, "province_code", "year", sigma=sigma, compare="named")
    assert np.linalg.eigvalsh(seen[-1]).min() >= -1e-10
    assert res.statistic >= 0 and np.isfinite(res.pvalue) and res.note == ""


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("sigma", ["more", "less"])
def test_common_sigma_shared_is_psd_but_singular_on_demo_dgp(monkeypatch, seed, sigma):
    """Stata's default with the year dummies: 'more'/'less' are still PSD, but singular
    (the year dummies' FE - RE differences add no rank), so q = rank < the 21 compared."""
    panel = dgp.simulate_spillover_panel(seed=seed)
    seen = captured_difference(monkeypatch)
    res = hausman_test(CHEN_M4, panel, "province_code", "year", sigma=sigma)
    scale = np.abs(seen[-1]).max()
    assert np.linalg.eigvalsh(seen[-1]).min() >= -1e-10 * scale
    assert res.statistic >= 0 and np.isfinite(res.pvalue)
    assert res.df == 5 < len(res.terms) == 21
    assert not res.positive_definite and "not positive definite" in res.note


@pytest.mark.parametrize("sigma", ["more", "less"])
def test_common_sigma_difference_is_psd_on_grunfeld(monkeypatch, sigma):
    data = pd.read_csv(REF / "grunfeld.csv")
    seen = captured_difference(monkeypatch)
    res = hausman_test("inv ~ value + capital", data, "firm", "year", sigma=sigma)
    assert np.linalg.eigvalsh(seen[-1]).min() >= -1e-10
    assert res.statistic >= 0


def test_separate_is_default_and_recorded():
    data = pd.read_csv(REF / "grunfeld.csv")
    default = hausman_test("inv ~ value + capital", data, "firm", "year")
    explicit = hausman_test("inv ~ value + capital", data, "firm", "year", sigma="separate")
    assert default == explicit and default.sigma == "separate"
    assert json.loads(default.to_json())["sigma"] == "separate"


def test_unknown_sigma_raises():
    data = pd.read_csv(REF / "grunfeld.csv")
    with pytest.raises(ValueError, match="sigma must be one of"):
        hausman_test("inv ~ value + capital", data, "firm", "year", sigma="mean")


@pytest.mark.parametrize(
    "sigma, option",
    [("separate", {}), ("more", {"sigmamore": True}), ("less", {"sigmaless": True})],
)
def test_equals_linearmodels_own_hausman_where_they_coincide(sigma, option):
    """linearmodels >= 7.1 ships RandomEffectsResults.hausman; on Grunfeld (same terms,
    positive definite difference) our statistic and df must equal it."""
    import statsmodels.api as sm
    from linearmodels import PanelOLS, RandomEffects

    frame = pd.read_csv(REF / "grunfeld.csv").set_index(["firm", "year"])
    exog = sm.add_constant(frame[["value", "capital"]])
    fe = PanelOLS(frame["inv"], exog, entity_effects=True).fit(debiased=True)
    re = RandomEffects(frame["inv"], exog).fit(debiased=True)
    theirs = re.hausman(fe, **option).statistic
    ours = hausman_test("inv ~ value + capital", frame.reset_index(), "firm", "year", sigma=sigma)
    assert ours.statistic == pytest.approx(theirs.stat, rel=1e-10)
    assert ours.df == theirs.df
    assert ours.pvalue == pytest.approx(theirs.pval, rel=1e-8)


# ----------------------------------------------------- compare: Stata's default, named -

PLM_YEAR_DUMMIES = REF / "phtest_grunfeld_year_dummies.out"


def plm_printed(line_start: str) -> str:
    """The value after ``line_start`` in the stored output of the plm script."""
    for line in PLM_YEAR_DUMMIES.read_text().splitlines():
        if line.startswith(line_start + " "):
            return line.split()[1]
    raise AssertionError(f"{line_start!r} not in {PLM_YEAR_DUMMIES}")


@pytest.mark.reference
def test_plm_phtest_grunfeld_with_year_dummies():
    """Stata's default (all shared coefficients but the constant) against R plm 2.6.2
    ``phtest(fe, re)`` with ``factor(year)`` in both models, printed to 12 decimals
    (``tests/reference_data/phtest_grunfeld_year_dummies.R`` and ``.out``)."""
    assert "plm: 2.6.2" in PLM_YEAR_DUMMIES.read_text()
    data = pd.read_csv(REF / "grunfeld.csv")
    res = hausman_test("inv ~ value + capital + TimeEffects", data, "firm", "year")
    assert res.compare == "shared" and len(res.terms) == 2 + 19
    assert res.terms[:2] == ("value", "capital") and "const" not in res.terms
    assert_allclose(res.statistic, float(plm_printed("statistic")), rtol=1e-9, atol=0)
    assert res.df == int(plm_printed("df")) == 21
    assert_allclose(res.pvalue, float(plm_printed("p_value")), rtol=1e-9, atol=0)
    # indefinite here, but of full rank: the Moore-Penrose inverse is the inverse
    assert not res.positive_definite and "not positive definite" in res.note
    assert json.loads(res.to_json())["positive_definite"] is False


@pytest.mark.reference
def test_plm_printed_no_year_dummies_matches_published():
    """The stored plm run reproduces plm's documented two-regressor phtest."""
    line = next(
        x for x in PLM_YEAR_DUMMIES.read_text().splitlines() if x.startswith("no_year_dummies")
    )
    value, digits = PUBLISHED["plm_phtest"]["statistic"]
    assert_allclose(float(line.split()[2]), value, rtol=0, atol=10.0**-digits)


def test_shared_equals_named_without_time_effects():
    data = pd.read_csv(REF / "grunfeld.csv")
    shared = hausman_test("inv ~ value + capital", data, "firm", "year")
    named = hausman_test("inv ~ value + capital", data, "firm", "year", compare="named")
    assert shared.terms == named.terms == ("value", "capital")
    assert shared.statistic == named.statistic and shared.df == named.df == 2
    assert (shared.compare, named.compare) == ("shared", "named")
    assert shared.positive_definite and named.positive_definite


@pytest.mark.parametrize("sigma", ["separate", "more", "less"])
def test_shared_matches_numpy_with_year_dummies(sigma):
    """Stata's default on the Chen-like model: the year dummies are compared too, and q is
    the rank of the difference (pinv when it is not positive definite)."""
    panel = dgp.simulate_spillover_panel(seed=3)
    frame, years = with_year_dummies(panel, "year")
    regressors = CHEN_M4_TERMS + years
    _, v = numpy_hausman(frame, "res", regressors, "province_code", regressors, sigma)
    singular = np.linalg.svd(v, compute_uv=False)
    res = hausman_test(CHEN_M4, panel, "province_code", "year", sigma=sigma)
    assert res.terms == tuple(CHEN_M4_TERMS) + tuple(y.replace("yr_", "year_") for y in years)
    delta = np.array([res.fe_params[t] - res.re_params[t] for t in res.terms])
    assert_allclose(res.statistic, float(delta @ np.linalg.pinv(v, 1e-10) @ delta), rtol=1e-6)
    assert res.df == (singular > 1e-10 * singular[0]).sum()
    assert res.df == (21 if sigma == "separate" else 5)
    assert res.positive_definite == bool(np.linalg.eigvalsh(v).min() > 1e-10 * singular[0])


def test_unknown_compare_and_terms_with_shared_raise():
    data = pd.read_csv(REF / "grunfeld.csv")
    with pytest.raises(ValueError, match="compare must be one of"):
        hausman_test("inv ~ value + capital", data, "firm", "year", compare="all")
    with pytest.raises(ValueError, match="compare='named'"):
        hausman_test("inv ~ value + capital", data, "firm", "year", terms=["value"])
    res = hausman_test(
        "inv ~ value + capital", data, "firm", "year", terms=["value"], compare="named"
    )
    assert res.terms == ("value",) and res.df == 1


def test_se_difference_is_stata_sqrt_diag_column():
    """Stata's sqrt(diag(V_b-V_B)) from the two linearmodels fits' own covariances."""
    from linearmodels import PanelOLS, RandomEffects

    data = pd.read_csv(REF / "grunfeld.csv")
    res = hausman_test("inv ~ value + capital", data, "firm", "year")
    indexed = data.set_index(["firm", "year"])
    exog = indexed[["value", "capital"]].assign(const=1.0)
    fe = PanelOLS(indexed["inv"], exog, entity_effects=True).fit(debiased=True)
    re = RandomEffects(indexed["inv"], exog).fit(debiased=True)
    for term in ("value", "capital"):
        expected = np.sqrt(fe.cov.loc[term, term] - re.cov.loc[term, term])
        assert_allclose(res.se_difference[term], expected, rtol=1e-10)
        assert_allclose(
            res.fe_params[term] - res.re_params[term], fe.params[term] - re.params[term]
        )
