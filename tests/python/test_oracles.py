"""The oracles (``resilience.oracles``) on small cases worked by hand, and against the warehouse.

Each oracle is an independent implementation of one formula; here it is checked against
numbers worked out by hand in the comments (not produced by the oracle), and, where it is
cheap, against the warehouse's own result (the ``built_warehouse`` fixture) to 1e-12.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience.oracles import (
    entropy,
    fixed_effects,
    martin,
    perpetual_inventory,
    resampling,
    spillovers,
)


def warehouse(db, *relations: str) -> list[pd.DataFrame]:
    """``select * from`` each relation (with its where / order by) of the built warehouse."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [con.sql(f"select * from {relation}").df() for relation in relations]


# ---- entropy index ----------------------------------------------------------------------

SYSTEM_2 = pd.DataFrame(
    {
        "index_name": ["t", "t"],
        "dimension": ["d", "e"],
        "indicator": ["x1", "x2"],
        "direction": ["+", "-"],
    }
)


def test_entropy_index_hand_computed_3x2():
    # three provinces, one year; x1 is '+' (dimension d), x2 is '-' (dimension e)
    values = pd.DataFrame(
        {
            "unit_id": ["A", "B", "C"] * 2,
            "year": [2020] * 6,
            "indicator": ["x1"] * 3 + ["x2"] * 3,
            "value": [1.0, 2.0, 4.0, 10.0, 30.0, 20.0],
        }
    )
    c = 1e-4
    z1 = [0.0, 1 / 3, 1.0]  # (x - 1) / 3
    z2 = [1.0, 0.0, 0.5]  # (30 - x) / 20

    def by_hand(z):
        zs = [v + c for v in z]
        p = [v / sum(zs) for v in zs]
        return -sum(q * math.log(q) for q in p) / math.log(3)

    d1, d2 = 1 - by_hand(z1), 1 - by_hand(z2)
    w1, w2 = d1 / (d1 + d2), d2 / (d1 + d2)
    res = entropy.entropy_index(values, SYSTEM_2, index_name="t", first_year=2020, last_year=2020)
    w = res.weights.set_index("indicator")
    assert_allclose(w.loc[["x1", "x2"], "weight"], [w1, w2], rtol=1e-12)
    assert_allclose(w.loc[["x1", "x2"], "min_value"], [1.0, 10.0], rtol=0)
    assert_allclose(w.loc[["x1", "x2"], "max_value"], [4.0, 30.0], rtol=0)
    scores = res.scores.set_index(["dimension", "unit_id"])["score"]
    want = [w1 * a + w2 * b for a, b in zip(z1, z2, strict=True)]
    assert_allclose(scores["total"], want, rtol=1e-12)
    assert_allclose(scores["d"], [w1 * a for a in z1], rtol=1e-12)  # sub-scores add up
    assert_allclose(scores["e"], [w2 * b for b in z2], rtol=1e-12)


def test_entropy_weights_uniform_column_has_entropy_one_and_zero_log_zero():
    # a column equal in every row: p = 1/n each, e = -(n * 1/n ln 1/n) / ln n = 1, d = 0;
    # with c = 0 the zero in column 2 contributes 0 ln 0 = 0: p = (0, 1/2, 1/2),
    # e = -(2 * 1/2 ln 1/2) / ln 3 = ln 2 / ln 3
    z = np.array([[1.0, 0.0], [1.0, 0.5], [1.0, 0.5]])
    e, w = entropy.entropy_weights(z, shift=0.0)
    assert_allclose(e, [1.0, math.log(2) / math.log(3)], rtol=1e-12)
    assert_allclose(w, [0.0, 1.0], atol=1e-12)


def test_entropy_index_per_year_uses_n_units():
    # two years, each the 3x2 case of one year; per year n = 3, pooled n = 6
    rows = [
        (u, y, k, v)
        for y in (2020, 2021)
        for k, vals in (("x1", [1.0, 2.0, 4.0]), ("x2", [10.0, 30.0, 20.0]))
        for u, v in zip("ABC", vals, strict=True)
    ]
    values = pd.DataFrame(rows, columns=["unit_id", "year", "indicator", "value"])
    per_year = entropy.entropy_index(values, SYSTEM_2, index_name="t", scope="per_year")
    one = entropy.entropy_index(values[values.year == 2020], SYSTEM_2, index_name="t")
    for year in (2020, 2021):
        got = per_year.weights[per_year.weights.year == year]
        assert_allclose(got["weight"], one.weights["weight"], rtol=1e-12)
    # pooled: the same p's halved and twice as many, e_pooled = (e_year ln 3 + ln 2) / ln 6
    pooled = entropy.entropy_index(values, SYSTEM_2, index_name="t")
    want = (one.weights["entropy"] * math.log(3) + math.log(2)) / math.log(6)
    assert_allclose(pooled.weights["entropy"], want, rtol=1e-12)


