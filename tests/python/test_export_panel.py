"""Acceptance tests for the Wang & Lu export-resilience panel (issue 5).

Independent recomputations on the demo seeds (data/demo/*.csv) with pandas and statsmodels,
compared with what dbt built (shared ``built_warehouse`` fixture):

* HP trend / cycle of ln(exports) against ``statsmodels`` ``hpfilter`` called directly, and
  the log rule ``exp_res_hp = ln(100 * trend / cycle)`` only where the ratio is positive;
* export resilience ``(x_t - x_2008) / x_2008`` and the controls / mediators;
* the paper's sample sizes, by compiling and running analysis/paper_sample_sizes.sql;
* the error paths: checked_ratio names province, year and indicator; a missing base-year
  export fails int_exports_rebased naming the province; the HP model rejects bad series.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose
from statsmodels.tsa.filters.hp_filter import hpfilter

from conftest import PROJECT_ROOT, load_model_module, query, run_dbt

pytestmark = pytest.mark.slow

DEMO = PROJECT_ROOT / "data" / "demo"
VARS = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
FIRST, LAST = VARS["wl_first_year"], VARS["wl_last_year"]
BASE, LAMBDA = VARS["export_base_year"], VARS["hp_lambda"]
TIBET = "540000"
PAPER_SIZES = {
    "baseline": 450,
    "lag1": 420,
    "lag2": 390,
    "excluding_beijing_shanghai_guangdong": 405,
    "central_west": 285,
    "east": 165,
}


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    """The demo provincial accounts, read independently of dbt."""
    frame = pd.read_csv(DEMO / "province_accounts.csv", dtype={"province_code": str})
    return frame.sort_values(["province_code", "year"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def compile_dir(tmp_path_factory) -> Path:
    """One target/log dir for this module's dbt compiles (the second reuses the parse)."""
    return tmp_path_factory.mktemp("compile_exports")


@pytest.fixture(scope="module")
def compiled(built_warehouse, compile_dir) -> Path:
    """Compile the sample-size analysis and int_exports_rebased; return the compiled root."""
    tmp = compile_dir
    proc = run_dbt(
        ["compile", "--select", "paper_sample_sizes", "int_exports_rebased"], built_warehouse, tmp
    )
    if proc.returncode != 0:
        pytest.fail(f"dbt compile failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")
    return tmp / "target" / "compiled" / "resilience_warehouse"


# --- HP filter --------------------------------------------------------------------------


def test_hp_trend_and_cycle_match_statsmodels(built_warehouse, accounts):
    built = query(
        built_warehouse,
        "select province_code, year, hp_trend, hp_cycle, hp_lambda, series_first_year, "
        "series_last_year from intermediate.int_exports_hp_filtered order by province_code, year",
    )
    assert len(built) == len(accounts)
    assert (built["hp_lambda"] == LAMBDA).all()
    for code, series in accounts.groupby("province_code"):
        cycle, trend = hpfilter(np.log(series["exports_usd_mn"].to_numpy()), lamb=LAMBDA)
        mine = built[built["province_code"] == code]
        assert mine["year"].tolist() == series["year"].tolist(), code
        assert mine["series_first_year"].unique().tolist() == [series["year"].min()]
        assert mine["series_last_year"].unique().tolist() == [series["year"].max()]
        assert_allclose(mine["hp_trend"], np.asarray(trend), rtol=1e-10, atol=1e-12, err_msg=code)
        assert_allclose(mine["hp_cycle"], np.asarray(cycle), rtol=1e-10, atol=1e-10, err_msg=code)


