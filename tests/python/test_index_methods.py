"""The alternative index methods (issue 19 item 1) against scikit-criteria 0.10 and scipy.

dbt renders each method macro once (one ``dbt compile --inline``, as test_generic_tests
does); the SQL runs in DuckDB on a long table built here, and the result is compared to
1e-9 with an independent published implementation fed the same matrix:

* min-max: ``skcriteria.preprocessing.scalers.matrix_scale_by_cenit_distance`` (the
  direction-aware range scaling CRITIC uses; skcriteria's MinMaxScaler ignores the
  objectives, so it is not the same formula for a '-' indicator);
* z-score: skcriteria ``StandarScaler`` (sklearn's, population sd) on the oriented matrix
  (x for '+', -x for '-'), which is the macro's formula for both directions;
* rank: ``scipy.stats.rankdata(method='average')`` (ties at their mean rank), scaled
  (r - 1)/(n - 1);
* weights: skcriteria ``EqualWeighter``, ``CRITIC`` (Pearson, its own cenit-distance
  scaling of the raw matrix = our min-max), ``EntropyWeighter`` on z + c, and
  ``StdWeighter`` (sample sd / sum) on z / mean(z) per column, which is CV_k / sum CV;
  the user's own weights against ``SumScaler(target="weights")`` (w / sum w);
* geometric: skcriteria ``WeightedProductModel`` (score sum w log10 z'; ours is
  prod z'^w = 10**score, weights summing to 1);
* TOPSIS: skcriteria ``TOPSIS`` similarity on the min-max matrix with the weights (no
  vector normalisation: skcriteria applies none inside TOPSIS, nor do we).

Coupling coordination has no implementation in these packages: it is checked against
the hand-worked 2-system example of the macro's documentation and a second, independent
numpy formula (C = m * prod(U)^(1/m) / sum(U) written directly).

Two groups (g = 1: a 3 x 3 matrix, g = 2: a 4 x 3 matrix with ties in every column) in one
table test the group_by / partition_by columns: each group must give its own result.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from numpy.testing import assert_allclose

from conftest import run_dbt

pytestmark = [pytest.mark.reference, pytest.mark.slow]

SEPARATOR = "-- next method --"
TOL = 1e-9
SHIFT = 0.0001
INDICATORS = ["x1", "x2", "x3"]
DIRECTIONS = {"x1": "+", "x2": "+", "x3": "-"}
RAW = {
    1: {"A": [1.0, 4.0, 2.0], "B": [2.0, 1.0, 3.0], "C": [4.0, 3.0, 5.0]},
    2: {"A": [1.0, 2.0, 7.0], "B": [1.0, 5.0, 6.0], "C": [3.0, 5.0, 9.0], "D": [6.0, 8.0, 6.0]},
}

CALLS = {
    "min_max": "normalize_min_max('m', ['g', 'indicator'], zero_policy='shift', shift_c=0.0001)",
    "z_score": "normalize_z_score('m', ['g', 'indicator'], order_by=['unit_id'])",
    "rank": "normalize_rank('m', ['g', 'indicator'])",
    "equal": "equal_weights('z', ['g'])",
    "cv": "cv_weights('z', ['g'], order_by=['unit_id'])",
    "critic": "critic_weights('z', ['g'], ['unit_id'])",
    "entropy": "entropy_weights('z', ['g'])",
    "given": "given_weights('zg', ['g'])",
    "geometric": "aggregate_geometric('zw', ['g', 'unit_id'])",
    "topsis": "topsis_closeness('zw', ['g'], ['g', 'unit_id'])",
    "coupling": "coupling_coordination('u', ['g', 'unit_id'], 'system')",
}


@pytest.fixture(scope="module")
def sql(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("index_methods")
    inline = f"\n{SEPARATOR}\n".join("{{ " + call + " }}" for call in CALLS.values())
    proc = run_dbt(["compile", "--quiet", "--inline", inline], tmp / "c.duckdb", tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pieces = proc.stdout.strip().split(SEPARATOR)
    assert len(pieces) == len(CALLS)
    return dict(zip(CALLS, pieces, strict=True))


def long_table() -> pd.DataFrame:
    rows = [
        (g, unit, k, DIRECTIONS[k], v)
        for g, units in RAW.items()
        for unit, values in units.items()
        for k, v in zip(INDICATORS, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["g", "unit_id", "indicator", "direction", "value"])


def matrix(g: int) -> np.ndarray:
    return np.array(list(RAW[g].values()))


def oriented(g: int) -> np.ndarray:
    signs = np.array([1.0 if DIRECTIONS[k] == "+" else -1.0 for k in INDICATORS])
    return matrix(g) * signs


def objectives() -> list:
    return [max if DIRECTIONS[k] == "+" else min for k in INDICATORS]


def wide(frame: pd.DataFrame, g: int, column: str) -> np.ndarray:
    part = frame[frame["g"] == g].pivot(index="unit_id", columns="indicator", values=column)
    return part.loc[list(RAW[g]), INDICATORS].to_numpy(dtype=float)


def by_indicator(frame: pd.DataFrame, g: int, column: str = "weight") -> np.ndarray:
    return frame[frame["g"] == g].set_index("indicator").loc[INDICATORS, column].to_numpy(float)


def by_unit(frame: pd.DataFrame, g: int, column: str = "score") -> np.ndarray:
    return frame[frame["g"] == g].set_index("unit_id").loc[list(RAW[g]), column].to_numpy(float)


# weights the aggregation tests use (any positive weights summing to 1 per group)
AGG_WEIGHTS = {1: [0.5, 0.3, 0.2], 2: [0.2, 0.45, 0.35]}


@pytest.fixture(scope="module")
def results(sql) -> dict[str, pd.DataFrame]:
    out = {}
    with duckdb.connect() as con:
        con.register("m_frame", long_table())
        con.execute("create table m as select * from m_frame")
        for name in ("min_max", "z_score", "rank"):
            out[name] = con.execute(sql[name]).df()
        con.execute(f"create table z as {sql['min_max']}")
        for name in ("equal", "cv", "critic", "entropy"):
            out[name] = con.execute(sql[name]).df()
        weights = pd.DataFrame(
            [
                (g, k, w)
                for g, ws in AGG_WEIGHTS.items()
                for k, w in zip(INDICATORS, ws, strict=True)
            ],
            columns=["g", "indicator", "weight"],
        )
        con.register("agg_weights", weights)
        con.execute(
            "create table zw as select z.*, a.weight from z join agg_weights a using (g, indicator)"
        )
        out["geometric"] = con.execute(sql["geometric"]).df()
        out["topsis"] = con.execute(sql["topsis"]).df()
        given = pd.DataFrame(
            [(g, k, w) for g, ws in GIVEN.items() for k, w in zip(INDICATORS, ws, strict=True)],
            columns=["g", "indicator", "given_weight"],
        )
        con.register("given_frame", given)
        con.execute(
            "create table zg as select z.*, f.given_weight from z join given_frame f "
            "using (g, indicator)"
        )
        out["given"] = con.execute(sql["given"]).df()
    return out


# the user's own weights (column weight of an indicator system), any scale
GIVEN = {1: [2.0, 1.0, 1.0], 2: [10.0, 10.0, 20.0]}


def test_given_weights_hand_worked(results):
    """w = g / sum g: group 1 (2, 1, 1) / 4 = (0.5, 0.25, 0.25); group 2 (10, 10, 20) / 40
    = (0.25, 0.25, 0.5); given_weight kept, n_obs the 3 and 4 units."""
    out = results["given"]
    assert_allclose(by_indicator(out, 1), [0.5, 0.25, 0.25], rtol=0, atol=1e-15)
    assert_allclose(by_indicator(out, 2), [0.25, 0.25, 0.5], rtol=0, atol=1e-15)
    assert_allclose(by_indicator(out, 2, "given_weight"), GIVEN[2])
    assert by_indicator(out, 1, "n_obs").tolist() == [3, 3, 3]
    assert by_indicator(out, 2, "n_obs").tolist() == [4, 4, 4]


@pytest.mark.parametrize("g", sorted(RAW))
def test_given_weights_equal_skcriteria_sum_scaler(results, g):
    """skcriteria's SumScaler on the weights (w / sum w) of a decision matrix given GIVEN[g]."""
    from skcriteria.preprocessing.scalers import SumScaler

    ref = SumScaler(target="weights").transform(dm(matrix(g), weights=GIVEN[g])).weights
    assert_allclose(by_indicator(results["given"], g), ref.to_numpy(), rtol=TOL, atol=TOL)


