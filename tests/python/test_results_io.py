import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from conftest import query
from resilience import dgp, estimate
from resilience.results import ModelRecord, data_fingerprint, write_results
from resilience.specs import SpecError


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A DuckDB file with the two marts simulated by dgp (same names as the dbt build)."""
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    dataflow = dgp.simulate_dataflow_panel(seed=2, hp_missing=3)
    spillover = dgp.simulate_spillover_panel(seed=2)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.register("dataflow", dataflow)
    con.register("spillover", spillover)
    con.execute("create table marts.panel_dataflow_export as select * from dataflow")
    con.execute("create table marts.panel_spillover_resilience as select * from spillover")
    con.close()
    return path


@pytest.fixture(scope="module")
def run_once(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    return estimate.run(warehouse, out_dir=out), out


def test_run_writes_models_coefficients_tests(run_once, warehouse):
    summary, out = run_once
    models = query(warehouse, "select * from results.models order by model_id")
    assert len(models) == len(summary.models) == 30
    hp = models.set_index("model_id").loc["wl_t3_hp"]
    assert hp["n_obs"] == 447 and hp["n_dropped"] == 3
    assert json.loads(hp["dropped_detail"]) == {"exp_res_hp": 3}
    assert json.loads(hp["spec"])["outcome"] == "exp_res_hp"
    assert summary.dropped["wl_t3_hp"] == 3
    tests = query(warehouse, "select * from results.tests")
    names = set(tests["test_name"])
    assert {
        "hausman",
        "sobel[isu]",
        "cluster_bootstrap_indirect[ted]",
        "permutation_difference[is_ftz_province]",
        "interaction_wald[is_coastal]",
    } <= names
    assert (out / "tables.docx").exists() and (out / "wl_table4.tex").exists()


def test_coefficients_are_exactly_tidy(run_once, warehouse):
    panel = dgp.simulate_dataflow_panel(seed=2, hp_missing=3)
    spec = estimate.load_specs().models["wl_t2_c2"]
    tidy = estimate.fit_model(panel, spec).tidy()
    stored = query(warehouse, "select * from results.coefficients where model_id = 'wl_t2_c2'")
    assert list(stored.columns) == list(tidy.columns)
    stored = stored.set_index("term").loc[tidy["term"]].reset_index()[tidy.columns]
    assert_allclose(
        stored[tidy.columns[2:]].to_numpy(float), tidy[tidy.columns[2:]].to_numpy(float), rtol=1e-12
    )


def test_absorption_rows_are_the_fits_and_described(run_once, warehouse):
    from resilience.results import DESCRIPTIONS, STORED_ABSORPTION_COLUMNS

    stored = query(warehouse, "select * from results.absorption order by model_id, term")
    assert list(stored.columns) == STORED_ABSORPTION_COLUMNS
    assert set(DESCRIPTIONS["absorption"][1]) == set(STORED_ABSORPTION_COLUMNS)
    assert not stored.duplicated(["model_id", "term"]).any()
    panel = dgp.simulate_spillover_panel(seed=2)
    fit = estimate.fit_model(panel, estimate.load_specs().models["ch_t2_m4"])
    mine = stored[stored.model_id == "ch_t2_m4"].set_index("term")
    expected = fit.absorption.set_index("term")
    assert_allclose(mine.loc[expected.index, "share_left"], expected["share_left"], rtol=1e-12)
    assert mine.loc["lnim", "unit_part"] == "ln_im_share"
    assert mine["unit_part"].notna().sum() == 1  # the controls are not declared


def test_rerun_replaces_rows(run_once, warehouse, tmp_path):
    before = query(warehouse, "select count(*) as n from results.coefficients")["n"][0]
    estimate.run(warehouse, tables=["wl_table2"], out_dir=tmp_path)
    after = query(warehouse, "select count(*) as n from results.coefficients")["n"][0]
    assert before == after
    counts = query(warehouse, "select model_id, term, count(*) as n from results.absorption "
                   "group by all")  # fmt: skip
    assert counts["n"].eq(1).all()
    counts = query(warehouse, "select model_id, count(*) as n from results.models group by 1")
    assert counts["n"].eq(1).all()


def test_write_is_one_transaction(tmp_path):
    panel = dgp.simulate_dataflow_panel()
    spec = estimate.load_specs().models["wl_t2_c1"]
    fit = estimate.fit_model(panel, spec)
    record = ModelRecord(fit, spec.to_json(), spec.panel, "abc")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_results(con, [record])
    bad_tests = pd.DataFrame(
        [
            {
                "model_id": "wl_t2_c1",
                "table_id": "t",
                "test_name": "hausman",
                "statistic": "not a number",
                "df": None,
                "p_value": None,
                "detail": "{}",
            }
        ]
    )
    with pytest.raises(duckdb.Error):
        write_results(con, [record], bad_tests)
    n = con.execute("select count(*) from results.models").fetchone()[0]
    assert n == 1  # the failed rewrite was rolled back, the earlier rows are intact
    con.close()


def test_fingerprint_changes_with_any_value():
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})
    other = frame.assign(b=[1.0, 2.0 + 1e-12])
    assert data_fingerprint(frame, ["a", "b"]) != data_fingerprint(other, ["a", "b"])
    assert data_fingerprint(frame, ["a", "b"]) == data_fingerprint(frame.copy(), ["a", "b"])


def test_reads_with_a_closed_read_only_connection(warehouse):
    panels = estimate.read_panels(warehouse, ["marts.panel_dataflow_export"])
    assert len(panels["marts.panel_dataflow_export"]) == 465
    con = duckdb.connect(str(warehouse))  # would fail if a read-only handle were still open
    con.close()
    with pytest.raises(SpecError, match="marts.panel_nothing is not in"):
        estimate.read_panels(warehouse, ["marts.panel_nothing"])


def test_panel_results_to_json():
    panel = dgp.simulate_dataflow_panel()
    fit = estimate.fit_model(panel, estimate.load_specs().models["wl_t2_c2"])
    payload = json.loads(fit.to_json())
    assert payload["nobs"] == 450 and payload["effects"] == "two-way"
    assert np.isclose(payload["coefficients"][1]["estimate"], fit.params.iloc[1])


DEMO_N = {
    "wl_t2_c1": 450,
    "wl_t2_c2": 450,
    "wl_t3_pca": 450,
    "wl_t3_lag1": 420,
    "wl_t3_lag2": 390,
    "wl_t3_excl": 405,
    "wl_t4_isu": 450,
    "wl_t4_ted": 450,
    "wl_t4_cw": 285,
    "wl_t4_ftz": 270,
    "wl_t4_noncoastal": 285,
    "wl_t4_coastal": 165,
}


@pytest.mark.slow
def test_run_on_the_dbt_demo_warehouse(built_warehouse, tmp_path):
    """The whole pipeline on the marts that dbt builds (a copy: the build stays untouched)."""
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(built_warehouse.read_bytes())
    summary = estimate.run(copy, out_dir=tmp_path / "tables")
    models = query(copy, "select * from results.models").set_index("model_id")
    for model_id, n in DEMO_N.items():
        assert models.loc[model_id, "n_obs"] == n, model_id
    hp = models.loc["wl_t3_hp"]
    assert hp["n_obs"] + hp["n_dropped"] == 450  # nulls of exp_res_hp dropped and recorded
    assert set(summary.tables) == {
        "ch_descriptives",
        "wl_descriptives",
        "ch_table2",
        "ch_table2_province_fe",
        "ch_table_robust",
        "wl_table2",
        "wl_table3",
        "wl_table4",
    }
    absorbed = query(copy, "select * from results.absorption").set_index(["model_id", "term"])
    assert absorbed.loc[("ch_t2_m4", "lnim"), "identified_by"].startswith("ln(im_it/im_t) alone")
    assert absorbed.loc[("ch_t2_pfe_m4", "lnim"), "effects"] == "entity"
    assert pd.isna(absorbed.loc[("ch_t2_m4", "lngov"), "identified_by"])


# ---- issue 14: results are written against exactly the marts they were estimated from -----


def _dgp_warehouse(path, seed: int, build_id: str | None):
    """A warehouse of dgp marts; ``build_id`` recorded as resilience build records it."""
    from datetime import UTC, datetime

    from resilience.results import record_build

    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.register("dataflow", dgp.simulate_dataflow_panel(seed=seed, hp_missing=3))
    con.register("spillover", dgp.simulate_spillover_panel(seed=seed))
    con.execute("create table marts.panel_dataflow_export as select * from dataflow")
    con.execute("create table marts.panel_spillover_resilience as select * from spillover")
    if build_id is not None:
        record_build(con, build_id, datetime.now(UTC))
    con.close()
    return path


def _swap_in_between(monkeypatch, db, new_file):
    """Pause estimate between reading the panels and writing: a build swaps its file in."""
    import os

    real = estimate.read_panels

    def paused(db_path, names):
        panels = real(db_path, names)
        os.replace(new_file, db)  # what resilience build does once its tests passed
        return panels

    monkeypatch.setattr(estimate, "read_panels", paused)


def _coefficients(db):
    return query(db, "select model_id, term, estimate from results.coefficients order by 1, 2")


@pytest.mark.parametrize("old_build", ["build-a", None], ids=["recorded", "unrecorded"])
def test_estimate_refuses_when_a_build_swaps_the_marts_in_between(tmp_path, monkeypatch, old_build):
    from resilience.errors import WarehouseRebuilt

    db = _dgp_warehouse(tmp_path / "warehouse.duckdb", seed=2, build_id=old_build)
    _swap_in_between(monkeypatch, db, _dgp_warehouse(tmp_path / "new.duckdb", 3, "build-b"))
    with pytest.raises(WarehouseRebuilt) as err:
        estimate.run(db, tables=["wl_table2"], out_dir=tmp_path / "t")
    assert str(err.value) == (
        f"the warehouse was rebuilt while the models were estimated (marts of build {old_build} "
        "read, build build-b there now); results not written: run resilience estimate again"
    )
    tables = query(db, "select table_name from duckdb_tables() where schema_name = 'results'")
    assert tables.empty  # nothing from the old marts beside the new ones

    monkeypatch.undo()
    estimate.run(db, tables=["wl_table2"], out_dir=tmp_path / "t")
    models = query(db, "select model_id, build_id from results.models order by 1")
    assert models.values.tolist() == [["wl_t2_c1", "build-b"], ["wl_t2_c2", "build-b"]]
    # the stored results are those of the marts beside them (seed 3), not of seed 2
    spec = estimate.load_specs().models["wl_t2_c2"]
    stored = _coefficients(db).query("model_id == 'wl_t2_c2'").set_index("term").estimate
    for seed, same in ((3, True), (2, False)):
        tidy = estimate.fit_model(dgp.simulate_dataflow_panel(seed=seed, hp_missing=3), spec)
        fitted = tidy.tidy().set_index("term").estimate.loc[stored.index]
        assert np.allclose(stored, fitted, rtol=1e-12) is same


def test_estimate_refuses_to_write_while_a_build_is_running(tmp_path):
    from resilience import lock
    from resilience.errors import WarehouseLocked

    db = _dgp_warehouse(tmp_path / "warehouse.duckdb", seed=2, build_id="build-a")
    with lock.build_lock(db.resolve()), pytest.raises(WarehouseLocked, match="is being built by"):
        estimate.run(db, tables=["wl_table2"], out_dir=tmp_path / "t")
    tables = query(db, "select table_name from duckdb_tables() where schema_name = 'results'")
    assert tables.empty


def test_report_says_when_results_are_older_than_the_marts(tmp_path):
    from datetime import UTC, datetime

    from resilience import report
    from resilience.results import record_build

    db = _dgp_warehouse(tmp_path / "warehouse.duckdb", seed=2, build_id="build-a")
    estimate.run(db, tables=["wl_table2"], out_dir=tmp_path / "t")
    fresh = report.write_report(db, tmp_path / "fresh.html")
    assert not [n for n in fresh.notes if "earlier build" in n]
    with duckdb.connect(str(db)) as con:  # a rebuild carries the results over
        record_build(con, "build-b", datetime.now(UTC))
    stale = report.write_report(db, tmp_path / "stale.html")
    assert (
        "Regression tables: 2 of 2 models were estimated from the marts of an earlier build, not "
        "from the marts beside them (build build-b): their results are older than the data; run "
        "`resilience estimate` again"
    ) in stale.notes


# ------------------------------------------------------------------ typed results.tests ------
def test_stored_tests_carry_typed_columns(run_once, warehouse):
    """Each written row's family, variant, flag and mediator, as the estimators set them."""
    tests = query(warehouse, "select * from results.tests")
    by_name = tests.drop_duplicates("test_name").set_index("test_name")
    expected = {  # test_name: (family, variant, flag, mediator), worked from the specs
        "hausman": ("hausman", None, None, None),
        "hausman_named_sigmamore": ("hausman", "named_sigmamore", None, None),
        "sobel[isu]": ("sobel", None, None, "isu"),
        "cluster_bootstrap_indirect[ted]": ("cluster_bootstrap_indirect", None, None, "ted"),
        "permutation_difference[is_ftz_province]": (
            "permutation_difference", None, "is_ftz_province", None,
        ),
        "interaction_wald[is_coastal]": ("interaction_wald", None, "is_coastal", None),
    }  # fmt: skip
    for name, typed in expected.items():
        row = by_name.loc[name, ["family", "variant", "flag", "mediator"]]
        assert tuple(None if pd.isna(v) else v for v in row) == typed, name
    assert tests["family"].notna().all()
    complements = query(
        warehouse,
        "select model_id, base_model_id, flag from results.models where role = 'complement group'",
    )
    assert len(complements) > 0
    assert (complements.model_id == complements.base_model_id + "_complement").all()
    assert complements.flag.str.startswith("is_").all()


