"""Synthetic demo data generator (resilience.demo): determinism, layout, planted facts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resilience import demo

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
FILES = [
    "indicator_values.csv",
    "province_accounts.csv",
    "partner_macro.csv",
    "bilateral_flows.csv",
    "exchange_rates.csv",
    "planted_effects.json",
]
SAMPLES = {"resilience": (2003, 2019, []), "dataflow": (2009, 2023, ["540000"])}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo.write_demo(out, REFERENCE_DIR)
    return out


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    # the file holds the values contract's unit_id; the checks below speak of provinces
    frame = pd.read_csv(DEMO_DIR / "indicator_values.csv", dtype={"unit_id": str})
    assert list(frame.columns) == ["unit_id", "year", "indicator", "value"]
    return frame.rename(columns={"unit_id": "province_code"})


@pytest.fixture(scope="module")
def system() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "indicator_systems.csv")


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    return pd.read_csv(DEMO_DIR / "province_accounts.csv", dtype={"province_code": str})


@pytest.mark.parametrize("name", FILES)
def test_regeneration_is_byte_identical(regenerated, name):
    assert (regenerated / name).read_bytes() == (DEMO_DIR / name).read_bytes(), (
        f"{name} differs from a fresh run: rerun `python -m resilience.demo` and commit"
    )


def test_indicator_values_shape(values, system):
    assert len(values) == 31 * 21 * 25
    assert list(values.columns) == ["province_code", "year", "indicator", "value"]
    assert values["province_code"].nunique() == 31
    assert sorted(values["year"].unique()) == list(range(2003, 2024))
    assert set(values["indicator"]) == set(system["indicator"])
    assert not values.duplicated(["province_code", "year", "indicator"]).any()
    assert (values["value"].dropna() > 0).all()


def _with_index(values, system):
    return values.merge(system[["indicator", "index_name"]], on="indicator")


def test_missing_cells_are_interior_and_sparse(values, system):
    v = _with_index(values, system)
    interior = pd.Series(False, index=v.index)
    for name, (first, last, _) in SAMPLES.items():
        rows = v["index_name"] == name
        interior |= rows & v["year"].between(first + 1, last - 1)
        edges = rows & v["year"].isin([first, last])
        assert v.loc[edges, "value"].notna().all(), f"{name}: a sample-edge cell is missing"
    miss = v["value"].isna()
    assert not (miss & ~interior).any(), "a gap outside the interior sample years"
    share = miss[interior].mean()
    assert 0.01 <= share <= 0.05
    tibet = v["province_code"] == "540000"
    assert miss[interior & tibet].mean() > miss[interior & ~tibet].mean()
    # every gap has observed neighbours: no two consecutive missing years
    wide = v.pivot_table(
        index=["province_code", "indicator"], columns="year", values="value", dropna=False
    )
    gaps = wide.isna().to_numpy()
    assert not (gaps[:, 1:] & gaps[:, :-1]).any()


def test_other_files_complete_and_positive(accounts):
    tables = {
        "accounts": accounts,
        "partner": pd.read_csv(DEMO_DIR / "partner_macro.csv"),
        "flows": pd.read_csv(DEMO_DIR / "bilateral_flows.csv"),
        "rates": pd.read_csv(DEMO_DIR / "exchange_rates.csv"),
    }
    assert len(accounts) == 31 * 21
    assert len(tables["partner"]) == len(tables["flows"]) == 21 * 21
    for name, df in tables.items():
        assert df.notna().all().all(), f"{name} has missing cells"
        numeric = df.drop(columns=["province_code", "country_code", "year"], errors="ignore")
        assert (numeric > 0).all().all(), f"{name} has non-positive values"
    rates = tables["rates"].set_index("year")["cny_per_usd"]
    assert 8.2 < rates[2003] < 8.3 and 6.0 < rates[2023] < 7.2


def test_magnitudes_and_export_collapse(accounts):
    a = accounts.set_index(["province_code", "year"])
    gd, tibet = "440000", "540000"
    assert 10_000 < a.at[(gd, 2003), "gdp_cny_100mn"] < 16_000
    assert 100_000 < a.at[(gd, 2023), "gdp_cny_100mn"] < 160_000
    assert 120 < a.at[(tibet, 2003), "gdp_cny_100mn"] < 250
    assert 100_000 < a.at[(gd, 2003), "exports_usd_mn"] < 200_000
    nat = accounts.groupby("year")["exports_usd_mn"].sum()
    assert -0.25 < nat[2009] / nat[2008] - 1 < -0.05
    assert nat[2023] > nat[2008]


def test_exports_follow_planted_export_resilience(accounts):
    planted = json.loads((DEMO_DIR / "planted_effects.json").read_text())
    assert planted["synthetic"] is True
    ex = accounts.pivot(index="province_code", columns="year", values="exports_usd_mn")
    exp_res = ex.loc[:, 2009:].div(ex[2008], axis=0) - 1
    assert (exp_res > -0.9).all().all()
    b_e, b_cw = planted["beta_east"], planted["beta_central_west"]
    assert min(b_e, b_cw) < planted["dataflow_pooled_projection"] < max(b_e, b_cw)


def test_entropy_weights_and_scores_on_demo(values, system):
    for name, (first, last, excluded) in SAMPLES.items():
        res = demo.entropy_index(
            values,
            system,
            index_name=name,
            first_year=first,
            last_year=last,
            excluded_units=excluded,
        )
        w = res.weights["w"]
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
        assert ((w >= 0) & (w <= 1)).all()
        assert res.scores["score"].between(0, 1).all()
        n_units = 31 - len(excluded)
        assert len(res.scores) == n_units * (last - first + 1)
    planted = json.loads((DEMO_DIR / "planted_effects.json").read_text())
    dataflow = demo.entropy_index(
        values,
        system,
        index_name="dataflow",
        first_year=2009,
        last_year=2023,
        excluded_units=["540000"],
    )
    got = dataflow.weights.set_index("indicator")["w"]
    want = pd.Series(planted["dataflow"]["entropy_weights"])
    np.testing.assert_allclose(got[want.index], want, atol=1e-9)


def test_entropy_index_hand_computed_3x2():
    # three provinces, one year; x1 is '+', x2 is '-'
    values = pd.DataFrame(
        {
            "province_code": ["A", "B", "C"] * 2,
            "year": [2020] * 6,
            "indicator": ["x1"] * 3 + ["x2"] * 3,
            "value": [1.0, 2.0, 4.0, 10.0, 30.0, 20.0],
        }
    )
    system = pd.DataFrame(
        {
            "index_name": ["t", "t"],
            "dimension": ["d", "d"],
            "indicator": ["x1", "x2"],
            "direction": ["+", "-"],
        }
    )
    c = 1e-4
    z1 = [0.0, 1 / 3, 1.0]  # (x - 1) / 3
    z2 = [1.0, 0.0, 0.5]  # (30 - x) / 20

    def entropy(z):
        zs = [v + c for v in z]
        p = [v / sum(zs) for v in zs]
        return -sum(q * math.log(q) for q in p) / math.log(3)

    d1, d2 = 1 - entropy(z1), 1 - entropy(z2)
    w1, w2 = d1 / (d1 + d2), d2 / (d1 + d2)
    res = demo.entropy_index(values, system, index_name="t", first_year=2020, last_year=2020)
    w = res.weights.set_index("indicator")["w"]
    assert w["x1"] == pytest.approx(w1, rel=1e-12)
    assert w["x2"] == pytest.approx(w2, rel=1e-12)
    want = [w1 * a + w2 * b for a, b in zip(z1, z2, strict=True)]
    np.testing.assert_allclose(res.scores["score"], want, rtol=1e-12)


def test_entropy_index_interpolates_interior_and_rejects_edge_gaps():
    system = pd.DataFrame(
        {
            "index_name": ["t", "t"],
            "dimension": ["d", "d"],
            "indicator": ["x1", "x2"],
            "direction": ["+", "+"],
        }
    )
    rows = []
    for unit, base in (("A", 1.0), ("B", 5.0)):
        for year in (2001, 2002, 2003):
            rows += [(unit, year, "x1", base + year - 2001), (unit, year, "x2", base * 2)]
    values = pd.DataFrame(rows, columns=["province_code", "year", "indicator", "value"])
    gap = values.copy()
    gap.loc[(gap.province_code == "A") & (gap.year == 2002) & (gap.indicator == "x1"), "value"] = (
        np.nan
    )
    full = demo.entropy_index(values, system, index_name="t", first_year=2001, last_year=2003)
    filled = demo.entropy_index(gap, system, index_name="t", first_year=2001, last_year=2003)
    pd.testing.assert_frame_equal(full.weights, filled.weights)
    assert filled.filled["is_filled"].sum() == 1
    edge = values.copy()
    edge.loc[
        (edge.province_code == "B") & (edge.year == 2003) & (edge.indicator == "x2"), "value"
    ] = np.nan
    with pytest.raises(ValueError, match="edge gap for province B, indicator x2, year 2003"):
        demo.entropy_index(edge, system, index_name="t", first_year=2001, last_year=2003)
    const = values.assign(value=lambda d: np.where(d.indicator == "x2", 3.0, d.value))
    with pytest.raises(ValueError, match="indicator x2 is constant"):
        demo.entropy_index(const, system, index_name="t", first_year=2001, last_year=2003)


def test_pim_stocks_positive_and_accumulating():
    partner = pd.read_csv(DEMO_DIR / "partner_macro.csv")
    stocks = demo.perpetual_inventory(partner)
    assert (stocks["growth"] > 0).all()
    assert (stocks["rd_stock_usd"] > 0).all()
    for _, grp in stocks.groupby("country_code"):
        s = grp["rd_stock_usd"].to_numpy()
        assert (s[1:] >= (1 - demo.PIM_DELTA) * s[:-1]).all()
