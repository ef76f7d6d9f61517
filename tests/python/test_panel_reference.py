"""Reference tests of resilience.panel against published Stata and R plm output on Grunfeld.

Data and numbers: tests/reference_data/ (README.md gives the provenance). Each number is
compared at its printed precision: |ours - printed| <= max(one unit of the last printed
digit, 1e-6 * |printed|). Stata's copy of the data is stored in single precision, so its
numbers differ from ours (double, plm's copy) by ~1e-7 relative: _cons = -58.7439394 here
prints as -58.74393 in Stata, sigma_e 52.767966 as 52.767964.
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS, RandomEffects
from numpy.testing import assert_allclose

from resilience.panel import regress

REF = Path(__file__).resolve().parents[1] / "reference_data"
PUBLISHED = json.loads((REF / "grunfeld_published.json").read_text())
ONE_WAY = "inv ~ value + capital + EntityEffects"
TWO_WAY = "inv ~ value + capital + EntityEffects + TimeEffects"

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def grunfeld() -> pd.DataFrame:
    return pd.read_csv(REF / "grunfeld.csv")


def assert_printed(actual: float, published: list) -> None:
    """|actual - value| <= max(10**-digits, 1e-6 |value|), published = [value, digits]."""
    value, digits = published
    assert_allclose(actual, value, rtol=0, atol=max(10.0**-digits * (1 + 1e-9), 1e-6 * abs(value)))


def assert_all_printed(actual: pd.Series, published: dict) -> None:
    for term, printed in published.items():
        assert_printed(actual[term], printed)


def test_grunfeld_file_is_the_documented_one(grunfeld):
    digest = hashlib.sha256((REF / "grunfeld.csv").read_bytes()).hexdigest()
    assert digest == "00cd21d72068b5564a509d0752417f62761c35afb7e2abed9b115a430d5d960d"
    assert grunfeld.shape == (200, 5)
    assert grunfeld.groupby("firm").size().eq(20).all()


def test_stata_xtreg_fe(grunfeld):
    ref = PUBLISHED["stata_xtreg_fe"]
    res = regress(ONE_WAY, grunfeld, "firm", "year", cov="unadjusted")
    assert_all_printed(res.params, ref["params"])
    assert_all_printed(res.std_errors, ref["std_errors"])
    assert_printed(res.r2_within, ref["r2_within"])
    assert_printed(res.fit.corr_squared_between, ref["r2_between"])
    assert_printed(res.fit.corr_squared_overall, ref["r2_overall"])
    assert_printed(res.f_test["statistic"], ref["f_stat"])
    assert [res.f_test["df_num"], res.f_test["df_denom"]] == ref["f_df"]
    assert res.nobs == 200 and res.n_entities == 10
    sigma_e = np.sqrt(res.fit.resid_ss / res.fit.df_resid)
    assert_printed(sigma_e, ref["sigma_e"])


def test_stata_xtreg_fe_vce_cluster(grunfeld):
    ref = PUBLISHED["stata_xtreg_fe_vce_robust"]
    res = regress(ONE_WAY, grunfeld, "firm", "year", cov="clustered")
    assert_all_printed(res.std_errors, ref["std_errors"])
    assert_all_printed(res.params, PUBLISHED["stata_xtreg_fe"]["params"])
    assert res.df_inference == 9


def test_plm_within_one_way(grunfeld):
    ref = PUBLISHED["plm_within"]
    res = regress(ONE_WAY, grunfeld, "firm", "year", cov="unadjusted")
    assert_all_printed(res.params, ref["params"])
    assert_all_printed(res.std_errors, ref["std_errors"])
    assert_printed(res.r2_within, ref["r2"])
    assert res.r2_within_twoway == res.r2_within


def test_plm_within_two_way(grunfeld):
    ref = PUBLISHED["plm_within_twoways"]
    res = regress(TWO_WAY, grunfeld, "firm", "year", cov="unadjusted")
    assert_all_printed(res.params, ref["params"])
    assert_all_printed(res.std_errors, ref["std_errors"])
    assert_printed(res.r2_within_twoway, ref["r2"])
    assert_printed(res.f_test["statistic"], ref["f_stat"])
    assert [res.f_test["df_num"], res.f_test["df_denom"]] == ref["f_df"]


def test_stata_within_r2_with_year_dummies(grunfeld):
    ref = PUBLISHED["stata_xtreg_fe_year_dummies"]
    res = regress(TWO_WAY, grunfeld, "firm", "year")
    assert_printed(res.r2_within, ref["r2_within"])
    assert res.r2_lsdv > res.r2_within > res.r2_within_twoway


@pytest.mark.parametrize("effects, key", [(False, "within"), (True, "within_twoways")])
def test_plm_vcovhc_arellano_hc0(grunfeld, effects, key):
    """plm's HC0 cluster covariance = linearmodels' clustered without any df factor."""
    ref = PUBLISHED["plm_vcovHC_arellano_HC0"][key]
    data = grunfeld.set_index(["firm", "year"])
    model = PanelOLS(
        data["inv"], data[["value", "capital"]], entity_effects=True, time_effects=effects
    )
    fit = model.fit(
        cov_type="clustered",
        cluster_entity=True,
        debiased=False,
        auto_df=False,
        count_effects=False,
    )
    assert_all_printed(fit.std_errors, ref)


def test_plm_random_effects_swamy_arora(grunfeld):
    """The RE model that the Hausman test uses reproduces plm's Swamy-Arora estimates."""
    ref = PUBLISHED["plm_random_swar"]
    data = grunfeld.set_index(["firm", "year"]).assign(const=1.0)
    fit = RandomEffects(data["inv"], data[["const", "value", "capital"]]).fit(
        cov_type="unadjusted", debiased=True
    )
    assert_all_printed(fit.params, ref["params"])
    assert_all_printed(fit.std_errors, ref["std_errors"])
    assert_printed(fit.theta.iloc[0, 0], ref["theta"])


def read_f_reference() -> dict[str, dict[str, float]]:
    """The F rows of f_all_grunfeld_year_dummies.out (base R lm/anova, README.md)."""
    out = {}
    for line in (REF / "f_all_grunfeld_year_dummies.out").read_text().splitlines():
        name, *pairs = line.split()
        if name in ("f_all", "f_named"):
            out[name] = {k: float(v) for k, v in zip(pairs[::2], pairs[1::2], strict=True)}
    return out


def test_both_f_statistics_with_year_dummies(grunfeld):
    """f_test: the named regressors (plm's F); f_test_all: year dummies too (Stata's F)."""
    ref = read_f_reference()
    res = regress(TWO_WAY, grunfeld, "firm", "year", cov="unadjusted")
    for name, f in (("f_all", res.f_test_all), ("f_named", res.f_test)):
        assert_allclose(f["statistic"], ref[name]["statistic"], rtol=1e-10)
        assert [f["df_num"], f["df_denom"]] == [ref[name]["df_num"], ref[name]["df_denom"]]
        assert_allclose(f["p_value"], ref[name]["p_value"], rtol=1e-6)
    one_way = regress(ONE_WAY, grunfeld, "firm", "year", cov="unadjusted")
    assert one_way.f_test_all == one_way.f_test  # no year dummies: one F