def test_test_kind_names_and_refusals():
    from resilience.results import FAMILIES, TestKind

    assert TestKind("hausman").test_name == "hausman"
    assert TestKind("hausman", "named_sigmamore").test_name == "hausman_named_sigmamore"
    assert TestKind("wild_bootstrap", "webb").test_name == "wild_bootstrap_webb"
    assert TestKind("sobel", mediator="isu").test_name == "sobel[isu]"
    assert (
        TestKind("interaction_wald", flag="is_coastal").test_name == "interaction_wald[is_coastal]"
    )
    for family, (about, variants) in FAMILIES.items():  # every kind reads back from its name
        for variant in variants:
            extra = {about: "x"} if about else {}
            kind = TestKind(family, variant, **extra)
            assert TestKind.from_test_name(kind.test_name) == kind
    with pytest.raises(ValueError, match="unknown test family 'chow'"):
        TestKind("chow")
    with pytest.raises(ValueError, match="has no variant 'webb'"):
        TestKind("hausman", "webb")
    with pytest.raises(ValueError, match="is about a mediator"):
        TestKind("sobel")
    with pytest.raises(ValueError, match="is about a flag"):
        TestKind("interaction_wald", mediator="isu")
    with pytest.raises(ValueError, match="neither a flag nor a mediator"):
        TestKind("hausman", flag="is_coastal")
    with pytest.raises(ValueError, match="unknown test_name 'x'"):
        TestKind.from_test_name("x")


