import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import dgp
from resilience.heterogeneity import (
    group_difference,
    permutation_differences,
    permutation_draws,
    province_flags,
)
from resilience.oracles.resampling import naive_permutation_differences

CONTROLS = list(dgp.DATAFLOW_CONTROLS)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    frame = dgp.simulate_dataflow_panel(seed=5)
    return frame[frame["in_paper_sample"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def result(panel):
    return group_difference(
        panel,
        "exp_res",
        "data_index",
        CONTROLS,
        "is_central_west",
        "province_code",
        "year",
        n_perm=1000,
        seed=3,
        model_ids=("cw", "east"),
    )


def test_vectorised_permutation_equals_naive_refit(panel):
    labels = province_flags(panel, "is_coastal", "province_code").sort_index().to_numpy()
    draws = permutation_draws(labels, 3, seed=2)
    regressors = ["data_index", *CONTROLS]
    fast = permutation_differences(panel, "exp_res", regressors, "province_code", "year", draws)
    slow = naive_permutation_differences(
        panel, "exp_res", regressors, "province_code", "year", draws
    )
    assert_allclose(fast, slow, rtol=1e-10, atol=0)


def test_permutations_keep_group_sizes_and_are_seeded():
    labels = np.array([1, 1, 0, 0, 0])
    draws = permutation_draws(labels, 50, seed=1)
    assert (draws.sum(axis=1) == 2).all()
    assert np.array_equal(draws, permutation_draws(labels, 50, seed=1))


def test_groups_and_sizes(result):
    assert result.group1.nobs == 285 and result.group0.nobs == 165
    assert result.group1.model_id == "cw"


def test_interaction_coefficient_equals_subsample_difference(result):
    theta = result.interaction.params["data_index_x_is_central_west"]
    assert_allclose(theta, result.difference, rtol=1e-8)


def test_observed_difference_is_in_permutation_frame(result, panel):
    labels = province_flags(panel, "is_central_west", "province_code").sort_index().to_numpy()
    identity = permutation_differences(
        panel,
        "exp_res",
        ["data_index", *CONTROLS],
        "province_code",
        "year",
        labels[None, :].astype(float),
    )
    assert_allclose(identity[0], result.difference, rtol=1e-10)
    assert 1 / 1001 <= result.permutation_pvalue <= 1
    assert result.permuted.size == 1000


def test_no_difference_in_dgp_is_not_rejected(result):
    # the DGP has one slope for all provinces
    assert result.permutation_pvalue > 0.01 and result.wald["p_value"] > 0.01


def test_time_varying_flag_is_refused(panel):
    with pytest.raises(ValueError, match="has_ftz.*varies over time"):
        group_difference(
            panel, "exp_res", "data_index", CONTROLS, "has_ftz", "province_code", "year", n_perm=10
        )


def test_tidy(result):
    rows = result.tidy()
    assert rows["test_name"].tolist() == [
        "permutation_difference[is_central_west]",
        "interaction_wald[is_central_west]",
    ]
    assert rows["df"].tolist()[1] == 1