def test_entropy_index_interpolates_interior_and_rejects_edge_gaps():
    system = SYSTEM_2.assign(direction="+")
    rows = []
    for unit, base in (("A", 1.0), ("B", 5.0)):
        for year in (2001, 2002, 2003):
            rows += [(unit, year, "x1", base + year - 2001), (unit, year, "x2", base * 2)]
    values = pd.DataFrame(rows, columns=["unit_id", "year", "indicator", "value"])
    gap = values.copy()
    hole = (gap.unit_id == "A") & (gap.year == 2002) & (gap.indicator == "x1")
    gap.loc[hole, "value"] = np.nan  # x1 of A is 1, 2, 3: the midpoint of 1 and 3 is 2
    full = entropy.entropy_index(values, system, index_name="t")
    filled = entropy.entropy_index(gap, system, index_name="t")
    pd.testing.assert_frame_equal(full.weights, filled.weights)
    assert filled.filled["is_filled"].sum() == 1
    assert filled.filled.loc[filled.filled["is_filled"], "value"].tolist() == [2.0]
    edge = values.copy()
    edge.loc[(edge.unit_id == "B") & (edge.year == 2003) & (edge.indicator == "x2"), "value"] = (
        np.nan
    )
    with pytest.raises(ValueError, match="edge gap for province B, indicator x2, year 2003"):
        entropy.entropy_index(edge, system, index_name="t")
    const = values.assign(value=lambda d: np.where(d.indicator == "x2", 3.0, d.value))
    with pytest.raises(ValueError, match="indicator x2 is constant"):
        entropy.entropy_index(const, system, index_name="t")
    with pytest.raises(ValueError, match="no row for province B, year 2003, indicator x2"):
        entropy.entropy_index(values.iloc[:-1], system, index_name="t")


@pytest.mark.slow
def test_entropy_index_equals_the_warehouse(built_warehouse):
    values, system, samples, weights, scores = warehouse(
        built_warehouse,
        "staging.stg_inputs__indicator_values",
        "staging.stg_reference__indicator_systems",
        "staging.stg_reference__index_samples",
        "marts.fct_index_weights",
        "marts.fct_index_scores where method = 'entropy'",
    )
    for row in samples.itertuples():
        res = entropy.entropy_index(
            values,
            system,
            index_name=row.index_name,
            first_year=row.first_year,
            last_year=row.last_year,
            excluded_units=[u for u in str(row.excluded_unit_ids or "").split(";") if u],
        )
        mine = weights[weights.index_name == row.index_name]
        got = res.weights.merge(mine, on="indicator", suffixes=("", "_sql"))
        assert len(got) == len(res.weights)
        for column in ("min_value", "max_value", "entropy", "weight"):
            assert_allclose(got[column], got[f"{column}_sql"], rtol=0, atol=1e-12)
        both = res.scores.merge(
            scores[scores.index_name == row.index_name],
            on=["unit_id", "year", "dimension"],
            suffixes=("", "_sql"),
        )
        assert len(both) == len(res.scores)
        assert_allclose(both["score"], both["score_sql"], rtol=0, atol=1e-12)


# ---- perpetual inventory ----------------------------------------------------------------

MACRO_3 = pd.DataFrame(
    {
        "country_code": "XXX",
        "year": [2003, 2004, 2005],
        "rd_expenditure_usd_mn": [100.0, 121.0, 133.1],
        "cpi": [100.0, 110.0, 110.0],
    }
)


def test_perpetual_inventory_hand_worked_three_years():
    # nominal 100, 121, 133.1 and CPI 100, 110, 110 -> real 100, 110, 121;
    # g = (121 / 100)^(1/2) - 1 = 0.1; S_2003 = 100 / (0.1 + 0.1) = 500;
    # S_2004 = 0.9 * 500 + 110 = 560; S_2005 = 0.9 * 560 + 121 = 625
    out = perpetual_inventory.perpetual_inventory(
        MACRO_3, base_year=2003, delta=0.1, growth_last_year=2005
    )
    assert list(out.columns) == ["country_code", "year", "rd_real", "growth_rate", "rd_stock"]
    assert_allclose(out["rd_real"], [100.0, 110.0, 121.0], rtol=1e-12)
    assert_allclose(out["growth_rate"], 0.1, rtol=1e-12)
    assert_allclose(out["rd_stock"], [500.0, 560.0, 625.0], rtol=1e-12)


