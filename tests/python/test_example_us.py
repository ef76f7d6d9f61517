"""The US-states example (Munnell 1970-1986): reference regression, Martin indices, full run.

The Martin indices come from the warehouse's ``marts.fct_martin_resilience`` (dbt, on the
GSP series in the ``martin_series`` layout); :mod:`resilience.oracles.martin` recomputes
them independently in pandas from the formula (the nation = the sum of the states); its
hand-worked case is in ``test_oracles.py``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import example_us
from resilience.example_us import BALTAGI_WITHIN, load_munnell
from resilience.oracles import martin


@pytest.fixture(scope="module")
def munnell():
    return load_munnell()


def test_munnell_panel_is_balanced_48_states_17_years(munnell):
    assert munnell.state.nunique() == 48
    assert sorted(munnell.year.unique()) == list(range(1970, 1987))
    assert len(munnell) == 48 * 17


@pytest.mark.reference
def test_production_function_reproduces_baltagi_within(munnell):
    """Baltagi, Econometric Analysis of Panel Data, Munnell (1990) Produc example, "Within".

    Published (3 decimals; unemp 4): lpcap -0.026 (0.029), lpc 0.292 (0.025),
    lemp 0.768 (0.030), unemp -0.0053 (0.0010). R: plm(log(gsp) ~ log(pcap) + log(pc) +
    log(emp) + unemp, data = Produc, model = "within") prints -0.026150, 0.292007,
    0.768159, -0.005298. Tolerance: half a unit of the last published decimal.
    """
    _, table = example_us.production_function(munnell)
    assert_allclose(table.estimate, BALTAGI_WITHIN.estimate, atol=5e-4)
    assert_allclose(table.std_error, BALTAGI_WITHIN.std_error, atol=5e-4)
    assert_allclose(table.estimate, [-0.026150, 0.292007, 0.768159, -0.005298], atol=5e-6)
    assert table.matches.all()


def martin_oracle(munnell: pd.DataFrame, s: int = 1979, e: int = 1982, r: int = 1986):
    """The oracle's Martin indices of real GSP by state, most resistant first; c_N, v_N."""
    levels = munnell.rename(columns={"state": "unit_id", "gsp": "value"})
    out, c_n, v_n = martin.martin_indices(levels, s, e, r)
    return out.rename_axis("state").sort_values("resistance", ascending=False), c_n, v_n


def test_martin_series_is_the_contract_layout(munnell):
    series = example_us.martin_series(munnell)
    assert list(series.columns) == ["unit_id", "year", "value"]
    assert len(series) == 48 * 17 and not series.duplicated(["unit_id", "year"]).any()
    assert_allclose(series.value, munnell.gsp)


def test_shipped_summary_martin_table_matches_the_oracle(munnell):
    """examples/us_states/output/summary.md: the Martin rows, as printed (3 decimals)."""
    text = (example_us.EXAMPLE_DIR / "output" / "summary.md").read_text()
    table = text.split("## Martin resistance")[1].split("##")[0]
    rows = [line.strip("|").split("|") for line in table.splitlines() if line.startswith("| ")]
    assert [c.strip() for c in rows[0]] == [
        "state", "contraction_change", "resistance", "recovery_change", "recovery",
    ]  # fmt: skip
    printed = pd.DataFrame(
        [[float(c) for c in r[1:]] for r in rows[1:]],
        index=[r[0].strip() for r in rows[1:]],
        columns=["c", "resistance", "v", "recovery"],
    )
    exp, _, _ = martin_oracle(munnell)
    shown = pd.concat([exp.head(3), exp.tail(3)])
    assert list(printed.index) == list(shown.index)
    assert_allclose(printed.values, shown[["c", "resistance", "v", "recovery"]].values, atol=5e-4)