def check_hp_log_rule(db, rule):
    """exp_res_hp by the rule the build used, recomputed from trend and cycle."""
    hp = query(
        db,
        "select hp_trend, hp_cycle, exp_res_hp, exp_res_hp_null_reason, hp_log_rule "
        "from intermediate.int_export_hp_ratios_logged",
    )
    assert hp["hp_log_rule"].unique().tolist() == [rule]
    ratio = hp["hp_trend"] / hp["hp_cycle"].where(hp["hp_cycle"] != 0)
    if rule == "absolute":
        ratio = ratio.abs()
    usable = ratio > 0
    assert_allclose(hp.loc[usable, "exp_res_hp"], np.log(100 * ratio[usable]), rtol=1e-12)
    assert hp.loc[~usable, "exp_res_hp"].isna().all()
    assert hp.loc[usable, "exp_res_hp_null_reason"].isna().all()
    expected_reason = np.where(hp["hp_cycle"] == 0, "cycle_zero", "ratio_non_positive")
    assert (hp.loc[~usable, "exp_res_hp_null_reason"] == expected_reason[~usable]).all()

    panel = query(
        db,
        "select province_code, count(exp_res_hp) as n_usable, "
        "count(*) filter (where exp_res_hp is null) as n_null "
        "from marts.panel_dataflow_export group by province_code",
    )
    diagnostics = query(db, "select * from marts.fct_export_hp_diagnostics")
    merged = panel.merge(diagnostics, on="province_code", validate="one_to_one")
    assert len(merged) == 31
    assert (merged["n_usable_x"] == merged["n_usable_y"]).all()
    assert (merged["n_null"] == merged["n_cycle_zero"] + merged["n_ratio_non_positive"]).all()
    assert (merged["n_missing_unexplained"] == 0).all()
    return hp


def test_hp_log_rule_default_keeps_every_row(built_warehouse):
    """The default rule (absolute) gives every row a value: the paper's N = 450."""
    hp = check_hp_log_rule(built_warehouse, "absolute")
    assert hp["exp_res_hp"].notna().all()
    n = query(
        built_warehouse,
        "select count(exp_res_hp) as n from marts.panel_dataflow_export where in_paper_sample",
    )["n"].iloc[0]
    assert n == 450


