"""Every setting changed at once still builds a consistent, fully tested warehouse.

Each dbt var in dbt_project.yml is set to a non-default value in one `dbt build` (all seeds,
models, data tests and unit tests); the build must pass — unit tests pin their own
settings, data tests hold under any setting — and the recorded parameters must say what
was used.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from conftest import run_dbt

pytestmark = pytest.mark.slow

NON_DEFAULT = {
    "index_zero_policy": "limit",
    "index_scope": "per_year",
    "index_subscore_form": "renormalised",
    "index_edge_fill": True,
    "index_pca_components": "first",
    "rd_depreciation": 0.15,
    "rd_growth_method": "log_mean",
    "rd_gestation_lag": 1,
    "spillover_denominator": "gfcf",
    "export_base_year": 2007,
    "hp_lambda": 100,
    "hp_log_rule": "absolute",
    "ftz_by_year": 2018,
}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vars")
    db = tmp / "warehouse.duckdb"
    proc = run_dbt(["build", "--vars", json.dumps(NON_DEFAULT)], db, tmp)
    assert proc.returncode == 0, proc.stdout[-5000:]
    return db


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_index_settings_are_recorded_beside_the_weights(rebuilt):
    assert rows(rebuilt, "select distinct zero_policy, scope from marts.fct_index_weights") == [
        ("limit", "per_year")
    ]
    # per-year scope: one weight set per index and year, each summing to 1
    sums = rows(
        rebuilt,
        "select index_name, year, sum(weight) from marts.fct_index_weights group by all",
    )
    assert len(sums) == (2019 - 2003 + 1) + (2023 - 2009 + 1)
    assert all(abs(total - 1) < 1e-12 for _, _, total in sums)


def test_spillover_parameters_are_recorded(rebuilt):
    recorded = dict(rows(rebuilt, "select parameter, value from marts.dim_spillover_parameters"))
    assert recorded["rd_depreciation"] == "0.15"
    assert recorded["rd_growth_method"] == "log_mean"
    assert recorded["rd_gestation_lag"] == "1"
    assert recorded["spillover_denominator"] == "gfcf"


def test_export_settings_reach_the_panel_and_diagnostics(rebuilt):
    assert rows(
        rebuilt, "select distinct hp_lambda, hp_log_rule from marts.fct_export_hp_diagnostics"
    ) == [(100.0, "absolute")]
    # FTZ by 2018: the 12 provinces of the 2013, 2015, 2017 and 2018 waves (not the 2019 wave)
    assert rows(
        rebuilt,
        "select count(distinct province_code) from marts.panel_dataflow_export "
        "where in_paper_sample and is_ftz_province",
    ) == [(12,)]
    # exp_res is zero exactly in the new base year
    assert rows(
        rebuilt,
        "select count(*) from intermediate.int_exports_rebased where exp_res = 0 and year <> 2007",
    ) == [(0,)]
