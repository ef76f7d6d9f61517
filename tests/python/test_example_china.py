"""The China real-data example: inputs, index and R&D stocks of partners and provinces
against independent oracles, the skip list against dbt's own graph, REAL DATA labels, the
report in headless Chromium.

Oracles: :func:`resilience.oracles.entropy.entropy_index` (numpy) fed the test's own long values
(ratios recomputed here from the yearbook import, not read from the example's files or
intermediates) and :func:`resilience.oracles.perpetual_inventory.perpetual_inventory` (for the provinces fed the
yearbook's R&D totals as imported and China's CPI of :func:`resilience.worldbank.convert`,
rebuilt here); the skip list against ``dbt ls`` on the sources of the three missing inputs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import example_china, worldbank, yearbook
from resilience.oracles import entropy, perpetual_inventory
from resilience.paths import DBT, PROJECT_ROOT
from test_report import CHROMIUM, CHROMIUM_FLAGS

PROVINCES = example_china.province_codes()
YEARS = range(2010, 2024)


def test_derive_ratios_hand_worked():
    # unit A: FTE 200 (researchers 50 -> 0.25; basic research 20 -> 0.1); expenditure 1000
    # -> 5 per FTE, enterprise funds 700 -> 0.7; applications 10 (invention 4 -> 0.4);
    # invention grants 3 -> 10000 * 3 / 200 = 150 per 10k FTE.
    # unit B: FTE 0 and applications 0 -> every ratio over them missing (not inf);
    # enterprise funds missing -> its share missing (a missing part stays missing).
    a = [200.0, 50.0, 20.0, 1000.0, 700.0, 10.0, 4.0, 3.0]
    b = [0.0, 0.0, 0.0, 10.0, np.nan, 0.0, 0.0, 1.0]
    names = [
        "rd_personnel_fte_total", "rd_personnel_fte_researchers",
        "rd_personnel_fte_basic_research", "rd_expenditure_total", "rd_expenditure_enterprises",
        "patent_applications_total", "patent_applications_invention", "patent_grants_invention",
    ]  # fmt: skip
    long = pd.DataFrame(
        {"unit_id": ["A"] * 8 + ["B"] * 8, "indicator": names * 2, "value": a + b, "year": 2010}
    )
    out = example_china.derive_ratios(long, ["A", "B"])
    got = out[out.year == 2010].set_index(["unit_id", "indicator"])["value"]
    expected_a = {
        "rd_expenditure_per_fte": 5.0,
        "researcher_share_fte": 0.25,
        "basic_research_share_fte": 0.1,
        "enterprise_share_rd_funds": 0.7,
        "invention_share_applications": 0.4,
        "invention_grants_per_10k_fte": 150.0,
    }
    assert set(expected_a) == set(example_china.RATIOS)
    for name, value in expected_a.items():
        assert got[("A", name)] == pytest.approx(value, rel=1e-15), name
        assert np.isnan(got[("B", name)]), name
    assert out.year.nunique() == len(YEARS)  # every year of the sample, missing where absent
    assert out[out.year == 2011].value.isna().all()


@pytest.fixture(scope="module")
def imports():
    return yearbook.import_yearbook([example_china.YEARBOOK_DIR])


def test_misprint_is_reported_and_not_imported(imports):
    misprints = [c for r in imports for c in r.reported if c.reason == yearbook.R_NOT_A_NUMBER]
    assert [(c.row, c.column, c.text) for c in misprints] == [(12, "E", "368633!")]
    assert misprints[0].file.endswith("rd_expenditure_by_source/2012.xls")
    long = example_china.yearbook_long(imports)
    cell = long[
        (long.unit_id == "110000")
        & (long.year == 2012)
        & (long.indicator == "rd_expenditure_enterprises")
    ]
    assert cell.empty


def test_index_values_are_balanced_with_one_missing_cell(imports):
    system = pd.read_csv(example_china.SYSTEM_CSV, dtype=str)
    values = example_china.index_values(example_china.yearbook_long(imports), system, PROVINCES)
    assert len(values) == 31 * 14 * 10
    assert not values.duplicated(["unit_id", "year", "indicator"]).any()
    missing = values[values.value.isna()]
    assert missing[["unit_id", "year", "indicator"]].values.tolist() == [
        ["110000", 2012, "enterprise_share_rd_funds"]
    ]
    assert values.unit.notna().all()


def test_indicator_system_is_documented():
    system = pd.read_csv(example_china.SYSTEM_CSV)
    assert list(system.columns) == [
        "index_name", "dimension", "indicator", "direction", "unit", "description"
    ]  # fmt: skip
    assert set(system.dimension) == {"input", "structure", "output", "efficiency"}
    assert set(system.direction) == {"+"}
    assert system.description.str.len().min() > 80
    for name, (num, den, _, unit) in example_china.RATIOS.items():
        row = system.set_index("indicator").loc[name]
        assert num in row.description and den in row.description, name
        assert row.unit == unit


def test_partner_countries_are_the_seed_plus_china():
    partners = example_china.partner_countries()
    seed = pd.read_csv(PROJECT_ROOT / "seeds/reference/partner_countries.csv", dtype=str)
    assert partners.country_code.tolist() == [*seed.country_code, "CHN"]
    assert partners.set_index("country_code").loc["CHN", "is_region"] == "false"


# ---------------------------------------------------------------- the full run -------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """`resilience example-china --out-dir DIR` once for the slow tests below."""
    from typer.testing import CliRunner

    from resilience.cli import app

    out = tmp_path_factory.mktemp("china_real")
    result = CliRunner().invoke(app, ["example-china", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "REAL DATA" in result.output
    return out


def query(run_dir, sql: str, params=()) -> pd.DataFrame:
    con = duckdb.connect(str(run_dir / "china_real.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def oracle_values(imports) -> pd.DataFrame:
    """The index's long values recomputed here: levels as imported, ratios by numpy."""
    long = pd.concat([r.long for r in imports])
    cube = long.pivot_table(index=["unit_id", "year"], columns="indicator", values="value")
    cube = cube.reindex(pd.MultiIndex.from_product([PROVINCES, YEARS]))
    c = {k: cube[k].to_numpy(float) for k in cube.columns}
    fte = c["rd_personnel_fte_total"]
    derived = {
        "rd_personnel_fte_total": fte,
        "rd_expenditure_total": c["rd_expenditure_total"],
        "rd_expenditure_per_fte": c["rd_expenditure_total"] / fte,
        "researcher_share_fte": c["rd_personnel_fte_researchers"] / fte,
        "basic_research_share_fte": c["rd_personnel_fte_basic_research"] / fte,
        "enterprise_share_rd_funds": c["rd_expenditure_enterprises"] / c["rd_expenditure_total"],
        "patent_applications_total": c["patent_applications_total"],
        "patent_grants_invention": c["patent_grants_invention"],
        "invention_share_applications": c["patent_applications_invention"]
        / c["patent_applications_total"],
        "invention_grants_per_10k_fte": 1e4 * c["patent_grants_invention"] / fte,
    }
    frames = [
        pd.DataFrame({"province_code": cube.index.get_level_values(0),
                      "year": cube.index.get_level_values(1), "indicator": k, "value": v})
        for k, v in derived.items()
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


@pytest.mark.slow
def test_values_file_equals_the_oracle_values(run_dir, imports):
    ours = pd.read_csv(run_dir / "inputs/indicator_values.csv", dtype={"unit_id": str})
    theirs = oracle_values(imports).rename(columns={"province_code": "unit_id"})
    merged = ours.merge(theirs, on=["unit_id", "year", "indicator"], how="outer")
    assert len(merged) == len(ours) == len(theirs) == 4340
    assert (merged.value_x.isna() == merged.value_y.isna()).all()
    assert_allclose(merged.value_x, merged.value_y, rtol=1e-13)


@pytest.mark.slow
def test_index_matches_numpy_entropy_oracle(run_dir, imports):
    system = pd.read_csv(example_china.SYSTEM_CSV)
    oracle = entropy.entropy_index(
        oracle_values(imports).rename(columns={"province_code": "unit_id"}),
        system,
        index_name="innovation",
        first_year=2010,
        last_year=2023,
    )
    weights = query(
        run_dir,
        "select indicator, entropy, weight from marts.fct_index_weights "
        "where index_name = 'innovation' and year is null",
    ).merge(oracle.weights, on="indicator", suffixes=("", "_oracle"))
    assert len(weights) == 10
    assert_allclose(weights.weight, weights.weight_oracle, atol=1e-9)
    assert_allclose(weights.entropy, weights.entropy_oracle, atol=1e-9)
    scores = query(
        run_dir,
        "select unit_id, year, score from marts.fct_index_scores "
        "where index_name = 'innovation' and dimension = 'total'",
    ).merge(oracle.scores[oracle.scores.dimension == "total"], on=["unit_id", "year"])
    assert len(scores) == 31 * 14
    assert_allclose(scores.score_x, scores.score_y, atol=1e-9)
    flagged = query(
        run_dir,
        "select indicator, n_interpolated from marts.fct_index_indicator_diagnostics "
        "where index_name = 'innovation' and n_interpolated > 0",
    )
    assert flagged.values.tolist() == [["enterprise_share_rd_funds", 1]]  # Beijing 2012


@pytest.mark.slow
def test_rd_stocks_match_pim_oracle_for_22_economies(run_dir):
    macro = pd.read_csv(run_dir / "inputs/partner_macro.csv")
    oracle = perpetual_inventory.perpetual_inventory(
        macro, base_year=2003, delta=0.10, growth_last_year=2019
    )
    stocks = query(
        run_dir,
        "select economy_code as country_code, year, rd_stock from marts.fct_rd_capital_stocks "
        "where economy_kind = 'country'",
    )
    merged = stocks.merge(oracle, on=["country_code", "year"], how="outer", suffixes=("", "_o"))
    assert merged.country_code.nunique() == 22 and "CHN" in set(merged.country_code)
    assert len(merged) == len(stocks) == len(oracle) == 22 * 19  # 2003-2021
    assert_allclose(merged.rd_stock, merged.rd_stock_o, rtol=1e-9)


def province_rd_oracle(imports) -> pd.DataFrame:
    """province_rd rebuilt here: yearbook R&D totals as imported, CHN CPI of the WB conversion."""
    long = pd.concat([r.long for r in imports])
    rd = long[(long.indicator == "rd_expenditure_total") & long.year.between(2010, 2023)]
    macro = worldbank.convert(example_china.WORLD_BANK_DIR, first_year=2003, last_year=2023).macro
    cpi = macro.loc[macro.country_code == "CHN", ["year", "cpi"]]
    frame = rd.merge(cpi, on="year")  # the years both have
    return pd.DataFrame(
        {
            "province_code": frame.unit_id.astype(str),
            "year": frame.year.astype(int),
            "rd_expenditure_cny_10k": frame.value.astype(float),
            "price_index": frame.cpi.astype(float),
        }
    )


@pytest.mark.slow
def test_province_rd_file_is_yearbook_rd_with_the_national_cpi(run_dir, imports):
    ours = pd.read_csv(run_dir / "inputs/province_rd.csv", dtype={"province_code": str})
    theirs = province_rd_oracle(imports)
    merged = ours.merge(theirs, on=["province_code", "year"], how="outer", validate="1:1")
    assert len(merged) == len(ours) == 31 * 12  # 2010-2021: the CPI ends in 2021
    assert sorted(merged.year.unique()) == list(range(2010, 2022))
    assert_allclose(merged.rd_expenditure_cny_10k_x, merged.rd_expenditure_cny_10k_y, rtol=0)
    assert_allclose(merged.price_index_x, merged.price_index_y, rtol=1e-15)
    assert merged.groupby("year").price_index_x.nunique().eq(1).all()  # one deflator a year


@pytest.mark.slow
def test_province_stocks_match_pim_oracle_for_31_provinces(run_dir, imports):
    """The same SQL models as the partners', against the independent PIM in Python."""
    frame = province_rd_oracle(imports).rename(
        columns={
            "province_code": "country_code",
            "rd_expenditure_cny_10k": "rd_expenditure_usd_mn",  # the oracle's column names
            "price_index": "cpi",
        }
    )
    oracle = perpetual_inventory.perpetual_inventory(
        frame, base_year=2010, delta=0.10, growth_last_year=2019
    )
    stocks = query(
        run_dir,
        "select economy_code as country_code, year, currency_unit, base_year, growth_rate, "
        "rd_real, rd_stock from marts.fct_rd_capital_stocks where economy_kind = 'province'",
    )
    merged = stocks.merge(oracle, on=["country_code", "year"], how="outer", suffixes=("", "_o"))
    assert merged.country_code.nunique() == 31
    assert len(merged) == len(stocks) == len(oracle) == 31 * 12  # 2010-2021
    assert (merged.currency_unit == "cny_10k").all() and (merged.base_year == 2010).all()
    assert_allclose(merged.rd_real, merged.rd_real_o, rtol=1e-12)
    assert_allclose(merged.growth_rate, merged.growth_rate_o, rtol=1e-9)
    assert_allclose(merged.rd_stock, merged.rd_stock_o, rtol=1e-9)


@pytest.mark.slow
def test_provinces_leave_partner_stocks_bit_identical(run_dir, tmp_path):
    """A build of the same inputs without province_rd gives the very same partner rows."""
    from resilience import build

    folder = tmp_path / "inputs"
    shutil.copytree(run_dir / "inputs", folder)
    (folder / "province_rd.csv").unlink()
    db = tmp_path / "partners_only.duckdb"
    build.build(
        db_path=db, inputs_dir=folder, var_overrides=example_china.VAR_OVERRIDES
    ).raise_for_status()
    sql = "select * exclude (economy_kind) from marts.fct_rd_capital_stocks "
    with duckdb.connect(str(db), read_only=True) as con:
        alone = con.execute(sql + "order by 1, 3").df()  # economy_code, year
    both = query(run_dir, sql + "where economy_kind = 'country' order by 1, 3")
    assert len(alone) == len(both) == 22 * 19
    pd.testing.assert_frame_equal(alone, both, check_exact=True)


@pytest.mark.slow
def test_skip_list_is_exactly_downstream_of_the_missing_inputs(run_dir, tmp_path):
    selectors = [f"source:resilience_warehouse.inputs.{n}+" for n in example_china.MISSING_INPUTS]
    env = {**os.environ, "RESILIENCE_DB": str(tmp_path / "china_ls.duckdb")}
    listed = subprocess.run(
        [DBT, "ls", "--resource-type", "model", "--output", "name", "--select", *selectors,
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--quiet"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    expected = set(listed.stdout.split())
    status = json.loads((run_dir / "china_real.last_build.json").read_text())
    skipped = status["skipped_models"]
    assert set(skipped) == set(example_china.MISSING_INPUTS)
    assert {m for models in skipped.values() for m in models} == expected
    built = set(query(run_dir, "select table_name from information_schema.tables").table_name)
    assert not built & expected
    assert {"fct_rd_capital_stocks", "fct_index_scores", "fct_index_weights"} <= built
    summary = (run_dir / "summary.md").read_text()
    assert all(m in summary for m in expected)


@pytest.mark.slow
def test_summary_and_report_say_real_data_and_name_the_sources(run_dir):
    inputs = query(run_dir, "select input_name, is_synthetic_demo from marts.dim_input_files")
    assert not inputs.is_synthetic_demo.any()
    for name in ("summary.md", "report.html"):
        text = (run_dir / name).read_text()
        assert "REAL DATA" in text and "SYNTHETIC" not in text, name
        for source in ("huhuaping/techme", "MIT", "NBS", "MOST", "CC BY 4.0", "datasets/gdp",
                       "datasets/cpi", "ODC-PDDL"):  # fmt: skip
            assert source in text, (name, source)
        assert "368633!" in text and "30 GERD shares" in text and "inflation" in text
        assert "not computed" not in text
        assert "national CPI as every province" in text and "10,000 yuan at 2010 prices" in text
    page = (run_dir / "report.html").read_text()
    assert 'id="synthetic-banner"' not in page and 'id="real-data-banner"' in page


@pytest.mark.slow
def test_small_base_note_matches_the_data(run_dir):
    """The summary's claim about Tibet in 2010 is what the data and the scores say."""
    values = pd.read_csv(run_dir / "inputs/indicator_values.csv", dtype={"unit_id": str})
    wide = values[values.year == 2010].pivot(index="unit_id", columns="indicator", values="value")
    ranks = wide.rank(ascending=False).loc["540000"]
    assert ranks.basic_research_share_fte == 1 and ranks.invention_share_applications == 3
    assert (ranks[["rd_personnel_fte_total", "patent_applications_total"]] == 31).all()
    scores = query(
        run_dir,
        "select unit_id, score from marts.fct_index_scores where index_name = 'innovation' "
        "and dimension = 'total' and year = 2010",
    ).set_index("unit_id")["score"]
    assert int(scores.rank(ascending=False)["540000"]) == 8
    assert 1200 < wide.loc["540000", "rd_personnel_fte_total"] < 1400
    assert wide.loc["540000", "patent_applications_total"] == 162


@pytest.mark.slow
def test_report_renders_in_headless_chromium(run_dir, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    page = run_dir / "report.html"
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    for section in ("real-data", "build", "weights", "ranking", "regional", "rank-changes",
                    "rd-stocks", "province-rd-stocks", "quality"):  # fmt: skip
        assert f'<section id="{section}">' in rendered, section
    source = page.read_text()
    assert rendered.count("<img") == source.count("<img") >= 8
    assert len(re.findall(r'src="data:image/png;base64,', rendered)) == rendered.count("<img")
    assert "REAL DATA" in rendered


def test_cli_lists_example_china_with_help():
    from typer.testing import CliRunner

    from resilience.cli import app

    top = CliRunner().invoke(app, ["--help"])
    assert top.exit_code == 0 and "example-china" in top.output
    own = CliRunner().invoke(app, ["example-china", "--help"])
    assert own.exit_code == 0 and "--out-dir" in own.output and "REAL DATA" in own.output