def test_hp_model_rejects_bad_series():
    module = load_model_module("models/intermediate/exports/int_exports_hp_filtered.py")
    years = np.array([2007, 2008, 2009, 2010])
    module._check_series("110000", years, np.array([1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match=r"province 110000.*exports_usd_mn.*\[2009\]"):
        module._check_series("110000", years, np.array([1.0, 2.0, 0.0, 4.0]))
    with pytest.raises(ValueError, match=r"province 110000.*\[2008\]"):
        module._check_series("110000", years, np.array([1.0, np.nan, 3.0, 4.0]))
    with pytest.raises(ValueError, match=r"province 130000.*year\(s\) \[2009\] appear more"):
        module._check_series(
            "130000", np.array([2008, 2009, 2009, 2010]), np.array([1.0, 2.0, 2.5, 3.0])
        )
    with pytest.raises(ValueError, match=r"province 120000.*\[2009\] missing"):
        module._check_series("120000", np.array([2008, 2010, 2011]), np.array([1.0, 2.0, 3.0]))


# --- export resilience and controls -----------------------------------------------------


def test_exp_res_matches_pandas(built_warehouse, accounts):
    base = accounts.loc[accounts["year"] == BASE].set_index("province_code")["exports_usd_mn"]
    expected = accounts.assign(
        exp_res=lambda d: (
            (d["exports_usd_mn"] - d["province_code"].map(base)) / d["province_code"].map(base)
        )
    )
    expected = expected[expected["year"].between(FIRST, LAST)]
    built = query(
        built_warehouse,
        "select province_code, year, exp_res from marts.panel_dataflow_export",
    )
    merged = expected.merge(built, on=["province_code", "year"], validate="one_to_one")
    assert len(merged) == len(built) == 31 * (LAST - FIRST + 1)
    assert_allclose(merged["exp_res_y"], merged["exp_res_x"], rtol=1e-12)
    assert (merged["exp_res_y"] != 0).all()


def test_controls_and_mediators_match_pandas(built_warehouse, accounts):
    rates = pd.read_csv(DEMO / "exchange_rates.csv")
    d = accounts.merge(rates, on="year", how="left", validate="many_to_one")
    d = d[d["year"].between(FIRST, LAST)]
    gdp = d["gdp_cny_100mn"]
    expected = pd.DataFrame(
        {
            "province_code": d["province_code"],
            "year": d["year"],
            "edu": d["education_expenditure_cny_100mn"] / d["fiscal_expenditure_cny_100mn"],
            # USD mn * CNY/USD = CNY mn; GDP in 100 mn CNY -> * 100 = CNY mn
            "open": (d["exports_usd_mn"] + d["imports_usd_mn"]) * d["cny_per_usd"] / (gdp * 100),
            "gov": d["fiscal_expenditure_cny_100mn"] / gdp,
            "health": d["medical_institutions"] / 10_000,
            "tec": d["tech_contract_turnover_cny_100mn"] / gdp,
            "isu": d["tertiary_value_added_cny_100mn"] / gdp,
            "ted": d["rd_expenditure_cny_100mn"] / gdp,
        }
    )
    built = query(
        built_warehouse,
        "select province_code, year, edu, open, gov, health, tec, isu, ted "
        "from marts.panel_dataflow_export",
    )
    merged = expected.merge(
        built, on=["province_code", "year"], suffixes=("_pd", "_dbt"), validate="one_to_one"
    )
    assert len(merged) == len(built)
    for column in ["edu", "open", "gov", "health", "tec", "isu", "ted"]:
        assert_allclose(merged[f"{column}_dbt"], merged[f"{column}_pd"], rtol=1e-12, err_msg=column)


def test_panel_flags_and_sample(built_warehouse):
    panel = query(built_warehouse, "select * from marts.panel_dataflow_export")
    sample = panel[panel["in_paper_sample"]]
    assert set(panel.loc[~panel["in_paper_sample"], "province_code"]) == {TIBET}
    assert panel.loc[panel["province_code"] == TIBET, "data_index"].isna().all()
    assert sample["province_code"].nunique() == 30 and len(sample) == 450
    assert sample["data_index"].notna().all() and sample["data_index_pca"].notna().all()
    assert (sample["lag1_data_index"].isna() == (sample["year"] == FIRST)).all()
    assert (sample["lag2_data_index"].isna() == (sample["year"] <= FIRST + 1)).all()
    ftz = panel.groupby("province_code")["is_ftz_province"].first()
    assert ftz.sum() == 18  # pilot FTZs established by 2019 (DESIGN.md reference facts)


# --- sample sizes -----------------------------------------------------------------------


def test_paper_sample_sizes(built_warehouse, compiled):
    sql = (compiled / "analysis" / "paper_sample_sizes.sql").read_text()
    sizes = query(built_warehouse, sql).set_index("sample_name")["n_obs"]
    assert {name: int(sizes[name]) for name in PAPER_SIZES} == PAPER_SIZES


# --- error paths ------------------------------------------------------------------------


def test_missing_base_year_export_names_the_province(built_warehouse, compiled, tmp_path):
    """Beijing without a 2008 row: int_exports_rebased must fail naming 110000."""
    sql = (compiled / "models" / "intermediate" / "exports" / "int_exports_rebased.sql").read_text()
    copy = tmp_path / built_warehouse.name  # same file stem = same catalog name in the SQL
    shutil.copy(built_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.sql(
            "create or replace table staging.stg_inputs__province_accounts_cut as "
            f"select * from staging.stg_inputs__province_accounts "
            f"where not (province_code = '110000' and year = {BASE})"
        )
        con.sql("drop view staging.stg_inputs__province_accounts")
        con.sql(
            "alter table staging.stg_inputs__province_accounts_cut "
            "rename to stg_inputs__province_accounts"
        )
        with pytest.raises(duckdb.Error, match=rf"exp_res.*province 110000.*base year {BASE}"):
            con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def checked_ratio_sql(built_warehouse, compile_dir) -> str:
    """The checked_ratio macro compiled once over a table t(province_code, year, a, b)."""
    tmp = compile_dir
    inline = "select {{ checked_ratio('a', 'b', 'gov') }} as r from t"
    proc = run_dbt(["compile", "--quiet", "--inline", inline], built_warehouse, tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (1.0, 0.0, "denominator b = 0.0"),
        (1.0, -2.0, "denominator b = -2.0"),
        (1.0, None, "denominator b = missing"),
        (None, 2.0, "numerator a = missing"),
    ],
)
def test_checked_ratio_error_names_province_year_indicator(
    checked_ratio_sql, numerator, denominator, shown
):
    with duckdb.connect() as con:
        con.sql("create table t (province_code varchar, year integer, a double, b double)")
        con.execute("insert into t values ('110000', 2010, 3.0, 4.0)")
        assert con.sql(checked_ratio_sql).fetchall() == [(0.75,)]
        con.execute("insert into t values ('110000', 2011, ?, ?)", [numerator, denominator])
        with pytest.raises(duckdb.Error) as excinfo:
            con.sql(checked_ratio_sql).fetchall()
    message = str(excinfo.value)
    assert re.search(r"indicator gov .*province 110000, year 2011", message), message
    assert shown in message, message


# --- the sensitivity switch hp_log_rule = positive_only ------------------------------------


def test_positive_only_rule_drops_exactly_the_years_below_trend(built_warehouse, tmp_path):
    """Default (absolute): ln(100 |trend/cycle|) on all 450 sample rows. `--vars
    {hp_log_rule: positive_only}` leaves exactly the below-trend rows null, agrees above
    trend, and the diagnostics say so."""
    default = query(
        built_warehouse,
        "select province_code, year, exp_res_hp, is_below_hp_trend from marts.panel_dataflow_export"
        " where in_paper_sample",
    )
    db = tmp_path / "positive_only.duckdb"
    proc = run_dbt(
        ["build", "--select", "+fct_export_hp_diagnostics", "--indirect-selection", "cautious"]
        + ["--vars", "{hp_log_rule: positive_only}"],
        db,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    positive = query(
        db,
        "select province_code, year, exp_res_hp, is_below_hp_trend from marts.panel_dataflow_export"
        " where in_paper_sample",
    )
    both = positive.merge(default, on=["province_code", "year"], suffixes=("", "_default"))
    assert len(both) == 450 and both["exp_res_hp_default"].notna().all()
    below = both["is_below_hp_trend"]
    assert (below == both["exp_res_hp"].isna()).all()
    assert below.sum() == 227  # the demo: every row of 2009, 2016, 2020 and 2023 among them
    whole_years = both.groupby("year")["is_below_hp_trend"].all()
    assert {2009, 2016, 2020, 2023} <= set(whole_years[whole_years].index)
    # above trend the two rules agree exactly
    assert_allclose(both.loc[~below, "exp_res_hp"], both.loc[~below, "exp_res_hp_default"], rtol=0)
    diagnostics = query(
        db,
        "select sum(n_usable) as usable, sum(n_below_trend) as below, min(hp_log_rule) as rule "
        "from marts.fct_export_hp_diagnostics where in_paper_sample",
    ).iloc[0]
    assert diagnostics["usable"] == 450 - 227
    assert diagnostics["below"] == 227
    assert diagnostics["rule"] == "positive_only"


def test_an_unknown_log_rule_is_a_compile_error(tmp_path):
    proc = run_dbt(
        ["compile", "--select", "int_export_hp_ratios_logged", "--vars", "{hp_log_rule: abs}"],
        tmp_path / "x.duckdb",
        tmp_path,
    )
    assert proc.returncode != 0
    assert "var hp_log_rule=abs: expected one of positive_only, absolute" in proc.stdout
