"""Acceptance tests for the R&D capital stocks, spillover pools and the Chen panel (issue 4).

* The oracles (:mod:`resilience.oracles.perpetual_inventory`: explicit loops;
  :mod:`resilience.oracles.spillovers`: the pools and shares; :mod:`resilience.oracles.martin`)
  and the controls' formulas here recompute stocks, pools, provincial spillovers, controls, GDP growth and the Martin
  indices from the raw demo CSVs (data/demo/*.csv) and must match the marts built by dbt
  to 1e-9 (shared ``built_warehouse`` fixture).
* Property tests (hypothesis) run the *compiled model SQL* of the intermediate models in
  DuckDB on random inputs and compare with the oracle's recursion
  ``S_t = (1 - delta) S_t-1 + I_t`` (the SQL uses a closed-form window sum instead) and with
  the share identities (shares sum to 1, provincial spillovers sum to the national pool).
  The SQL is compiled once per setting with a sentinel depreciation rate that is replaced
  by the drawn delta, so delta varies per example without recompiling. A mutation test
  shows the checks fail on a broken closed form and on a broken share.
* Error paths: a gap, a missing base year, g + delta <= 0 and a non-positive value before a
  log abort the model with the country / province, the year and the variable.
* ``--vars '{rd_depreciation: 0.15, rd_base_year: 2005}'`` rebuilds consistent marts into a
  scratch DuckDB file and dim_spillover_parameters records it.
"""

from __future__ import annotations

import json
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from conftest import PROJECT_ROOT, query, run_dbt
from resilience.oracles import martin, spillovers
from resilience.oracles import perpetual_inventory as pim

pytestmark = pytest.mark.slow

DEMO = PROJECT_ROOT / "data" / "demo"
REFERENCE = PROJECT_ROOT / "seeds" / "reference"
VARS = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
RTOL = 1e-9
CHANNELS = {"imports": "imports", "fdi": "fdi", "ofdi": "ofdi"}
PROVINCE_FLOW = spillovers.PROVINCE_FLOW
LOG_NAME = {"imports": "lnim", "fdi": "lnfdi", "ofdi": "lnofdi"}


# ---------------------------------------------------------------------------------------
# Independent pandas implementation (reads the raw CSVs, not the warehouse)
# ---------------------------------------------------------------------------------------


def read_inputs() -> dict[str, pd.DataFrame]:
    codes = {"province_code": str, "country_code": str}
    return {
        "macro": pd.read_csv(DEMO / "partner_macro.csv", dtype=codes),
        "flows": pd.read_csv(DEMO / "bilateral_flows.csv", dtype=codes),
        "accounts": pd.read_csv(DEMO / "province_accounts.csv", dtype=codes),
        "rates": pd.read_csv(DEMO / "exchange_rates.csv"),
        "partners": pd.read_csv(REFERENCE / "partner_countries.csv", dtype=codes),
        "provinces": pd.read_csv(REFERENCE / "provinces.csv", dtype=codes),
    }


def pim_stocks(
    rd_real: pd.Series, delta: float, method: str, lag: int, growth_last_year: int
) -> tuple[float, np.ndarray]:
    """Growth rate and stocks of one economy (``rd_real`` by year) by the oracle's recursion."""
    g = pim.growth_rate(rd_real, growth_last_year, method)
    return g, pim.accumulate(rd_real.sort_index().to_numpy(), g, delta, lag)


def reference_stocks(macro: pd.DataFrame, base_year: int, delta: float, method="geometric", lag=0):
    """Stocks of every partner by the oracle (growth averaged up to ``chen_last_year``)."""
    return pim.perpetual_inventory(
        macro,
        base_year=base_year,
        delta=delta,
        growth_last_year=VARS["chen_last_year"],
        method=method,
        lag=lag,
    )


