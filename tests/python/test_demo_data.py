"""Synthetic demo data generator (resilience.demo): determinism, layout, planted facts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resilience import demo
from resilience.oracles import entropy, perpetual_inventory

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
        res = entropy.entropy_index(
            values.rename(columns={"province_code": "unit_id"}),
            system,
            index_name=name,
            first_year=first,
            last_year=last,
            excluded_units=excluded,
        )
        w = res.weights["weight"]
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
        assert ((w >= 0) & (w <= 1)).all()
        total = res.scores[res.scores["dimension"] == "total"]
        assert total["score"].between(0, 1).all()
        n_units = 31 - len(excluded)
        assert len(total) == n_units * (last - first + 1)
    planted = json.loads((DEMO_DIR / "planted_effects.json").read_text())
    dataflow = entropy.entropy_index(
        values.rename(columns={"province_code": "unit_id"}),
        system,
        index_name="dataflow",
        first_year=2009,
        last_year=2023,
        excluded_units=["540000"],
    )
    got = dataflow.weights.set_index("indicator")["weight"]
    want = pd.Series(planted["dataflow"]["entropy_weights"])
    np.testing.assert_allclose(got[want.index], want, atol=1e-9)


def test_pim_stocks_positive_and_accumulating():
    partner = pd.read_csv(DEMO_DIR / "partner_macro.csv")
    stocks = perpetual_inventory.perpetual_inventory(
        partner,
        base_year=demo.PIM_BASE_YEAR,
        delta=demo.PIM_DELTA,
        growth_last_year=demo.PIM_GROWTH_YEARS[1],
    )
    assert (stocks["growth_rate"] > 0).all()
    assert (stocks["rd_stock"] > 0).all()
    for _, grp in stocks.groupby("country_code"):
        s = grp["rd_stock"].to_numpy()
        assert (s[1:] >= (1 - demo.PIM_DELTA) * s[:-1]).all()