def test_perpetual_inventory_log_mean_lag_and_clipped_growth_window():
    # log_mean: g = (ln 1.1 + ln 1.1) / 2 = ln 1.1; the window 2003-2019 is clipped to 2005
    # lag 1: S_2004 = 0.9 * S_2003 + RD_2003, S_2005 = 0.9 * S_2004 + RD_2004
    out = perpetual_inventory.perpetual_inventory(
        MACRO_3, base_year=2003, delta=0.1, growth_last_year=2019, method="log_mean", lag=1
    )
    g = math.log(1.1)
    s0 = 100.0 / (g + 0.1)
    s1 = 0.9 * s0 + 100.0
    assert_allclose(out["growth_rate"], g, rtol=1e-12)
    assert_allclose(out["rd_stock"], [s0, s1, 0.9 * s1 + 110.0], rtol=1e-12)


def test_perpetual_inventory_refuses_g_plus_delta_not_positive():
    # real R&D halves each year: g = -0.5, g + delta = -0.4
    falling = MACRO_3.assign(rd_expenditure_usd_mn=[100.0, 50.0, 25.0], cpi=100.0)
    with pytest.raises(ValueError, match=r"country XXX: g \+ delta = -0.4000 <= 0"):
        perpetual_inventory.perpetual_inventory(
            falling, base_year=2003, delta=0.1, growth_last_year=2005
        )


@pytest.mark.slow
def test_perpetual_inventory_equals_the_warehouse(built_warehouse):
    macro, got = warehouse(
        built_warehouse,
        "staging.stg_inputs__partner_macro",
        "(select *, economy_code as country_code from marts.fct_rd_capital_stocks)",
    )
    base, delta = int(got.base_year.iloc[0]), float(got.depreciation_rate.iloc[0])
    out = perpetual_inventory.perpetual_inventory(
        macro, base_year=base, delta=delta, growth_last_year=int(got.growth_last_year.iloc[0])
    )
    both = out.merge(got, on=["country_code", "year"], suffixes=("", "_sql"), validate="1:1")
    assert len(both) == len(out) == len(got)
    for column in ("rd_real", "growth_rate", "rd_stock"):
        assert_allclose(both[column], both[f"{column}_sql"], rtol=1e-12, err_msg=column)


# ---- spillover pools -------------------------------------------------------------------


def test_spillover_pools_and_shares_hand_worked():
    # two partners, one year: POOL_imports = 10/100*50 + 30/200*80 = 5 + 12 = 17
    stocks = pd.DataFrame({"country_code": ["A", "B"], "year": 2010, "rd_stock": [50.0, 80.0]})
    flows = pd.DataFrame(
        {
            "country_code": ["A", "B"],
            "year": 2010,
            "imports_from_usd_mn": [10.0, 30.0],
            "fdi_from_usd_mn": [1.0, 2.0],
            "ofdi_to_usd_mn": [4.0, 0.0],
        }
    )
    macro = pd.DataFrame(
        {"country_code": ["A", "B"], "year": 2010, "gdp_usd_mn": [100.0, 200.0],
         "gfcf_usd_mn": [20.0, 40.0]}
    )  # fmt: skip
    pool = spillovers.pools(stocks, flows, macro).set_index("channel").pool
    assert pool.to_dict() == pytest.approx({"imports": 17.0, "fdi": 1.3, "ofdi": 2.0})
    # gfcf: 10/20*50 + 30/40*80 = 25 + 60
    by_gfcf = spillovers.pools(stocks, flows, macro, "gfcf").set_index("channel").pool
    assert by_gfcf["imports"] == pytest.approx(85.0)
    # two provinces with 1/4 and 3/4 of the national imports
    accounts = pd.DataFrame(
        {"province_code": ["p1", "p2"], "year": 2010, "imports_usd_mn": [1.0, 3.0],
         "fdi_inflow_usd_mn": [1.0, 1.0], "ofdi_usd_mn": [2.0, 2.0]}
    )  # fmt: skip
    spill = spillovers.apportioned(accounts, spillovers.pools(stocks, flows, macro))
    assert spill["imports"].tolist() == pytest.approx([17.0 / 4, 17.0 * 3 / 4])
    assert spill["ln_fdi"].tolist() == pytest.approx([math.log(0.65)] * 2)


