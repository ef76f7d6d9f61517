import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from resilience import dgp
from resilience.mediation import (
    bootstrap_indirect,
    bootstrap_intervals,
    cluster_draws,
    draw_counts,
    mediation,
)
from resilience.oracles.resampling import naive_bootstrap_indirect, resample_clusters

CONTROLS = list(dgp.DATAFLOW_CONTROLS)
ARGS = ("exp_res", "data_index", "isu", CONTROLS, "province_code", "year")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    frame = dgp.simulate_dataflow_panel(seed=3)
    return frame[frame["in_paper_sample"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def result(panel):
    return mediation(panel, *ARGS, n_boot=2000, seed=7)


def test_vectorised_bootstrap_equals_naive_refit(panel):
    draws = cluster_draws(panel["province_code"].nunique(), 4, seed=11)
    assert any(len(set(d)) < len(d) for d in draws)  # some province drawn twice
    fast = bootstrap_indirect(panel, *ARGS, draws)
    slow = naive_bootstrap_indirect(panel, *ARGS, draws)
    assert_allclose(fast, slow, rtol=1e-10, atol=0)


def test_draws_are_seeded_and_counted():
    assert np.array_equal(cluster_draws(30, 5, 1), cluster_draws(30, 5, 1))
    draws = cluster_draws(30, 5, 1)
    counts = draw_counts(draws, 30)
    assert counts.sum(axis=1).tolist() == [30.0] * 5
    assert counts[0, draws[0, 0]] >= 1


def test_resampled_duplicate_cluster_is_a_new_entity(panel):
    sample = resample_clusters(panel, "province_code", np.array([0, 0, 1]))
    assert sample["province_code"].nunique() == 3
    assert len(sample) == 45


def test_three_steps_recover_truth(result):
    truth = dgp.DATAFLOW_TRUTH
    assert abs(result.a - truth["isu_on_data_index"]) < 4 * result.first.std_errors["data_index"]
    assert abs(result.b - truth["exp_res_on_isu"]) < 4 * result.third.std_errors["isu"]
    total = result.total.params["data_index"]
    # OLS identity: c = c' + a b on a common sample
    assert_allclose(total, result.direct + result.indirect, rtol=1e-10)


def test_sobel_formula(result):
    se_a = result.first.std_errors["data_index"]
    se_b = result.third.std_errors["isu"]
    se = np.sqrt(result.b**2 * se_a**2 + result.a**2 * se_b**2)
    assert_allclose(result.sobel["se"], se)
    assert_allclose(result.sobel["p_value"], 2 * stats.norm.sf(abs(result.indirect / se)))


def test_bootstrap_is_reproducible_and_intervals_cover(result, panel):
    again = mediation(panel, *ARGS, n_boot=2000, seed=7)
    assert np.array_equal(result.boot, again.boot)
    lo, hi = result.intervals["percentile"]
    assert lo < result.indirect < hi
    lo, hi = result.intervals["bias_corrected"]
    assert lo < result.indirect < hi
    assert result.boot.size == 2000


def test_bias_corrected_equals_percentile_without_bias():
    draws = np.linspace(-1, 1, 2001)
    ci = bootstrap_intervals(draws, 0.0, 0.9)
    assert_allclose(ci["bias_corrected"], ci["percentile"], atol=2e-3)


def test_tidy_rows_and_json(result):
    rows = result.tidy()
    assert rows["test_name"].tolist() == ["sobel[isu]", "cluster_bootstrap_indirect[isu]"]
    assert json.loads(result.to_json())["bootstrap"]["n_boot"] == 2000


def test_default_draws_are_5000(panel):
    res = mediation(panel, *ARGS)
    assert res.boot.size == 5000
