import textwrap

import pandas as pd
import pytest

from resilience import dgp
from resilience.estimate import model_frame
from resilience.specs import SpecError, load_specs, shipped_spec_paths

EXPECTED_N = {
    "wl_t2_c1": 450,
    "wl_t2_c2": 450,
    "wl_t3_pca": 450,
    "wl_t3_lag1": 420,
    "wl_t3_lag2": 390,
    "wl_t3_excl": 405,
    "wl_t3_hp": 450,
    "wl_t4_isu": 450,
    "wl_t4_ted": 450,
    "wl_t4_cw": 285,
    "wl_t4_ftz": 270,
    "wl_t4_noncoastal": 285,
    "wl_t4_coastal": 165,
}


def write(tmp_path, text):
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text))
    return path


GOOD = """
defaults: {panel: marts.p, effects: two-way}
models:
  m1: {outcome: y, regressors: [x], controls: [w]}
tables:
  t1: {columns: [m1]}
"""


def test_shipped_specs_load():
    specs = load_specs()
    assert {p.name for p in shipped_spec_paths()} == {"chen.yaml", "wang_lu.yaml"}
    assert set(specs.tables) == {
        "ch_table2",
        "ch_table2_province_fe",
        "ch_table_robust",
        "wl_table2",
        "wl_table3",
        "wl_table4",
    }
    assert specs.hausman == ("ch_t2_m2", "ch_t2_m3", "ch_t2_m4")
    assert specs.models["wl_t2_c2"].cov.kind == "clustered"
    assert specs.mediation["wl_med_isu"].n_boot == 5000
    assert specs.heterogeneity["wl_het_ftz"].n_perm == 1000


def test_demo_sample_sizes_of_the_wang_lu_specs():
    panel = dgp.simulate_dataflow_panel()
    specs = load_specs()
    for model_id, n in EXPECTED_N.items():
        spec = specs.models[model_id]
        frame = model_frame(panel, spec)
        used = frame[[spec.outcome, *spec.terms]].dropna()
        assert len(used) == n, model_id


def test_user_file_terms_and_formula(tmp_path):
    specs = load_specs(write(tmp_path, GOOD))
    model = specs.models["m1"]
    assert model.terms == ("x", "w")
    assert model.formula == "y ~ x + w + EntityEffects + TimeEffects"
    assert specs.table_of("m1") == "t1" and specs.column_label("m1") == "(1)"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("effects: twoway", r"model 'm1', key 'effects': 'twoway' is not one of"),
        ("cov: sandwich", r"model 'm1', key 'cov'"),
        ("regressors: []", r"model 'm1', key 'regressors': is required"),
        ("lags: {x: 1}", r"model 'm1', key 'lags': unknown key"),  # lags are SQL columns
        ("colour: red", r"model 'm1', key 'colour': unknown key"),
    ],
)
def test_errors_name_model_and_key(tmp_path, bad, message):
    text = GOOD.replace("controls: [w]}", "controls: [w], " + bad + "}")
    with pytest.raises(SpecError, match=message):
        load_specs(write(tmp_path, text))


def test_missing_outcome_and_unknown_table_column(tmp_path):
    with pytest.raises(SpecError, match="model 'm1', key 'outcome'"):
        load_specs(write(tmp_path, GOOD.replace("outcome: y, ", "")))
    with pytest.raises(SpecError, match="table 't1', key 'columns': column 1 names unknown"):
        load_specs(write(tmp_path, GOOD.replace("columns: [m1]", "columns: [m9]")))


def test_bad_sample_query_names_model(tmp_path):
    specs = load_specs(
        write(tmp_path, GOOD.replace("controls: [w]}", "controls: [w], sample: 'no_such_flag'}"))
    )
    frame = pd.DataFrame({"province_code": ["a"], "year": [1], "x": [1.0]})
    with pytest.raises(SpecError, match="model 'm1', key 'sample'"):
        model_frame(frame, specs.models["m1"])


def test_duplicate_ids_across_files(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(SpecError, match="'m1' is defined in two spec files"):
        load_specs([path, path])