def test_given_weights_of_zero_sum_are_null(sql):
    """All weights 0 in a group: no division by 0, a null weight (the tests reject it)."""
    with duckdb.connect() as con:
        con.execute(
            "create table zg as select * from (values (1, 'x1', 1.0, 0.0), (1, 'x2', 0.5, 0.0)) "
            "as t(g, indicator, z, given_weight)"
        )
        out = con.execute(sql["given"]).df()
    assert out["weight"].isna().all() and len(out) == 2


def dm(values: np.ndarray, objectives_=None, weights=None):
    import skcriteria as skc

    objectives_ = objectives_ or [max] * values.shape[1]
    return skc.mkdm(values, objectives=objectives_, weights=weights, criteria=INDICATORS)


@pytest.mark.parametrize("g", sorted(RAW))
def test_min_max_equals_skcriteria_cenit_distance(results, g):
    from skcriteria.preprocessing.scalers import matrix_scale_by_cenit_distance

    reference = matrix_scale_by_cenit_distance(
        matrix(g), [1 if o is max else -1 for o in objectives()]
    )
    assert_allclose(wide(results["min_max"], g, "z"), reference, rtol=0, atol=TOL)
    assert_allclose(wide(results["min_max"], g, "z_shifted"), reference + SHIFT, rtol=0, atol=TOL)