def test_rows_of_an_older_version_are_typed_on_read_and_on_rewrite(tmp_path):
    """A warehouse whose results.tests and results.models predate the typed columns."""
    from resilience.results import stored_tests, typed_models, typed_tests

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema results")
    con.execute(
        "create table results.tests (model_id varchar, table_id varchar, test_name varchar, "
        "statistic double, df double, p_value double, detail json)"
    )
    con.execute(
        "insert into results.tests values ('m', 't', 'permutation_difference[is_coastal]', "
        '0.5, null, 0.04, \'{"permutation": {"n_perm": 99}}\'), '
        "('m', 't', 'hausman_sigmamore', 12.5, 3, 0.006, '{\"compare\": \"shared\"}')"
    )
    old = con.execute("select * from results.tests").df()
    typed = typed_tests(old)
    assert typed[["family", "flag"]].values.tolist() == [
        ["permutation_difference", "is_coastal"],
        ["hausman", None],
    ]
    stored = stored_tests(old)
    assert stored[1].kind.variant == "sigmamore" and stored[1].pvalue == 0.006
    assert stored[1].df == 3 and stored[1].detail == {"compare": "shared"}
    assert stored[0].statistic == 0.5 and stored[0].detail["permutation"]["n_perm"] == 99
    models = pd.DataFrame(
        {
            "model_id": ["m", "m_complement"],
            "spec": ["{}", json.dumps({"model_id": "m", "role": "complement group", "flag": "f"})],
        }
    )
    filled = typed_models(models)
    assert filled.role.tolist()[1] == "complement group" and filled.role.isna().tolist()[0]
    assert filled.base_model_id.tolist()[1] == "m" and filled.flag.tolist()[1] == "f"
    from resilience.results import ensure_schema

    ensure_schema(con)  # an older table gains the columns, its rows kept
    columns = {r[0] for r in con.execute("describe results.tests").fetchall()}
    assert {"family", "variant", "flag", "mediator"} <= columns
    assert con.execute("select count(*) from results.tests").fetchone()[0] == 2
    con.close()