@pytest.mark.slow
def test_spillover_pools_equal_the_warehouse(built_warehouse):
    stocks, flows, macro, got = warehouse(
        built_warehouse,
        "(select economy_code as country_code, year, rd_stock from marts.fct_rd_capital_stocks)",
        "staging.stg_inputs__bilateral_flows",
        "staging.stg_inputs__partner_macro",
        "marts.fct_spillover_pools",
    )
    out = spillovers.pools(stocks, flows, macro)
    both = out.merge(got, on=["year", "channel"], suffixes=("", "_sql"), validate="1:1")
    assert len(both) == len(out) == len(got)
    assert_allclose(both.pool, both.pool_sql, rtol=1e-12)


# ---- two-way fixed effects --------------------------------------------------------------


def test_two_way_slopes_recover_an_exact_two_way_model():
    # y = 2 x + mu_i + delta_t exactly (mu = 1, -1, 3; delta = 0, 5): LSDV returns beta = 2
    unit = np.repeat(["a", "b", "c"], 2)
    year = np.tile([2000, 2001], 3)
    x = np.array([[1.0], [3.0], [0.0], [4.0], [2.0], [1.0]])
    mu = {"a": 1.0, "b": -1.0, "c": 3.0}
    y = 2 * x[:, 0] + np.array([mu[u] for u in unit]) + np.where(year == 2001, 5.0, 0.0)
    assert_allclose(fixed_effects.two_way_slopes(y, x, unit, year), [2.0], rtol=1e-12)


def test_two_way_slopes_hand_worked_within_estimate():
    # two units, two years: the two-way within transform leaves one difference-in-differences
    # per unit pair, beta = (dy_b - dy_a) / (dx_b - dx_a) with dy, dx the 2001 - 2000 changes:
    # unit a: x 0 -> 1, y 0 -> 1; unit b: x 0 -> 3, y 0 -> 2 => beta = (2 - 1) / (3 - 1) = 0.5
    unit = np.array(["a", "a", "b", "b"])
    year = np.array([2000, 2001, 2000, 2001])
    x = np.array([[0.0], [1.0], [0.0], [3.0]])
    y = np.array([0.0, 1.0, 0.0, 2.0])
    assert_allclose(fixed_effects.two_way_slopes(y, x, unit, year), [0.5], rtol=1e-12)


# ---- Martin resistance and recovery -----------------------------------------------------


def test_martin_indices_on_two_hand_worked_units():
    # nation = A + B: 200 -> 180 (-10%) -> 216 (+20%); A -5%, +20%; B -15%, +20%
    levels = pd.DataFrame(
        {
            "unit_id": ["A"] * 3 + ["B"] * 3,
            "year": [1979, 1982, 1986] * 2,
            "value": [100.0, 95.0, 114.0, 100.0, 85.0, 102.0],
        }
    )
    out, c_n, v_n = martin.martin_indices(levels, 1979, 1982, 1986)
    assert_allclose([c_n, v_n], [-0.1, 0.2], atol=1e-12)
    assert_allclose(out.loc["A", ["resistance", "recovery"]], [0.5, 0.0], atol=1e-12)
    assert_allclose(out.loc["B", ["resistance", "recovery"]], [-0.5, 0.0], atol=1e-12)
    assert_allclose(out.loc["B", ["c", "v"]], [-0.15, 0.2], atol=1e-12)


def test_chained_real_levels_hand_worked():
    # nominal 200 in 2008, real index 110 then 90: 200 -> 220 -> 198
    accounts = pd.DataFrame(
        {
            "province_code": "110000",
            "year": [2008, 2009, 2010],
            "gdp_cny_100mn": [200.0, 999.0, 999.0],
            "gdp_index_prev_year": [105.0, 110.0, 90.0],
        }
    )
    out = martin.chained_real_levels(accounts, 2008, 2010)
    assert out["year"].tolist() == [2008, 2009, 2010]
    assert_allclose(out["value"], [200.0, 220.0, 198.0], rtol=1e-12)


