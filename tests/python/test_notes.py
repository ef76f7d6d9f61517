"""Table notes that name a parameter say the value the marts were built with (issue 15).

A note in a spec writes ``{hp_lambda}``; ``resilience estimate`` and the report fill it from
``marts.dim_build_settings`` (one row per typed var, written by dbt through typed_var).
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
import yaml

from conftest import PROJECT_ROOT, run_dbt
from resilience import estimate
from resilience.specs import SpecError, load_specs, with_settings


def test_a_note_is_filled_from_the_settings():
    specs = with_settings(
        load_specs(None),
        {"hp_lambda": "100.0", "hp_log_rule": "positive_only", "ftz_by_year": "2017"},
    )
    assert "(smoothing 100.0), log rule positive_only" in specs.tables["wl_table3"].notes[0]
    assert specs.tables["wl_table4"].notes[-1] == (
        "(4): provinces with a pilot free trade zone by 2017."
    )


def test_a_note_naming_no_var_of_the_build_is_refused():
    with pytest.raises(SpecError, match=r"\{hp_lambda\} is not a var of the build"):
        with_settings(load_specs(None), {"ftz_by_year": "2019"})


def test_a_warehouse_without_settings_says_so_instead_of_guessing():
    specs = with_settings(load_specs(None), {})
    assert "(smoothing <hp_lambda not recorded>)" in specs.tables["wl_table3"].notes[0]


@pytest.mark.slow
def test_the_settings_mart_holds_every_typed_var_at_its_build_value(built_warehouse):
    rules = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        got = dict(
            con.execute("select var_name, value_text from marts.dim_build_settings").fetchall()
        )
    assert set(got) == set(rules["var_rules"])
    assert got["hp_lambda"] == "6.25" and got["ftz_by_year"] == "2019"
    assert got["index_edge_fill"] == "false" and got["rd_depreciation"] == "0.1"


@pytest.mark.slow
def test_a_table_note_follows_a_changed_var(built_warehouse, tmp_path):
    """Before: lambda = 100 still printed "smoothing 6.25" (fixed text in the spec)."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_warehouse, db)
    proc = run_dbt(
        ["build", "--select", "dim_build_settings", "--vars", "{hp_lambda: 100, ftz_by_year: 2017}"],
        db, tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    estimate.run(db, tables=["wl_table3", "wl_table4"], out_dir=tmp_path / "tables")
    table3 = (tmp_path / "tables" / "wl_table3.md").read_text()
    table4 = (tmp_path / "tables" / "wl_table4.md").read_text()
    assert "(smoothing 100.0)" in table3 and "6.25" not in table3
    assert "pilot free trade zone by 2017." in table4