@pytest.mark.parametrize("g", sorted(RAW))
def test_z_score_equals_skcriteria_standard_scaler(results, g):
    from skcriteria.preprocessing.scalers import StandarScaler

    reference = StandarScaler(target="matrix").transform(dm(oriented(g))).matrix.to_numpy()
    assert_allclose(wide(results["z_score"], g, "z_score"), reference, rtol=0, atol=TOL)


@pytest.mark.parametrize("g", sorted(RAW))
def test_rank_equals_scipy_average_ranks(results, g):
    ranks = scipy.stats.rankdata(oriented(g), method="average", axis=0)
    n = ranks.shape[0]
    assert_allclose(wide(results["rank"], g, "z_rank"), (ranks - 1) / (n - 1), rtol=0, atol=TOL)


def test_rank_ties_share_their_mean_rank(results):
    # g = 2, x1 = 1, 1, 3, 6: A and B tie for ranks 1-2 -> 1.5 -> (1.5 - 1)/3 = 1/6
    got = wide(results["rank"], 2, "z_rank")[:, 0]
    assert_allclose(got, [1 / 6, 1 / 6, 2 / 3, 1.0], rtol=0, atol=TOL)


@pytest.mark.parametrize("g", sorted(RAW))
def test_weights_equal_skcriteria(results, g):
    from skcriteria.preprocessing.weighters import (
        CRITIC,
        EntropyWeighter,
        EqualWeighter,
        StdWeighter,
    )

    z = wide(results["min_max"], g, "z")
    z_shifted = wide(results["min_max"], g, "z_shifted")
    reference = {
        "equal": EqualWeighter().transform(dm(z)).weights,
        # CRITIC scales the raw matrix by its objectives itself (= our min-max z)
        "critic": CRITIC(correlation="pearson", scale=True)
        .transform(dm(matrix(g), objectives()))
        .weights,
        "entropy": EntropyWeighter().transform(dm(z_shifted)).weights,
        # StdWeighter: sample sd / sum; on z / mean(z) that is CV_k / sum CV
        "cv": StdWeighter().transform(dm(z / z.mean(axis=0))).weights,
    }
    for name, weights in reference.items():
        got = by_indicator(results[name], g)
        assert_allclose(got, np.asarray(weights, dtype=float), rtol=0, atol=TOL, err_msg=name)
        assert abs(got.sum() - 1) < TOL, name