@pytest.mark.slow
def test_martin_indices_equal_the_warehouse(built_warehouse):
    accounts, got = warehouse(
        built_warehouse,
        "staging.stg_inputs__province_accounts",
        "marts.fct_martin_resilience order by unit_id",
    )
    s, e, r = (
        int(got[c].iloc[0]) for c in ("shock_start_year", "shock_end_year", "recovery_end_year")
    )
    out, c_n, v_n = martin.martin_indices(martin.chained_real_levels(accounts, s, r), s, e, r)
    assert got.unit_id.tolist() == out.index.tolist()
    for column in ("level_shock_start", "level_shock_end", "level_recovery_end", "resistance"):
        assert_allclose(got[column], out[column], rtol=1e-12, atol=1e-12, err_msg=column)
    assert_allclose(got.recovery, out.recovery, rtol=1e-12, atol=1e-12)
    assert_allclose(got.contraction_change_national, c_n, rtol=1e-12)


# ---- resampling: refit per draw ---------------------------------------------------------

X_4x3 = np.array([[1.0, 4.0, 2.0], [3.0, 0.0, 5.0], [2.0, 2.0, 7.0], [0.0, 6.0, 1.0]])


def exact_panel() -> pd.DataFrame:
    """Four provinces x three years, noise-free; x not additive in province and year."""
    provinces, years = ["P1", "P2", "P3", "P4"], [2000, 2001, 2002]
    frame = pd.DataFrame(
        [(p, t) for p in provinces for t in years], columns=["province_code", "year"]
    )
    frame["x"] = X_4x3.reshape(-1)
    mu = np.repeat([1.0, -2.0, 0.5, 3.0], 3)
    delta = np.tile([0.0, 1.0, -1.0], 4)
    slope = np.repeat([3.0, 3.0, 1.0, 1.0], 3)  # P1, P2 have slope 3; P3, P4 slope 1
    frame["y"] = slope * frame["x"] + mu + delta
    frame["m"] = 0.5 * frame["x"] + mu - delta  # a = 0.5
    frame["z"] = 1.0 * frame["x"] + 2.0 * frame["m"] + 2 * mu + delta  # c' = 1, b = 2
    return frame


def test_resample_clusters_duplicates_become_new_entities():
    # draw positions [0, 0, 1]: P1 twice (as P1#0 and P1#1), then P2 (as P2#2), 3 rows each
    sample = resampling.resample_clusters(exact_panel(), "province_code", np.array([0, 0, 1]))
    assert sample["province_code"].tolist() == ["P1#0"] * 3 + ["P1#1"] * 3 + ["P2#2"] * 3
    assert_allclose(sample["x"], [1.0, 4.0, 2.0, 1.0, 4.0, 2.0, 3.0, 0.0, 5.0], rtol=0)


def test_naive_permutation_differences_exact_groups():
    # the true grouping (P1, P2 = 1) gives 3 - 1 = 2; the reverse gives -2
    frame = exact_panel()
    draws = np.array([[1, 1, 0, 0], [0, 0, 1, 1]])
    got = resampling.naive_permutation_differences(
        frame, "y", ["x"], "province_code", "year", draws
    )
    assert_allclose(got, [2.0, -2.0], rtol=1e-10)


def test_naive_bootstrap_indirect_two_period_hand_worked():
    # two years: two-way FE = first differences with a constant. dx = 1, 2, 3, 4 and
    # dm = 1, 1, 4, 2 (P1..P4); z = x + 2 m + FE exactly, so b = 2 in every draw.
    # draw (P1, P2, P3, P4): a = cov(dx, dm) / var(dx) = 3 / 5 = 0.6 -> ab = 1.2;
    # draw (P1, P1, P3, P4): dx = 1, 1, 3, 4 (mean 9/4), dm = 1, 1, 4, 2 (mean 2):
    # a = (1.25 + 1.25 + 1.5 + 0) / (1.5625 * 2 + 0.5625 + 3.0625) = 4 / 6.75 -> ab = 32/27
    dx, dm = [1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 4.0, 2.0]
    mu = [0.5, -1.0, 2.0, 0.0]
    rows = []
    for p, (ddx, ddm, u) in enumerate(zip(dx, dm, mu, strict=True)):
        rows += [(f"P{p + 1}", 2000, 0.0, u), (f"P{p + 1}", 2001, ddx, u + ddm + 0.3)]
    frame = pd.DataFrame(rows, columns=["province_code", "year", "x", "m"])
    frame["z"] = frame["x"] + 2 * frame["m"] + np.where(frame["year"] == 2001, 1.0, 0.0)
    draws = np.array([[0, 1, 2, 3], [0, 0, 2, 3]])
    got = resampling.naive_bootstrap_indirect(
        frame, "z", "x", "m", [], "province_code", "year", draws
    )
    assert_allclose(got, [1.2, 32 / 27], rtol=1e-10)
