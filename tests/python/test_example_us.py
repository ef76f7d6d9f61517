"""The US-states example (Munnell 1970-1986): reference regression, Martin indices, full run."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import example_us
from resilience.example_us import BALTAGI_WITHIN, load_munnell, martin_indices


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


def test_martin_indices_hand_worked():
    # two states; nation = A + B: 200 -> 180 (-10%) -> 216 (+20%)
    frame = pd.DataFrame(
        {
            "state": ["A"] * 3 + ["B"] * 3,
            "year": [1979, 1982, 1986] * 2,
            "gsp": [100.0, 95.0, 114.0, 100.0, 85.0, 102.0],
        }
    )
    out = martin_indices(frame).set_index("state")
    # A: -5% vs -10% -> (−0.05 + 0.10)/0.10 = 0.5 ; recovery +20% vs +20% -> 0
    # B: -15% -> (−0.15 + 0.10)/0.10 = −0.5 ; recovery 102/85 − 1 = 0.2 -> 0
    assert_allclose(out.loc["A", ["resistance", "recovery"]], [0.5, 0.0], atol=1e-12)
    assert_allclose(out.loc["B", ["resistance", "recovery"]], [-0.5, 0.0], atol=1e-12)
    assert list(out.index) == ["A", "B"]  # most resistant first


def test_martin_indices_missing_window_year_is_named():
    frame = pd.DataFrame({"state": ["A", "A"], "year": [1979, 1982], "gsp": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"year\(s\) \[1986\]"):
        martin_indices(frame)


def test_martin_recession_is_a_contraction_nationally(munnell):
    out = martin_indices(munnell)
    assert out.contraction_change_national.iloc[0] < 0 < out.recovery_change_national.iloc[0]
    assert len(out) == 48


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
        n_martin = con.execute("select count(*) from example.martin_resilience").fetchone()[0]
    finally:
        con.close()
    assert np.isclose(weights, 1.0)
    assert n_states == 48 and n_martin == 48
    for name in ("summary.md", "us_capacity_index.png", "us_martin_resilience.png"):
        assert (tmp_path / name).stat().st_size > 1000