@pytest.mark.parametrize("g", sorted(RAW))
def test_geometric_equals_skcriteria_weighted_product(results, g):
    from skcriteria.agg.simple import WeightedProductModel

    z_shifted = wide(results["min_max"], g, "z_shifted")
    result = WeightedProductModel().evaluate(dm(z_shifted, weights=AGG_WEIGHTS[g]))
    assert_allclose(by_unit(results["geometric"], g), 10**result.e_.score, rtol=0, atol=TOL)


@pytest.mark.parametrize("g", sorted(RAW))
def test_topsis_equals_skcriteria(results, g):
    from skcriteria.agg.topsis import TOPSIS

    z = wide(results["min_max"], g, "z")
    result = TOPSIS().evaluate(dm(z, weights=AGG_WEIGHTS[g]))
    assert_allclose(by_unit(results["topsis"], g), result.e_.similarity, rtol=0, atol=TOL)


def test_geometric_zero_rule(sql):
    # policy limit: a z' of 0 makes the product, and the score, 0 (hand-worked)
    with duckdb.connect() as con:
        con.execute(
            "create table zw as select * from (values (1, 'A', 'x1', 0.0, 0.5), "
            "(1, 'A', 'x2', 0.81, 0.5), (1, 'B', 'x1', 0.25, 0.5), (1, 'B', 'x2', 1.0, 0.5)) "
            "as v(g, unit_id, indicator, z_shifted, weight)"
        )
        got = dict(con.execute(f"select unit_id, score from ({sql['geometric']})").fetchall())
    # A has a zero: 0; B: 0.25^0.5 * 1^0.5 = 0.5
    assert got == pytest.approx({"A": 0.0, "B": 0.5}, abs=TOL)


def coupling_numpy(u: np.ndarray, alpha: np.ndarray) -> tuple[float, float, float]:
    m = len(u)
    c = m * np.prod(u) ** (1 / m) / np.sum(u)
    t = float(np.dot(alpha, u))
    return c, t, float(np.sqrt(c * t))


def test_coupling_coordination_hand_worked_and_numpy(sql):
    systems = {
        # hand-worked, m = 2: C = 2 sqrt(0.16 * 0.64)/0.8 = 2 * 0.32/0.8 = 0.8,
        # T = (0.16 + 0.64)/2 = 0.4, D = sqrt(0.32) = 0.565685..., grade 6 (barely coordinated)
        ("1", "A"): [0.16, 0.64],
        # m = 2, equal: C = 1, T = 0.5, D = 0.707..., grade 8
        ("1", "B"): [0.5, 0.5],
        # a zero: C = 0, D = 0, grade 1
        ("1", "C"): [0.0, 0.9],
        # m = 3 (numpy only)
        ("2", "A"): [0.2, 0.5, 0.7],
    }
    rows = [
        (g, unit, f"s{i}", v) for (g, unit), values in systems.items() for i, v in enumerate(values)
    ]
    with duckdb.connect() as con:
        con.register("u_frame", pd.DataFrame(rows, columns=["g", "unit_id", "system", "score"]))
        con.execute("create table u as select * from u_frame")
        got = con.execute(sql["coupling"]).df().set_index(["g", "unit_id"])
    a = got.loc[("1", "A")]
    assert (a.coupling, a.development, a.coordination) == pytest.approx(
        (0.8, 0.4, 0.32**0.5), abs=TOL
    )
    assert (a.grade_level, a.grade) == (6, "barely coordinated")
    assert got.loc[("1", "B")].grade_level == 8
    c = got.loc[("1", "C")]
    assert (c.coupling, c.coordination, c.grade_level, bool(c.has_zero)) == (0.0, 0.0, 1, True)
    for key, values in systems.items():
        if 0.0 in values:
            continue
        u = np.array(values)
        expected = coupling_numpy(u, np.full(len(u), 1 / len(u)))
        row = got.loc[key]
        assert_allclose(
            [row.coupling, row.development, row.coordination], expected, rtol=0, atol=TOL
        )