@pytest.fixture(scope="module")
def martin_mart(munnell, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("martin")
    series = tmp / "martin_series.csv"
    example_us.martin_series(munnell).to_csv(series, index=False)
    return example_us.build_martin(series, tmp / "warehouse.duckdb")


@pytest.mark.slow
def test_martin_mart_matches_the_oracle(munnell, martin_mart):
    exp, c_n, v_n = martin_oracle(munnell)
    got = martin_mart.set_index("state")
    assert len(got) == 48 and list(got.index) == list(exp.index)  # most resistant first
    assert_allclose(got.contraction_change_national, c_n, rtol=1e-12)
    assert_allclose(got.recovery_change_national, v_n, rtol=1e-12)
    assert c_n < 0 < v_n  # a national contraction, then growth
    assert_allclose(got.resistance, exp.resistance, rtol=1e-12, atol=1e-12)
    assert_allclose(got.recovery, exp.recovery, rtol=1e-12, atol=1e-12)
    assert (got.series == "martin_series").all()
    assert (
        (got[["shock_start_year", "shock_end_year", "recovery_end_year"]] == [1979, 1982, 1986])
        .all()
        .all()
    )


@pytest.mark.slow
def test_martin_mart_names_the_state_and_year_missing_from_the_window(munnell, tmp_path):
    series = example_us.martin_series(munnell)
    series = series[~((series.unit_id == "NY") & (series.year == 1982))]
    path = tmp_path / "martin_series.csv"
    series.to_csv(path, index=False)
    with pytest.raises(example_us.MartinBuildFailed) as err:
        example_us.build_martin(path, tmp_path / "w.duckdb")
    message = " ".join(str(err.value).split())
    assert (
        "unit NY, year 1982: E (martin_series) is missing in int_martin_series_selected" in message
    )


@pytest.mark.slow
def test_martin_mart_refuses_a_national_change_of_zero(tmp_path):
    # nation 200 -> 200 over 1979-82: c_N = 0, the indices divide by |c_N|
    series = pd.DataFrame(
        {
            "unit_id": ["A"] * 3 + ["B"] * 3,
            "year": [1979, 1982, 1986] * 2,
            "value": [100.0, 110.0, 120.0, 100.0, 90.0, 100.0],
        }
    )
    path = tmp_path / "martin_series.csv"
    series.to_csv(path, index=False)
    with pytest.raises(example_us.MartinBuildFailed) as err:
        example_us.build_martin(path, tmp_path / "w.duckdb")
    assert "the national change of E is exactly 0 in a phase" in " ".join(str(err.value).split())


def test_example_values_file_matches_munnell(munnell):
    """examples/us_states/values.csv (the index input) is derived from the same panel."""
    values = pd.read_csv(example_us.VALUES_CSV)
    wide = values.pivot_table(index=["unit_id", "year"], columns="indicator", values="value")
    data = munnell.set_index(["state", "year"]).loc[wide.index]
    assert_allclose(wide.gsp_per_worker, data.gsp / data.emp, rtol=1e-8)
    assert_allclose(wide.unemployment_rate, data.unemp, rtol=1e-12)


@pytest.mark.slow
def test_example_us_cli_end_to_end(tmp_path):
    from typer.testing import CliRunner

    from resilience.cli import app

    result = CliRunner().invoke(app, ["example-us", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Baltagi" in result.output
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        weights = con.execute(
            "select sum(weight) from marts.fct_index_weights "
            "where index_name = 'us_states_capacity' and year is null"
        ).fetchone()[0]
        n_states = con.execute(
            "select count(distinct unit_id) from marts.fct_index_scores "
            "where index_name = 'us_states_capacity'"
        ).fetchone()[0]
        n_martin = con.execute("select count(*) from marts.fct_martin_resilience").fetchone()[0]
    finally:
        con.close()
    assert np.isclose(weights, 1.0)
    assert n_states == 48 and n_martin == 48
    for name in ("summary.md", "us_capacity_index.png", "us_martin_resilience.png"):
        assert (tmp_path / name).stat().st_size > 1000