def reference_panel(inputs, pools: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    acc = inputs["accounts"]
    # national totals over every year of the accounts, then the panel years kept
    spill = spillovers.apportioned(acc, pools)
    keep = ((acc.year >= first_year) & (acc.year <= last_year)).to_numpy()
    panel = acc[keep].copy()
    for channel in PROVINCE_FLOW:
        prefix = {"imports": "im", "fdi": "fdi", "ofdi": "ofdi"}[channel]
        panel[f"{prefix}_spillover_usd_mn"] = spill[channel].to_numpy()[keep]
        panel[LOG_NAME[channel]] = spill[f"ln_{channel}"].to_numpy()[keep]
    rate = panel.year.map(inputs["rates"].set_index("year").cny_per_usd)
    panel["lngov"] = np.log(panel.fiscal_expenditure_cny_100mn / panel.gdp_cny_100mn)
    panel["lnftri"] = np.log(panel.foreign_capital_used_usd_mn * rate / 100 / panel.gdp_cny_100mn)
    panel["lninf"] = np.log(panel.telecom_business_cny_100mn / panel.gdp_cny_100mn)
    panel["lnhum"] = np.log(panel.higher_ed_students_10k)
    panel["gdp_growth"] = panel.gdp_index_prev_year - 100
    return panel.sort_values(["province_code", "year"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Marts against the pandas implementation (default vars)
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs():
    return read_inputs()


@pytest.fixture(scope="module")
def expected_stocks(inputs):
    return reference_stocks(
        inputs["macro"],
        VARS["rd_base_year"],
        VARS["rd_depreciation"],
        VARS["rd_growth_method"],
        VARS["rd_gestation_lag"],
    )


@pytest.fixture(scope="module")
def expected_pools(inputs, expected_stocks):
    return spillovers.pools(
        expected_stocks, inputs["flows"], inputs["macro"], VARS["spillover_denominator"]
    )


def test_stocks_match_pandas(built_warehouse, expected_stocks):
    got = query(
        built_warehouse, "select * from marts.fct_rd_capital_stocks order by economy_code, year"
    )
    exp = expected_stocks.sort_values(["country_code", "year"]).reset_index(drop=True)
    # the default inputs have no province_rd: every row is a partner's, in USD mn
    assert len(got) == len(exp) == 21 * (exp.year.max() - VARS["rd_base_year"] + 1)
    assert (got.economy_kind == "country").all() and (got.currency_unit == "usd_mn").all()
    assert (got.economy_code.values == exp.country_code.values).all()
    assert (got.year.values == exp.year.values).all()
    for column in ["rd_real", "growth_rate", "rd_stock"]:
        assert_allclose(got[column], exp[column], rtol=RTOL, atol=0, err_msg=column)


def test_pools_match_pandas(built_warehouse, expected_pools):
    got = query(built_warehouse, "select year, channel, pool from marts.fct_spillover_pools")
    merged = got.merge(
        expected_pools, on=["year", "channel"], suffixes=("", "_exp"), validate="1:1"
    )
    assert len(merged) == len(got) == len(expected_pools)
    assert_allclose(merged.pool, merged.pool_exp, rtol=RTOL, atol=0)
    bridge = query(
        built_warehouse,
        "select year, channel, sum(spillover_contribution) as pool, sum(share_of_pool) as shares "
        "from marts.bdg_partner_flows group by all",
    ).merge(expected_pools, on=["year", "channel"], suffixes=("", "_exp"))
    assert_allclose(bridge.pool, bridge.pool_exp, rtol=RTOL)
    assert_allclose(bridge.shares, 1.0, rtol=0, atol=1e-12)


def test_panel_matches_pandas(built_warehouse, inputs, expected_pools):
    first = max(VARS["chen_first_year"], VARS["rd_base_year"])
    exp = reference_panel(inputs, expected_pools, first, VARS["chen_last_year"])
    got = query(
        built_warehouse,
        "select * from marts.panel_spillover_resilience order by province_code, year",
    )
    assert len(got) == len(exp) == 31 * (VARS["chen_last_year"] - first + 1)
    assert (got.province_code.values == exp.province_code.values).all()
    assert (got.year.values == exp.year.values).all()
    for column in ["im_spillover_usd_mn", "fdi_spillover_usd_mn", "ofdi_spillover_usd_mn"]:
        assert_allclose(got[column], exp[column], rtol=RTOL, atol=0, err_msg=column)
    for column in ["lnim", "lnfdi", "lnofdi", "lngov", "lnftri", "lninf", "lnhum", "gdp_growth"]:
        assert_allclose(got[column], exp[column], rtol=RTOL, atol=RTOL, err_msg=column)
    assert not got.isna().any().any(), got.columns[got.isna().any()].tolist()
    assert got.res.between(0, 1).all()
    # the provincial spillovers of a year add up to the national pool
    sums = got.groupby("year").im_spillover_usd_mn.sum()
    pool = expected_pools[expected_pools.channel == "imports"].set_index("year").pool
    assert_allclose(sums, pool.loc[sums.index], rtol=1e-12)


def test_martin_matches_pandas(built_warehouse, inputs):
    s, e, r = VARS["martin_shock_start"], VARS["martin_shock_end"], VARS["martin_recovery_end"]
    levels = martin.chained_real_levels(inputs["accounts"], s, r)
    exp, _, _ = martin.martin_indices(levels, s, e, r)
    got = query(built_warehouse, "select * from marts.fct_martin_resilience order by unit_id")
    assert len(got) == 31
    assert (got.unit_id.values == exp.index.values).all()
    assert (got.province_code.values == exp.index.values).all()  # units are provinces
    names = inputs["provinces"].set_index("province_code").loc[got.province_code]
    assert (got.province_name_en.values == names.province_name_en.values).all()
    assert (got.region.values == names.region.values).all()
    assert (got.series == "province_real_gdp").all()
    for column in ("level_shock_start", "level_shock_end", "level_recovery_end"):
        assert_allclose(got[column], exp[column], rtol=RTOL, err_msg=column)
    assert_allclose(got.resistance, exp.resistance, rtol=RTOL, atol=RTOL)
    assert_allclose(got.recovery, exp.recovery, rtol=RTOL, atol=RTOL)


def test_parameters_record_the_default_vars(built_warehouse):
    params = query(built_warehouse, "select parameter, value from marts.dim_spillover_parameters")
    params = dict(zip(params.parameter, params.value, strict=True))
    for name in ["rd_base_year", "rd_depreciation", "rd_growth_method", "rd_gestation_lag"]:
        assert params[name] == str(VARS[name])
    assert params["n_partner_countries"] == "21"
    assert params["n_provinces_with_rd_stocks"] == "0"
    assert params["province_rd_base_year"] == str(VARS["province_rd_base_year"])
    assert params["rd_growth_last_year"] == str(VARS["chen_last_year"])


# ---------------------------------------------------------------------------------------
# The compiled model SQL, run on hand-made and random inputs
# ---------------------------------------------------------------------------------------

SENTINEL_DELTA = "0.123456789"
HARNESS_MODELS = [
    "int_rd_expenditures_deflated",
    "int_rd_growth_rates_computed",
    "int_rd_stocks_accumulated",
    "int_province_flow_shares_computed",
    "int_province_spillovers_apportioned",
    "int_province_controls_computed",
]
SETTINGS = {
    "lag0_geometric": {"rd_gestation_lag": 0, "rd_growth_method": "geometric"},
    "lag1_log_mean": {"rd_gestation_lag": 1, "rd_growth_method": "log_mean"},
    # the province input supplied (the path is only rendered, never read: the harness
    # creates stg_inputs__province_rd itself)
    "provinces": {
        "rd_gestation_lag": 0,
        "rd_growth_method": "geometric",
        "province_rd_path": "province_rd.csv",
        "province_rd_base_year": 2010,
    },
}
BASE = 2003
PROVINCE_BASE = 2010
CHEN_LAST = 2019  # series may run past it: g stops there, the stocks do not


class CompiledModels:
    """The models' SQL as dbt compiled it, runnable in an in-memory DuckDB on given tables."""

    def __init__(self, sql: dict[str, str], catalog: str):
        self.sql = sql
        self.catalog = catalog

    def run(self, tables: dict[str, pd.DataFrame], models: list[str], delta: float = 0.1, sql=None):
        """Create the input tables (schema staging or intermediate), build ``models`` in order."""
        sql = {**self.sql, **(sql or {})}
        con = duckdb.connect()
        con.execute(f"attach ':memory:' as {self.catalog}")
        for schema in ("staging", "intermediate"):
            con.execute(f"create schema {self.catalog}.{schema}")
        for name, frame in tables.items():
            schema = "intermediate" if name.startswith("int_") else "staging"
            con.register("frame", frame)
            con.execute(f"create table {self.catalog}.{schema}.{name} as select * from frame")
            con.unregister("frame")
        out = {}
        for model in models:
            text = sql[model].replace(SENTINEL_DELTA, repr(float(delta)))
            con.execute(f"create table {self.catalog}.intermediate.{model} as {text}")
            out[model] = con.execute(f"select * from {self.catalog}.intermediate.{model}").df()
        con.close()
        return out


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, CompiledModels]:
    """Compile the harness models once per setting, with the sentinel depreciation rate."""
    out = {}
    for name, extra in SETTINGS.items():
        tmp = tmp_path_factory.mktemp(f"compile_{name}")
        dbt_vars = {
            "rd_depreciation": float(SENTINEL_DELTA),
            "rd_base_year": BASE,
            "chen_first_year": 2003,
            "chen_last_year": CHEN_LAST,
            **extra,
        }
        proc = run_dbt(
            ["compile", "--select", *HARNESS_MODELS, "--vars", json.dumps(dbt_vars)],
            tmp / "hyp.duckdb",
            tmp,
        )
        if proc.returncode != 0:
            pytest.fail(f"dbt compile failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
        folder = (
            tmp
            / "target"
            / "compiled"
            / "resilience_warehouse"
            / "models"
            / "intermediate"
            / "spillovers"
        )
        sql = {model: (folder / f"{model}.sql").read_text() for model in HARNESS_MODELS}
        assert all(
            SENTINEL_DELTA in sql[m]
            for m in ["int_rd_growth_rates_computed", "int_rd_stocks_accumulated"]
        )
        out[name] = CompiledModels(sql, catalog="hyp")
    return out


def province_table(rd: dict[str, list[float]], price: dict[str, list[float]], skip=()):
    """stg_inputs__province_rd from series that start in PROVINCE_BASE (typed when empty)."""
    rows = [
        {
            "province_code": code,
            "year": PROVINCE_BASE + k,
            "rd_expenditure_cny_10k": value,
            "price_index": price[code][k],
        }
        for code, values in rd.items()
        for k, value in enumerate(values)
        if (code, PROVINCE_BASE + k) not in skip
    ]
    frame = pd.DataFrame(
        rows, columns=["province_code", "year", "rd_expenditure_cny_10k", "price_index"]
    )
    return frame.astype(
        {
            "province_code": str,
            "year": "int32",
            "rd_expenditure_cny_10k": float,
            "price_index": float,
        }
    )


def partner_tables(
    rd: dict[str, list[float]],
    cpi: dict[str, list[float]],
    first_year=BASE,
    skip=(),
    provinces: tuple[dict, dict] | None = None,
    province_skip=(),
):
    """The staging inputs of the R&D chain; ``provinces`` = (rd, price) of province_rd."""
    rows = []
    for code, values in rd.items():
        for k, value in enumerate(values):
            year = first_year + k
            if (code, year) in skip:
                continue
            rows.append(
                {
                    "country_code": code,
                    "year": year,
                    "rd_expenditure_usd_mn": value,
                    "gdp_usd_mn": 1000.0,
                    "gfcf_usd_mn": 200.0,
                    "cpi": cpi[code][k],
                }
            )
    province_rd, price = provinces or ({}, {})
    return {
        "stg_inputs__partner_macro": pd.DataFrame(rows),
        "stg_inputs__province_rd": province_table(province_rd, price, province_skip),
        "stg_reference__partner_countries": pd.DataFrame({"country_code": list(rd)}),
        "stg_reference__provinces": pd.DataFrame(
            {"province_code": list(province_rd) or ["110000"]}
        ),
    }


RD_MODELS = [
    "int_rd_expenditures_deflated",
    "int_rd_growth_rates_computed",
    "int_rd_stocks_accumulated",
]


def check_stocks_against_recursion(models: CompiledModels, rd, cpi, delta, setting, sql=None):
    """Run the SQL chain and compare with the Python recursion; returns the SQL stocks."""
    lag = SETTINGS[setting]["rd_gestation_lag"]
    method = SETTINGS[setting]["rd_growth_method"]
    out = models.run(partner_tables(rd, cpi), RD_MODELS, delta, sql)
    stocks = out["int_rd_stocks_accumulated"].sort_values(["economy_code", "year"])
    for code in rd:
        rd_real = pd.Series(rd[code], dtype=float) / (pd.Series(cpi[code]) / cpi[code][0])
        rd_real.index = range(BASE, BASE + len(rd_real))
        g, expected = pim_stocks(rd_real, delta, method, lag, CHEN_LAST)
        mine = stocks[stocks.economy_code == code]
        assert_allclose(mine.growth_rate, g, rtol=1e-9, atol=1e-12)
        assert_allclose(mine.rd_stock, expected, rtol=1e-9, atol=0)
        s = mine.rd_stock.to_numpy()
        inflow = mine.rd_inflow.to_numpy()[1:]
        # the recursion and its invariant, as the dbt data tests state them
        assert_allclose(s[1:] - (1 - delta) * s[:-1], inflow, rtol=0, atol=1e-9 * s[1:].max())
        assert (s[1:] >= (1 - delta) * s[:-1] * (1 - 1e-12)).all()
        assert (s > 0).all()
    return stocks


positive = st.floats(min_value=1e-2, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def partner_series(draw):
    n_partners = draw(st.integers(1, 3))
    n_years = draw(st.integers(2, 25))  # up to 2027, past CHEN_LAST
    rd, cpi = {}, {}
    for k in range(n_partners):
        code = f"C{k}"
        rd[code] = draw(st.lists(positive, min_size=n_years, max_size=n_years))
        cpi[code] = draw(st.lists(st.floats(0.5, 500), min_size=n_years, max_size=n_years))
    return rd, cpi


@pytest.mark.parametrize("setting", ["lag0_geometric", "lag1_log_mean"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(series=partner_series(), delta=st.floats(0.01, 0.9))
def test_property_closed_form_equals_recursion(compiled, setting, series, delta):
    rd, cpi = series
    method = SETTINGS[setting]["rd_growth_method"]
    growth = {}
    for code in rd:
        real = pd.Series(rd[code]) / (pd.Series(cpi[code]) / cpi[code][0])
        real.index = range(BASE, BASE + len(real))
        growth[code] = pim.growth_rate(real, CHEN_LAST, method)
    bad = sorted(code for code, g in growth.items() if g + delta <= 1e-9)
    if bad:
        # g + delta <= 0 must abort, naming the partner (1e-9 margin: no tie-breaking by rounding)
        if any(g + delta <= 0 for g in growth.values()):
            with pytest.raises(
                duckdb.Error, match=r"country C\d, year 2003: growth rate g \+ depreciation"
            ):
                compiled[setting].run(partner_tables(rd, cpi), RD_MODELS, delta)
        return
    check_stocks_against_recursion(compiled[setting], rd, cpi, delta, setting)


@st.composite
def province_flows(draw):
    n_provinces = draw(st.integers(1, 31))
    years = draw(st.lists(st.integers(2003, 2019), min_size=1, max_size=3, unique=True))
    flow = st.one_of(st.just(0.0), st.floats(1e-3, 1e6))
    rows = []
    for year in years:
        for k in range(n_provinces):
            rows.append(
                {
                    "province_code": f"{k + 11:02d}0000",
                    "year": year,
                    **{column: draw(flow) for column in PROVINCE_FLOW.values()},
                }
            )
    return pd.DataFrame(rows)


def check_shares(models: CompiledModels, accounts: pd.DataFrame, pools: pd.DataFrame, sql=None):
    provinces = pd.DataFrame({"province_code": sorted(accounts.province_code.unique())})
    out = models.run(
        {
            "stg_inputs__province_accounts": accounts,
            "stg_reference__provinces": provinces,
            "int_spillover_pools_summed": pools,
        },
        ["int_province_flow_shares_computed", "int_province_spillovers_apportioned"],
        sql=sql,
    )
    shares = out["int_province_flow_shares_computed"]
    assert len(shares) == 3 * len(accounts)
    sums = shares.groupby(["year", "channel"]).flow_share.sum()
    assert_allclose(sums, 1.0, rtol=0, atol=1e-12)
    for channel, column in PROVINCE_FLOW.items():
        mine = shares[shares.channel == channel].merge(accounts, on=["province_code", "year"])
        total = mine.year.map(accounts.groupby("year")[column].sum())
        assert_allclose(mine.flow_share, mine[column] / total, rtol=1e-12, atol=0)
    spill = out["int_province_spillovers_apportioned"]
    for channel, prefix in {"imports": "im", "fdi": "fdi", "ofdi": "ofdi"}.items():
        got = spill.groupby("year")[f"{prefix}_spillover_usd_mn"].sum()
        pool = pools[pools.channel == channel].set_index("year").pool_usd_mn.loc[got.index]
        assert_allclose(got, pool, rtol=1e-12)
        assert_allclose(
            spill[LOG_NAME[channel]], np.log(spill[f"{prefix}_spillover_usd_mn"]), rtol=1e-12
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(accounts=province_flows(), pool=st.floats(1.0, 1e9))
def test_property_shares_sum_to_one_and_spillovers_to_the_pool(compiled, accounts, pool):
    models = compiled["lag0_geometric"]
    pools = pd.DataFrame(
        [(year, channel, pool) for year in accounts.year.unique() for channel in CHANNELS],
        columns=["year", "channel", "pool_usd_mn"],
    )
    totals = accounts.groupby("year")[list(PROVINCE_FLOW.values())].sum()
    if (totals <= 0).any().any():
        with pytest.raises(duckdb.Error, match=r"national total of \w+ = 0.0 is not positive"):
            check_shares(models, accounts, pools)
        return
    if (accounts[list(PROVINCE_FLOW.values())] <= 0).any().any():
        # a province with a zero flow has a zero spillover, whose log is an error
        with pytest.raises(
            duckdb.Error, match=r"ln\w+ = ln\(\w+\) is undefined for unit \d{6}, year \d{4}"
        ):
            check_shares(models, accounts, pools)
        return
    check_shares(models, accounts, pools)


def test_property_checks_fail_on_broken_sql(compiled):
    """The checks above can fail: a closed form with an off-by-one window and a share over the
    wrong total are caught on a plain example."""
    models = compiled["lag0_geometric"]
    rd = {"C0": [100.0, 120.0, 80.0, 100.0]}
    cpi = {"C0": [1.0, 1.0, 1.0, 1.0]}
    check_stocks_against_recursion(models, rd, cpi, 0.25, "lag0_geometric")
    stock_sql = models.sql["int_rd_stocks_accumulated"]
    broken = stock_sql.replace("and current row", "and 1 following")
    assert broken != stock_sql
    with pytest.raises(AssertionError):
        check_stocks_against_recursion(
            models, rd, cpi, 0.25, "lag0_geometric", sql={"int_rd_stocks_accumulated": broken}
        )
    accounts = pd.DataFrame(
        {
            "province_code": ["110000", "120000"],
            "year": [2010, 2010],
            "imports_usd_mn": [1.0, 3.0],
            "fdi_inflow_usd_mn": [2.0, 2.0],
            "ofdi_usd_mn": [1.0, 1.0],
        }
    )
    pools = pd.DataFrame({"year": [2010] * 3, "channel": list(CHANNELS), "pool_usd_mn": [8.0] * 3})
    check_shares(models, accounts, pools)
    share_sql = models.sql["int_province_flow_shares_computed"]
    broken = share_sql.replace(
        "/ national_totals.national_flow_usd_mn", "/ (national_totals.national_flow_usd_mn + 1)"
    )
    assert broken != share_sql
    with pytest.raises(AssertionError):
        check_shares(models, accounts, pools, sql={"int_province_flow_shares_computed": broken})


# ---------------------------------------------------------------------------------------
# Error paths: the message names the country / province, the year and the variable
# ---------------------------------------------------------------------------------------


def test_gap_in_rd_series_names_country_and_year(compiled):
    rd = {"C0": [100.0] * 6, "C1": [50.0] * 6}
    cpi = {"C0": [1.0] * 6, "C1": [1.0] * 6}
    with pytest.raises(duckdb.Error, match=r"country C1, year 2006: gap in the R&D series"):
        compiled["lag0_geometric"].run(partner_tables(rd, cpi, skip={("C1", 2006)}), RD_MODELS)


def test_missing_base_year_names_country_and_year(compiled):
    rd = {"C0": [100.0] * 4, "C1": [50.0] * 4}
    cpi = {"C0": [1.0] * 4, "C1": [1.0] * 4}
    with pytest.raises(duckdb.Error, match=r"country C0, year 2003: the base year .* is missing"):
        compiled["lag0_geometric"].run(partner_tables(rd, cpi, skip={("C0", 2003)}), RD_MODELS)
    # no partner has its base year: the model has no rows at all and must still fail
    only = {"C0": rd["C0"]}
    with pytest.raises(duckdb.Error, match=r"country C0, year 2003: the base year .* is missing"):
        compiled["lag0_geometric"].run(
            partner_tables(only, {"C0": cpi["C0"]}, skip={("C0", 2003)}), RD_MODELS
        )


def test_missing_partner_and_bad_value_are_errors(compiled):
    rd = {"C0": [100.0, -1.0, 100.0]}
    cpi = {"C0": [1.0, 1.0, 1.0]}
    with pytest.raises(duckdb.Error, match=r"country C0, year 2004: rd_expenditure_usd_mn = -1.0"):
        compiled["lag0_geometric"].run(partner_tables(rd, cpi), RD_MODELS)
    tables = partner_tables({"C0": [100.0, 110.0]}, {"C0": [1.0, 1.0]})
    tables["stg_reference__partner_countries"] = pd.DataFrame({"country_code": ["C0", "C9"]})
    with pytest.raises(
        duckdb.Error, match=r"country C9, year 2003: partner listed in partner_countries has no row"
    ):
        compiled["lag0_geometric"].run(tables, RD_MODELS)


def test_growth_plus_depreciation_not_positive_names_country(compiled):
    rd = {"C0": [100.0, 110.0, 121.0], "C1": [100.0, 50.0, 25.0]}  # C1: g = -0.5
    cpi = {"C0": [1.0] * 3, "C1": [1.0] * 3}
    with pytest.raises(
        duckdb.Error, match=r"country C1, year 2003: growth rate g \+ depreciation = -0.4"
    ):
        compiled["lag0_geometric"].run(partner_tables(rd, cpi), RD_MODELS, delta=0.1)


def controls_tables(**overrides) -> dict[str, pd.DataFrame]:
    row = {
        "province_code": "110000",
        "year": 2010,
        "gdp_cny_100mn": 1000.0,
        "fiscal_expenditure_cny_100mn": 250.0,
        "foreign_capital_used_usd_mn": 100.0,
        "telecom_business_cny_100mn": 125.0,
        "higher_ed_students_10k": 50.0,
        **overrides,
    }
    return {
        "stg_inputs__province_accounts": pd.DataFrame([row]),
        "stg_inputs__exchange_rates": pd.DataFrame({"year": [2010], "cny_per_usd": [8.0]}),
    }


@pytest.mark.parametrize(
    ("column", "value", "variable", "shown"),
    [
        ("fiscal_expenditure_cny_100mn", 0.0, "lngov", "0.0"),
        ("telecom_business_cny_100mn", -5.0, "lninf", "-0.005"),
        ("higher_ed_students_10k", None, "lnhum", "missing"),
        ("higher_ed_students_10k", -1e-300, "lnhum", "-1e-300"),
    ],
)
def test_safe_ln_names_province_year_variable(compiled, column, value, variable, shown):
    tables = controls_tables(**{column: value})
    accounts = tables["stg_inputs__province_accounts"]
    accounts[column] = accounts[column].astype(float)  # None -> NaN, which DuckDB reads as NULL
    pattern = (
        rf"int_province_controls_computed: {variable} = ln\(\w+\) is undefined"
        rf" for unit 110000, year 2010: the value is {shown}"
    )
    with pytest.raises(duckdb.Error, match=pattern):
        compiled["lag0_geometric"].run(tables, ["int_province_controls_computed"])


def test_safe_ln_accepts_tiny_positive_values(compiled):
    out = compiled["lag0_geometric"].run(
        controls_tables(higher_ed_students_10k=1e-300), ["int_province_controls_computed"]
    )["int_province_controls_computed"]
    assert out.lnhum.iloc[0] == pytest.approx(math.log(1e-300))
    assert out.lngov.iloc[0] == pytest.approx(math.log(0.25))


def test_missing_exchange_rate_is_an_error(compiled):
    tables = controls_tables()
    tables["stg_inputs__exchange_rates"] = pd.DataFrame({"year": [2011], "cny_per_usd": [8.0]})
    with pytest.raises(duckdb.Error, match=r"year 2010: cny_per_usd = missing"):
        compiled["lag0_geometric"].run(tables, ["int_province_controls_computed"])


def test_bad_var_is_a_compile_error(tmp_path):
    proc = run_dbt(
        [
            "compile",
            "--select",
            "int_rd_growth_rates_computed",
            "--vars",
            "{rd_growth_method: arithmetic}",
        ],
        tmp_path / "bad.duckdb",
        tmp_path,
    )
    assert proc.returncode != 0
    assert "var rd_growth_method=arithmetic: expected one of geometric, log_mean" in proc.stdout


# ---------------------------------------------------------------------------------------
# Rebuilding with other vars
# ---------------------------------------------------------------------------------------


def test_vars_rebuild_consistent_marts(tmp_path, inputs):
    delta, base = 0.15, 2005
    marts = [
        "fct_rd_capital_stocks",
        "fct_spillover_pools",
        "panel_spillover_resilience",
        "dim_spillover_parameters",
    ]
    proc = run_dbt(
        [
            "build",
            "--select",
            *[f"+{m}" for m in marts],
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps({"rd_depreciation": delta, "rd_base_year": base}),
        ],
        tmp_path / "vars.duckdb",
        tmp_path,
    )
    if proc.returncode != 0:
        pytest.fail(f"dbt build with --vars failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    db = tmp_path / "vars.duckdb"
    params = query(db, "select parameter, value from marts.dim_spillover_parameters")
    params = dict(zip(params.parameter, params.value, strict=True))
    assert params["rd_depreciation"] == "0.15"
    assert params["rd_base_year"] == "2005"
    assert params["panel_first_year"] == "2005"
    assert params["rd_stock_first_year"] == "2005"

    exp = reference_stocks(
        inputs["macro"], base, delta, VARS["rd_growth_method"], VARS["rd_gestation_lag"]
    )
    exp = exp.sort_values(["country_code", "year"]).reset_index(drop=True)
    got = query(db, "select * from marts.fct_rd_capital_stocks order by economy_code, year")
    assert got.year.min() == base and (got.depreciation_rate == delta).all()
    assert_allclose(got.rd_stock, exp.rd_stock, rtol=RTOL)
    assert_allclose(got.rd_real, exp.rd_real, rtol=RTOL)
    # stocks of the default build differ: the parameters are not decorative
    default = reference_stocks(inputs["macro"], VARS["rd_base_year"], VARS["rd_depreciation"])
    assert not np.allclose(default[default.year == 2010].rd_stock, exp[exp.year == 2010].rd_stock)

    pools = query(db, "select year, channel, pool from marts.fct_spillover_pools")
    exp_pools = spillovers.pools(
        exp, inputs["flows"], inputs["macro"], VARS["spillover_denominator"]
    )
    merged = pools.merge(exp_pools, on=["year", "channel"], suffixes=("", "_exp"), validate="1:1")
    assert_allclose(merged.pool, merged.pool_exp, rtol=RTOL)

    panel = query(db, "select * from marts.panel_spillover_resilience")
    assert len(panel) == 31 * (VARS["chen_last_year"] - base + 1)
    assert panel.year.min() == base
    assert not panel[["lnim", "lnfdi", "lnofdi", "lngov", "res"]].isna().any().any()


# ---------------------------------------------------------------------------------------
# Provinces (input province_rd) through the same models, beside the partners
# ---------------------------------------------------------------------------------------

PROVINCE_CODES = sorted(pd.read_csv(REFERENCE / "provinces.csv", dtype=str).province_code)


def test_provinces_match_the_recursion_and_leave_partner_rows_unchanged(compiled):
    """One chain for both kinds: partner rows are bit-identical with and without provinces;
    each province is deflated from its own base year (2010) and accumulated by the recursion.

    The China example's shape (22 economies 2003-2021, 31 provinces 2010-2021). This random
    panel does not expose the last-bit effect of one window over both kinds (the SQL runs the
    window per kind); test_example_china compares partner rows with and without provinces on
    the real data, where it does."""
    rng = np.random.default_rng(13)
    n_partner, n_province, delta = 19, 12, 0.1  # 2003-2021 and 2010-2021
    rd = {
        f"C{k:02d}": list(100 * np.cumprod(1 + rng.uniform(-0.05, 0.2, n_partner)))
        for k in range(22)
    }
    cpi = {code: list(80 * np.cumprod(1 + rng.uniform(0, 0.05, n_partner))) for code in rd}
    prov_rd = {
        c: list(5e5 * np.cumprod(1 + rng.uniform(0, 0.25, n_province))) for c in PROVINCE_CODES
    }
    price = {
        c: list(120 * np.cumprod(1 + rng.uniform(-0.01, 0.04, n_province))) for c in PROVINCE_CODES
    }
    alone = compiled["lag0_geometric"].run(partner_tables(rd, cpi), RD_MODELS, delta)
    both = compiled["provinces"].run(
        partner_tables(rd, cpi, provinces=(prov_rd, price)), RD_MODELS, delta
    )
    for model in RD_MODELS:
        mine = both[model][both[model].economy_kind == "country"]
        mine = mine.sort_values(list(mine.columns[:3])).reset_index(drop=True)
        theirs = alone[model].sort_values(list(mine.columns[:3])).reset_index(drop=True)
        assert (theirs.economy_kind == "country").all() and len(theirs) == len(mine) > 0, model
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True, obj=model)
    stocks = both["int_rd_stocks_accumulated"]
    provinces = stocks[stocks.economy_kind == "province"].sort_values(["economy_code", "year"])
    assert len(provinces) == 31 * n_province
    assert (provinces.currency_unit == "cny_10k").all() and (provinces.base_year == 2010).all()
    assert (stocks[stocks.economy_kind == "country"].currency_unit == "usd_mn").all()
    for code in PROVINCE_CODES:
        real = pd.Series(prov_rd[code]) / (pd.Series(price[code]) / price[code][0])
        real.index = range(PROVINCE_BASE, PROVINCE_BASE + n_province)
        g, expected = pim_stocks(real, delta, "geometric", 0, CHEN_LAST)
        mine = provinces[provinces.economy_code == code]
        assert mine.year.tolist() == list(real.index)
        assert_allclose(mine.rd_real, real.to_numpy(), rtol=1e-12)
        assert_allclose(mine.growth_rate, g, rtol=1e-9)
        assert_allclose(mine.rd_stock, expected, rtol=1e-9, atol=0)
    growth = both["int_rd_growth_rates_computed"].set_index("economy_code")
    assert (growth.loc[PROVINCE_CODES, "growth_last_year"] == CHEN_LAST).all()
    assert (growth.loc[list(rd), "base_year"] == BASE).all()


VALID_PARTNER = ({"C0": [100.0, 110.0, 121.0]}, {"C0": [1.0, 1.0, 1.0]})


def run_provinces(compiled, prov_rd, listed=None, province_skip=(), delta=0.1):
    prices = {code: [1.0] * len(values) for code, values in prov_rd.items()}
    tables = partner_tables(
        *VALID_PARTNER, provinces=(prov_rd, prices), province_skip=province_skip
    )
    if listed is not None:
        tables["stg_reference__provinces"] = pd.DataFrame({"province_code": listed})
    return compiled["provinces"].run(tables, RD_MODELS, delta)


def test_gap_in_province_series_names_province_year_and_source(compiled):
    with pytest.raises(
        duckdb.Error,
        match=r"province 120000, year 2013: gap in the R&D series of stg_inputs__province_rd "
        r"\(years 2013-2013 missing\)",
    ):
        run_provinces(
            compiled,
            {"110000": [100.0] * 6, "120000": [50.0] * 6},
            province_skip={("120000", 2013)},
        )


def test_missing_province_base_year_names_the_var(compiled):
    with pytest.raises(
        duckdb.Error,
        match=r"province 110000, year 2010: the base year \(var province_rd_base_year\) is "
        r"missing from stg_inputs__province_rd; the series starts in 2011",
    ):
        run_provinces(
            compiled,
            {"110000": [100.0] * 4, "120000": [50.0] * 4},
            province_skip={("110000", 2010)},
        )


def test_bad_province_value_and_unlisted_province_are_errors(compiled):
    with pytest.raises(
        duckdb.Error,
        match=r"province 110000, year 2011: rd_expenditure_cny_10k = -1.0, price_index = 1.0 "
        r"in stg_inputs__province_rd",
    ):
        run_provinces(compiled, {"110000": [100.0, -1.0, 100.0]})
    with pytest.raises(
        duckdb.Error,
        match=r"province 130000, year 2010: province listed in provinces has no row from the "
        r"base year on in stg_inputs__province_rd",
    ):
        run_provinces(compiled, {"110000": [100.0, 110.0]}, listed=["110000", "130000"])


def test_province_growth_plus_depreciation_not_positive_names_province(compiled):
    with pytest.raises(
        duckdb.Error,
        match=r"province 120000, year 2010: growth rate g \+ depreciation = -0.4 <= 0 "
        r"\(g = -0.5, geometric, of rd_real 2010-2012\)",
    ):
        run_provinces(compiled, {"110000": [100.0, 110.0, 121.0], "120000": [100.0, 50.0, 25.0]})


def test_province_base_year_after_the_growth_window_is_a_compile_error(tmp_path):
    proc = run_dbt(
        [
            "compile",
            "--select",
            "int_rd_growth_rates_computed",
            "--vars",
            json.dumps({"province_rd_path": "p.csv", "province_rd_base_year": 2019}),
        ],
        tmp_path / "bad.duckdb",
        tmp_path,
    )
    assert proc.returncode != 0
    assert "var chen_last_year = 2019 must be after var province_rd_base_year = 2019" in proc.stdout
